// Audit: every control-plane write, newest first, filtered by key, object and time range (kept
// in the URL fragment), paged by the server's token, each with its field-level diff (secrets
// come masked from the server).
import { api } from "../api";
import { button, form, h, localFromMs, msFromLocal, optionalBigint, table, time } from "../dom";
import type { AuditEvent } from "../gen/aiproxy/admin/v1/access_pb";
import { num, t } from "../i18n";

/// `{"field": {"before": x, "after": y}}` as one line per field.
function diffText(event: AuditEvent): string {
  let diff: Record<string, { before?: unknown; after?: unknown }>;
  try {
    diff = JSON.parse(event.diffJson) as typeof diff;
  } catch {
    return event.diffJson;
  }
  const show = (value: unknown) => (value === undefined ? "—" : JSON.stringify(value));
  return Object.entries(diff)
    .map(([field, change]) => `${field}: ${show(change.before)} → ${show(change.after)}`)
    .join("\n");
}

export async function auditPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const filter = {
    keyId: optionalBigint(params.get("key") ?? ""),
    objectKind: params.get("kind") ?? "",
    objectId: params.get("object") ?? "",
    startMs: BigInt(params.get("from") ?? "0"),
    endMs: BigInt(params.get("to") ?? "0"),
  };
  const listing = h("div");
  root.append(
    form(
      [
        { kind: "number", name: "key", label: t("Key id"), value: filter.keyId?.toString() ?? "", hint: t("0: the bootstrap key and the config file") },
        { kind: "text", name: "kind", label: t("Object kind"), value: filter.objectKind, hint: t("token, channel, group, model, mcp_server, option, admin_key, ...") },
        { kind: "text", name: "object", label: t("Object id"), value: filter.objectId },
        { kind: "datetime", name: "from", label: t("From"), value: localFromMs(filter.startMs) },
        { kind: "datetime", name: "to", label: t("To"), value: localFromMs(filter.endMs) },
      ],
      t("Filter"),
      async (values) => {
        const query = new URLSearchParams();
        if (values.key) query.set("key", values.key);
        if (values.kind) query.set("kind", values.kind);
        if (values.object) query.set("object", values.object);
        const from = msFromLocal(values.from);
        const to = msFromLocal(values.to);
        if (from) query.set("from", from.toString());
        if (to) query.set("to", to.toString());
        window.location.hash = `#/audit?${query.toString()}`;
      },
      "audit-filter",
    ),
    listing,
  );

  async function load(pageToken: string): Promise<void> {
    const response = await api.access.listAuditEvents({ ...filter, pageSize: 50, pageToken });
    listing.replaceChildren(h("div", {},
      h("p", {}, t("{count} events", { count: num(response.totalSize) })),
      table(
        [t("Time"), t("Key"), t("Address"), t("Action"), t("Object"), t("Changes")],
        response.events.map((event) => [
          time(event.atMs),
          `${event.keyName} (${event.keyId})`,
          event.clientAddress,
          event.action,
          event.objectId ? `${event.objectKind} ${event.objectId}` : event.objectKind,
          h("pre", {}, diffText(event)),
        ]),
        "audit-table",
      ),
      response.nextPageToken ? button(t("Next page"), () => load(response.nextPageToken)) : null,
      pageToken ? button(t("First page"), () => load("")) : null,
    ));
  }

  await load("");
}
