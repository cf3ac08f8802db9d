import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/logs.proto.
 */
export declare const file_aiproxy_admin_v1_logs: GenFile;
/**
 * @generated from message aiproxy.admin.v1.LogFilter
 */
export type LogFilter = Message<"aiproxy.admin.v1.LogFilter"> & {
    /**
     * Creation time range in unix ms: start inclusive, end exclusive; 0 means unbounded.
     *
     * @generated from field: int64 start_ms = 1;
     */
    startMs: bigint;
    /**
     * @generated from field: int64 end_ms = 2;
     */
    endMs: bigint;
    /**
     * @generated from field: optional string group_id = 3;
     */
    groupId?: string | undefined;
    /**
     * @generated from field: optional string token_name = 4;
     */
    tokenName?: string | undefined;
    /**
     * Matches the requested model.
     *
     * @generated from field: optional string model = 5;
     */
    model?: string | undefined;
    /**
     * @generated from field: optional int64 channel_id = 6;
     */
    channelId?: bigint | undefined;
    /**
     * @generated from field: optional int64 status_code = 7;
     */
    statusCode?: bigint | undefined;
    /**
     * @generated from field: aiproxy.admin.v1.StatusClass status_class = 8;
     */
    statusClass: StatusClass;
    /**
     * @generated from field: optional string request_id = 9;
     */
    requestId?: string | undefined;
    /**
     * The end user (the request's `user`, or Anthropic's `metadata.user_id`), exactly.
     *
     * @generated from field: optional string user = 14;
     */
    user?: string | undefined;
    /**
     * Text the stored metadata JSON contains, ASCII case-insensitively (for example `acme` or
     * `"customer":"acme"`).
     *
     * @generated from field: optional string metadata_contains = 15;
     */
    metadataContains?: string | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.LogFilter.
 * Use `create(LogFilterSchema)` to create a new message.
 */
export declare const LogFilterSchema: GenMessage<LogFilter>;
/**
 * @generated from message aiproxy.admin.v1.RequestLog
 */
export type RequestLog = Message<"aiproxy.admin.v1.RequestLog"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: int64 created_at_ms = 2;
     */
    createdAtMs: bigint;
    /**
     * @generated from field: string request_id = 3;
     */
    requestId: string;
    /**
     * @generated from field: string upstream_request_id = 4;
     */
    upstreamRequestId: string;
    /**
     * @generated from field: string group_id = 5;
     */
    groupId: string;
    /**
     * @generated from field: optional int64 token_id = 6;
     */
    tokenId?: bigint | undefined;
    /**
     * @generated from field: string token_name = 7;
     */
    tokenName: string;
    /**
     * @generated from field: string requested_model = 8;
     */
    requestedModel: string;
    /**
     * @generated from field: string actual_model = 9;
     */
    actualModel: string;
    /**
     * @generated from field: optional int64 channel_id = 10;
     */
    channelId?: bigint | undefined;
    /**
     * @generated from field: string endpoint = 11;
     */
    endpoint: string;
    /**
     * @generated from field: int64 status_code = 12;
     */
    statusCode: bigint;
    /**
     * @generated from field: string error = 13;
     */
    error: string;
    /**
     * @generated from field: int64 input_tokens = 14;
     */
    inputTokens: bigint;
    /**
     * @generated from field: int64 output_tokens = 15;
     */
    outputTokens: bigint;
    /**
     * @generated from field: int64 cached_tokens = 16;
     */
    cachedTokens: bigint;
    /**
     * @generated from field: int64 cache_creation_tokens = 17;
     */
    cacheCreationTokens: bigint;
    /**
     * @generated from field: int64 reasoning_tokens = 18;
     */
    reasoningTokens: bigint;
    /**
     * @generated from field: int64 total_tokens = 19;
     */
    totalTokens: bigint;
    /**
     * Decimal string.
     *
     * @generated from field: string cost = 20;
     */
    cost: string;
    /**
     * @generated from field: optional int64 ttfb_ms = 21;
     */
    ttfbMs?: bigint | undefined;
    /**
     * @generated from field: int64 total_ms = 22;
     */
    totalMs: bigint;
    /**
     * @generated from field: int64 retries = 23;
     */
    retries: bigint;
    /**
     * @generated from field: string client_ip = 24;
     */
    clientIp: string;
    /**
     * @generated from field: string user = 25;
     */
    user: string;
    /**
     * Searches the web search plugin made for the request (each billed at the model's
     * web_search_per_call price).
     *
     * @generated from field: int64 web_search_calls = 26;
     */
    webSearchCalls: bigint;
    /**
     * Answered from the response cache (billed per the cache plugin's `billing`).
     *
     * @generated from field: bool cache_hit = 27;
     */
    cacheHit: boolean;
    /**
     * The request's `metadata` object as JSON (OpenAI chat and Responses, Anthropic Messages):
     * scalar entries only, at most 16 and 4 KiB, values of credential-like keys or that look
     * like keys replaced by "[redacted]". Empty when the request had none.
     *
     * @generated from field: string metadata = 30;
     */
    metadata: string;
    /**
     * The price tier the request was charged at (its conditions: `priority`, `input>200000`,
     * `priority,input>200000`) and the media price cells of its media lines, joined by `;`
     * (`image:1024x1024/hd`, `video:1792x1024,seconds>8`); empty: the model's base prices.
     *
     * @generated from field: string price_tier = 31;
     */
    priceTier: string;
    /**
     * The charge line by line as compact JSON: {"input_tokens": {"units": 1200, "price": "2.5",
     * "amount": "0.003"}, ..., "unit": 1000000}; only lines that charged something; token prices
     * are per `unit` tokens; a media line names its price cell in "tier". Empty when nothing was
     * charged.
     *
     * @generated from field: string charge_detail = 32;
     */
    chargeDetail: string;
};
/**
 * Describes the message aiproxy.admin.v1.RequestLog.
 * Use `create(RequestLogSchema)` to create a new message.
 */
