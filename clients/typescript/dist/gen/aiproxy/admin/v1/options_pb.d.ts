import type { GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/options.proto.
 */
export declare const file_aiproxy_admin_v1_options: GenFile;
/**
 * @generated from message aiproxy.admin.v1.Option
 */
export type Option = Message<"aiproxy.admin.v1.Option"> & {
    /**
     * @generated from field: string key = 1;
     */
    key: string;
    /**
     * @generated from field: string value = 2;
     */
    value: string;
};
/**
 * Describes the message aiproxy.admin.v1.Option.
 * Use `create(OptionSchema)` to create a new message.
 */
export declare const OptionSchema: GenMessage<Option>;
/**
 * @generated from message aiproxy.admin.v1.GetOptionRequest
 */
export type GetOptionRequest = Message<"aiproxy.admin.v1.GetOptionRequest"> & {
    /**
     * @generated from field: string key = 1;
     */
    key: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetOptionRequest.
 * Use `create(GetOptionRequestSchema)` to create a new message.
 */
export declare const GetOptionRequestSchema: GenMessage<GetOptionRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListOptionsRequest
 */
export type ListOptionsRequest = Message<"aiproxy.admin.v1.ListOptionsRequest"> & {};
/**
 * Describes the message aiproxy.admin.v1.ListOptionsRequest.
 * Use `create(ListOptionsRequestSchema)` to create a new message.
 */
export declare const ListOptionsRequestSchema: GenMessage<ListOptionsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListOptionsResponse
 */
export type ListOptionsResponse = Message<"aiproxy.admin.v1.ListOptionsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.Option options = 1;
     */
    options: Option[];
};
/**
 * Describes the message aiproxy.admin.v1.ListOptionsResponse.
 * Use `create(ListOptionsResponseSchema)` to create a new message.
 */
export declare const ListOptionsResponseSchema: GenMessage<ListOptionsResponse>;
/**
 * @generated from message aiproxy.admin.v1.SetOptionRequest
 */
export type SetOptionRequest = Message<"aiproxy.admin.v1.SetOptionRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.Option option = 1;
     */
    option?: Option | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.SetOptionRequest.
 * Use `create(SetOptionRequestSchema)` to create a new message.
 */
export declare const SetOptionRequestSchema: GenMessage<SetOptionRequest>;
/**
 * @generated from message aiproxy.admin.v1.SetOptionsRequest
 */
export type SetOptionsRequest = Message<"aiproxy.admin.v1.SetOptionsRequest"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.Option options = 1;
     */
    options: Option[];
};
/**
 * Describes the message aiproxy.admin.v1.SetOptionsRequest.
 * Use `create(SetOptionsRequestSchema)` to create a new message.
 */
export declare const SetOptionsRequestSchema: GenMessage<SetOptionsRequest>;
/**
 * @generated from message aiproxy.admin.v1.DeleteOptionRequest
 */
export type DeleteOptionRequest = Message<"aiproxy.admin.v1.DeleteOptionRequest"> & {
    /**
     * @generated from field: string key = 1;
     */
    key: string;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteOptionRequest.
 * Use `create(DeleteOptionRequestSchema)` to create a new message.
 */
export declare const DeleteOptionRequestSchema: GenMessage<DeleteOptionRequest>;
/**
 * @generated from service aiproxy.admin.v1.OptionService
 */
export declare const OptionService: GenService<{
    /**
     * @generated from rpc aiproxy.admin.v1.OptionService.GetOption
     */
    getOption: {
        methodKind: "unary";
        input: typeof GetOptionRequestSchema;
        output: typeof OptionSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.OptionService.ListOptions
     */
    listOptions: {
        methodKind: "unary";
        input: typeof ListOptionsRequestSchema;
        output: typeof ListOptionsResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.OptionService.SetOption
     */
    setOption: {
        methodKind: "unary";
        input: typeof SetOptionRequestSchema;
        output: typeof OptionSchema;
    };
    /**
     * Sets several options in one transaction.
     *
     * @generated from rpc aiproxy.admin.v1.OptionService.SetOptions
     */
    setOptions: {
        methodKind: "unary";
        input: typeof SetOptionsRequestSchema;
        output: typeof ListOptionsResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.OptionService.DeleteOption
     */
    deleteOption: {
        methodKind: "unary";
        input: typeof DeleteOptionRequestSchema;
        output: typeof EmptySchema;
    };
}>;
