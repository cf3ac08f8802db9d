from aiproxy_admin import common_pb2 as _common_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ModelType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODEL_TYPE_UNSPECIFIED: _ClassVar[ModelType]
    MODEL_TYPE_CHAT: _ClassVar[ModelType]
    MODEL_TYPE_COMPLETION: _ClassVar[ModelType]
    MODEL_TYPE_EMBEDDING: _ClassVar[ModelType]
    MODEL_TYPE_IMAGE: _ClassVar[ModelType]
    MODEL_TYPE_AUDIO: _ClassVar[ModelType]
    MODEL_TYPE_RERANK: _ClassVar[ModelType]
    MODEL_TYPE_MODERATION: _ClassVar[ModelType]
    MODEL_TYPE_VIDEO: _ClassVar[ModelType]
    MODEL_TYPE_DOCUMENT: _ClassVar[ModelType]
MODEL_TYPE_UNSPECIFIED: ModelType
MODEL_TYPE_CHAT: ModelType
MODEL_TYPE_COMPLETION: ModelType
MODEL_TYPE_EMBEDDING: ModelType
MODEL_TYPE_IMAGE: ModelType
MODEL_TYPE_AUDIO: ModelType
MODEL_TYPE_RERANK: ModelType
MODEL_TYPE_MODERATION: ModelType
MODEL_TYPE_VIDEO: ModelType
MODEL_TYPE_DOCUMENT: ModelType

class ModelConfig(_message.Message):
    __slots__ = ("model", "type", "owner", "rpm", "tpm", "retry_times", "timeouts", "price", "plugins_json", "config_json", "created_at_ms", "updated_at_ms", "max_output_tokens")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    RPM_FIELD_NUMBER: _ClassVar[int]
    TPM_FIELD_NUMBER: _ClassVar[int]
    RETRY_TIMES_FIELD_NUMBER: _ClassVar[int]
    TIMEOUTS_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    PLUGINS_JSON_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    model: str
    type: ModelType
    owner: str
    rpm: int
    tpm: int
    retry_times: int
    timeouts: _common_pb2.Timeouts
    price: _common_pb2.Price
    plugins_json: str
    config_json: str
    created_at_ms: int
    updated_at_ms: int
    max_output_tokens: int
    def __init__(self, model: _Optional[str] = ..., type: _Optional[_Union[ModelType, str]] = ..., owner: _Optional[str] = ..., rpm: _Optional[int] = ..., tpm: _Optional[int] = ..., retry_times: _Optional[int] = ..., timeouts: _Optional[_Union[_common_pb2.Timeouts, _Mapping]] = ..., price: _Optional[_Union[_common_pb2.Price, _Mapping]] = ..., plugins_json: _Optional[str] = ..., config_json: _Optional[str] = ..., created_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ..., max_output_tokens: _Optional[int] = ...) -> None: ...

class CreateModelConfigRequest(_message.Message):
    __slots__ = ("model_config",)
    MODEL_CONFIG_FIELD_NUMBER: _ClassVar[int]
    model_config: ModelConfig
    def __init__(self, model_config: _Optional[_Union[ModelConfig, _Mapping]] = ...) -> None: ...

class GetModelConfigRequest(_message.Message):
    __slots__ = ("model",)
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: str
    def __init__(self, model: _Optional[str] = ...) -> None: ...

class ListModelConfigsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "type", "keyword")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    KEYWORD_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    type: ModelType
    keyword: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., type: _Optional[_Union[ModelType, str]] = ..., keyword: _Optional[str] = ...) -> None: ...

