import type { GenEnum, GenFile, GenMessage } from "@bufbuild/protobuf/codegenv2";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/common.proto.
 */
export declare const file_aiproxy_admin_v1_common: GenFile;
/**
 * Upstream timeouts in milliseconds; an absent field means "use the default".
 *
 * @generated from message aiproxy.admin.v1.Timeouts
 */
export type Timeouts = Message<"aiproxy.admin.v1.Timeouts"> & {
    /**
     * @generated from field: optional int64 connect_ms = 1;
     */
    connectMs?: bigint | undefined;
    /**
     * @generated from field: optional int64 first_byte_ms = 2;
     */
    firstByteMs?: bigint | undefined;
    /**
     * @generated from field: optional int64 stream_idle_ms = 3;
     */
    streamIdleMs?: bigint | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.Timeouts.
 * Use `create(TimeoutsSchema)` to create a new message.
 */
export declare const TimeoutsSchema: GenMessage<Timeouts>;
/**
 * Prices are decimal strings (for example "0.15") per `unit` tokens; an absent field means free.
 * `per_request` is charged once per request whatever the token count.
 *
 * @generated from message aiproxy.admin.v1.Price
 */
export type Price = Message<"aiproxy.admin.v1.Price"> & {
    /**
     * @generated from field: optional string input = 1;
     */
    input?: string | undefined;
    /**
     * @generated from field: optional string output = 2;
     */
    output?: string | undefined;
    /**
     * @generated from field: optional string cached_input = 3;
     */
    cachedInput?: string | undefined;
    /**
     * @generated from field: optional string cache_creation = 4;
     */
    cacheCreation?: string | undefined;
    /**
     * @generated from field: optional string image_input = 5;
     */
    imageInput?: string | undefined;
    /**
     * @generated from field: optional string image_output = 6;
     */
    imageOutput?: string | undefined;
    /**
     * @generated from field: optional string audio_input = 7;
     */
    audioInput?: string | undefined;
    /**
     * @generated from field: optional string audio_output = 8;
     */
    audioOutput?: string | undefined;
    /**
     * @generated from field: optional string per_request = 9;
     */
    perRequest?: string | undefined;
    /**
     * @generated from field: optional string reasoning_output = 10;
     */
    reasoningOutput?: string | undefined;
    /**
     * Tokens per price unit; 0 means 1,000,000.
     *
     * @generated from field: int64 unit = 11;
     */
    unit: bigint;
    /**
     * Charged per search the web search plugin made for a request (not per unit tokens).
     *
     * @generated from field: optional string web_search_per_call = 12;
     */
    webSearchPerCall?: string | undefined;
    /**
     * Conditional prices (long-context, service tiers), sorted by service_tier (unset first)
     * then above_input_tokens (unset first), at most 16; the last one a request matches applies.
     *
     * @generated from field: repeated aiproxy.admin.v1.PriceTier tiers = 13;
     */
    tiers: PriceTier[];
};
/**
 * Describes the message aiproxy.admin.v1.Price.
 * Use `create(PriceSchema)` to create a new message.
 */
export declare const PriceSchema: GenMessage<Price>;
/**
 * Token prices that replace the base price's, field by field, for the requests matching every
 * condition set (at least one must be).
 *
 * @generated from message aiproxy.admin.v1.PriceTier
 */
export type PriceTier = Message<"aiproxy.admin.v1.PriceTier"> & {
    /**
     * More than this many input tokens (long-context pricing).
     *
     * @generated from field: optional int64 above_input_tokens = 1;
     */
    aboveInputTokens?: bigint | undefined;
    /**
     * The service tier the request ran at (`flex`, `priority`, `default`): the upstream's answer
     * when it reports one, else the request's `service_tier` field.
     *
     * @generated from field: optional string service_tier = 2;
     */
    serviceTier?: string | undefined;
    /**
     * @generated from field: optional string input = 3;
     */
    input?: string | undefined;
    /**
     * @generated from field: optional string output = 4;
     */
    output?: string | undefined;
    /**
     * @generated from field: optional string cached_input = 5;
     */
    cachedInput?: string | undefined;
    /**
     * @generated from field: optional string cache_creation = 6;
     */
    cacheCreation?: string | undefined;
    /**
     * @generated from field: optional string image_input = 7;
     */
    imageInput?: string | undefined;
    /**
     * @generated from field: optional string image_output = 8;
     */
    imageOutput?: string | undefined;
    /**
     * @generated from field: optional string audio_input = 9;
     */
    audioInput?: string | undefined;
    /**
     * @generated from field: optional string audio_output = 10;
     */
    audioOutput?: string | undefined;
    /**
     * @generated from field: optional string reasoning_output = 11;
     */
    reasoningOutput?: string | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.PriceTier.
 * Use `create(PriceTierSchema)` to create a new message.
 */
export declare const PriceTierSchema: GenMessage<PriceTier>;
/**
 * @generated from message aiproxy.admin.v1.BatchDeleteResponse
 */
export type BatchDeleteResponse = Message<"aiproxy.admin.v1.BatchDeleteResponse"> & {
    /**
     * How many of the requested objects existed and were deleted.
     *
     * @generated from field: int64 deleted = 1;
     */
    deleted: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteResponse.
 * Use `create(BatchDeleteResponseSchema)` to create a new message.
 */
export declare const BatchDeleteResponseSchema: GenMessage<BatchDeleteResponse>;
/**
 * Whether an object takes part in relaying. INTERNAL is accepted for groups only: an internal
 * group is usable by the system itself but hidden from self-service listings.
 *
 * @generated from enum aiproxy.admin.v1.Status
 */
export declare enum Status {
    /**
     * @generated from enum value: STATUS_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: STATUS_ENABLED = 1;
     */
    ENABLED = 1,
    /**
     * @generated from enum value: STATUS_DISABLED = 2;
     */
    DISABLED = 2,
    /**
     * @generated from enum value: STATUS_INTERNAL = 3;
     */
    INTERNAL = 3
}
/**
 * Describes the enum aiproxy.admin.v1.Status.
 */
export declare const StatusSchema: GenEnum<Status>;
