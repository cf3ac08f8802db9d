// Request logs and their summaries: listing, export, deletion and time series.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
/**
 * Describes the file aiproxy/admin/v1/logs.proto.
 */
export const file_aiproxy_admin_v1_logs = /*@__PURE__*/ fileDesc("ChthaXByb3h5L2FkbWluL3YxL2xvZ3MucHJvdG8SEGFpcHJveHkuYWRtaW4udjEimAMKCUxvZ0ZpbHRlchIQCghzdGFydF9tcxgBIAEoAxIOCgZlbmRfbXMYAiABKAMSFQoIZ3JvdXBfaWQYAyABKAlIAIgBARIXCgp0b2tlbl9uYW1lGAQgASgJSAGIAQESEgoFbW9kZWwYBSABKAlIAogBARIXCgpjaGFubmVsX2lkGAYgASgDSAOIAQESGAoLc3RhdHVzX2NvZGUYByABKANIBIgBARIzCgxzdGF0dXNfY2xhc3MYCCABKA4yHS5haXByb3h5LmFkbWluLnYxLlN0YXR1c0NsYXNzEhcKCnJlcXVlc3RfaWQYCSABKAlIBYgBARIRCgR1c2VyGA4gASgJSAaIAQESHgoRbWV0YWRhdGFfY29udGFpbnMYDyABKAlIB4gBAUILCglfZ3JvdXBfaWRCDQoLX3Rva2VuX25hbWVCCAoGX21vZGVsQg0KC19jaGFubmVsX2lkQg4KDF9zdGF0dXNfY29kZUINCgtfcmVxdWVzdF9pZEIHCgVfdXNlckIUChJfbWV0YWRhdGFfY29udGFpbnMiqAUKClJlcXVlc3RMb2cSCgoCaWQYASABKAMSFQoNY3JlYXRlZF9hdF9tcxgCIAEoAxISCgpyZXF1ZXN0X2lkGAMgASgJEhsKE3Vwc3RyZWFtX3JlcXVlc3RfaWQYBCABKAkSEAoIZ3JvdXBfaWQYBSABKAkSFQoIdG9rZW5faWQYBiABKANIAIgBARISCgp0b2tlbl9uYW1lGAcgASgJEhcKD3JlcXVlc3RlZF9tb2RlbBgIIAEoCRIUCgxhY3R1YWxfbW9kZWwYCSABKAkSFwoKY2hhbm5lbF9pZBgKIAEoA0gBiAEBEhAKCGVuZHBvaW50GAsgASgJEhMKC3N0YXR1c19jb2RlGAwgASgDEg0KBWVycm9yGA0gASgJEhQKDGlucHV0X3Rva2VucxgOIAEoAxIVCg1vdXRwdXRfdG9rZW5zGA8gASgDEhUKDWNhY2hlZF90b2tlbnMYECABKAMSHQoVY2FjaGVfY3JlYXRpb25fdG9rZW5zGBEgASgDEhgKEHJlYXNvbmluZ190b2tlbnMYEiABKAMSFAoMdG90YWxfdG9rZW5zGBMgASgDEgwKBGNvc3QYFCABKAkSFAoHdHRmYl9tcxgVIAEoA0gCiAEBEhAKCHRvdGFsX21zGBYgASgDEg8KB3JldHJpZXMYFyABKAMSEQoJY2xpZW50X2lwGBggASgJEgwKBHVzZXIYGSABKAkSGAoQd2ViX3NlYXJjaF9jYWxscxgaIAEoAxIRCgljYWNoZV9oaXQYGyABKAgSEAoIbWV0YWRhdGEYHiABKAkSEgoKcHJpY2VfdGllchgfIAEoCRIVCg1jaGFyZ2VfZGV0YWlsGCAgASgJQgsKCV90b2tlbl9pZEINCgtfY2hhbm5lbF9pZEIKCghfdHRmYl9tcyJ5CglMb2dEZXRhaWwSFAoMcmVxdWVzdF9ib2R5GAEgASgJEhUKDXJlc3BvbnNlX2JvZHkYAiABKAkSHgoWcmVxdWVzdF9ib2R5X3RydW5jYXRlZBgDIAEoCBIfChdyZXNwb25zZV9ib2R5X3RydW5jYXRlZBgEIAEoCCJlCg9MaXN0TG9nc1JlcXVlc3QSKwoGZmlsdGVyGAEgASgLMhsuYWlwcm94eS5hZG1pbi52MS5Mb2dGaWx0ZXISEQoJcGFnZV9zaXplGAIgASgFEhIKCnBhZ2VfdG9rZW4YAyABKAkiVwoQTGlzdExvZ3NSZXNwb25zZRIqCgRsb2dzGAEgAygLMhwuYWlwcm94eS5hZG1pbi52MS5SZXF1ZXN0TG9nEhcKD25leHRfcGFnZV90b2tlbhgCIAEoCSIjCg1HZXRMb2dSZXF1ZXN0EhIKCnJlcXVlc3RfaWQYASABKAkiaAoOR2V0TG9nUmVzcG9uc2USKQoDbG9nGAEgASgLMhwuYWlwcm94eS5hZG1pbi52MS5SZXF1ZXN0TG9nEisKBmRldGFpbBgCIAEoCzIbLmFpcHJveHkuYWRtaW4udjEuTG9nRGV0YWlsIkAKEUV4cG9ydExvZ3NSZXF1ZXN0EisKBmZpbHRlchgBIAEoCzIbLmFpcHJveHkuYWRtaW4udjEuTG9nRmlsdGVyIhgKCENzdkNodW5rEgwKBGRhdGEYASABKAwiJgoRRGVsZXRlTG9nc1JlcXVlc3QSEQoJYmVmb3JlX21zGAEgASgDIiUKEkRlbGV0ZUxvZ3NSZXNwb25zZRIPCgdkZWxldGVkGAEgASgDIsMBCg1TdW1tYXJ5RmlsdGVyEhAKCHN0YXJ0X21zGAEgASgDEg4KBmVuZF9tcxgCIAEoAxIVCghncm91cF9pZBgDIAEoCUgAiAEBEhcKCnRva2VuX25hbWUYBCABKAlIAYgBARISCgVtb2RlbBgFIAEoCUgCiAEBEhcKCmNoYW5uZWxfaWQYBiABKANIA4gBAUILCglfZ3JvdXBfaWRCDQoLX3Rva2VuX25hbWVCCAoGX21vZGVsQg0KC19jaGFubmVsX2lkIoAECgxTdW1tYXJ5UG9pbnQSEQoJYnVja2V0X21zGAEgASgDEhAKCHJlcXVlc3RzGAIgASgDEg4KBmVycm9ycxgDIAEoAxIVCg1jbGllbnRfZXJyb3JzGAQgASgDEhUKDXNlcnZlcl9lcnJvcnMYBSABKAMSFAoMaW5wdXRfdG9rZW5zGAYgASgDEhUKDW91dHB1dF90b2tlbnMYByABKAMSFQoNY2FjaGVkX3Rva2VucxgIIAEoAxIdChVjYWNoZV9jcmVhdGlvbl90b2tlbnMYCSABKAMSGAoQcmVhc29uaW5nX3Rva2VucxgKIAEoAxIUCgx0b3RhbF90b2tlbnMYCyABKAMSDAoEY29zdBgMIAEoCRIWCg5hdmdfbGF0ZW5jeV9tcxgNIAEoARITCgthdmdfdHRmYl9tcxgOIAEoARILCgNrZXkYDyABKAkSGwoOcDUwX2xhdGVuY3lfbXMYECABKAFIAIgBARIbCg5wOTVfbGF0ZW5jeV9tcxgRIAEoAUgBiAEBEhgKC3A1MF90dGZiX21zGBIgASgBSAKIAQESGAoLcDk1X3R0ZmJfbXMYEyABKAFIA4gBAUIRCg9fcDUwX2xhdGVuY3lfbXNCEQoPX3A5NV9sYXRlbmN5X21zQg4KDF9wNTBfdHRmYl9tc0IOCgxfcDk1X3R0ZmJfbXMipwEKEUdldFN1bW1hcnlSZXF1ZXN0EjIKC2dyYW51bGFyaXR5GAEgASgOMh0uYWlwcm94eS5hZG1pbi52MS5HcmFudWxhcml0eRIvCgZmaWx0ZXIYAiABKAsyHy5haXByb3h5LmFkbWluLnYxLlN1bW1hcnlGaWx0ZXISLQoFc3BsaXQYAyABKA4yHi5haXByb3h5LmFkbWluLnYxLlN1bW1hcnlTcGxpdCJzChJHZXRTdW1tYXJ5UmVzcG9uc2USLgoGcG9pbnRzGAEgAygLMh4uYWlwcm94eS5hZG1pbi52MS5TdW1tYXJ5UG9pbnQSLQoFdG90YWwYAiABKAsyHi5haXByb3h5LmFkbWluLnYxLlN1bW1hcnlQb2ludCJ3ChBHZXRUb3RhbHNSZXF1ZXN0EjIKC2dyYW51bGFyaXR5GAEgASgOMh0uYWlwcm94eS5hZG1pbi52MS5HcmFudWxhcml0eRIvCgZmaWx0ZXIYAiABKAsyHy5haXByb3h5LmFkbWluLnYxLlN1bW1hcnlGaWx0ZXIihAIKEUdldFJhbmtpbmdSZXF1ZXN0EjUKCWRpbWVuc2lvbhgBIAEoDjIiLmFpcHJveHkuYWRtaW4udjEuUmFua2luZ0RpbWVuc2lvbhIvCgZtZXRyaWMYAiABKA4yHy5haXByb3h5LmFkbWluLnYxLlJhbmtpbmdNZXRyaWMSMgoLZ3JhbnVsYXJpdHkYAyABKA4yHS5haXByb3h5LmFkbWluLnYxLkdyYW51bGFyaXR5EhAKCHN0YXJ0X21zGAQgASgDEg4KBmVuZF9tcxgFIAEoAxINCgVsaW1pdBgGIAEoBRIVCghncm91cF9pZBgHIAEoCUgAiAEBQgsKCV9ncm91cF9pZCJhCgxSYW5raW5nRW50cnkSCwoDa2V5GAEgASgJEhAKCHJlcXVlc3RzGAIgASgDEhQKDHRvdGFsX3Rva2VucxgDIAEoAxIMCgRjb3N0GAQgASgJEg4KBmVycm9ycxgFIAEoAyJFChJHZXRSYW5raW5nUmVzcG9uc2USLwoHZW50cmllcxgBIAMoCzIeLmFpcHJveHkuYWRtaW4udjEuUmFua2luZ0VudHJ5IisKFkdldEN1cnJlbnRSYXRlc1JlcXVlc3QSEQoJZGltZW5zaW9uGAEgASgJImQKC0N1cnJlbnRSYXRlEhEKCWRpbWVuc2lvbhgBIAEoCRIKCgJpZBgCIAEoCRIbChNyZXF1ZXN0c19wZXJfbWludXRlGAMgASgDEhkKEXRva2Vuc19wZXJfbWludXRlGAQgASgDIkcKF0dldEN1cnJlbnRSYXRlc1Jlc3BvbnNlEiwKBXJhdGVzGAEgAygLMh0uYWlwcm94eS5hZG1pbi52MS5DdXJyZW50UmF0ZSqbAQoLU3RhdHVzQ2xhc3MSHAoYU1RBVFVTX0NMQVNTX1VOU1BFQ0lGSUVEEAASGAoUU1RBVFVTX0NMQVNTX1NVQ0NFU1MQARIdChlTVEFUVVNfQ0xBU1NfQ0xJRU5UX0VSUk9SEAISHQoZU1RBVFVTX0NMQVNTX1NFUlZFUl9FUlJPUhADEhYKElNUQVRVU19DTEFTU19FUlJPUhAEKlgKC0dyYW51bGFyaXR5EhsKF0dSQU5VTEFSSVRZX1VOU1BFQ0lGSUVEEAASFgoSR1JBTlVMQVJJVFlfTUlOVVRFEAESFAoQR1JBTlVMQVJJVFlfSE9VUhACKmEKDFN1bW1hcnlTcGxpdBIdChlTVU1NQVJZX1NQTElUX1VOU1BFQ0lGSUVEEAASFwoTU1VNTUFSWV9TUExJVF9NT0RFTBABEhkKFVNVTU1BUllfU1BMSVRfQ0hBTk5FTBACKqsBChBSYW5raW5nRGltZW5zaW9uEiEKHVJBTktJTkdfRElNRU5TSU9OX1VOU1BFQ0lGSUVEEAASGwoXUkFOS0lOR19ESU1FTlNJT05fR1JPVVAQARIdChlSQU5LSU5HX0RJTUVOU0lPTl9DSEFOTkVMEAISGwoXUkFOS0lOR19ESU1FTlNJT05fTU9ERUwQAxIbChdSQU5LSU5HX0RJTUVOU0lPTl9UT0tFThAEKoABCg1SYW5raW5nTWV0cmljEh4KGlJBTktJTkdfTUVUUklDX1VOU1BFQ0lGSUVEEAASGwoXUkFOS0lOR19NRVRSSUNfUkVRVUVTVFMQARIZChVSQU5LSU5HX01FVFJJQ19UT0tFTlMQAhIXChNSQU5LSU5HX01FVFJJQ19DT1NUEAMy3wUKCkxvZ1NlcnZpY2USVgoITGlzdExvZ3MSIS5haXByb3h5LmFkbWluLnYxLkxpc3RMb2dzUmVxdWVzdBoiLmFpcHJveHkuYWRtaW4udjEuTGlzdExvZ3NSZXNwb25zZSIDkAIBElAKBkdldExvZxIfLmFpcHJveHkuYWRtaW4udjEuR2V0TG9nUmVxdWVzdBogLmFpcHJveHkuYWRtaW4udjEuR2V0TG9nUmVzcG9uc2UiA5ACARJPCgpFeHBvcnRMb2dzEiMuYWlwcm94eS5hZG1pbi52MS5FeHBvcnRMb2dzUmVxdWVzdBoaLmFpcHJveHkuYWRtaW4udjEuQ3N2Q2h1bmswARJXCgpEZWxldGVMb2dzEiMuYWlwcm94eS5hZG1pbi52MS5EZWxldGVMb2dzUmVxdWVzdBokLmFpcHJveHkuYWRtaW4udjEuRGVsZXRlTG9nc1Jlc3BvbnNlElwKCkdldFN1bW1hcnkSIy5haXByb3h5LmFkbWluLnYxLkdldFN1bW1hcnlSZXF1ZXN0GiQuYWlwcm94eS5hZG1pbi52MS5HZXRTdW1tYXJ5UmVzcG9uc2UiA5ACARJUCglHZXRUb3RhbHMSIi5haXByb3h5LmFkbWluLnYxLkdldFRvdGFsc1JlcXVlc3QaHi5haXByb3h5LmFkbWluLnYxLlN1bW1hcnlQb2ludCIDkAIBElwKCkdldFJhbmtpbmcSIy5haXByb3h5LmFkbWluLnYxLkdldFJhbmtpbmdSZXF1ZXN0GiQuYWlwcm94eS5hZG1pbi52MS5HZXRSYW5raW5nUmVzcG9uc2UiA5ACARJrCg9HZXRDdXJyZW50UmF0ZXMSKC5haXByb3h5LmFkbWluLnYxLkdldEN1cnJlbnRSYXRlc1JlcXVlc3QaKS5haXByb3h5LmFkbWluLnYxLkdldEN1cnJlbnRSYXRlc1Jlc3BvbnNlIgOQAgFiBnByb3RvMw");
/**
 * Describes the message aiproxy.admin.v1.LogFilter.
 * Use `create(LogFilterSchema)` to create a new message.
 */
