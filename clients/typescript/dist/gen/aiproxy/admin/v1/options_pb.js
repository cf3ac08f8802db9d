// Options: global key/value settings (for example RetryTimes).
import { fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_google_protobuf_empty } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/options.proto.
 */
export const file_aiproxy_admin_v1_options = /*@__PURE__*/ fileDesc("Ch5haXByb3h5L2FkbWluL3YxL29wdGlvbnMucHJvdG8SEGFpcHJveHkuYWRtaW4udjEiJAoGT3B0aW9uEgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCSIfChBHZXRPcHRpb25SZXF1ZXN0EgsKA2tleRgBIAEoCSIUChJMaXN0T3B0aW9uc1JlcXVlc3QiQAoTTGlzdE9wdGlvbnNSZXNwb25zZRIpCgdvcHRpb25zGAEgAygLMhguYWlwcm94eS5hZG1pbi52MS5PcHRpb24iPAoQU2V0T3B0aW9uUmVxdWVzdBIoCgZvcHRpb24YASABKAsyGC5haXByb3h5LmFkbWluLnYxLk9wdGlvbiI+ChFTZXRPcHRpb25zUmVxdWVzdBIpCgdvcHRpb25zGAEgAygLMhguYWlwcm94eS5hZG1pbi52MS5PcHRpb24iIgoTRGVsZXRlT3B0aW9uUmVxdWVzdBILCgNrZXkYASABKAkytAMKDU9wdGlvblNlcnZpY2USTgoJR2V0T3B0aW9uEiIuYWlwcm94eS5hZG1pbi52MS5HZXRPcHRpb25SZXF1ZXN0GhguYWlwcm94eS5hZG1pbi52MS5PcHRpb24iA5ACARJfCgtMaXN0T3B0aW9ucxIkLmFpcHJveHkuYWRtaW4udjEuTGlzdE9wdGlvbnNSZXF1ZXN0GiUuYWlwcm94eS5hZG1pbi52MS5MaXN0T3B0aW9uc1Jlc3BvbnNlIgOQAgESSQoJU2V0T3B0aW9uEiIuYWlwcm94eS5hZG1pbi52MS5TZXRPcHRpb25SZXF1ZXN0GhguYWlwcm94eS5hZG1pbi52MS5PcHRpb24SWAoKU2V0T3B0aW9ucxIjLmFpcHJveHkuYWRtaW4udjEuU2V0T3B0aW9uc1JlcXVlc3QaJS5haXByb3h5LmFkbWluLnYxLkxpc3RPcHRpb25zUmVzcG9uc2USTQoMRGVsZXRlT3B0aW9uEiUuYWlwcm94eS5hZG1pbi52MS5EZWxldGVPcHRpb25SZXF1ZXN0GhYuZ29vZ2xlLnByb3RvYnVmLkVtcHR5YgZwcm90bzM", [file_google_protobuf_empty]);
/**
 * Describes the message aiproxy.admin.v1.Option.
 * Use `create(OptionSchema)` to create a new message.
 */
export const OptionSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_options, 0);
/**
 * Describes the message aiproxy.admin.v1.GetOptionRequest.
 * Use `create(GetOptionRequestSchema)` to create a new message.
 */
export const GetOptionRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_options, 1);
/**
 * Describes the message aiproxy.admin.v1.ListOptionsRequest.
 * Use `create(ListOptionsRequestSchema)` to create a new message.
 */
export const ListOptionsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_options, 2);
/**
 * Describes the message aiproxy.admin.v1.ListOptionsResponse.
 * Use `create(ListOptionsResponseSchema)` to create a new message.
 */
export const ListOptionsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_options, 3);
/**
 * Describes the message aiproxy.admin.v1.SetOptionRequest.
 * Use `create(SetOptionRequestSchema)` to create a new message.
 */
export const SetOptionRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_options, 4);
/**
 * Describes the message aiproxy.admin.v1.SetOptionsRequest.
 * Use `create(SetOptionsRequestSchema)` to create a new message.
 */
export const SetOptionsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_options, 5);
/**
 * Describes the message aiproxy.admin.v1.DeleteOptionRequest.
 * Use `create(DeleteOptionRequestSchema)` to create a new message.
 */
export const DeleteOptionRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_options, 6);
/**
 * @generated from service aiproxy.admin.v1.OptionService
 */
export const OptionService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_options, 0);
