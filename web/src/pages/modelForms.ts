// The model form's structured parts: a fieldset per plugin (README "Plugins") over the model's
// `plugins_json`, and the price tiers (README "Prices"). Fields the form does not know are kept:
// each plugin's unknown fields and unknown plugins stay in an "other" JSON box, laid under what
// the form holds when saved; a row edited here keeps the keys it has no input for.
import { button, h } from "../dom";
import type { PriceTier } from "../gen/aiproxy/admin/v1/common_pb";
import { t } from "../i18n";

type Obj = Record<string, unknown>;
/// A field: its key and kind (n: number, b: true/false, s: text, j: JSON, e: the engine list).
type Kind = "n" | "b" | "s" | "j" | "e";

// Each plugin's fields as README "Plugins" documents them, in the order plugins run.
const PLUGINS: [string, [string, Kind][]][] = [
  ["patch", [["builtin", "b"], ["rules", "j"]]],
  ["web_search", [["force", "b"], ["max_results", "n"], ["rewrite", "j"], ["engines", "e"]]],
  ["cache", [["ttl_seconds", "n"], ["max_item_bytes", "n"], ["billing", "s"]]],
  ["cache_follow", [["ttl_seconds", "n"], ["prefix_messages", "n"], ["min_success_rate", "n"]]],
  ["stream_fake", []],
  ["think_split", []],
  ["timeout", [["first_byte_ms", "n"], ["stream_idle_ms", "n"], ["by_size", "j"]]],
];

const ENGINE_TYPES = ["google", "bing", "arxiv", "searxng"];

const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);

function parseObject(text: string, what: string): Obj {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isObj(value)) throw new Error(t("{what}: not a JSON object", { what }));
  return value;
}

/// Rows of inputs, one per object of `initial`, added and removed; `read` gives each row's
/// original object with the inputs laid over it as text (an empty input removes its key).
/// Inputs are named `<testId>:<key>`, apart from the form's own fields.
export function rows(columns: [string, string, string[]?][], initial: Obj[], testId: string) {
  const list = h("div", { class: "rows", "data-testid": testId });
  const kept = new Map<HTMLElement, Obj>();
  const add = (row: Obj): void => {
    const element: HTMLDivElement = h(
      "div",
      { class: "row" },
      ...columns.map(([key, label, options]) => {
        const value = row[key] === undefined ? "" : String(row[key]);
        const control = options
          ? h("select", { name: `${testId}:${key}` }, ...options.map((option) => h("option", { value: option, selected: option === value }, option)))
          : h("input", { name: `${testId}:${key}`, value });
        return h("label", {}, h("span", {}, label), control);
      }),
      button(t("Remove"), () => element.remove()),
    );
    kept.set(element, row);
    list.append(element);
  };
  initial.forEach(add);
  return {
    element: h("div", { class: "wide" }, list, button(t("Add"), () => add({}), `${testId}-add`)),
    read: (): Obj[] =>
      [...list.children].map((element) => {
        const row: Obj = { ...kept.get(element as HTMLElement) };
        for (const control of element.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[name]")) {
          const key = control.name.slice(testId.length + 1);
          const value = control.value.trim();
          if (value === "") delete row[key];
          else row[key] = value;
        }
        return row;
      }),
  };
}

/// The plugin fieldsets of `json` (a model's `plugins_json`); `read` gives the JSON to save.
export function pluginEditor(json: string) {
  const stored = parseObject(json, "plugins_json");
  const other: Obj = { ...stored };
  const readers: (() => [string, Obj | undefined])[] = [];
  const sets = PLUGINS.map(([name, fields]) => {
    const config = isObj(stored[name]) ? { ...(stored[name] as Obj) } : undefined;
    // A value the form cannot show (not an object) stays in the other box as it is.
    if (config || !(name in stored)) delete other[name];
    const rest: Obj = { ...config };
    delete rest.enable;
    const enabled = h("input", { type: "checkbox", name: `${name}.on`, checked: config !== undefined && config.enable !== false });
    const inputs: [string, Kind, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement][] = [];
    let engines: ReturnType<typeof rows> | undefined;
    const controls = fields.map(([key, kind]) => {
      const value = rest[key];
      delete rest[key];
      if (kind === "e") {
        const initial = Array.isArray(value) ? value.filter(isObj) : [];
        engines = rows([["type", "type", ENGINE_TYPES], ["api_key", "api_key"], ["cx", "cx"], ["base_url", "base_url"]], initial, `${name}-engines`);
        return h("div", { class: "wide" }, h("span", {}, t("Engines")), engines.element);
      }
      const text = value === undefined ? "" : kind === "j" ? JSON.stringify(value, null, 1) : String(value);
      const control =
        kind === "b"
          ? h("select", { name: `${name}.${key}` }, ...["", "true", "false"].map((option) => h("option", { value: option, selected: option === text }, option || t("default"))))
          : kind === "j"
            ? h("textarea", { name: `${name}.${key}`, rows: 2 }, text)
            : h("input", { name: `${name}.${key}`, value: text, type: kind === "n" ? "number" : "text", step: "any" });
      inputs.push([key, kind, control]);
      return h("label", {}, h("span", {}, key), control);
    });
    if (Object.keys(rest).length) other[name] = rest;
    readers.push(() => {
      if (!enabled.checked && !config) return [name, undefined];
      const out: Obj = enabled.checked ? {} : { enable: false };
      for (const [key, kind, control] of inputs) {
        const text = control.value.trim();
        if (text === "") continue;
        out[key] = kind === "n" ? Number(text) : kind === "b" ? text === "true" : kind === "j" ? JSON.parse(text) : text;
      }
      const list = engines?.read();
      if (list?.length) out.engines = list;
      return [name, out];
    });
    return h(
      "fieldset",
      { class: "plugin", "data-testid": `plugin-${name}` },
      h("legend", {}, h("label", { class: "check" }, enabled, name)),
      ...controls,
    );
  });
  const extra = h("textarea", { name: "plugins_other", rows: 3 }, Object.keys(other).length ? JSON.stringify(other, null, 1) : "");
  return {
    element: h(
      "div",
      { class: "wide plugins" },
      h("h4", {}, t("Plugins")),
      ...sets,
      h("label", {}, h("span", {}, t("Other plugins and fields (JSON)")), extra),
    ),
    read(): string {
      const out = parseObject(extra.value, t("Other plugins and fields (JSON)"));
      for (const read of readers) {
        const [name, config] = read();
        if (config) out[name] = { ...(isObj(out[name]) ? (out[name] as Obj) : {}), ...config };
      }
      return Object.keys(out).length ? JSON.stringify(out) : "";
    },
  };
}

/// The price tiers as rows, the token prices labelled by `prices` (key, label); `read` gives
/// them as `Price.tiers`.
export function tierEditor(tiers: PriceTier[], prices: [string, string][]) {
  const keys = ["serviceTier", ...prices.map(([key]) => key)];
  const editor = rows(
    [["aboveInputTokens", t("Above input tokens")], ["serviceTier", t("Service tier")], ...prices],
    tiers.map((tier) => {
      const row: Obj = { aboveInputTokens: tier.aboveInputTokens?.toString() };
      for (const key of keys) row[key] = (tier as unknown as Obj)[key];
      return row;
    }),
    "price-tiers",
  );
  return {
    element: h("div", { class: "wide" }, h("h4", {}, t("Price tiers")), editor.element),
    read: () =>
      editor.read().map((row) => ({
        ...row,
        aboveInputTokens: row.aboveInputTokens === undefined ? undefined : BigInt(String(row.aboveInputTokens)),
      })),
  };
}