export const LogFilterSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 0);
/**
 * Describes the message aiproxy.admin.v1.RequestLog.
 * Use `create(RequestLogSchema)` to create a new message.
 */
export const RequestLogSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 1);
/**
 * Describes the message aiproxy.admin.v1.LogDetail.
 * Use `create(LogDetailSchema)` to create a new message.
 */
export const LogDetailSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 2);
/**
 * Describes the message aiproxy.admin.v1.ListLogsRequest.
 * Use `create(ListLogsRequestSchema)` to create a new message.
 */
export const ListLogsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 3);
/**
 * Describes the message aiproxy.admin.v1.ListLogsResponse.
 * Use `create(ListLogsResponseSchema)` to create a new message.
 */
export const ListLogsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 4);
/**
 * Describes the message aiproxy.admin.v1.GetLogRequest.
 * Use `create(GetLogRequestSchema)` to create a new message.
 */
export const GetLogRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 5);
/**
 * Describes the message aiproxy.admin.v1.GetLogResponse.
 * Use `create(GetLogResponseSchema)` to create a new message.
 */
export const GetLogResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 6);
/**
 * Describes the message aiproxy.admin.v1.ExportLogsRequest.
 * Use `create(ExportLogsRequestSchema)` to create a new message.
 */
export const ExportLogsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 7);
/**
 * Describes the message aiproxy.admin.v1.CsvChunk.
 * Use `create(CsvChunkSchema)` to create a new message.
 */
