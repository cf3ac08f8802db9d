// Plain DOM helpers: element building, the error and notice banners, and declarative forms.
// No framework: the pages are a handful of tables and forms, re-rendered whole after each write.

import { describeError } from "./api";
import { t } from "./i18n";

type Child = Node | string | number | bigint | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(name.replace(/^on/, ""), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

function banner(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

/// Shows the server's error; it stays until the next successful action or navigation.
export function showError(error: unknown): void {
  const element = banner("error");
  element.textContent = describeError(error);
  element.hidden = false;
  banner("notice").hidden = true;
}

export function showNotice(text: string): void {
  const element = banner("notice");
  element.textContent = text;
  element.hidden = false;
  banner("error").hidden = true;
}

export function clearBanners(): void {
  banner("error").hidden = true;
  banner("notice").hidden = true;
}

/// Runs an action from a click or submit; a failure is shown, never swallowed.
export async function attempt(action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

export function button(label: string, onClick: () => Promise<void> | void, testId?: string): HTMLButtonElement {
  return h("button", {
    type: "button",
    "data-testid": testId,
    onclick: () => void attempt(async () => onClick()),
  }, label);
}

export function table(headers: string[], rows: Child[][], testId: string): HTMLTableElement {
  return h(
    "table",
    { "data-testid": testId },
    h("thead", {}, h("tr", {}, ...headers.map((header) => h("th", {}, header)))),
    h("tbody", {}, ...rows.map((row) => h("tr", {}, ...row.map((cell) => h("td", {}, cell))))),
  );
}

export type Field =
  | { kind: "text" | "password" | "textarea" | "number" | "datetime"; name: string; label: string; value?: string; required?: boolean; hint?: string }
  | { kind: "checkbox"; name: string; label: string; checked?: boolean }
  | { kind: "select"; name: string; label: string; options: [string, string][]; value?: string; hint?: string; onChange?: (value: string) => void }
  | { kind: "file"; name: string; label: string; accept?: string; hint?: string }
  // Controls the page draws itself (and may redraw), on a row of their own.
  | { kind: "slot"; element: HTMLElement };

/// What a form's submit gets: text values by name; checkboxes and chosen files apart. Controls
/// of a slot come as text by their name too (a checked checkbox as "on", an unchecked one not
/// at all).
export type Values = Record<string, string> & { checked: Record<string, boolean>; files: Record<string, File | undefined> };

/// A form of `fields`; `submit` gets every value as entered (strings, checkboxes apart).
export function form(
  fields: Field[],
  submitLabel: string,
  submit: (values: Values) => Promise<void>,
  testId: string,
): HTMLFormElement {
  const element = h("form", { "data-testid": testId, class: "form" });
  for (const field of fields) {
    if (field.kind === "slot") {
      element.append(h("div", { class: "wide" }, field.element));
      continue;
    }
    let control: HTMLElement;
    switch (field.kind) {
      case "checkbox":
        control = h("input", { type: "checkbox", name: field.name, checked: field.checked ?? false });
        break;
      case "select": {
        const select = h(
          "select",
          { name: field.name },
          ...field.options.map(([value, label]) =>
            h("option", { value, selected: value === field.value }, label),
          ),
        );
        const onChange = field.onChange;
        if (onChange) select.addEventListener("change", () => onChange(select.value));
        control = select;
        break;
      }
      case "textarea":
        control = h("textarea", { name: field.name, rows: 4, required: field.required }, field.value ?? "");
        break;
      case "file":
        control = h("input", { type: "file", name: field.name, accept: field.accept });
        break;
      default:
        control = h("input", {
          type: field.kind === "datetime" ? "datetime-local" : field.kind,
          name: field.name,
          value: field.value ?? "",
          required: field.required,
          step: field.kind === "number" ? "any" : undefined,
          autocomplete: field.kind === "password" ? "off" : undefined,
        });
    }
    const hint = "hint" in field && field.hint ? h("small", {}, field.hint) : null;
    element.append(h("label", {}, h("span", {}, field.label), control, hint));
  }
  element.append(h("button", { type: "submit" }, submitLabel));
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(element);
    const values = { checked: {}, files: {} } as unknown as Values;
    for (const [name, value] of data.entries()) {
      if (typeof value === "string") values[name] = value.trim();
    }
    for (const field of fields) {
      if (field.kind === "slot") continue;
      if (field.kind === "checkbox") {
        values.checked[field.name] = data.get(field.name) !== null;
      } else if (field.kind === "file") {
        const file = data.get(field.name);
        // An input left empty still submits a nameless, empty File.
        values.files[field.name] = file instanceof File && file.name !== "" ? file : undefined;
      } else {
        values[field.name] = String(data.get(field.name) ?? "").trim();
      }
    }
    void attempt(() => submit(values));
  });
  return element;
}

// Conversions between form text and message fields.

/// Comma- or newline-separated list, blanks dropped.
export function list(text: string): string[] {
  return text.split(/[,\n]/).map((item) => item.trim()).filter((item) => item !== "");
}

/// `key=value` lines.
export function pairs(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (line.trim() === "") continue;
    if (at < 1) throw new Error(t("\"{line}\" is not key=value", { line }));
    map[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return map;
}

export function pairsText(map: Record<string, string>): string {
  return Object.entries(map).map(([key, value]) => `${key}=${value}`).join("\n");
}

export function optionalBigint(text: string): bigint | undefined {
  return text === "" ? undefined : BigInt(text);
}

export function optionalString(text: string): string | undefined {
  return text === "" ? undefined : text;
}

// Times are shown and entered in the operator's language and zone (prefs.ts).
export { formatTime as time, localFromMs, msFromLocal } from "./prefs";
