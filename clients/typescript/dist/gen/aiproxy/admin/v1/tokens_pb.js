// Tokens: the API keys callers present to the relay. Only a hash of each key is stored.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/tokens.proto.
 */
export const file_aiproxy_admin_v1_tokens = /*@__PURE__*/ fileDesc("Ch1haXByb3h5L2FkbWluL3YxL3Rva2Vucy5wcm90bxIQYWlwcm94eS5hZG1pbi52MSKaBgoFVG9rZW4SCgoCaWQYASABKAMSEAoIZ3JvdXBfaWQYAiABKAkSDAoEbmFtZRgDIAEoCRISCgprZXlfcHJlZml4GAQgASgJEigKBnN0YXR1cxgFIAEoDjIYLmFpcHJveHkuYWRtaW4udjEuU3RhdHVzEhoKDWV4cGlyZXNfYXRfbXMYBiABKANIAIgBARIPCgdzdWJuZXRzGAcgAygJEg4KBm1vZGVscxgIIAMoCRITCgttY3Bfc2VydmVycxgJIAMoCRISCgVxdW90YRgKIAEoCUgBiAEBEhkKDHBlcmlvZF9xdW90YRgLIAEoCUgCiAEBEi0KBnBlcmlvZBgMIAEoDjIdLmFpcHJveHkuYWRtaW4udjEuUXVvdGFQZXJpb2QSHAoPcGVyaW9kX3N0YXJ0X21zGA0gASgDSAOIAQESEwoLdXNlZF9hbW91bnQYDiABKAkSFQoNcmVxdWVzdF9jb3VudBgPIAEoAxIVCg1jcmVhdGVkX2F0X21zGBAgASgDEhsKDmFjY2Vzc2VkX2F0X21zGBEgASgDSASIAQESEwoLcGVyaW9kX3VzZWQYEiABKAkSHAoPcmVtYWluaW5nX3F1b3RhGBMgASgJSAWIAQESIwoWcmVtYWluaW5nX3BlcmlvZF9xdW90YRgUIAEoCUgGiAEBEhAKA3JwbRgVIAEoA0gHiAEBEhAKA3RwbRgWIAEoA0gIiAEBEhwKD21heF9jb25jdXJyZW5jeRgXIAEoA0gJiAEBEiAKE3BlcmlvZF9yZXNldHNfYXRfbXMYGCABKANICogBAUIQCg5fZXhwaXJlc19hdF9tc0IICgZfcXVvdGFCDwoNX3BlcmlvZF9xdW90YUISChBfcGVyaW9kX3N0YXJ0X21zQhEKD19hY2Nlc3NlZF9hdF9tc0ISChBfcmVtYWluaW5nX3F1b3RhQhkKF19yZW1haW5pbmdfcGVyaW9kX3F1b3RhQgYKBF9ycG1CBgoEX3RwbUISChBfbWF4X2NvbmN1cnJlbmN5QhYKFF9wZXJpb2RfcmVzZXRzX2F0X21zIlYKEkNyZWF0ZVRva2VuUmVxdWVzdBImCgV0b2tlbhgBIAEoCzIXLmFpcHJveHkuYWRtaW4udjEuVG9rZW4SEAoDa2V5GAIgASgJSACIAQFCBgoEX2tleSJKChNDcmVhdGVUb2tlblJlc3BvbnNlEiYKBXRva2VuGAEgASgLMhcuYWlwcm94eS5hZG1pbi52MS5Ub2tlbhILCgNrZXkYAiABKAkiHQoPR2V0VG9rZW5SZXF1ZXN0EgoKAmlkGAEgASgDIocBChFMaXN0VG9rZW5zUmVxdWVzdBIRCglwYWdlX3NpemUYASABKAUSEgoKcGFnZV90b2tlbhgCIAEoCRIQCghncm91cF9pZBgDIAEoCRIoCgZzdGF0dXMYBCABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cxIPCgdrZXl3b3JkGAUgASgJImoKEkxpc3RUb2tlbnNSZXNwb25zZRInCgZ0b2tlbnMYASADKAsyFy5haXByb3h5LmFkbWluLnYxLlRva2VuEhcKD25leHRfcGFnZV90b2tlbhgCIAEoCRISCgp0b3RhbF9zaXplGAMgASgDIm0KElVwZGF0ZVRva2VuUmVxdWVzdBImCgV0b2tlbhgBIAEoCzIXLmFpcHJveHkuYWRtaW4udjEuVG9rZW4SLwoLdXBkYXRlX21hc2sYAiABKAsyGi5nb29nbGUucHJvdG9idWYuRmllbGRNYXNrIiAKEkRlbGV0ZVRva2VuUmVxdWVzdBIKCgJpZBgBIAEoAyInChhCYXRjaERlbGV0ZVRva2Vuc1JlcXVlc3QSCwoDaWRzGAEgAygDIk0KFVNldFRva2VuU3RhdHVzUmVxdWVzdBIKCgJpZBgBIAEoAxIoCgZzdGF0dXMYAiABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cyp2CgtRdW90YVBlcmlvZBIcChhRVU9UQV9QRVJJT0RfVU5TUEVDSUZJRUQQABIWChJRVU9UQV9QRVJJT0RfREFJTFkQARIXChNRVU9UQV9QRVJJT0RfV0VFS0xZEAISGAoUUVVPVEFfUEVSSU9EX01PTlRITFkQAzLsBAoMVG9rZW5TZXJ2aWNlEloKC0NyZWF0ZVRva2VuEiQuYWlwcm94eS5hZG1pbi52MS5DcmVhdGVUb2tlblJlcXVlc3QaJS5haXByb3h5LmFkbWluLnYxLkNyZWF0ZVRva2VuUmVzcG9uc2USSwoIR2V0VG9rZW4SIS5haXByb3h5LmFkbWluLnYxLkdldFRva2VuUmVxdWVzdBoXLmFpcHJveHkuYWRtaW4udjEuVG9rZW4iA5ACARJcCgpMaXN0VG9rZW5zEiMuYWlwcm94eS5hZG1pbi52MS5MaXN0VG9rZW5zUmVxdWVzdBokLmFpcHJveHkuYWRtaW4udjEuTGlzdFRva2Vuc1Jlc3BvbnNlIgOQAgESTAoLVXBkYXRlVG9rZW4SJC5haXByb3h5LmFkbWluLnYxLlVwZGF0ZVRva2VuUmVxdWVzdBoXLmFpcHJveHkuYWRtaW4udjEuVG9rZW4SSwoLRGVsZXRlVG9rZW4SJC5haXByb3h5LmFkbWluLnYxLkRlbGV0ZVRva2VuUmVxdWVzdBoWLmdvb2dsZS5wcm90b2J1Zi5FbXB0eRJmChFCYXRjaERlbGV0ZVRva2VucxIqLmFpcHJveHkuYWRtaW4udjEuQmF0Y2hEZWxldGVUb2tlbnNSZXF1ZXN0GiUuYWlwcm94eS5hZG1pbi52MS5CYXRjaERlbGV0ZVJlc3BvbnNlElIKDlNldFRva2VuU3RhdHVzEicuYWlwcm94eS5hZG1pbi52MS5TZXRUb2tlblN0YXR1c1JlcXVlc3QaFy5haXByb3h5LmFkbWluLnYxLlRva2VuYgZwcm90bzM", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
/**
 * Describes the message aiproxy.admin.v1.Token.
 * Use `create(TokenSchema)` to create a new message.
 */
export const TokenSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 0);
/**
 * Describes the message aiproxy.admin.v1.CreateTokenRequest.
 * Use `create(CreateTokenRequestSchema)` to create a new message.
 */
