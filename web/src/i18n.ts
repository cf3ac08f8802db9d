// The panel's languages: English (the messages themselves) and Simplified Chinese (the
// catalogue `i18n/zh-CN.json`, keyed by the English message). A message not in the catalogue
// does not compile, so a page cannot show an untranslated string by mistake. The language
// comes from the browser (navigator.languages) until the operator picks one in the header,
// which is remembered in localStorage. Numbers go through Intl for the language.
import zh from "./i18n/zh-CN.json";

/// Every message the panel shows: an English text, `{name}` marking a value put in, and after a
/// `|` a context that tells apart two meanings of one English text ("Tokens|count"); English
/// shows the text before the `|`.
export type Message = keyof typeof zh;

export type Lang = "en" | "zh-CN";

/// The choices of the header's picker, each named in its own language.
export const LANGS: [Lang, string][] = [
  ["en", "English"],
  ["zh-CN", "简体中文"],
];

const STORE_KEY = "aiproxy.lang";

/// The first of the browser's languages the panel speaks; English when none is.
function fromBrowser(): Lang {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lower = tag.toLowerCase();
    if (lower === "zh" || lower.startsWith("zh-cn") || lower.startsWith("zh-hans") || lower === "zh-sg") return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

function stored(): Lang | undefined {
  const value = localStorage.getItem(STORE_KEY);
  return LANGS.some(([lang]) => lang === value) ? (value as Lang) : undefined;
}

let current: Lang = stored() ?? fromBrowser();

export function lang(): Lang {
  return current;
}

/// Switches and remembers the language; the caller redraws.
export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(STORE_KEY, next);
  document.documentElement.lang = next;
}

/// `message` in the current language, each `{name}` replaced by `values[name]`.
export function t(message: Message, values: Record<string, string | number | bigint> = {}): string {
  const text = current === "zh-CN" ? zh[message] : message.replace(/\|.*$/, "");
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const integers = new Map<Lang, Intl.NumberFormat>();
const decimals = new Map<Lang, Intl.NumberFormat>();

function formatter(cache: Map<Lang, Intl.NumberFormat>, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let found = cache.get(current);
  if (!found) {
    found = new Intl.NumberFormat(current, options);
    cache.set(current, found);
  }
  return found;
}

/// A count or a measure (`1,234`, `0.25`) in the language's grouping, at most six decimals.
export function num(value: number | bigint): string {
  return formatter(integers, { maximumFractionDigits: 6 }).format(value);
}

/// A decimal as the server sends it (prices, costs, balances), grouped but never rounded: the
/// string goes to Intl as it is, which keeps every digit.
export function decimal(value: string | number): string {
  if (value === "") return "";
  if (typeof value === "string" && !/^-?\d+(\.\d+)?$/.test(value)) return value;
  return formatter(decimals, { maximumFractionDigits: 20 }).format(value as number);
}

document.documentElement.lang = current;
