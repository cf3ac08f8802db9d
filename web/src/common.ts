// Enum choices shared by the pages, named in the operator's language.
import { Status } from "./gen/aiproxy/admin/v1/common_pb";
import { t, type Message } from "./i18n";

const statusNames: Record<number, Message> = {
  [Status.UNSPECIFIED]: "unspecified",
  [Status.ENABLED]: "enabled",
  [Status.DISABLED]: "disabled",
  [Status.INTERNAL]: "internal",
};

export function statusName(status: Status): string {
  return t(statusNames[status] ?? "unspecified");
}

export function statusOptions(withInternal: boolean): [string, string][] {
  const options: [string, string][] = [
    [String(Status.ENABLED), t("enabled")],
    [String(Status.DISABLED), t("disabled")],
  ];
  if (withInternal) options.push([String(Status.INTERNAL), t("internal")]);
  return options;
}

/// "yes" or "no" in the operator's language.
export function yesNo(value: boolean): string {
  return value ? t("yes") : t("no");
}

export function toggled(status: Status): Status {
  return status === Status.ENABLED ? Status.DISABLED : Status.ENABLED;
}

export { Status };

/// Status choices of a list filter: any, or one status.
export function statusFilterOptions(withInternal: boolean): [string, string][] {
  return [[String(Status.UNSPECIFIED), t("any status")], ...statusOptions(withInternal)];
}
