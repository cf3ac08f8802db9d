// The model form's structured parts: a fieldset per plugin (README "Plugins") over the model's
// `plugins_json`, the price tiers (README "Prices") and the media prices of `config_json`
// (README "Images and audio"). Fields the form does not know are kept: each plugin's unknown
// fields and unknown plugins stay in an "other" JSON box, the config's other fields in the
// config box, laid under what the form holds when saved; a row edited here keeps the keys it
// has no input for.
import { button, h } from "../dom";
import type { PriceTier } from "../gen/aiproxy/admin/v1/common_pb";
import { t, type Message } from "../i18n";

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

// Media tier columns: key, label; the numeric ones (conditions) are sent as JSON numbers,
// prices as the strings typed (exact decimals).
const VIDEO_TIER: [string, string][] = [["size", "Size"], ["above_seconds", "Above seconds"], ["price_per_second", "Price per second"], ["price_per_video", "Price per video"]];
const AUDIO_TIER: [string, string][] = [
  ["above_characters", "Above characters"],
  ["above_seconds", "Above seconds"],
  ["price_per_million_characters", "Price per million characters"],
  ["price_per_minute", "Price per minute"],
  ["price_per_second", "Price per second"],
];
const NUMERIC = ["above_seconds", "above_characters"];

/// The media prices of `json` (a model's `config_json`) as rows: each image size and quality's
/// price (`media.images.prices`), the video and the audio tiers. `text` is the config without
/// them, for the config box; `read` lays the rows over what the box holds then. A value the
/// rows cannot show (not an object of objects, not a list of objects) stays in the box.
export function mediaEditor(json: string) {
  const config = parseObject(json, "config_json");
  const media: Obj = isObj(config.media) ? { ...config.media } : {};
  let taken = false;
  const take = (kind: string, key: string, fits: (value: unknown) => boolean): unknown => {
    const section = media[kind];
    if (!isObj(section) || !fits(section[key])) return undefined;
    const { [key]: value, ...rest } = section;
    if (Object.keys(rest).length) media[kind] = rest;
    else delete media[kind];
    taken = true;
    return value;
  };
  const prices = take("images", "prices", (value) => isObj(value) && Object.values(value).every(isObj)) as Record<string, Obj> | undefined;
  const tiers = (kind: string) => (take(kind, "tiers", (value) => Array.isArray(value) && value.every(isObj)) ?? []) as Obj[];
  const label = (columns: [string, string][]): [string, string][] => columns.map(([key, text]) => [key, t(text as Message)]);
  const images = rows(
    [["size", t("Size")], ["quality", t("Quality")], ["price", t("Price per image")]],
    Object.entries(prices ?? {}).flatMap(([size, qualities]) => Object.entries(qualities).map(([quality, price]) => ({ size, quality, price }))),
    "image-prices",
  );
  const video = rows(label(VIDEO_TIER), tiers("video"), "video-tiers");
  const audio = rows(label(AUDIO_TIER), tiers("audio"), "audio-tiers");
  const rest: Obj = { ...config };
  if (Object.keys(media).length) rest.media = media;
  else if (isObj(config.media)) delete rest.media;
  const part = (title: Message, editor: ReturnType<typeof rows>) => h("div", { class: "wide" }, h("h4", {}, t(title)), editor.element);
  return {
    element: h("div", { class: "wide" }, part("Image prices", images), part("Video tiers", video), part("Audio tiers", audio)),
    text: taken ? (Object.keys(rest).length ? JSON.stringify(rest, null, 1) : "") : json,
    read(box: string): string {
      const out = parseObject(box, t("Config (JSON)"));
      const lay = (kind: string, key: string, value: unknown): void => {
        const into = (out.media = isObj(out.media) ? out.media : {}) as Obj;
        into[kind] = { ...(isObj(into[kind]) ? into[kind] : {}), [key]: value };
      };
      const byImage: Record<string, Obj> = {};
      for (const { size, quality, price } of images.read()) (byImage[String(size ?? "*")] ??= {})[String(quality ?? "*")] = price;
      if (Object.keys(byImage).length) lay("images", "prices", byImage);
      for (const [kind, editor] of [["video", video], ["audio", audio]] as const) {
        const list = editor.read().map((row) => {
          for (const key of NUMERIC) if (row[key] !== undefined) row[key] = Number(row[key]);
          return row;
        });
        if (list.length) lay(kind, "tiers", list);
      }
      return Object.keys(out).length ? JSON.stringify(out) : "";
    },
  };
}
