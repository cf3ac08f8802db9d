// Channels: upstream provider accounts the relay forwards to.
import { fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/channels.proto.
 */
export const file_aiproxy_admin_v1_channels = /*@__PURE__*/ fileDesc("Ch9haXByb3h5L2FkbWluL3YxL2NoYW5uZWxzLnByb3RvEhBhaXByb3h5LmFkbWluLnYxIqcBChFDaGFubmVsVGVzdFJlc3VsdBISCgpjaGFubmVsX2lkGAEgASgDEg0KBW1vZGVsGAIgASgJEg8KB3N1Y2Nlc3MYAyABKAgSEwoLc3RhdHVzX2NvZGUYBCABKAUSEgoKbGF0ZW5jeV9tcxgFIAEoAxINCgVlcnJvchgGIAEoCRIQCghlbmRwb2ludBgHIAEoCRIUCgx0ZXN0ZWRfYXRfbXMYCCABKAMiQwoSVGVzdENoYW5uZWxSZXF1ZXN0EgoKAmlkGAEgASgDEg0KBW1vZGVsGAIgASgJEhIKCnRpbWVvdXRfbXMYAyABKAMiSwoTVGVzdENoYW5uZWxSZXNwb25zZRI0CgdyZXN1bHRzGAEgAygLMiMuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsVGVzdFJlc3VsdCJYChNUZXN0Q2hhbm5lbHNSZXF1ZXN0EhMKC2NvbmN1cnJlbmN5GAEgASgFEhIKCnRpbWVvdXRfbXMYAiABKAMSGAoQaW5jbHVkZV9kaXNhYmxlZBgDIAEoCCJqChlQcmV2aWV3Q2hhbm5lbFRlc3RSZXF1ZXN0EioKB2NoYW5uZWwYASABKAsyGS5haXByb3h5LmFkbWluLnYxLkNoYW5uZWwSDQoFbW9kZWwYAiABKAkSEgoKdGltZW91dF9tcxgDIAEoAyJRChVDcmVhdGVDaGFubmVsc1JlcXVlc3QSKgoHY2hhbm5lbBgBIAEoCzIZLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbBIMCgRrZXlzGAIgAygJIkUKFkNyZWF0ZUNoYW5uZWxzUmVzcG9uc2USKwoIY2hhbm5lbHMYASADKAsyGS5haXByb3h5LmFkbWluLnYxLkNoYW5uZWwiegoKQ2hhbm5lbEJhbhISCgpjaGFubmVsX2lkGAEgASgDEg0KBW1vZGVsGAIgASgJEg4KBnJlYXNvbhgDIAEoCRIQCghzaW5jZV9tcxgEIAEoAxIQCgh1bnRpbF9tcxgFIAEoAxIVCg1uZXh0X3Byb2JlX21zGAYgASgDIkAKFkxpc3RDaGFubmVsQmFuc1JlcXVlc3QSFwoKY2hhbm5lbF9pZBgBIAEoA0gAiAEBQg0KC19jaGFubmVsX2lkIkUKF0xpc3RDaGFubmVsQmFuc1Jlc3BvbnNlEioKBGJhbnMYASADKAsyHC5haXByb3h5LmFkbWluLnYxLkNoYW5uZWxCYW4iXwoXQ2xlYXJDaGFubmVsQmFuc1JlcXVlc3QSFwoKY2hhbm5lbF9pZBgBIAEoA0gAiAEBEhIKBW1vZGVsGAIgASgJSAGIAQFCDQoLX2NoYW5uZWxfaWRCCAoGX21vZGVsIisKGENsZWFyQ2hhbm5lbEJhbnNSZXNwb25zZRIPCgdjbGVhcmVkGAEgASgDIsYFCgdDaGFubmVsEgoKAmlkGAEgASgDEgwKBG5hbWUYAiABKAkSDAoEdHlwZRgDIAEoCRIQCghiYXNlX3VybBgEIAEoCRILCgNrZXkYBSABKAkSDgoGbW9kZWxzGAYgAygJEkIKDW1vZGVsX21hcHBpbmcYByADKAsyKy5haXByb3h5LmFkbWluLnYxLkNoYW5uZWwuTW9kZWxNYXBwaW5nRW50cnkSEAoIcHJpb3JpdHkYCCABKAMSDAoEc2V0cxgJIAMoCRIoCgZzdGF0dXMYCiABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cxIRCglwcm94eV91cmwYCyABKAkSLAoIdGltZW91dHMYDCABKAsyGi5haXByb3h5LmFkbWluLnYxLlRpbWVvdXRzEjUKBmNvbmZpZxgNIAMoCzIlLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbC5Db25maWdFbnRyeRIVCg1jcmVhdGVkX2F0X21zGA4gASgDEhUKDXVwZGF0ZWRfYXRfbXMYDyABKAMSNwoKbGFzdF90ZXN0cxgQIAMoCzIjLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbFRlc3RSZXN1bHQSMQoHYmFsYW5jZRgRIAEoCzIgLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbEJhbGFuY2USHAoPd2Fybl9lcnJvcl9yYXRlGBIgASgBSACIAQESGwoObWF4X2Vycm9yX3JhdGUYEyABKAFIAYgBARozChFNb2RlbE1hcHBpbmdFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBGi0KC0NvbmZpZ0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAFCEgoQX3dhcm5fZXJyb3JfcmF0ZUIRCg9fbWF4X2Vycm9yX3JhdGUiQgoUQ3JlYXRlQ2hhbm5lbFJlcXVlc3QSKgoHY2hhbm5lbBgBIAEoCzIZLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbCIfChFHZXRDaGFubmVsUmVxdWVzdBIKCgJpZBgBIAEoAyKFAQoTTGlzdENoYW5uZWxzUmVxdWVzdBIRCglwYWdlX3NpemUYASABKAUSEgoKcGFnZV90b2tlbhgCIAEoCRIoCgZzdGF0dXMYAyABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cxIMCgR0eXBlGAQgASgJEg8KB2tleXdvcmQYBSABKAkicAoUTGlzdENoYW5uZWxzUmVzcG9uc2USKwoIY2hhbm5lbHMYASADKAsyGS5haXByb3h5LmFkbWluLnYxLkNoYW5uZWwSFwoPbmV4dF9wYWdlX3Rva2VuGAIgASgJEhIKCnRvdGFsX3NpemUYAyABKAMicwoUVXBkYXRlQ2hhbm5lbFJlcXVlc3QSKgoHY2hhbm5lbBgBIAEoCzIZLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbBIvCgt1cGRhdGVfbWFzaxgCIAEoCzIaLmdvb2dsZS5wcm90b2J1Zi5GaWVsZE1hc2siIgoURGVsZXRlQ2hhbm5lbFJlcXVlc3QSCgoCaWQYASABKAMiKQoaQmF0Y2hEZWxldGVDaGFubmVsc1JlcXVlc3QSCwoDaWRzGAEgAygDIk8KF1NldENoYW5uZWxTdGF0dXNSZXF1ZXN0EgoKAmlkGAEgASgDEigKBnN0YXR1cxgCIAEoDjIYLmFpcHJveHkuYWRtaW4udjEuU3RhdHVzIhkKF0xpc3RDaGFubmVsVHlwZXNSZXF1ZXN0ImkKGExpc3RDaGFubmVsVHlwZXNSZXNwb25zZRINCgV0eXBlcxgBIAMoCRI+CgxkZXNjcmlwdGlvbnMYAiADKAsyKC5haXByb3h5LmFkbWluLnYxLkNoYW5uZWxUeXBlRGVzY3JpcHRpb24i4wEKFkNoYW5uZWxUeXBlRGVzY3JpcHRpb24SDAoEbmFtZRgBIAEoCRIPCgdhbGlhc2VzGAIgAygJEhQKDGRpc3BsYXlfbmFtZRgDIAEoCRIYChBkZWZhdWx0X2Jhc2VfdXJsGAQgASgJEhAKCGtleV9oZWxwGAUgASgJEjsKC2NvbmZpZ19rZXlzGAYgAygLMiYuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsVHlwZUNvbmZpZ0tleRIRCgllbmRwb2ludHMYByADKAkSGAoQbmF0aXZlX2VuZHBvaW50cxgIIAMoCSJRChRDaGFubmVsVHlwZUNvbmZpZ0tleRIMCgRuYW1lGAEgASgJEgwKBHR5cGUYAiABKAkSDwoHZGVmYXVsdBgDIAEoCRIMCgRoZWxwGAQgASgJIsQBCg5DaGFubmVsQmFsYW5jZRIRCglzdXBwb3J0ZWQYASABKAgSFAoHYmFsYW5jZRgCIAEoAUgAiAEBEhAKCGN1cnJlbmN5GAMgASgJEhUKDXVwZGF0ZWRfYXRfbXMYBCABKAMSEgoKbGFzdF9lcnJvchgFIAEoCRIWCgl0aHJlc2hvbGQYBiABKAFIAYgBARIaChJkaXNhYmxlX3doZW5fZW1wdHkYByABKAhCCgoIX2JhbGFuY2VCDAoKX3RocmVzaG9sZCIpChtVcGRhdGVDaGFubmVsQmFsYW5jZVJlcXVlc3QSCgoCaWQYASABKAMicAogU2V0Q2hhbm5lbEJhbGFuY2VTZXR0aW5nc1JlcXVlc3QSCgoCaWQYASABKAMSFgoJdGhyZXNob2xkGAIgASgBSACIAQESGgoSZGlzYWJsZV93aGVuX2VtcHR5GAMgASgIQgwKCl90aHJlc2hvbGQyswwKDkNoYW5uZWxTZXJ2aWNlElIKDUNyZWF0ZUNoYW5uZWwSJi5haXByb3h5LmFkbWluLnYxLkNyZWF0ZUNoYW5uZWxSZXF1ZXN0GhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsElEKCkdldENoYW5uZWwSIy5haXByb3h5LmFkbWluLnYxLkdldENoYW5uZWxSZXF1ZXN0GhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsIgOQAgESYgoMTGlzdENoYW5uZWxzEiUuYWlwcm94eS5hZG1pbi52MS5MaXN0Q2hhbm5lbHNSZXF1ZXN0GiYuYWlwcm94eS5hZG1pbi52MS5MaXN0Q2hhbm5lbHNSZXNwb25zZSIDkAIBElIKDVVwZGF0ZUNoYW5uZWwSJi5haXByb3h5LmFkbWluLnYxLlVwZGF0ZUNoYW5uZWxSZXF1ZXN0GhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsEk8KDURlbGV0ZUNoYW5uZWwSJi5haXByb3h5LmFkbWluLnYxLkRlbGV0ZUNoYW5uZWxSZXF1ZXN0GhYuZ29vZ2xlLnByb3RvYnVmLkVtcHR5EmoKE0JhdGNoRGVsZXRlQ2hhbm5lbHMSLC5haXByb3h5LmFkbWluLnYxLkJhdGNoRGVsZXRlQ2hhbm5lbHNSZXF1ZXN0GiUuYWlwcm94eS5hZG1pbi52MS5CYXRjaERlbGV0ZVJlc3BvbnNlElgKEFNldENoYW5uZWxTdGF0dXMSKS5haXByb3h5LmFkbWluLnYxLlNldENoYW5uZWxTdGF0dXNSZXF1ZXN0GhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsEm4KEExpc3RDaGFubmVsVHlwZXMSKS5haXByb3h5LmFkbWluLnYxLkxpc3RDaGFubmVsVHlwZXNSZXF1ZXN0GiouYWlwcm94eS5hZG1pbi52MS5MaXN0Q2hhbm5lbFR5cGVzUmVzcG9uc2UiA5ACARJrCg9MaXN0Q2hhbm5lbEJhbnMSKC5haXByb3h5LmFkbWluLnYxLkxpc3RDaGFubmVsQmFuc1JlcXVlc3QaKS5haXByb3h5LmFkbWluLnYxLkxpc3RDaGFubmVsQmFuc1Jlc3BvbnNlIgOQAgESaQoQQ2xlYXJDaGFubmVsQmFucxIpLmFpcHJveHkuYWRtaW4udjEuQ2xlYXJDaGFubmVsQmFuc1JlcXVlc3QaKi5haXByb3h5LmFkbWluLnYxLkNsZWFyQ2hhbm5lbEJhbnNSZXNwb25zZRJaCgtUZXN0Q2hhbm5lbBIkLmFpcHJveHkuYWRtaW4udjEuVGVzdENoYW5uZWxSZXF1ZXN0GiUuYWlwcm94eS5hZG1pbi52MS5UZXN0Q2hhbm5lbFJlc3BvbnNlElwKDFRlc3RDaGFubmVscxIlLmFpcHJveHkuYWRtaW4udjEuVGVzdENoYW5uZWxzUmVxdWVzdBojLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbFRlc3RSZXN1bHQwARJoChJQcmV2aWV3Q2hhbm5lbFRlc3QSKy5haXByb3h5LmFkbWluLnYxLlByZXZpZXdDaGFubmVsVGVzdFJlcXVlc3QaJS5haXByb3h5LmFkbWluLnYxLlRlc3RDaGFubmVsUmVzcG9uc2USYwoOQ3JlYXRlQ2hhbm5lbHMSJy5haXByb3h5LmFkbWluLnYxLkNyZWF0ZUNoYW5uZWxzUmVxdWVzdBooLmFpcHJveHkuYWRtaW4udjEuQ3JlYXRlQ2hhbm5lbHNSZXNwb25zZRJnChRVcGRhdGVDaGFubmVsQmFsYW5jZRItLmFpcHJveHkuYWRtaW4udjEuVXBkYXRlQ2hhbm5lbEJhbGFuY2VSZXF1ZXN0GiAuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsQmFsYW5jZRJxChlTZXRDaGFubmVsQmFsYW5jZVNldHRpbmdzEjIuYWlwcm94eS5hZG1pbi52MS5TZXRDaGFubmVsQmFsYW5jZVNldHRpbmdzUmVxdWVzdBogLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbEJhbGFuY2ViBnByb3RvMw", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
/**
 * Describes the message aiproxy.admin.v1.ChannelTestResult.
 * Use `create(ChannelTestResultSchema)` to create a new message.
 */
export const ChannelTestResultSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 0);
/**
 * Describes the message aiproxy.admin.v1.TestChannelRequest.
 * Use `create(TestChannelRequestSchema)` to create a new message.
 */
export const TestChannelRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 1);
/**
 * Describes the message aiproxy.admin.v1.TestChannelResponse.
 * Use `create(TestChannelResponseSchema)` to create a new message.
 */