class ListModelConfigsResponse(_message.Message):
    __slots__ = ("model_configs", "next_page_token", "total_size")
    MODEL_CONFIGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    model_configs: _containers.RepeatedCompositeFieldContainer[ModelConfig]
    next_page_token: str
    total_size: int
    def __init__(self, model_configs: _Optional[_Iterable[_Union[ModelConfig, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateModelConfigRequest(_message.Message):
    __slots__ = ("model_config", "update_mask")
    MODEL_CONFIG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    model_config: ModelConfig
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, model_config: _Optional[_Union[ModelConfig, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteModelConfigRequest(_message.Message):
    __slots__ = ("model",)
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: str
    def __init__(self, model: _Optional[str] = ...) -> None: ...

class BatchDeleteModelConfigsRequest(_message.Message):
    __slots__ = ("models",)
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, models: _Optional[_Iterable[str]] = ...) -> None: ...

class GroupModelOverride(_message.Message):
    __slots__ = ("group_id", "model", "rpm", "tpm", "price", "retry_times", "timeouts", "save_detail", "created_at_ms", "updated_at_ms", "plugins_json")
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RPM_FIELD_NUMBER: _ClassVar[int]
    TPM_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    RETRY_TIMES_FIELD_NUMBER: _ClassVar[int]
    TIMEOUTS_FIELD_NUMBER: _ClassVar[int]
    SAVE_DETAIL_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PLUGINS_JSON_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    model: str
    rpm: int
    tpm: int
    price: _common_pb2.Price
    retry_times: int
    timeouts: _common_pb2.Timeouts
    save_detail: bool
    created_at_ms: int
    updated_at_ms: int
    plugins_json: str
    def __init__(self, group_id: _Optional[str] = ..., model: _Optional[str] = ..., rpm: _Optional[int] = ..., tpm: _Optional[int] = ..., price: _Optional[_Union[_common_pb2.Price, _Mapping]] = ..., retry_times: _Optional[int] = ..., timeouts: _Optional[_Union[_common_pb2.Timeouts, _Mapping]] = ..., save_detail: _Optional[bool] = ..., created_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ..., plugins_json: _Optional[str] = ...) -> None: ...

class PutGroupModelOverrideRequest(_message.Message):
    __slots__ = ("override",)
    OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    override: GroupModelOverride
    def __init__(self, override: _Optional[_Union[GroupModelOverride, _Mapping]] = ...) -> None: ...

class GetGroupModelOverrideRequest(_message.Message):
    __slots__ = ("group_id", "model")
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    model: str
    def __init__(self, group_id: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class ListGroupModelOverridesRequest(_message.Message):
    __slots__ = ("group_id",)
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    def __init__(self, group_id: _Optional[str] = ...) -> None: ...

class ListGroupModelOverridesResponse(_message.Message):
    __slots__ = ("overrides",)
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    overrides: _containers.RepeatedCompositeFieldContainer[GroupModelOverride]
    def __init__(self, overrides: _Optional[_Iterable[_Union[GroupModelOverride, _Mapping]]] = ...) -> None: ...

class DeleteGroupModelOverrideRequest(_message.Message):
    __slots__ = ("group_id", "model")
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    model: str
    def __init__(self, group_id: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class ListServedModelsRequest(_message.Message):
    __slots__ = ("group_id",)
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    def __init__(self, group_id: _Optional[str] = ...) -> None: ...

class ServedModel(_message.Message):
    __slots__ = ("model", "configured", "channels")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    CONFIGURED_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    model: str
    configured: bool
    channels: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, model: _Optional[str] = ..., configured: _Optional[bool] = ..., channels: _Optional[_Iterable[str]] = ...) -> None: ...

class ListServedModelsResponse(_message.Message):
    __slots__ = ("models",)
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ServedModel]
    def __init__(self, models: _Optional[_Iterable[_Union[ServedModel, _Mapping]]] = ...) -> None: ...

class BuiltinModel(_message.Message):
    __slots__ = ("model", "provider", "type", "price", "currency", "context_window", "max_output_tokens", "media_json")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_WINDOW_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    MEDIA_JSON_FIELD_NUMBER: _ClassVar[int]
    model: str
    provider: str
    type: ModelType
    price: _common_pb2.Price
    currency: str
    context_window: int
    max_output_tokens: int
    media_json: str
    def __init__(self, model: _Optional[str] = ..., provider: _Optional[str] = ..., type: _Optional[_Union[ModelType, str]] = ..., price: _Optional[_Union[_common_pb2.Price, _Mapping]] = ..., currency: _Optional[str] = ..., context_window: _Optional[int] = ..., max_output_tokens: _Optional[int] = ..., media_json: _Optional[str] = ...) -> None: ...

class ListBuiltinModelsRequest(_message.Message):
    __slots__ = ("provider", "type", "page_size", "page_token")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    provider: str
    type: ModelType
    page_size: int
    page_token: str
    def __init__(self, provider: _Optional[str] = ..., type: _Optional[_Union[ModelType, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBuiltinModelsResponse(_message.Message):
    __slots__ = ("models", "next_page_token", "total_size", "catalogue_version", "catalogue_updated")
    MODELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_VERSION_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_UPDATED_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[BuiltinModel]
    next_page_token: str
    total_size: int
    catalogue_version: int
    catalogue_updated: str
    def __init__(self, models: _Optional[_Iterable[_Union[BuiltinModel, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., catalogue_version: _Optional[int] = ..., catalogue_updated: _Optional[str] = ...) -> None: ...

class ImportBuiltinModelsRequest(_message.Message):
    __slots__ = ("providers", "models", "overwrite", "currency")
    PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    OVERWRITE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    providers: _containers.RepeatedScalarFieldContainer[str]
    models: _containers.RepeatedScalarFieldContainer[str]
    overwrite: bool
    currency: str
    def __init__(self, providers: _Optional[_Iterable[str]] = ..., models: _Optional[_Iterable[str]] = ..., overwrite: _Optional[bool] = ..., currency: _Optional[str] = ...) -> None: ...

class ImportBuiltinModelsResponse(_message.Message):
    __slots__ = ("created", "updated", "skipped", "created_models", "updated_models", "skipped_models", "catalogue_version")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    CREATED_MODELS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_MODELS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_MODELS_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_VERSION_FIELD_NUMBER: _ClassVar[int]
    created: int
    updated: int
    skipped: int
    created_models: _containers.RepeatedScalarFieldContainer[str]
    updated_models: _containers.RepeatedScalarFieldContainer[str]
    skipped_models: _containers.RepeatedScalarFieldContainer[str]
    catalogue_version: int
    def __init__(self, created: _Optional[int] = ..., updated: _Optional[int] = ..., skipped: _Optional[int] = ..., created_models: _Optional[_Iterable[str]] = ..., updated_models: _Optional[_Iterable[str]] = ..., skipped_models: _Optional[_Iterable[str]] = ..., catalogue_version: _Optional[int] = ...) -> None: ...