export declare const RequestLogSchema: GenMessage<RequestLog>;
/**
 * @generated from message aiproxy.admin.v1.LogDetail
 */
export type LogDetail = Message<"aiproxy.admin.v1.LogDetail"> & {
    /**
     * @generated from field: string request_body = 1;
     */
    requestBody: string;
    /**
     * @generated from field: string response_body = 2;
     */
    responseBody: string;
    /**
     * @generated from field: bool request_body_truncated = 3;
     */
    requestBodyTruncated: boolean;
    /**
     * @generated from field: bool response_body_truncated = 4;
     */
    responseBodyTruncated: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.LogDetail.
 * Use `create(LogDetailSchema)` to create a new message.
 */
export declare const LogDetailSchema: GenMessage<LogDetail>;
/**
 * @generated from message aiproxy.admin.v1.ListLogsRequest
 */
export type ListLogsRequest = Message<"aiproxy.admin.v1.ListLogsRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.LogFilter filter = 1;
     */
    filter?: LogFilter | undefined;
    /**
     * Default 100, at most 1000.
     *
     * @generated from field: int32 page_size = 2;
     */
    pageSize: number;
    /**
     * Opaque; from the previous response.
     *
     * @generated from field: string page_token = 3;
     */
    pageToken: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListLogsRequest.
 * Use `create(ListLogsRequestSchema)` to create a new message.
 */
export declare const ListLogsRequestSchema: GenMessage<ListLogsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListLogsResponse
 */
export type ListLogsResponse = Message<"aiproxy.admin.v1.ListLogsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.RequestLog logs = 1;
     */
    logs: RequestLog[];
    /**
     * Empty on the last page.
     *
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListLogsResponse.
 * Use `create(ListLogsResponseSchema)` to create a new message.
 */
export declare const ListLogsResponseSchema: GenMessage<ListLogsResponse>;
/**
 * @generated from message aiproxy.admin.v1.GetLogRequest
 */
export type GetLogRequest = Message<"aiproxy.admin.v1.GetLogRequest"> & {
    /**
     * @generated from field: string request_id = 1;
     */
    requestId: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetLogRequest.
 * Use `create(GetLogRequestSchema)` to create a new message.
 */
export declare const GetLogRequestSchema: GenMessage<GetLogRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetLogResponse
 */
export type GetLogResponse = Message<"aiproxy.admin.v1.GetLogResponse"> & {
    /**
     * @generated from field: aiproxy.admin.v1.RequestLog log = 1;
     */
    log?: RequestLog | undefined;
    /**
     * Absent when no bodies were stored (or they were cleaned).
     *
     * @generated from field: aiproxy.admin.v1.LogDetail detail = 2;
     */
    detail?: LogDetail | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.GetLogResponse.
 * Use `create(GetLogResponseSchema)` to create a new message.
 */
export declare const GetLogResponseSchema: GenMessage<GetLogResponse>;
/**
 * @generated from message aiproxy.admin.v1.ExportLogsRequest
 */
export type ExportLogsRequest = Message<"aiproxy.admin.v1.ExportLogsRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.LogFilter filter = 1;
     */
    filter?: LogFilter | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.ExportLogsRequest.
 * Use `create(ExportLogsRequestSchema)` to create a new message.
 */
export declare const ExportLogsRequestSchema: GenMessage<ExportLogsRequest>;
/**
 * @generated from message aiproxy.admin.v1.CsvChunk
 */
export type CsvChunk = Message<"aiproxy.admin.v1.CsvChunk"> & {
    /**
     * UTF-8 CSV text; chunks end on row boundaries.
     *
     * @generated from field: bytes data = 1;
     */
    data: Uint8Array;
};
/**
 * Describes the message aiproxy.admin.v1.CsvChunk.
 * Use `create(CsvChunkSchema)` to create a new message.
 */
export declare const CsvChunkSchema: GenMessage<CsvChunk>;
/**
 * @generated from message aiproxy.admin.v1.DeleteLogsRequest
 */
export type DeleteLogsRequest = Message<"aiproxy.admin.v1.DeleteLogsRequest"> & {
    /**
     * Required, unix ms: logs created before it are deleted.
     *
     * @generated from field: int64 before_ms = 1;
     */
    beforeMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteLogsRequest.
 * Use `create(DeleteLogsRequestSchema)` to create a new message.
 */
export declare const DeleteLogsRequestSchema: GenMessage<DeleteLogsRequest>;
/**
 * @generated from message aiproxy.admin.v1.DeleteLogsResponse
 */
export type DeleteLogsResponse = Message<"aiproxy.admin.v1.DeleteLogsResponse"> & {
    /**
     * Request log rows deleted (details are deleted with them but not counted).
     *
     * @generated from field: int64 deleted = 1;
     */
    deleted: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteLogsResponse.
 * Use `create(DeleteLogsResponseSchema)` to create a new message.
 */
export declare const DeleteLogsResponseSchema: GenMessage<DeleteLogsResponse>;
/**
 * Filters of the summary RPCs. A channel filter reads the per-channel table, group and token
 * filters read the per-group table; both filters together are refused.
 *
 * @generated from message aiproxy.admin.v1.SummaryFilter
 */
export type SummaryFilter = Message<"aiproxy.admin.v1.SummaryFilter"> & {
    /**
     * Bucket start range in unix ms: start inclusive, end exclusive; 0 means unbounded.
     *
     * @generated from field: int64 start_ms = 1;
     */
    startMs: bigint;
    /**
     * @generated from field: int64 end_ms = 2;
     */
    endMs: bigint;
    /**
     * @generated from field: optional string group_id = 3;
     */
    groupId?: string | undefined;
    /**
     * @generated from field: optional string token_name = 4;
     */
    tokenName?: string | undefined;
    /**
     * The requested model.
     *
     * @generated from field: optional string model = 5;
     */
    model?: string | undefined;
    /**
     * @generated from field: optional int64 channel_id = 6;
     */
    channelId?: bigint | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.SummaryFilter.
 * Use `create(SummaryFilterSchema)` to create a new message.
 */
export declare const SummaryFilterSchema: GenMessage<SummaryFilter>;
/**
 * @generated from message aiproxy.admin.v1.SummaryPoint
 */
export type SummaryPoint = Message<"aiproxy.admin.v1.SummaryPoint"> & {
    /**
     * Bucket start in unix ms (0 for totals).
     *
     * @generated from field: int64 bucket_ms = 1;
     */
    bucketMs: bigint;
    /**
     * @generated from field: int64 requests = 2;
     */
    requests: bigint;
    /**
     * Status 400 and above; split into 4xx and 5xx.
     *
     * @generated from field: int64 errors = 3;
     */
    errors: bigint;
    /**
     * @generated from field: int64 client_errors = 4;
     */
    clientErrors: bigint;
    /**
     * @generated from field: int64 server_errors = 5;
     */
    serverErrors: bigint;
    /**
     * @generated from field: int64 input_tokens = 6;
     */
    inputTokens: bigint;
    /**
     * @generated from field: int64 output_tokens = 7;
     */
    outputTokens: bigint;
    /**
     * @generated from field: int64 cached_tokens = 8;
     */
    cachedTokens: bigint;
    /**
     * @generated from field: int64 cache_creation_tokens = 9;
     */
    cacheCreationTokens: bigint;
    /**
     * @generated from field: int64 reasoning_tokens = 10;
     */
    reasoningTokens: bigint;
    /**
     * @generated from field: int64 total_tokens = 11;
     */
    totalTokens: bigint;
    /**
     * Decimal string.
     *
     * @generated from field: string cost = 12;
     */
    cost: string;
    /**
     * Mean total latency over all requests; mean time to first byte over requests that had one.
     *
     * @generated from field: double avg_latency_ms = 13;
     */
    avgLatencyMs: number;
    /**
     * @generated from field: double avg_ttfb_ms = 14;
     */
    avgTtfbMs: number;
    /**
     * The model or channel id (decimal) of the point when the series was split; empty otherwise.
     *
     * @generated from field: string key = 15;
     */
    key: string;
    /**
     * Percentiles (50th, 95th) of total latency and of time to first byte, from the summaries'
     * fixed histograms (buckets about x1.41 wide from 16 ms): interpolated within the bucket of the
     * exact value, so within 44% of it (16 ms below 16 ms); 524288 ms and up read as 524288.
     * Absent when no request in the point was counted in a histogram (time to first byte: none
     * had one; also summaries written before the histograms existed).
     *
     * @generated from field: optional double p50_latency_ms = 16;
     */
    p50LatencyMs?: number | undefined;
    /**
     * @generated from field: optional double p95_latency_ms = 17;
     */
    p95LatencyMs?: number | undefined;
    /**
     * @generated from field: optional double p50_ttfb_ms = 18;
     */
    p50TtfbMs?: number | undefined;
    /**
     * @generated from field: optional double p95_ttfb_ms = 19;
     */
    p95TtfbMs?: number | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.SummaryPoint.
 * Use `create(SummaryPointSchema)` to create a new message.
 */
export declare const SummaryPointSchema: GenMessage<SummaryPoint>;
/**
 * @generated from message aiproxy.admin.v1.GetSummaryRequest
 */
export type GetSummaryRequest = Message<"aiproxy.admin.v1.GetSummaryRequest"> & {
    /**
     * Defaults to HOUR.
     *
     * @generated from field: aiproxy.admin.v1.Granularity granularity = 1;
     */
    granularity: Granularity;
    /**
     * @generated from field: aiproxy.admin.v1.SummaryFilter filter = 2;
     */
    filter?: SummaryFilter | undefined;
    /**
     * Unsplit unless asked; a split series lets a chart stack models or channels.
     *
     * @generated from field: aiproxy.admin.v1.SummarySplit split = 3;
     */
    split: SummarySplit;
};
/**
 * Describes the message aiproxy.admin.v1.GetSummaryRequest.
 * Use `create(GetSummaryRequestSchema)` to create a new message.
 */
export declare const GetSummaryRequestSchema: GenMessage<GetSummaryRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetSummaryResponse
 */
export type GetSummaryResponse = Message<"aiproxy.admin.v1.GetSummaryResponse"> & {
    /**
     * Ascending by bucket (then key when split); buckets without requests are absent.
     *
     * @generated from field: repeated aiproxy.admin.v1.SummaryPoint points = 1;
     */
    points: SummaryPoint[];
    /**
     * The whole range: every point summed (bucket_ms 0, key empty), its percentiles from the
     * points' histograms merged (percentiles of the points cannot be combined).
     *
     * @generated from field: aiproxy.admin.v1.SummaryPoint total = 2;
     */
    total?: SummaryPoint | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.GetSummaryResponse.
 * Use `create(GetSummaryResponseSchema)` to create a new message.
 */
export declare const GetSummaryResponseSchema: GenMessage<GetSummaryResponse>;
/**
 * @generated from message aiproxy.admin.v1.GetTotalsRequest
 */
export type GetTotalsRequest = Message<"aiproxy.admin.v1.GetTotalsRequest"> & {
    /**
     * Hour buckets are read unless MINUTE is asked for (finer range edges).
     *
     * @generated from field: aiproxy.admin.v1.Granularity granularity = 1;
     */
    granularity: Granularity;
    /**
     * @generated from field: aiproxy.admin.v1.SummaryFilter filter = 2;
     */
    filter?: SummaryFilter | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.GetTotalsRequest.
 * Use `create(GetTotalsRequestSchema)` to create a new message.
 */
export declare const GetTotalsRequestSchema: GenMessage<GetTotalsRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetRankingRequest
 */
export type GetRankingRequest = Message<"aiproxy.admin.v1.GetRankingRequest"> & {
    /**
     * Required.
     *
     * @generated from field: aiproxy.admin.v1.RankingDimension dimension = 1;
     */
    dimension: RankingDimension;
    /**
     * Defaults to REQUESTS.
     *
     * @generated from field: aiproxy.admin.v1.RankingMetric metric = 2;
     */
    metric: RankingMetric;
    /**
     * Hour buckets are read unless MINUTE is asked for.
     *
     * @generated from field: aiproxy.admin.v1.Granularity granularity = 3;
     */
    granularity: Granularity;
    /**
     * @generated from field: int64 start_ms = 4;
     */
    startMs: bigint;
    /**
     * @generated from field: int64 end_ms = 5;
     */
    endMs: bigint;
    /**
     * Default 10, at most 1000.
     *
     * @generated from field: int32 limit = 6;
     */
    limit: number;
    /**
     * Only this group's requests (refused for the CHANNEL dimension: the per-channel summaries
     * know no groups).
     *
     * @generated from field: optional string group_id = 7;
     */
    groupId?: string | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.GetRankingRequest.
 * Use `create(GetRankingRequestSchema)` to create a new message.
 */
export declare const GetRankingRequestSchema: GenMessage<GetRankingRequest>;
/**
 * @generated from message aiproxy.admin.v1.RankingEntry
 */
export type RankingEntry = Message<"aiproxy.admin.v1.RankingEntry"> & {
    /**
     * Group id, channel id in decimal, or model name.
     *
     * @generated from field: string key = 1;
     */
    key: string;
    /**
     * @generated from field: int64 requests = 2;
     */
    requests: bigint;
    /**
     * @generated from field: int64 total_tokens = 3;
     */
    totalTokens: bigint;
    /**
     * @generated from field: string cost = 4;
     */
    cost: string;
    /**
     * @generated from field: int64 errors = 5;
     */
    errors: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.RankingEntry.
 * Use `create(RankingEntrySchema)` to create a new message.
 */
export declare const RankingEntrySchema: GenMessage<RankingEntry>;
/**
 * @generated from message aiproxy.admin.v1.GetRankingResponse
 */
export type GetRankingResponse = Message<"aiproxy.admin.v1.GetRankingResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.RankingEntry entries = 1;
     */
    entries: RankingEntry[];
};
/**
 * Describes the message aiproxy.admin.v1.GetRankingResponse.
 * Use `create(GetRankingResponseSchema)` to create a new message.
 */
export declare const GetRankingResponseSchema: GenMessage<GetRankingResponse>;
/**
 * @generated from message aiproxy.admin.v1.GetCurrentRatesRequest
 */
export type GetCurrentRatesRequest = Message<"aiproxy.admin.v1.GetCurrentRatesRequest"> & {
    /**
     * "channel", "group", "token", "model" or "token_model" (each token's rate per model); every
     * dimension when empty.
     *
     * @generated from field: string dimension = 1;
     */
    dimension: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetCurrentRatesRequest.
 * Use `create(GetCurrentRatesRequestSchema)` to create a new message.
 */
export declare const GetCurrentRatesRequestSchema: GenMessage<GetCurrentRatesRequest>;
/**
 * @generated from message aiproxy.admin.v1.CurrentRate
 */
export type CurrentRate = Message<"aiproxy.admin.v1.CurrentRate"> & {
    /**
     * @generated from field: string dimension = 1;
     */
    dimension: string;
    /**
     * The channel or token id, group id or model name; for "token_model" the token id and the
     * model joined by ":" (`12:gpt-4o`; the model may hold ":" itself, the id never does).
     *
     * @generated from field: string id = 2;
     */
    id: string;
    /**
     * @generated from field: int64 requests_per_minute = 3;
     */
    requestsPerMinute: bigint;
    /**
     * @generated from field: int64 tokens_per_minute = 4;
     */
    tokensPerMinute: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.CurrentRate.
 * Use `create(CurrentRateSchema)` to create a new message.
 */
export declare const CurrentRateSchema: GenMessage<CurrentRate>;
/**
 * @generated from message aiproxy.admin.v1.GetCurrentRatesResponse
 */
export type GetCurrentRatesResponse = Message<"aiproxy.admin.v1.GetCurrentRatesResponse"> & {
    /**
     * Highest request rate first.
     *
     * @generated from field: repeated aiproxy.admin.v1.CurrentRate rates = 1;
     */
    rates: CurrentRate[];
};
/**
 * Describes the message aiproxy.admin.v1.GetCurrentRatesResponse.
 * Use `create(GetCurrentRatesResponseSchema)` to create a new message.
 */
export declare const GetCurrentRatesResponseSchema: GenMessage<GetCurrentRatesResponse>;
/**
 * Which status codes a filter keeps.
 *
 * @generated from enum aiproxy.admin.v1.StatusClass
 */
export declare enum StatusClass {
    /**
     * @generated from enum value: STATUS_CLASS_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * Below 400.
     *
     * @generated from enum value: STATUS_CLASS_SUCCESS = 1;
     */
    SUCCESS = 1,
    /**
     * 400 to 499.
     *
     * @generated from enum value: STATUS_CLASS_CLIENT_ERROR = 2;
     */
    CLIENT_ERROR = 2,
    /**
     * 500 and above.
     *
     * @generated from enum value: STATUS_CLASS_SERVER_ERROR = 3;
     */
    SERVER_ERROR = 3,
    /**
     * 400 and above.
     *
     * @generated from enum value: STATUS_CLASS_ERROR = 4;
     */
    ERROR = 4
}
/**
 * Describes the enum aiproxy.admin.v1.StatusClass.
 */
export declare const StatusClassSchema: GenEnum<StatusClass>;
/**
 * @generated from enum aiproxy.admin.v1.Granularity
 */
export declare enum Granularity {
    /**
     * @generated from enum value: GRANULARITY_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: GRANULARITY_MINUTE = 1;
     */
    MINUTE = 1,
    /**
     * @generated from enum value: GRANULARITY_HOUR = 2;
     */
    HOUR = 2
}
/**
 * Describes the enum aiproxy.admin.v1.Granularity.
 */
export declare const GranularitySchema: GenEnum<Granularity>;
/**
 * How GetSummary splits its series.
 *
 * @generated from enum aiproxy.admin.v1.SummarySplit
 */
export declare enum SummarySplit {
    /**
     * One point per bucket.
     *
     * @generated from enum value: SUMMARY_SPLIT_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * One point per bucket and requested model.
     *
     * @generated from enum value: SUMMARY_SPLIT_MODEL = 1;
     */
    MODEL = 1,
    /**
     * One point per bucket and channel (reads the per-channel table: refused with a group or
     * token filter).
     *
     * @generated from enum value: SUMMARY_SPLIT_CHANNEL = 2;
     */
    CHANNEL = 2
}
/**
 * Describes the enum aiproxy.admin.v1.SummarySplit.
 */
export declare const SummarySplitSchema: GenEnum<SummarySplit>;
/**
 * @generated from enum aiproxy.admin.v1.RankingDimension
 */
export declare enum RankingDimension {
    /**
     * @generated from enum value: RANKING_DIMENSION_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: RANKING_DIMENSION_GROUP = 1;
     */
    GROUP = 1,
    /**
     * @generated from enum value: RANKING_DIMENSION_CHANNEL = 2;
     */
    CHANNEL = 2,
    /**
     * @generated from enum value: RANKING_DIMENSION_MODEL = 3;
     */
    MODEL = 3,
    /**
     * Tokens by name, keyed `group/token`.
     *
     * @generated from enum value: RANKING_DIMENSION_TOKEN = 4;
     */
    TOKEN = 4
}
/**
 * Describes the enum aiproxy.admin.v1.RankingDimension.
 */
export declare const RankingDimensionSchema: GenEnum<RankingDimension>;
/**
 * @generated from enum aiproxy.admin.v1.RankingMetric
 */
export declare enum RankingMetric {
    /**
     * @generated from enum value: RANKING_METRIC_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: RANKING_METRIC_REQUESTS = 1;
     */
    REQUESTS = 1,
    /**
     * @generated from enum value: RANKING_METRIC_TOKENS = 2;
     */
    TOKENS = 2,
    /**
     * @generated from enum value: RANKING_METRIC_COST = 3;
     */
    COST = 3
}
/**
 * Describes the enum aiproxy.admin.v1.RankingMetric.
 */
export declare const RankingMetricSchema: GenEnum<RankingMetric>;
/**
 * @generated from service aiproxy.admin.v1.LogService
 */
export declare const LogService: GenService<{
    /**
     * Newest first; every filter is optional and they combine with AND.
     *
     * @generated from rpc aiproxy.admin.v1.LogService.ListLogs
     */
    listLogs: {
        methodKind: "unary";
        input: typeof ListLogsRequestSchema;
        output: typeof ListLogsResponseSchema;
    };
    /**
     * One request by its request id, with the stored bodies when there are any.
     *
     * @generated from rpc aiproxy.admin.v1.LogService.GetLog
     */
    getLog: {
        methodKind: "unary";
        input: typeof GetLogRequestSchema;
        output: typeof GetLogResponseSchema;
    };
    /**
     * The filtered logs as CSV, header row first, in chunks read page by page from the database.
     *
     * @generated from rpc aiproxy.admin.v1.LogService.ExportLogs
     */
    exportLogs: {
        methodKind: "server_streaming";
        input: typeof ExportLogsRequestSchema;
        output: typeof CsvChunkSchema;
    };
    /**
     * Deletes logs (and their details) created before `before_ms`.
     *
     * @generated from rpc aiproxy.admin.v1.LogService.DeleteLogs
     */
    deleteLogs: {
        methodKind: "unary";
        input: typeof DeleteLogsRequestSchema;
        output: typeof DeleteLogsResponseSchema;
    };
    /**
     * A time series from the summary tables.
     *
     * @generated from rpc aiproxy.admin.v1.LogService.GetSummary
     */
    getSummary: {
        methodKind: "unary";
        input: typeof GetSummaryRequestSchema;
        output: typeof GetSummaryResponseSchema;
    };
    /**
     * One point over the whole range.
     *
     * @generated from rpc aiproxy.admin.v1.LogService.GetTotals
     */
    getTotals: {
        methodKind: "unary";
        input: typeof GetTotalsRequestSchema;
        output: typeof SummaryPointSchema;
    };
    /**
     * The top groups, channels or models over a range.
     *
     * @generated from rpc aiproxy.admin.v1.LogService.GetRanking
     */
    getRanking: {
        methodKind: "unary";
        input: typeof GetRankingRequestSchema;
        output: typeof GetRankingResponseSchema;
    };
    /**
     * Requests and tokens per minute right now (the last 60 seconds, counted as requests finish,
     * across every replica with REDIS), per channel, group, token, model and token and model.
     *
     * @generated from rpc aiproxy.admin.v1.LogService.GetCurrentRates
     */
    getCurrentRates: {
        methodKind: "unary";
        input: typeof GetCurrentRatesRequestSchema;
        output: typeof GetCurrentRatesResponseSchema;
    };
}>;
