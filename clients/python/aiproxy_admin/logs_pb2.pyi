from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StatusClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATUS_CLASS_UNSPECIFIED: _ClassVar[StatusClass]
    STATUS_CLASS_SUCCESS: _ClassVar[StatusClass]
    STATUS_CLASS_CLIENT_ERROR: _ClassVar[StatusClass]
    STATUS_CLASS_SERVER_ERROR: _ClassVar[StatusClass]
    STATUS_CLASS_ERROR: _ClassVar[StatusClass]

class Granularity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRANULARITY_UNSPECIFIED: _ClassVar[Granularity]
    GRANULARITY_MINUTE: _ClassVar[Granularity]
    GRANULARITY_HOUR: _ClassVar[Granularity]

class SummarySplit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUMMARY_SPLIT_UNSPECIFIED: _ClassVar[SummarySplit]
    SUMMARY_SPLIT_MODEL: _ClassVar[SummarySplit]
    SUMMARY_SPLIT_CHANNEL: _ClassVar[SummarySplit]

class RankingDimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RANKING_DIMENSION_UNSPECIFIED: _ClassVar[RankingDimension]
    RANKING_DIMENSION_GROUP: _ClassVar[RankingDimension]
    RANKING_DIMENSION_CHANNEL: _ClassVar[RankingDimension]
    RANKING_DIMENSION_MODEL: _ClassVar[RankingDimension]
    RANKING_DIMENSION_TOKEN: _ClassVar[RankingDimension]