export const TestChannelResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 2);
/**
 * Describes the message aiproxy.admin.v1.TestChannelsRequest.
 * Use `create(TestChannelsRequestSchema)` to create a new message.
 */
export const TestChannelsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 3);
/**
 * Describes the message aiproxy.admin.v1.PreviewChannelTestRequest.
 * Use `create(PreviewChannelTestRequestSchema)` to create a new message.
 */
export const PreviewChannelTestRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 4);
/**
 * Describes the message aiproxy.admin.v1.CreateChannelsRequest.
 * Use `create(CreateChannelsRequestSchema)` to create a new message.
 */
export const CreateChannelsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 5);
/**
 * Describes the message aiproxy.admin.v1.CreateChannelsResponse.
 * Use `create(CreateChannelsResponseSchema)` to create a new message.
 */
export const CreateChannelsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 6);
/**
 * Describes the message aiproxy.admin.v1.ChannelBan.
 * Use `create(ChannelBanSchema)` to create a new message.
 */
export const ChannelBanSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 7);
/**
 * Describes the message aiproxy.admin.v1.ListChannelBansRequest.
 * Use `create(ListChannelBansRequestSchema)` to create a new message.
 */
export const ListChannelBansRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 8);
/**
 * Describes the message aiproxy.admin.v1.ListChannelBansResponse.
 * Use `create(ListChannelBansResponseSchema)` to create a new message.
 */