export const CsvChunkSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 8);
/**
 * Describes the message aiproxy.admin.v1.DeleteLogsRequest.
 * Use `create(DeleteLogsRequestSchema)` to create a new message.
 */
export const DeleteLogsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 9);
/**
 * Describes the message aiproxy.admin.v1.DeleteLogsResponse.
 * Use `create(DeleteLogsResponseSchema)` to create a new message.
 */
export const DeleteLogsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 10);
/**
 * Describes the message aiproxy.admin.v1.SummaryFilter.
 * Use `create(SummaryFilterSchema)` to create a new message.
 */
export const SummaryFilterSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 11);
/**
 * Describes the message aiproxy.admin.v1.SummaryPoint.
 * Use `create(SummaryPointSchema)` to create a new message.
 */
export const SummaryPointSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 12);
/**
 * Describes the message aiproxy.admin.v1.GetSummaryRequest.
 * Use `create(GetSummaryRequestSchema)` to create a new message.
 */
export const GetSummaryRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 13);
/**
 * Describes the message aiproxy.admin.v1.GetSummaryResponse.
 * Use `create(GetSummaryResponseSchema)` to create a new message.
 */
export const GetSummaryResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 14);
/**
 * Describes the message aiproxy.admin.v1.GetTotalsRequest.
 * Use `create(GetTotalsRequestSchema)` to create a new message.
 */
