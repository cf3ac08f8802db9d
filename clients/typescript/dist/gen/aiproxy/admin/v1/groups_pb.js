// Groups: the tenant unit that owns tokens, rate-limit ratios and a balance.
import { fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/groups.proto.
 */
export const file_aiproxy_admin_v1_groups = /*@__PURE__*/ fileDesc("Ch1haXByb3h5L2FkbWluL3YxL2dyb3Vwcy5wcm90bxIQYWlwcm94eS5hZG1pbi52MSKsAgoFR3JvdXASCgoCaWQYASABKAkSKAoGc3RhdHVzGAIgASgOMhguYWlwcm94eS5hZG1pbi52MS5TdGF0dXMSEQoJcnBtX3JhdGlvGAMgASgBEhEKCXRwbV9yYXRpbxgEIAEoARIWCg5hdmFpbGFibGVfc2V0cxgFIAMoCRIPCgdiYWxhbmNlGAYgASgJEh8KF2JhbGFuY2VfYWxlcnRfdGhyZXNob2xkGAcgASgJEh0KFWJhbGFuY2VfYWxlcnRfZW5hYmxlZBgIIAEoCBIVCg1jcmVhdGVkX2F0X21zGAkgASgDEhUKDXVwZGF0ZWRfYXRfbXMYCiABKAMSHAoPbWF4X2NvbmN1cnJlbmN5GAsgASgDSACIAQFCEgoQX21heF9jb25jdXJyZW5jeSI8ChJDcmVhdGVHcm91cFJlcXVlc3QSJgoFZ3JvdXAYASABKAsyFy5haXByb3h5LmFkbWluLnYxLkdyb3VwIh0KD0dldEdyb3VwUmVxdWVzdBIKCgJpZBgBIAEoCSJ1ChFMaXN0R3JvdXBzUmVxdWVzdBIRCglwYWdlX3NpemUYASABKAUSEgoKcGFnZV90b2tlbhgCIAEoCRIoCgZzdGF0dXMYAyABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cxIPCgdrZXl3b3JkGAQgASgJImoKEkxpc3RHcm91cHNSZXNwb25zZRInCgZncm91cHMYASADKAsyFy5haXByb3h5LmFkbWluLnYxLkdyb3VwEhcKD25leHRfcGFnZV90b2tlbhgCIAEoCRISCgp0b3RhbF9zaXplGAMgASgDIm0KElVwZGF0ZUdyb3VwUmVxdWVzdBImCgVncm91cBgBIAEoCzIXLmFpcHJveHkuYWRtaW4udjEuR3JvdXASLwoLdXBkYXRlX21hc2sYAiABKAsyGi5nb29nbGUucHJvdG9idWYuRmllbGRNYXNrIiAKEkRlbGV0ZUdyb3VwUmVxdWVzdBIKCgJpZBgBIAEoCSInChhCYXRjaERlbGV0ZUdyb3Vwc1JlcXVlc3QSCwoDaWRzGAEgAygJIk0KFVNldEdyb3VwU3RhdHVzUmVxdWVzdBIKCgJpZBgBIAEoCRIoCgZzdGF0dXMYAiABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1czLeBAoMR3JvdXBTZXJ2aWNlEkwKC0NyZWF0ZUdyb3VwEiQuYWlwcm94eS5hZG1pbi52MS5DcmVhdGVHcm91cFJlcXVlc3QaFy5haXByb3h5LmFkbWluLnYxLkdyb3VwEksKCEdldEdyb3VwEiEuYWlwcm94eS5hZG1pbi52MS5HZXRHcm91cFJlcXVlc3QaFy5haXByb3h5LmFkbWluLnYxLkdyb3VwIgOQAgESXAoKTGlzdEdyb3VwcxIjLmFpcHJveHkuYWRtaW4udjEuTGlzdEdyb3Vwc1JlcXVlc3QaJC5haXByb3h5LmFkbWluLnYxLkxpc3RHcm91cHNSZXNwb25zZSIDkAIBEkwKC1VwZGF0ZUdyb3VwEiQuYWlwcm94eS5hZG1pbi52MS5VcGRhdGVHcm91cFJlcXVlc3QaFy5haXByb3h5LmFkbWluLnYxLkdyb3VwEksKC0RlbGV0ZUdyb3VwEiQuYWlwcm94eS5hZG1pbi52MS5EZWxldGVHcm91cFJlcXVlc3QaFi5nb29nbGUucHJvdG9idWYuRW1wdHkSZgoRQmF0Y2hEZWxldGVHcm91cHMSKi5haXByb3h5LmFkbWluLnYxLkJhdGNoRGVsZXRlR3JvdXBzUmVxdWVzdBolLmFpcHJveHkuYWRtaW4udjEuQmF0Y2hEZWxldGVSZXNwb25zZRJSCg5TZXRHcm91cFN0YXR1cxInLmFpcHJveHkuYWRtaW4udjEuU2V0R3JvdXBTdGF0dXNSZXF1ZXN0GhcuYWlwcm94eS5hZG1pbi52MS5Hcm91cGIGcHJvdG8z", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
/**
 * Describes the message aiproxy.admin.v1.Group.
 * Use `create(GroupSchema)` to create a new message.
 */
export const GroupSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 0);
/**
 * Describes the message aiproxy.admin.v1.CreateGroupRequest.
 * Use `create(CreateGroupRequestSchema)` to create a new message.
 */
export const CreateGroupRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 1);
/**
 * Describes the message aiproxy.admin.v1.GetGroupRequest.
 * Use `create(GetGroupRequestSchema)` to create a new message.
 */
export const GetGroupRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 2);
/**
 * Describes the message aiproxy.admin.v1.ListGroupsRequest.
 * Use `create(ListGroupsRequestSchema)` to create a new message.
 */
export const ListGroupsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 3);
/**
 * Describes the message aiproxy.admin.v1.ListGroupsResponse.
 * Use `create(ListGroupsResponseSchema)` to create a new message.
 */
export const ListGroupsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 4);
/**
 * Describes the message aiproxy.admin.v1.UpdateGroupRequest.
 * Use `create(UpdateGroupRequestSchema)` to create a new message.
 */
export const UpdateGroupRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 5);
/**
 * Describes the message aiproxy.admin.v1.DeleteGroupRequest.
 * Use `create(DeleteGroupRequestSchema)` to create a new message.
 */
export const DeleteGroupRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 6);
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteGroupsRequest.
 * Use `create(BatchDeleteGroupsRequestSchema)` to create a new message.
 */
export const BatchDeleteGroupsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 7);
/**
 * Describes the message aiproxy.admin.v1.SetGroupStatusRequest.
 * Use `create(SetGroupStatusRequestSchema)` to create a new message.
 */
export const SetGroupStatusRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_groups, 8);
/**
 * @generated from service aiproxy.admin.v1.GroupService
 */
export const GroupService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_groups, 0);
