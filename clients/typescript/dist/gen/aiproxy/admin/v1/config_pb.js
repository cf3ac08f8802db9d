// The declarative configuration document and change notifications.
import { fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
/**
 * Describes the file aiproxy/admin/v1/config.proto.
 */
export const file_aiproxy_admin_v1_config = /*@__PURE__*/ fileDesc("Ch1haXByb3h5L2FkbWluL3YxL2NvbmZpZy5wcm90bxIQYWlwcm94eS5hZG1pbi52MSIgCgxBcHBseVJlcXVlc3QSEAoIZG9jdW1lbnQYASABKAkiTwoKS2luZFJlcG9ydBIMCgRraW5kGAEgASgJEg8KB2NyZWF0ZWQYAiADKAkSDwoHdXBkYXRlZBgDIAMoCRIRCgl1bmNoYW5nZWQYBCADKAkizgEKDUFwcGx5UmVzcG9uc2USKwoFa2luZHMYASADKAsyHC5haXByb3h5LmFkbWluLnYxLktpbmRSZXBvcnQSDgoGcmVwb3J0GAIgASgJEkoKDmdlbmVyYXRlZF9rZXlzGAMgAygLMjIuYWlwcm94eS5hZG1pbi52MS5BcHBseVJlc3BvbnNlLkdlbmVyYXRlZEtleXNFbnRyeRo0ChJHZW5lcmF0ZWRLZXlzRW50cnkSCwoDa2V5GAEgASgJEg0KBXZhbHVlGAIgASgJOgI4ASIPCg1FeHBvcnRSZXF1ZXN0IiIKDkV4cG9ydFJlc3BvbnNlEhAKCGRvY3VtZW50GAEgASgJIh0KDFdhdGNoUmVxdWVzdBINCgVraW5kcxgBIAMoCSJHCgtDaGFuZ2VFdmVudBIMCgRraW5kGAEgASgJEg4KBmFjdGlvbhgCIAEoCRIKCgJpZBgDIAEoCRIOCgZtaXNzZWQYBCABKAMiFAoSR2V0UmV2aXNpb25SZXF1ZXN0IicKE0dldFJldmlzaW9uUmVzcG9uc2USEAoIcmV2aXNpb24YASABKAMy1gIKDUNvbmZpZ1NlcnZpY2USSAoFQXBwbHkSHi5haXByb3h5LmFkbWluLnYxLkFwcGx5UmVxdWVzdBofLmFpcHJveHkuYWRtaW4udjEuQXBwbHlSZXNwb25zZRJQCgZFeHBvcnQSHy5haXByb3h5LmFkbWluLnYxLkV4cG9ydFJlcXVlc3QaIC5haXByb3h5LmFkbWluLnYxLkV4cG9ydFJlc3BvbnNlIgOQAgESSAoFV2F0Y2gSHi5haXByb3h5LmFkbWluLnYxLldhdGNoUmVxdWVzdBodLmFpcHJveHkuYWRtaW4udjEuQ2hhbmdlRXZlbnQwARJfCgtHZXRSZXZpc2lvbhIkLmFpcHJveHkuYWRtaW4udjEuR2V0UmV2aXNpb25SZXF1ZXN0GiUuYWlwcm94eS5hZG1pbi52MS5HZXRSZXZpc2lvblJlc3BvbnNlIgOQAgFiBnByb3RvMw");
/**
 * Describes the message aiproxy.admin.v1.ApplyRequest.
 * Use `create(ApplyRequestSchema)` to create a new message.
 */
export const ApplyRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 0);
/**
 * Describes the message aiproxy.admin.v1.KindReport.
 * Use `create(KindReportSchema)` to create a new message.
 */
export const KindReportSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 1);
/**
 * Describes the message aiproxy.admin.v1.ApplyResponse.
 * Use `create(ApplyResponseSchema)` to create a new message.
 */
export const ApplyResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 2);
/**
 * Describes the message aiproxy.admin.v1.ExportRequest.
 * Use `create(ExportRequestSchema)` to create a new message.
 */
export const ExportRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 3);
/**
 * Describes the message aiproxy.admin.v1.ExportResponse.
 * Use `create(ExportResponseSchema)` to create a new message.
 */
export const ExportResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 4);
/**
 * Describes the message aiproxy.admin.v1.WatchRequest.
 * Use `create(WatchRequestSchema)` to create a new message.
 */
export const WatchRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 5);
/**
 * Describes the message aiproxy.admin.v1.ChangeEvent.
 * Use `create(ChangeEventSchema)` to create a new message.
 */
export const ChangeEventSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 6);
/**
 * Describes the message aiproxy.admin.v1.GetRevisionRequest.
 * Use `create(GetRevisionRequestSchema)` to create a new message.
 */
export const GetRevisionRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 7);
/**
 * Describes the message aiproxy.admin.v1.GetRevisionResponse.
 * Use `create(GetRevisionResponseSchema)` to create a new message.
 */
export const GetRevisionResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_config, 8);
/**
 * @generated from service aiproxy.admin.v1.ConfigService
 */
export const ConfigService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_config, 0);
