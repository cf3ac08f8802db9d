// A small Markdown renderer for catalogue readmes that builds DOM nodes and never parses HTML:
// every piece of text becomes a text node, so a readme cannot inject markup or script whatever
// it holds (raw HTML shows as the literal text it is). It knows the subset readmes use:
// headings, paragraphs, bullet and numbered lists, fenced code blocks, inline code, bold and
// links; a link is made only for http and https targets.
import { h } from "./dom";

/// A readme as a `<div class="markdown">`; `testId` for tests.
export function markdown(text: string, testId?: string): HTMLElement {
  const root = h("div", { class: "markdown", "data-testid": testId });
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let paragraph: string[] = [];
  let list: HTMLElement | null = null;

  const flushParagraph = (): void => {
    if (paragraph.length > 0) root.append(h("p", {}, ...inline(paragraph.join(" "))));
    paragraph = [];
  };
  const endBlocks = (): void => {
    flushParagraph();
    list = null;
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const fence = /^\s*```/.exec(line);
    if (fence) {
      endBlocks();
      const code: string[] = [];
      for (index++; index < lines.length && !/^\s*```/.test(lines[index]); index++) code.push(lines[index]);
      root.append(h("pre", {}, h("code", {}, code.join("\n"))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      endBlocks();
      // Readme headings sit under the card's own title (an h4).
      root.append(h("h5", {}, ...inline(heading[2])));
      continue;
    }
    const item = /^\s*(?:[-*+]|(\d+)[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      const ordered = item[1] !== undefined;
      if (!list || (list.tagName === "OL") !== ordered) {
        list = h(ordered ? "ol" : "ul", {});
        root.append(list);
      }
      list.append(h("li", {}, ...inline(item[2])));
      continue;
    }
    if (line.trim() === "") {
      endBlocks();
      continue;
    }
    list = null;
    paragraph.push(line.trim());
  }
  endBlocks();
  return root;
}

/// Whether `href` may become a link: web targets only (no `javascript:`, `data:`...).
export function safeHref(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/// Inline spans of `text`: `code`, **bold**, [text](url); the rest text.
export function inline(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) nodes.push(document.createTextNode(text.slice(last, at)));
    const [whole, code, bold, label, href] = match;
    if (code !== undefined) nodes.push(h("code", {}, code));
    else if (bold !== undefined) nodes.push(h("strong", {}, bold));
    else if (label !== undefined && href !== undefined && safeHref(href)) {
      nodes.push(h("a", { href, target: "_blank", rel: "noopener noreferrer" }, label));
    } else nodes.push(document.createTextNode(whole));
    last = at + whole.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}
