// Types shared by every admin service.
import { enumDesc, fileDesc, messageDesc } from "@bufbuild/protobuf/codegenv2";
/**
 * Describes the file aiproxy/admin/v1/common.proto.
 */
export const file_aiproxy_admin_v1_common = /*@__PURE__*/ fileDesc("Ch1haXByb3h5L2FkbWluL3YxL2NvbW1vbi5wcm90bxIQYWlwcm94eS5hZG1pbi52MSKQAQoIVGltZW91dHMSFwoKY29ubmVjdF9tcxgBIAEoA0gAiAEBEhoKDWZpcnN0X2J5dGVfbXMYAiABKANIAYgBARIbCg5zdHJlYW1faWRsZV9tcxgDIAEoA0gCiAEBQg0KC19jb25uZWN0X21zQhAKDl9maXJzdF9ieXRlX21zQhEKD19zdHJlYW1faWRsZV9tcyKfBAoFUHJpY2USEgoFaW5wdXQYASABKAlIAIgBARITCgZvdXRwdXQYAiABKAlIAYgBARIZCgxjYWNoZWRfaW5wdXQYAyABKAlIAogBARIbCg5jYWNoZV9jcmVhdGlvbhgEIAEoCUgDiAEBEhgKC2ltYWdlX2lucHV0GAUgASgJSASIAQESGQoMaW1hZ2Vfb3V0cHV0GAYgASgJSAWIAQESGAoLYXVkaW9faW5wdXQYByABKAlIBogBARIZCgxhdWRpb19vdXRwdXQYCCABKAlIB4gBARIYCgtwZXJfcmVxdWVzdBgJIAEoCUgIiAEBEh0KEHJlYXNvbmluZ19vdXRwdXQYCiABKAlICYgBARIMCgR1bml0GAsgASgDEiAKE3dlYl9zZWFyY2hfcGVyX2NhbGwYDCABKAlICogBARIqCgV0aWVycxgNIAMoCzIbLmFpcHJveHkuYWRtaW4udjEuUHJpY2VUaWVyQggKBl9pbnB1dEIJCgdfb3V0cHV0Qg8KDV9jYWNoZWRfaW5wdXRCEQoPX2NhY2hlX2NyZWF0aW9uQg4KDF9pbWFnZV9pbnB1dEIPCg1faW1hZ2Vfb3V0cHV0Qg4KDF9hdWRpb19pbnB1dEIPCg1fYXVkaW9fb3V0cHV0Qg4KDF9wZXJfcmVxdWVzdEITChFfcmVhc29uaW5nX291dHB1dEIWChRfd2ViX3NlYXJjaF9wZXJfY2FsbCLpAwoJUHJpY2VUaWVyEh8KEmFib3ZlX2lucHV0X3Rva2VucxgBIAEoA0gAiAEBEhkKDHNlcnZpY2VfdGllchgCIAEoCUgBiAEBEhIKBWlucHV0GAMgASgJSAKIAQESEwoGb3V0cHV0GAQgASgJSAOIAQESGQoMY2FjaGVkX2lucHV0GAUgASgJSASIAQESGwoOY2FjaGVfY3JlYXRpb24YBiABKAlIBYgBARIYCgtpbWFnZV9pbnB1dBgHIAEoCUgGiAEBEhkKDGltYWdlX291dHB1dBgIIAEoCUgHiAEBEhgKC2F1ZGlvX2lucHV0GAkgASgJSAiIAQESGQoMYXVkaW9fb3V0cHV0GAogASgJSAmIAQESHQoQcmVhc29uaW5nX291dHB1dBgLIAEoCUgKiAEBQhUKE19hYm92ZV9pbnB1dF90b2tlbnNCDwoNX3NlcnZpY2VfdGllckIICgZfaW5wdXRCCQoHX291dHB1dEIPCg1fY2FjaGVkX2lucHV0QhEKD19jYWNoZV9jcmVhdGlvbkIOCgxfaW1hZ2VfaW5wdXRCDwoNX2ltYWdlX291dHB1dEIOCgxfYXVkaW9faW5wdXRCDwoNX2F1ZGlvX291dHB1dEITChFfcmVhc29uaW5nX291dHB1dCImChNCYXRjaERlbGV0ZVJlc3BvbnNlEg8KB2RlbGV0ZWQYASABKAMqXgoGU3RhdHVzEhYKElNUQVRVU19VTlNQRUNJRklFRBAAEhIKDlNUQVRVU19FTkFCTEVEEAESEwoPU1RBVFVTX0RJU0FCTEVEEAISEwoPU1RBVFVTX0lOVEVSTkFMEANiBnByb3RvMw");
/**
 * Describes the message aiproxy.admin.v1.Timeouts.
 * Use `create(TimeoutsSchema)` to create a new message.
 */
export const TimeoutsSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_common, 0);
/**
 * Describes the message aiproxy.admin.v1.Price.
 * Use `create(PriceSchema)` to create a new message.
 */
export const PriceSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_common, 1);
/**
 * Describes the message aiproxy.admin.v1.PriceTier.
 * Use `create(PriceTierSchema)` to create a new message.
 */
export const PriceTierSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_common, 2);
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteResponse.
 * Use `create(BatchDeleteResponseSchema)` to create a new message.
 */
export const BatchDeleteResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_common, 3);
/**
 * Whether an object takes part in relaying. INTERNAL is accepted for groups only: an internal
 * group is usable by the system itself but hidden from self-service listings.
 *
 * @generated from enum aiproxy.admin.v1.Status
 */
export var Status;
(function (Status) {
    /**
     * @generated from enum value: STATUS_UNSPECIFIED = 0;
     */
    Status[Status["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * @generated from enum value: STATUS_ENABLED = 1;
     */
    Status[Status["ENABLED"] = 1] = "ENABLED";
    /**
     * @generated from enum value: STATUS_DISABLED = 2;
     */
    Status[Status["DISABLED"] = 2] = "DISABLED";
    /**
     * @generated from enum value: STATUS_INTERNAL = 3;
     */
    Status[Status["INTERNAL"] = 3] = "INTERNAL";
})(Status || (Status = {}));
/**
 * Describes the enum aiproxy.admin.v1.Status.
 */
export const StatusSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_common, 0);
