// Request logs: filters (group, model, status, time range) in the URL fragment, newest first,
// pages by the server's page token, and one request's detail with its stored bodies.
import { api } from "../api";
import { button, form, h, localFromMs, msFromLocal, optionalString, table, time } from "../dom";
import { StatusClass, type RequestLog } from "../gen/aiproxy/admin/v1/logs_pb";

const statusOptions: [string, string][] = [
  [String(StatusClass.UNSPECIFIED), "any"],
  [String(StatusClass.SUCCESS), "success (<400)"],
  [String(StatusClass.ERROR), "error (>=400)"],
  [String(StatusClass.CLIENT_ERROR), "client error (4xx)"],
  [String(StatusClass.SERVER_ERROR), "server error (5xx)"],
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
        { kind: "text", name: "group", label: "Group", value: filter.groupId ?? "" },
        { kind: "text", name: "model", label: "Model", value: filter.model ?? "" },
        { kind: "select", name: "status", label: "Status", options: statusOptions, value: String(filter.statusClass) },
        { kind: "datetime", name: "from", label: "From", value: localFromMs(filter.startMs) },
        { kind: "datetime", name: "to", label: "To", value: localFromMs(filter.endMs) },
      ],
      "Filter",
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
    detail,
    listing,
  );

  async function load(pageToken: string): Promise<void> {
    const response = await api.logs.listLogs({ filter, pageSize: 50, pageToken });
    listing.replaceChildren(h("div", {},
      table(
        ["Time", "Request id", "Group", "Token", "Model", "Status", "Tokens", "Cost", "Latency", ""],
        response.logs.map((log) => [
          time(log.createdAtMs),
          log.requestId,
          log.groupId,
          log.tokenName,
          log.requestedModel,
          log.statusCode,
          log.totalTokens,
          log.cost,
          `${log.totalMs} ms`,
          button("Detail", () => showDetail(log)),
        ]),
        "logs-table",
      ),
      response.logs.length === 0 ? h("p", { "data-testid": "logs-empty" }, "No requests match.") : null,
      response.nextPageToken ? button("Next page", () => load(response.nextPageToken)) : null,
      pageToken ? button("First page", () => load("")) : null,
    ));
  }

  async function showDetail(log: RequestLog): Promise<void> {
    const response = await api.logs.getLog({ requestId: log.requestId });
    const full = response.log ?? log;
    const rows: [string, string][] = [
      ["Request id", full.requestId],
      ["Upstream request id", full.upstreamRequestId],
      ["Time", time(full.createdAtMs)],
      ["Group / token", `${full.groupId} / ${full.tokenName}`],
      ["Model (requested → actual)", `${full.requestedModel} → ${full.actualModel}`],
      ["Channel", full.channelId?.toString() ?? ""],
      ["Endpoint", full.endpoint],
      ["Status", full.statusCode.toString()],
      ["Error", full.error],
      ["Tokens in / out / cached / reasoning", `${full.inputTokens} / ${full.outputTokens} / ${full.cachedTokens} / ${full.reasoningTokens}`],
      ["Cost", full.cost],
      ["Time to first byte / total", `${full.ttfbMs?.toString() ?? "-"} / ${full.totalMs} ms`],
      ["Retries", full.retries.toString()],
      ["Client IP / user", `${full.clientIp} / ${full.user}`],
      ["Web searches / cache hit", `${full.webSearchCalls} / ${full.cacheHit ? "yes" : "no"}`],
      ["Metadata", full.metadata],
    ];
    detail.replaceChildren(
      h("h3", {}, `Request ${full.requestId}`),
      h("dl", {}, ...rows.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)])),
      response.detail
        ? h("div", {},
            h("h4", {}, `Request body${response.detail.requestBodyTruncated ? " (truncated)" : ""}`),
            h("pre", {}, response.detail.requestBody),
            h("h4", {}, `Response body${response.detail.responseBodyTruncated ? " (truncated)" : ""}`),
            h("pre", {}, response.detail.responseBody))
        : h("p", {}, "No bodies stored for this request."),
      button("Close", () => detail.replaceChildren()),
    );
  }

  await load("");
}
