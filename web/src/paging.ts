// A list the server pages: the list RPCs take `page_size` and an opaque `page_token` and answer
// `next_page_token` and `total_size`. The pager remembers the tokens of the pages already seen
// (the server's tokens are opaque, so "previous" is a step back through them) and starts over
// when the filter or the page size changes.
import { attempt, h } from "./dom";
import { num, t } from "./i18n";

/// The paging fields every list response of the control plane carries.
export interface PageAnswer {
  nextPageToken: string;
  totalSize: bigint;
}

export interface Pager {
  element: HTMLElement;
  /// Fetches the current page again (after a write); `fromStart` goes back to the first page
  /// (after a filter changed).
  reload(fromStart?: boolean): Promise<void>;
}

const PAGE_SIZES = [10, 25, 50, 100];

/// `fetchPage` asks the server for one page; `render` draws it; `count` says how many rows it
/// holds. `testId` names the controls (`<testId>-next`, `-prev`, `-size`, `-position`).
export function pager<Answer extends PageAnswer>(
  testId: string,
  fetchPage: (pageSize: number, pageToken: string) => Promise<Answer>,
  render: (answer: Answer) => Node[],
  count: (answer: Answer) => number,
): Pager {
  const element = h("div", { class: "paged" });
  let pageSize = 25;
  // tokens[i] opens page i; tokens[0] is the first page.
  let tokens = [""];
  let index = 0;

  async function load(): Promise<void> {
    let answer = await fetchPage(pageSize, tokens[index]);
    // Deleting the last rows of the last page leaves it empty: show the page before it.
    while (count(answer) === 0 && index > 0) {
      index -= 1;
      tokens = tokens.slice(0, index + 1);
      answer = await fetchPage(pageSize, tokens[index]);
    }
    const rows = count(answer);
    const first = index * pageSize + 1;
    const position = rows === 0
      ? t("0 of {total}", { total: num(answer.totalSize) })
      : t("{first}–{last} of {total}", { first: num(first), last: num(first + rows - 1), total: num(answer.totalSize) });

    const previous = h("button", { type: "button", "data-testid": `${testId}-prev` }, t("Previous"));
    previous.disabled = index === 0;
    previous.addEventListener("click", () => void attempt(() => step(-1, "")));
    const next = h("button", { type: "button", "data-testid": `${testId}-next` }, t("Next"));
    next.disabled = answer.nextPageToken === "";
    next.addEventListener("click", () => void attempt(() => step(1, answer.nextPageToken)));
    const size = h(
      "select",
      { "data-testid": `${testId}-size`, "aria-label": t("rows per page") },
      ...PAGE_SIZES.map((option) =>
        h("option", { value: option, selected: option === pageSize }, t("{count} per page", { count: option })),
      ),
    );
    size.addEventListener("change", () => {
      pageSize = Number(size.value);
      void attempt(() => reload(true));
    });
    element.replaceChildren(
      ...render(answer),
      h(
        "div",
        { class: "pager" },
        previous,
        h("span", { "data-testid": `${testId}-position` }, position),
        next,
        size,
      ),
    );
  }

  async function step(by: 1 | -1, nextToken: string): Promise<void> {
    const [tokensBefore, indexBefore] = [tokens, index];
    if (by === 1) {
      tokens = [...tokens.slice(0, index + 1), nextToken];
      index += 1;
    } else {
      index = Math.max(0, index - 1);
    }
    try {
      await load();
    } catch (error) {
      // The page shown is still the one before: stay on it.
      [tokens, index] = [tokensBefore, indexBefore];
      throw error;
    }
  }

  async function reload(fromStart = false): Promise<void> {
    if (fromStart) {
      tokens = [""];
      index = 0;
    }
    await load();
  }

  return { element, reload };
}