export const GetTotalsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 15);
/**
 * Describes the message aiproxy.admin.v1.GetRankingRequest.
 * Use `create(GetRankingRequestSchema)` to create a new message.
 */
export const GetRankingRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 16);
/**
 * Describes the message aiproxy.admin.v1.RankingEntry.
 * Use `create(RankingEntrySchema)` to create a new message.
 */
export const RankingEntrySchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 17);
/**
 * Describes the message aiproxy.admin.v1.GetRankingResponse.
 * Use `create(GetRankingResponseSchema)` to create a new message.
 */
export const GetRankingResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 18);
/**
 * Describes the message aiproxy.admin.v1.GetCurrentRatesRequest.
 * Use `create(GetCurrentRatesRequestSchema)` to create a new message.
 */
export const GetCurrentRatesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 19);
/**
 * Describes the message aiproxy.admin.v1.CurrentRate.
 * Use `create(CurrentRateSchema)` to create a new message.
 */
export const CurrentRateSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 20);
/**
 * Describes the message aiproxy.admin.v1.GetCurrentRatesResponse.
 * Use `create(GetCurrentRatesResponseSchema)` to create a new message.
 */
export const GetCurrentRatesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_logs, 21);
/**
 * Which status codes a filter keeps.
 *
 * @generated from enum aiproxy.admin.v1.StatusClass
 */
