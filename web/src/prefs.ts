// The operator's look and clock: the theme (light or dark; by default what the system prefers)
// and the time zone every time is shown and entered in (by default the browser's), both picked
// in the header and remembered in localStorage. Times are formatted with Intl in the chosen
// language and zone; `datetime-local` inputs are read and filled in that zone too.
import { lang } from "./i18n";

export type Theme = "system" | "light" | "dark";

const THEME_KEY = "aiproxy.theme";
const ZONE_KEY = "aiproxy.timeZone";

export function theme(): Theme {
  const value = localStorage.getItem(THEME_KEY);
  return value === "light" || value === "dark" ? value : "system";
}

/// Applies the theme as `data-theme` on the root element (the style sheet's custom properties
/// follow it; "system" leaves it to prefers-color-scheme).
export function applyTheme(next: Theme = theme()): void {
  if (next === "system") {
    localStorage.removeItem(THEME_KEY);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(THEME_KEY, next);
    document.documentElement.dataset.theme = next;
  }
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/// The zones the browser knows, the browser's own first.
export function zones(): string[] {
  const known = Intl.supportedValuesOf("timeZone");
  const own = browserZone();
  return [own, ...known.filter((zone) => zone !== own), ...(known.includes("UTC") || own === "UTC" ? [] : ["UTC"])];
}

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function zone(): string {
  const value = localStorage.getItem(ZONE_KEY);
  return value && validZone(value) ? value : browserZone();
}

export function setZone(next: string): void {
  if (next === browserZone()) localStorage.removeItem(ZONE_KEY);
  else localStorage.setItem(ZONE_KEY, next);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(kind: "time" | "date"): Intl.DateTimeFormat {
  const key = `${kind} ${lang()} ${zone()}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(lang(), {
      timeZone: zone(),
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      ...(kind === "time" ? { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" } : {}),
    });
    formats.set(key, found);
  }
  return found;
}

/// A moment as the operator reads it: date and time in their language and zone; "" for none.
export function formatTime(ms: bigint | number | undefined): string {
  if (ms === undefined || ms === 0n || ms === 0) return "";
  return format("time").format(new Date(Number(ms)));
}

/// The date alone, in the operator's zone.
export function formatDate(ms: bigint | number | undefined): string {
  if (ms === undefined || ms === 0n || ms === 0) return "";
  return format("date").format(new Date(Number(ms)));
}

/// How far `zone` is ahead of UTC at the moment `ms`, in ms.
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? "0");
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

/// `datetime-local` text, a wall-clock time in the operator's zone, to unix ms; 0 when empty.
export function msFromLocal(text: string): bigint {
  if (text === "") return 0n;
  const [date, clock = "00:00"] = text.split("T");
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute, second = 0] = clock.split(":").map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (Number.isNaN(wall)) return 0n;
  // The offset at the wall time read as UTC is right except near a change of offset; a
  // second look at the moment found settles it.
  const first = wall - offsetAt(wall, zone());
  return BigInt(wall - offsetAt(first, zone()));
}

/// Unix ms to `datetime-local` text in the operator's zone; "" for none.
export function localFromMs(ms: bigint | undefined): string {
  if (ms === undefined || ms === 0n) return "";
  const at = Number(ms);
  return new Date(at + offsetAt(at, zone())).toISOString().slice(0, 16);
}

applyTheme();
