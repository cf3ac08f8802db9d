// Request logs: filters (group, model, status, time range) in the URL fragment, newest first,
// pages by the server's page token, exported as CSV with the same filters (ExportLogs, streamed
// into a file the browser saves), and one request's detail: its charge by unit and its stored
// bodies.
import { api } from "../api";
import { button, form, h, localFromMs, msFromLocal, optionalString, table, time } from "../dom";
import { yesNo } from "../common";
import { StatusClass, type RequestLog } from "../gen/aiproxy/admin/v1/logs_pb";
import { decimal, num, t, type Message } from "../i18n";
import { chargeView } from "./charge";

const statusOptions = (): [string, string][] => [
  [String(StatusClass.UNSPECIFIED), t("any")],
  [String(StatusClass.SUCCESS), t("success (<400)")],
  [String(StatusClass.ERROR), t("error (>=400)")],
  [String(StatusClass.CLIENT_ERROR), t("client error (4xx)")],
  [String(StatusClass.SERVER_ERROR), t("server error (5xx)")],
];

export async function logsPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const filter = {
    groupId: optionalString(params.get("group") ?? ""),
    model: optionalString(params.get("model") ?? ""),
    statusClass: Number(params.get("status") ?? "0") as StatusClass,
    startMs: BigInt(params.get("from") ?? "0"),
    endMs: BigInt(params.get("to") ?? "0"),
  };
  const detail = h("div", { class: "detail", "data-testid": "log-detail" });
  const listing = h("div");
  root.append(
    form(
      [
        { kind: "text", name: "group", label: t("Group"), value: filter.groupId ?? "" },
        { kind: "text", name: "model", label: t("Model"), value: filter.model ?? "" },
        { kind: "select", name: "status", label: t("Status"), options: statusOptions(), value: String(filter.statusClass) },
        { kind: "datetime", name: "from", label: t("From"), value: localFromMs(filter.startMs) },
        { kind: "datetime", name: "to", label: t("To"), value: localFromMs(filter.endMs) },
      ],
      t("Filter"),
      async (values) => {
        const query = new URLSearchParams();
        if (values.group) query.set("group", values.group);
        if (values.model) query.set("model", values.model);
        if (values.status !== "0") query.set("status", values.status);
        const from = msFromLocal(values.from);
        const to = msFromLocal(values.to);
        if (from) query.set("from", from.toString());
        if (to) query.set("to", to.toString());
        window.location.hash = `#/logs?${query.toString()}`;
      },
      "log-filter",
    ),
    h("p", { class: "actions" }, button(t("Export CSV"), () => exportCsv(), "logs-export")),
    detail,
    listing,
  );

  /// The logs the filter selects as the server writes them, chunk by chunk, saved as a file.
  async function exportCsv(): Promise<void> {
    const parts: BlobPart[] = [];
    for await (const chunk of api.logs.exportLogs({ filter })) parts.push(chunk.data.slice());
    const url = URL.createObjectURL(new Blob(parts, { type: "text/csv" }));
    const link = h("a", { href: url, download: `aiproxy-logs-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    // The download has its own copy once it started.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  async function load(pageToken: string): Promise<void> {
    const response = await api.logs.listLogs({ filter, pageSize: 50, pageToken });
    listing.replaceChildren(h("div", {},
      table(
        [t("Time"), t("Request id"), t("Group"), t("Token"), t("Model"), t("Status"), t("Tokens|count"), t("Cost"), t("Latency"), ""],
        response.logs.map((log) => [
          time(log.createdAtMs),
          log.requestId,
          log.groupId,
          log.tokenName,
          log.requestedModel,
          log.statusCode,
          num(log.totalTokens),
          decimal(log.cost),
          t("{ms} ms", { ms: num(log.totalMs) }),
          button(t("Detail"), () => showDetail(log)),
        ]),
        "logs-table",
      ),
      response.logs.length === 0 ? h("p", { "data-testid": "logs-empty" }, t("No requests match.")) : null,
      response.nextPageToken ? button(t("Next page"), () => load(response.nextPageToken)) : null,
      pageToken ? button(t("First page"), () => load("")) : null,
    ));
  }

  async function showDetail(log: RequestLog): Promise<void> {
    const response = await api.logs.getLog({ requestId: log.requestId });
    const full = response.log ?? log;
    const rows: [Message, string][] = [
      ["Request id", full.requestId],
      ["Upstream request id", full.upstreamRequestId],
      ["Time", time(full.createdAtMs)],
      ["Group / token", `${full.groupId} / ${full.tokenName}`],
      ["Model (requested → actual)", `${full.requestedModel} → ${full.actualModel}`],
      ["Channel", full.channelId?.toString() ?? ""],
      ["Endpoint", full.endpoint],
      ["Status", full.statusCode.toString()],
      ["Error", full.error],
      ["Tokens in / out / cached / reasoning", [full.inputTokens, full.outputTokens, full.cachedTokens, full.reasoningTokens].map(num).join(" / ")],
      ["Cost", decimal(full.cost)],
      ["Time to first byte / total", t("{ms} ms", { ms: `${full.ttfbMs === undefined ? "-" : num(full.ttfbMs)} / ${num(full.totalMs)}` })],
      ["Retries", num(full.retries)],
      ["Client IP / user", `${full.clientIp} / ${full.user}`],
      ["Web searches / cache hit", `${num(full.webSearchCalls)} / ${yesNo(full.cacheHit)}`],
      ["Metadata", full.metadata],
    ];
    detail.replaceChildren(
      h("h3", {}, t("Request {id}", { id: full.requestId })),
      h("dl", {}, ...rows.flatMap(([label, value]) => [h("dt", {}, t(label)), h("dd", {}, value)])),
      h("h4", {}, t("Charge")),
      chargeView(full.chargeDetail, full.priceTier, full.cost) ?? h("pre", {}, full.chargeDetail),
      response.detail
        ? h("div", {},
            h("h4", {}, response.detail.requestBodyTruncated ? t("Request body (truncated)") : t("Request body")),
            h("pre", {}, response.detail.requestBody),
            h("h4", {}, response.detail.responseBodyTruncated ? t("Response body (truncated)") : t("Response body")),
            h("pre", {}, response.detail.responseBody))
        : h("p", {}, t("No bodies stored for this request.")),
      button(t("Close"), () => detail.replaceChildren()),
    );
  }

  await load("");
}