export const CreateTokenRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 1);
/**
 * Describes the message aiproxy.admin.v1.CreateTokenResponse.
 * Use `create(CreateTokenResponseSchema)` to create a new message.
 */
export const CreateTokenResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 2);
/**
 * Describes the message aiproxy.admin.v1.GetTokenRequest.
 * Use `create(GetTokenRequestSchema)` to create a new message.
 */
export const GetTokenRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 3);
/**
 * Describes the message aiproxy.admin.v1.ListTokensRequest.
 * Use `create(ListTokensRequestSchema)` to create a new message.
 */
export const ListTokensRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 4);
/**
 * Describes the message aiproxy.admin.v1.ListTokensResponse.
 * Use `create(ListTokensResponseSchema)` to create a new message.
 */
export const ListTokensResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 5);
/**
 * Describes the message aiproxy.admin.v1.UpdateTokenRequest.
 * Use `create(UpdateTokenRequestSchema)` to create a new message.
 */
export const UpdateTokenRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 6);
/**
 * Describes the message aiproxy.admin.v1.DeleteTokenRequest.
 * Use `create(DeleteTokenRequestSchema)` to create a new message.
 */
export const DeleteTokenRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 7);
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteTokensRequest.
 * Use `create(BatchDeleteTokensRequestSchema)` to create a new message.
 */
export const BatchDeleteTokensRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 8);
/**
 * Describes the message aiproxy.admin.v1.SetTokenStatusRequest.
 * Use `create(SetTokenStatusRequestSchema)` to create a new message.
 */
export const SetTokenStatusRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_tokens, 9);
/**
 * @generated from enum aiproxy.admin.v1.QuotaPeriod
 */
export var QuotaPeriod;
(function (QuotaPeriod) {
    /**
     * @generated from enum value: QUOTA_PERIOD_UNSPECIFIED = 0;
     */
    QuotaPeriod[QuotaPeriod["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * @generated from enum value: QUOTA_PERIOD_DAILY = 1;
     */
    QuotaPeriod[QuotaPeriod["DAILY"] = 1] = "DAILY";
    /**
     * @generated from enum value: QUOTA_PERIOD_WEEKLY = 2;
     */
    QuotaPeriod[QuotaPeriod["WEEKLY"] = 2] = "WEEKLY";
    /**
     * @generated from enum value: QUOTA_PERIOD_MONTHLY = 3;
     */
    QuotaPeriod[QuotaPeriod["MONTHLY"] = 3] = "MONTHLY";
})(QuotaPeriod || (QuotaPeriod = {}));
/**
 * Describes the enum aiproxy.admin.v1.QuotaPeriod.
 */
export const QuotaPeriodSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_tokens, 0);
/**
 * @generated from service aiproxy.admin.v1.TokenService
 */
export const TokenService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_tokens, 0);