export var StatusClass;
(function (StatusClass) {
    /**
     * @generated from enum value: STATUS_CLASS_UNSPECIFIED = 0;
     */
    StatusClass[StatusClass["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * Below 400.
     *
     * @generated from enum value: STATUS_CLASS_SUCCESS = 1;
     */
    StatusClass[StatusClass["SUCCESS"] = 1] = "SUCCESS";
    /**
     * 400 to 499.
     *
     * @generated from enum value: STATUS_CLASS_CLIENT_ERROR = 2;
     */
    StatusClass[StatusClass["CLIENT_ERROR"] = 2] = "CLIENT_ERROR";
    /**
     * 500 and above.
     *
     * @generated from enum value: STATUS_CLASS_SERVER_ERROR = 3;
     */
    StatusClass[StatusClass["SERVER_ERROR"] = 3] = "SERVER_ERROR";
    /**
     * 400 and above.
     *
     * @generated from enum value: STATUS_CLASS_ERROR = 4;
     */
    StatusClass[StatusClass["ERROR"] = 4] = "ERROR";
})(StatusClass || (StatusClass = {}));
/**
 * Describes the enum aiproxy.admin.v1.StatusClass.
 */
export const StatusClassSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_logs, 0);
/**
 * @generated from enum aiproxy.admin.v1.Granularity
 */
export var Granularity;
(function (Granularity) {
    /**
     * @generated from enum value: GRANULARITY_UNSPECIFIED = 0;
     */
    Granularity[Granularity["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * @generated from enum value: GRANULARITY_MINUTE = 1;
     */
    Granularity[Granularity["MINUTE"] = 1] = "MINUTE";
    /**
     * @generated from enum value: GRANULARITY_HOUR = 2;
     */
    Granularity[Granularity["HOUR"] = 2] = "HOUR";
})(Granularity || (Granularity = {}));
/**
 * Describes the enum aiproxy.admin.v1.Granularity.
 */
export const GranularitySchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_logs, 1);
/**
 * How GetSummary splits its series.
 *
 * @generated from enum aiproxy.admin.v1.SummarySplit
 */
export var SummarySplit;
(function (SummarySplit) {
    /**
     * One point per bucket.
     *
     * @generated from enum value: SUMMARY_SPLIT_UNSPECIFIED = 0;
     */
    SummarySplit[SummarySplit["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * One point per bucket and requested model.
     *
     * @generated from enum value: SUMMARY_SPLIT_MODEL = 1;
     */
    SummarySplit[SummarySplit["MODEL"] = 1] = "MODEL";
    /**
     * One point per bucket and channel (reads the per-channel table: refused with a group or
     * token filter).
     *
     * @generated from enum value: SUMMARY_SPLIT_CHANNEL = 2;
     */
    SummarySplit[SummarySplit["CHANNEL"] = 2] = "CHANNEL";
})(SummarySplit || (SummarySplit = {}));
/**
 * Describes the enum aiproxy.admin.v1.SummarySplit.
 */
export const SummarySplitSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_logs, 2);
/**
 * @generated from enum aiproxy.admin.v1.RankingDimension
 */
export var RankingDimension;
(function (RankingDimension) {
    /**
     * @generated from enum value: RANKING_DIMENSION_UNSPECIFIED = 0;
     */
    RankingDimension[RankingDimension["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * @generated from enum value: RANKING_DIMENSION_GROUP = 1;
     */
    RankingDimension[RankingDimension["GROUP"] = 1] = "GROUP";
    /**
     * @generated from enum value: RANKING_DIMENSION_CHANNEL = 2;
     */
    RankingDimension[RankingDimension["CHANNEL"] = 2] = "CHANNEL";
    /**
     * @generated from enum value: RANKING_DIMENSION_MODEL = 3;
     */
    RankingDimension[RankingDimension["MODEL"] = 3] = "MODEL";
    /**
     * Tokens by name, keyed `group/token`.
     *
     * @generated from enum value: RANKING_DIMENSION_TOKEN = 4;
     */
    RankingDimension[RankingDimension["TOKEN"] = 4] = "TOKEN";
})(RankingDimension || (RankingDimension = {}));
/**
 * Describes the enum aiproxy.admin.v1.RankingDimension.
 */
export const RankingDimensionSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_logs, 3);
/**
 * @generated from enum aiproxy.admin.v1.RankingMetric
 */
export var RankingMetric;
(function (RankingMetric) {
    /**
     * @generated from enum value: RANKING_METRIC_UNSPECIFIED = 0;
     */
    RankingMetric[RankingMetric["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * @generated from enum value: RANKING_METRIC_REQUESTS = 1;
     */
    RankingMetric[RankingMetric["REQUESTS"] = 1] = "REQUESTS";
    /**
     * @generated from enum value: RANKING_METRIC_TOKENS = 2;
     */
    RankingMetric[RankingMetric["TOKENS"] = 2] = "TOKENS";
    /**
     * @generated from enum value: RANKING_METRIC_COST = 3;
     */
    RankingMetric[RankingMetric["COST"] = 3] = "COST";
})(RankingMetric || (RankingMetric = {}));
/**
 * Describes the enum aiproxy.admin.v1.RankingMetric.
 */
export const RankingMetricSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_logs, 4);
/**
 * @generated from service aiproxy.admin.v1.LogService
 */
export const LogService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_logs, 0);