class RankingMetric(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RANKING_METRIC_UNSPECIFIED: _ClassVar[RankingMetric]
    RANKING_METRIC_REQUESTS: _ClassVar[RankingMetric]
    RANKING_METRIC_TOKENS: _ClassVar[RankingMetric]
    RANKING_METRIC_COST: _ClassVar[RankingMetric]
STATUS_CLASS_UNSPECIFIED: StatusClass
STATUS_CLASS_SUCCESS: StatusClass
STATUS_CLASS_CLIENT_ERROR: StatusClass
STATUS_CLASS_SERVER_ERROR: StatusClass
STATUS_CLASS_ERROR: StatusClass
GRANULARITY_UNSPECIFIED: Granularity
GRANULARITY_MINUTE: Granularity
GRANULARITY_HOUR: Granularity
SUMMARY_SPLIT_UNSPECIFIED: SummarySplit
SUMMARY_SPLIT_MODEL: SummarySplit
SUMMARY_SPLIT_CHANNEL: SummarySplit
RANKING_DIMENSION_UNSPECIFIED: RankingDimension
RANKING_DIMENSION_GROUP: RankingDimension
RANKING_DIMENSION_CHANNEL: RankingDimension
RANKING_DIMENSION_MODEL: RankingDimension
RANKING_DIMENSION_TOKEN: RankingDimension
RANKING_METRIC_UNSPECIFIED: RankingMetric
RANKING_METRIC_REQUESTS: RankingMetric
RANKING_METRIC_TOKENS: RankingMetric
RANKING_METRIC_COST: RankingMetric

class LogFilter(_message.Message):
    __slots__ = ("start_ms", "end_ms", "group_id", "token_name", "model", "channel_id", "status_code", "status_class", "request_id", "user", "metadata_contains")
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_CLASS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    METADATA_CONTAINS_FIELD_NUMBER: _ClassVar[int]
    start_ms: int
    end_ms: int
    group_id: str
    token_name: str
    model: str
    channel_id: int
    status_code: int
    status_class: StatusClass
    request_id: str
    user: str
    metadata_contains: str
    def __init__(self, start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ..., group_id: _Optional[str] = ..., token_name: _Optional[str] = ..., model: _Optional[str] = ..., channel_id: _Optional[int] = ..., status_code: _Optional[int] = ..., status_class: _Optional[_Union[StatusClass, str]] = ..., request_id: _Optional[str] = ..., user: _Optional[str] = ..., metadata_contains: _Optional[str] = ...) -> None: ...

class RequestLog(_message.Message):
    __slots__ = ("id", "created_at_ms", "request_id", "upstream_request_id", "group_id", "token_id", "token_name", "requested_model", "actual_model", "channel_id", "endpoint", "status_code", "error", "input_tokens", "output_tokens", "cached_tokens", "cache_creation_tokens", "reasoning_tokens", "total_tokens", "cost", "ttfb_ms", "total_ms", "retries", "client_ip", "user", "web_search_calls", "cache_hit", "metadata", "price_tier", "charge_detail")
    ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_NAME_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_MODEL_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_MODEL_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHE_CREATION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    TTFB_MS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_MS_FIELD_NUMBER: _ClassVar[int]
    RETRIES_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    WEB_SEARCH_CALLS_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    PRICE_TIER_FIELD_NUMBER: _ClassVar[int]
    CHARGE_DETAIL_FIELD_NUMBER: _ClassVar[int]
    id: int
    created_at_ms: int
    request_id: str
    upstream_request_id: str
    group_id: str
    token_id: int
    token_name: str
    requested_model: str
    actual_model: str
    channel_id: int
    endpoint: str
    status_code: int
    error: str
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    cache_creation_tokens: int
    reasoning_tokens: int
    total_tokens: int
    cost: str
    ttfb_ms: int
    total_ms: int
    retries: int
    client_ip: str
    user: str
    web_search_calls: int
    cache_hit: bool
    metadata: str
    price_tier: str
    charge_detail: str
    def __init__(self, id: _Optional[int] = ..., created_at_ms: _Optional[int] = ..., request_id: _Optional[str] = ..., upstream_request_id: _Optional[str] = ..., group_id: _Optional[str] = ..., token_id: _Optional[int] = ..., token_name: _Optional[str] = ..., requested_model: _Optional[str] = ..., actual_model: _Optional[str] = ..., channel_id: _Optional[int] = ..., endpoint: _Optional[str] = ..., status_code: _Optional[int] = ..., error: _Optional[str] = ..., input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., cached_tokens: _Optional[int] = ..., cache_creation_tokens: _Optional[int] = ..., reasoning_tokens: _Optional[int] = ..., total_tokens: _Optional[int] = ..., cost: _Optional[str] = ..., ttfb_ms: _Optional[int] = ..., total_ms: _Optional[int] = ..., retries: _Optional[int] = ..., client_ip: _Optional[str] = ..., user: _Optional[str] = ..., web_search_calls: _Optional[int] = ..., cache_hit: _Optional[bool] = ..., metadata: _Optional[str] = ..., price_tier: _Optional[str] = ..., charge_detail: _Optional[str] = ...) -> None: ...

class LogDetail(_message.Message):
    __slots__ = ("request_body", "response_body", "request_body_truncated", "response_body_truncated")
    REQUEST_BODY_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_BODY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_BODY_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_BODY_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    request_body: str
    response_body: str
    request_body_truncated: bool
    response_body_truncated: bool
    def __init__(self, request_body: _Optional[str] = ..., response_body: _Optional[str] = ..., request_body_truncated: _Optional[bool] = ..., response_body_truncated: _Optional[bool] = ...) -> None: ...

class ListLogsRequest(_message.Message):
    __slots__ = ("filter", "page_size", "page_token")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: LogFilter
    page_size: int
    page_token: str
    def __init__(self, filter: _Optional[_Union[LogFilter, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListLogsResponse(_message.Message):
    __slots__ = ("logs", "next_page_token")
    LOGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    logs: _containers.RepeatedCompositeFieldContainer[RequestLog]
    next_page_token: str
    def __init__(self, logs: _Optional[_Iterable[_Union[RequestLog, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetLogRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class GetLogResponse(_message.Message):
    __slots__ = ("log", "detail")
    LOG_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    log: RequestLog
    detail: LogDetail
    def __init__(self, log: _Optional[_Union[RequestLog, _Mapping]] = ..., detail: _Optional[_Union[LogDetail, _Mapping]] = ...) -> None: ...

class ExportLogsRequest(_message.Message):
    __slots__ = ("filter",)
    FILTER_FIELD_NUMBER: _ClassVar[int]
    filter: LogFilter
    def __init__(self, filter: _Optional[_Union[LogFilter, _Mapping]] = ...) -> None: ...

class CsvChunk(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...

class DeleteLogsRequest(_message.Message):
    __slots__ = ("before_ms",)
    BEFORE_MS_FIELD_NUMBER: _ClassVar[int]
    before_ms: int
    def __init__(self, before_ms: _Optional[int] = ...) -> None: ...

class DeleteLogsResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: int
    def __init__(self, deleted: _Optional[int] = ...) -> None: ...

class SummaryFilter(_message.Message):
    __slots__ = ("start_ms", "end_ms", "group_id", "token_name", "model", "channel_id")
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    start_ms: int
    end_ms: int
    group_id: str
    token_name: str
    model: str
    channel_id: int
    def __init__(self, start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ..., group_id: _Optional[str] = ..., token_name: _Optional[str] = ..., model: _Optional[str] = ..., channel_id: _Optional[int] = ...) -> None: ...

class SummaryPoint(_message.Message):
    __slots__ = ("bucket_ms", "requests", "errors", "client_errors", "server_errors", "input_tokens", "output_tokens", "cached_tokens", "cache_creation_tokens", "reasoning_tokens", "total_tokens", "cost", "avg_latency_ms", "avg_ttfb_ms", "key", "p50_latency_ms", "p95_latency_ms", "p50_ttfb_ms", "p95_ttfb_ms")
    BUCKET_MS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ERRORS_FIELD_NUMBER: _ClassVar[int]
    SERVER_ERRORS_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHE_CREATION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    AVG_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    AVG_TTFB_MS_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    P50_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    P95_LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    P50_TTFB_MS_FIELD_NUMBER: _ClassVar[int]
    P95_TTFB_MS_FIELD_NUMBER: _ClassVar[int]
    bucket_ms: int
    requests: int
    errors: int
    client_errors: int
    server_errors: int
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    cache_creation_tokens: int
    reasoning_tokens: int
    total_tokens: int
    cost: str
    avg_latency_ms: float
    avg_ttfb_ms: float
    key: str
    p50_latency_ms: float
    p95_latency_ms: float
    p50_ttfb_ms: float
    p95_ttfb_ms: float
    def __init__(self, bucket_ms: _Optional[int] = ..., requests: _Optional[int] = ..., errors: _Optional[int] = ..., client_errors: _Optional[int] = ..., server_errors: _Optional[int] = ..., input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., cached_tokens: _Optional[int] = ..., cache_creation_tokens: _Optional[int] = ..., reasoning_tokens: _Optional[int] = ..., total_tokens: _Optional[int] = ..., cost: _Optional[str] = ..., avg_latency_ms: _Optional[float] = ..., avg_ttfb_ms: _Optional[float] = ..., key: _Optional[str] = ..., p50_latency_ms: _Optional[float] = ..., p95_latency_ms: _Optional[float] = ..., p50_ttfb_ms: _Optional[float] = ..., p95_ttfb_ms: _Optional[float] = ...) -> None: ...

class GetSummaryRequest(_message.Message):
    __slots__ = ("granularity", "filter", "split")
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    SPLIT_FIELD_NUMBER: _ClassVar[int]
    granularity: Granularity
    filter: SummaryFilter
    split: SummarySplit
    def __init__(self, granularity: _Optional[_Union[Granularity, str]] = ..., filter: _Optional[_Union[SummaryFilter, _Mapping]] = ..., split: _Optional[_Union[SummarySplit, str]] = ...) -> None: ...

class GetSummaryResponse(_message.Message):
    __slots__ = ("points", "total")
    POINTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    points: _containers.RepeatedCompositeFieldContainer[SummaryPoint]
    total: SummaryPoint
    def __init__(self, points: _Optional[_Iterable[_Union[SummaryPoint, _Mapping]]] = ..., total: _Optional[_Union[SummaryPoint, _Mapping]] = ...) -> None: ...

class GetTotalsRequest(_message.Message):
    __slots__ = ("granularity", "filter")
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    granularity: Granularity
    filter: SummaryFilter
    def __init__(self, granularity: _Optional[_Union[Granularity, str]] = ..., filter: _Optional[_Union[SummaryFilter, _Mapping]] = ...) -> None: ...

class GetRankingRequest(_message.Message):
    __slots__ = ("dimension", "metric", "granularity", "start_ms", "end_ms", "limit", "group_id")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    dimension: RankingDimension
    metric: RankingMetric
    granularity: Granularity
    start_ms: int
    end_ms: int
    limit: int
    group_id: str
    def __init__(self, dimension: _Optional[_Union[RankingDimension, str]] = ..., metric: _Optional[_Union[RankingMetric, str]] = ..., granularity: _Optional[_Union[Granularity, str]] = ..., start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ..., limit: _Optional[int] = ..., group_id: _Optional[str] = ...) -> None: ...

class RankingEntry(_message.Message):
    __slots__ = ("key", "requests", "total_tokens", "cost", "errors")
    KEY_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    key: str
    requests: int
    total_tokens: int
    cost: str
    errors: int
    def __init__(self, key: _Optional[str] = ..., requests: _Optional[int] = ..., total_tokens: _Optional[int] = ..., cost: _Optional[str] = ..., errors: _Optional[int] = ...) -> None: ...

class GetRankingResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[RankingEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[RankingEntry, _Mapping]]] = ...) -> None: ...

class GetCurrentRatesRequest(_message.Message):
    __slots__ = ("dimension",)
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    dimension: str
    def __init__(self, dimension: _Optional[str] = ...) -> None: ...

class CurrentRate(_message.Message):
    __slots__ = ("dimension", "id", "requests_per_minute", "tokens_per_minute")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    TOKENS_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    dimension: str
    id: str
    requests_per_minute: int
    tokens_per_minute: int
    def __init__(self, dimension: _Optional[str] = ..., id: _Optional[str] = ..., requests_per_minute: _Optional[int] = ..., tokens_per_minute: _Optional[int] = ...) -> None: ...

class GetCurrentRatesResponse(_message.Message):
    __slots__ = ("rates",)
    RATES_FIELD_NUMBER: _ClassVar[int]
    rates: _containers.RepeatedCompositeFieldContainer[CurrentRate]
    def __init__(self, rates: _Optional[_Iterable[_Union[CurrentRate, _Mapping]]] = ...) -> None: ...