export const ListChannelBansResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 9);
/**
 * Describes the message aiproxy.admin.v1.ClearChannelBansRequest.
 * Use `create(ClearChannelBansRequestSchema)` to create a new message.
 */
export const ClearChannelBansRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 10);
/**
 * Describes the message aiproxy.admin.v1.ClearChannelBansResponse.
 * Use `create(ClearChannelBansResponseSchema)` to create a new message.
 */
export const ClearChannelBansResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 11);
/**
 * Describes the message aiproxy.admin.v1.Channel.
 * Use `create(ChannelSchema)` to create a new message.
 */
export const ChannelSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 12);
/**
 * Describes the message aiproxy.admin.v1.CreateChannelRequest.
 * Use `create(CreateChannelRequestSchema)` to create a new message.
 */
export const CreateChannelRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 13);
/**
 * Describes the message aiproxy.admin.v1.GetChannelRequest.
 * Use `create(GetChannelRequestSchema)` to create a new message.
 */
export const GetChannelRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 14);
/**
 * Describes the message aiproxy.admin.v1.ListChannelsRequest.
 * Use `create(ListChannelsRequestSchema)` to create a new message.
 */
export const ListChannelsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 15);
/**
 * Describes the message aiproxy.admin.v1.ListChannelsResponse.
 * Use `create(ListChannelsResponseSchema)` to create a new message.
 */
