// Enum choices shared by the pages.
import { Status } from "./gen/aiproxy/admin/v1/common_pb";

export const statusName: Record<number, string> = {
  [Status.UNSPECIFIED]: "unspecified",
  [Status.ENABLED]: "enabled",
  [Status.DISABLED]: "disabled",
  [Status.INTERNAL]: "internal",
};

export function statusOptions(withInternal: boolean): [string, string][] {
  const options: [string, string][] = [
    [String(Status.ENABLED), "enabled"],
    [String(Status.DISABLED), "disabled"],
  ];
  if (withInternal) options.push([String(Status.INTERNAL), "internal"]);
  return options;
}

export function toggled(status: Status): Status {
  return status === Status.ENABLED ? Status.DISABLED : Status.ENABLED;
}

export { Status };

/// Status choices of a list filter: any, or one status.
export function statusFilterOptions(withInternal: boolean): [string, string][] {
  return [[String(Status.UNSPECIFIED), "any status"], ...statusOptions(withInternal)];
}
