// A request's charge explained by unit, from its log row's `charge_detail` (one line per item
// that charged something: units, price, amount; token prices per `unit` tokens) and
// `price_tier` (the tier's conditions; empty: the model's base price).
import { h, table } from "../dom";
import { decimal, num, t, type Message } from "../i18n";

interface Line {
  units: number;
  price: string;
  amount: string;
}

/// What each item is and what its price is per; an item this build does not know is shown by
/// its name, its price per unit.
const items: Record<string, [Message, Message]> = {
  input_tokens: ["input tokens", "{price} per {unit} tokens"],
  output_tokens: ["output tokens", "{price} per {unit} tokens"],
  cached_input_tokens: ["cached input tokens", "{price} per {unit} tokens"],
  cache_creation_tokens: ["cache creation tokens", "{price} per {unit} tokens"],
  reasoning_tokens: ["reasoning tokens", "{price} per {unit} tokens"],
  image_input_tokens: ["image input tokens", "{price} per {unit} tokens"],
  image_output_tokens: ["image output tokens", "{price} per {unit} tokens"],
  audio_input_tokens: ["audio input tokens", "{price} per {unit} tokens"],
  audio_output_tokens: ["audio output tokens", "{price} per {unit} tokens"],
  per_request: ["the request", "{price} per request"],
  web_search_calls: ["web searches", "{price} per search"],
  images: ["images", "{price} per image"],
  speech_characters: ["speech characters", "{price} per million characters"],
  audio_millis: ["audio milliseconds", "{price} per minute"],
  pages: ["pages", "{price} per page"],
  video: ["video", "{price} per video"],
};

function isLine(value: unknown): value is Line {
  return typeof value === "object" && value !== null && "units" in value && "price" in value && "amount" in value;
}

/// The charge as a table, or a line saying nothing was charged; `undefined` when the detail is
/// not the JSON the server writes (shown raw by the caller).
export function chargeView(detailJson: string, tier: string, cost: string): HTMLElement | undefined {
  const tierLine = h("p", { "data-testid": "charge-tier" }, tier ? t("Price tier: {tier}", { tier }) : t("Price tier: the model's base price"));
  if (detailJson === "") return h("div", {}, h("p", { "data-testid": "charge-none" }, t("Nothing was charged.")));
  let parsed: unknown;
  try {
    parsed = JSON.parse(detailJson);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const entries = Object.entries(parsed as Record<string, unknown>);
  const unit = Number((parsed as Record<string, unknown>).unit ?? 1_000_000);
  const rows = entries
    .filter((entry): entry is [string, Line] => isLine(entry[1]))
    .map(([item, line]) => {
      const [name, per] = items[item] ?? [undefined, undefined];
      return [
        name ? t(name) : item,
        num(line.units),
        per ? t(per, { price: decimal(line.price), unit: num(unit) }) : decimal(line.price),
        decimal(line.amount),
      ];
    });
  return h(
    "div",
    {},
    tierLine,
    table([t("Item"), t("Units"), t("Price"), t("Amount")], rows, "charge-table"),
    h("p", {}, t("Total: {cost}", { cost: decimal(cost) })),
  );
}