export const ListChannelsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 16);
/**
 * Describes the message aiproxy.admin.v1.UpdateChannelRequest.
 * Use `create(UpdateChannelRequestSchema)` to create a new message.
 */
export const UpdateChannelRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 17);
/**
 * Describes the message aiproxy.admin.v1.DeleteChannelRequest.
 * Use `create(DeleteChannelRequestSchema)` to create a new message.
 */
export const DeleteChannelRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 18);
/**
 * Describes the message aiproxy.admin.v1.BatchDeleteChannelsRequest.
 * Use `create(BatchDeleteChannelsRequestSchema)` to create a new message.
 */
export const BatchDeleteChannelsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 19);
/**
 * Describes the message aiproxy.admin.v1.SetChannelStatusRequest.
 * Use `create(SetChannelStatusRequestSchema)` to create a new message.
 */
export const SetChannelStatusRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 20);
/**
 * Describes the message aiproxy.admin.v1.ListChannelTypesRequest.
 * Use `create(ListChannelTypesRequestSchema)` to create a new message.
 */
export const ListChannelTypesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 21);
/**
 * Describes the message aiproxy.admin.v1.ListChannelTypesResponse.
 * Use `create(ListChannelTypesResponseSchema)` to create a new message.
 */
export const ListChannelTypesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 22);
/**
 * Describes the message aiproxy.admin.v1.ChannelTypeDescription.
 * Use `create(ChannelTypeDescriptionSchema)` to create a new message.
 */
export const ChannelTypeDescriptionSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 23);
/**
 * Describes the message aiproxy.admin.v1.ChannelTypeConfigKey.
 * Use `create(ChannelTypeConfigKeySchema)` to create a new message.
 */
export const ChannelTypeConfigKeySchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 24);
/**
 * Describes the message aiproxy.admin.v1.ChannelBalance.
 * Use `create(ChannelBalanceSchema)` to create a new message.
 */
export const ChannelBalanceSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 25);
/**
 * Describes the message aiproxy.admin.v1.UpdateChannelBalanceRequest.
 * Use `create(UpdateChannelBalanceRequestSchema)` to create a new message.
 */
export const UpdateChannelBalanceRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 26);
/**
 * Describes the message aiproxy.admin.v1.SetChannelBalanceSettingsRequest.
 * Use `create(SetChannelBalanceSettingsRequestSchema)` to create a new message.
 */
export const SetChannelBalanceSettingsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_channels, 27);
/**
 * @generated from service aiproxy.admin.v1.ChannelService
 */
export const ChannelService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_channels, 0);
