// Channels: upstream provider accounts the relay forwards to.
import { fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/channels.proto.
 */
export const file_aiproxy_admin_v1_channels = /*@__PURE__*/ fileDesc("Ch9haXByb3h5L2FkbWluL3YxL2NoYW5uZWxzLnByb3RvEhBhaXByb3h5LmFkbWluLnYxIqcBChFDaGFubmVsVGVzdFJlc3VsdBISCgpjaGFubmVsX2lkGAEgASgDEg0KBW1vZGVsGAIgASgJEg8KB3N1Y2Nlc3MYAyABKAgSEwoLc3RhdHVzX2NvZGUYBCABKAUSEgoKbGF0ZW5jeV9tcxgFIAEoAxINCgVlcnJvchgGIAEoCRIQCghlbmRwb2ludBgHIAEoCRIUCgx0ZXN0ZWRfYXRfbXMYCCABKAMiQwoSVGVzdENoYW5uZWxSZXF1ZXN0EgoKAmlkGAEgASgDEg0KBW1vZGVsGAIgASgJEhIKCnRpbWVvdXRfbXMYAyABKAMiSwoTVGVzdENoYW5uZWxSZXNwb25zZRI0CgdyZXN1bHRzGAEgAygLMiMuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsVGVzdFJlc3VsdCI+ChNUZXN0Q2hhbm5lbHNSZXF1ZXN0EhMKC2NvbmN1cnJlbmN5GAEgASgFEhIKCnRpbWVvdXRfbXMYAiABKAMiagoZUHJldmlld0NoYW5uZWxUZXN0UmVxdWVzdBIqCgdjaGFubmVsGAEgASgLMhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsEg0KBW1vZGVsGAIgASgJEhIKCnRpbWVvdXRfbXMYAyABKAMiUQoVQ3JlYXRlQ2hhbm5lbHNSZXF1ZXN0EioKB2NoYW5uZWwYASABKAsyGS5haXByb3h5LmFkbWluLnYxLkNoYW5uZWwSDAoEa2V5cxgCIAMoCSJFChZDcmVhdGVDaGFubmVsc1Jlc3BvbnNlEisKCGNoYW5uZWxzGAEgAygLMhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsInoKCkNoYW5uZWxCYW4SEgoKY2hhbm5lbF9pZBgBIAEoAxINCgVtb2RlbBgCIAEoCRIOCgZyZWFzb24YAyABKAkSEAoIc2luY2VfbXMYBCABKAMSEAoIdW50aWxfbXMYBSABKAMSFQoNbmV4dF9wcm9iZV9tcxgGIAEoAyJAChZMaXN0Q2hhbm5lbEJhbnNSZXF1ZXN0EhcKCmNoYW5uZWxfaWQYASABKANIAIgBAUINCgtfY2hhbm5lbF9pZCJFChdMaXN0Q2hhbm5lbEJhbnNSZXNwb25zZRIqCgRiYW5zGAEgAygLMhwuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsQmFuIl8KF0NsZWFyQ2hhbm5lbEJhbnNSZXF1ZXN0EhcKCmNoYW5uZWxfaWQYASABKANIAIgBARISCgVtb2RlbBgCIAEoCUgBiAEBQg0KC19jaGFubmVsX2lkQggKBl9tb2RlbCIrChhDbGVhckNoYW5uZWxCYW5zUmVzcG9uc2USDwoHY2xlYXJlZBgBIAEoAyLGBQoHQ2hhbm5lbBIKCgJpZBgBIAEoAxIMCgRuYW1lGAIgASgJEgwKBHR5cGUYAyABKAkSEAoIYmFzZV91cmwYBCABKAkSCwoDa2V5GAUgASgJEg4KBm1vZGVscxgGIAMoCRJCCg1tb2RlbF9tYXBwaW5nGAcgAygLMisuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsLk1vZGVsTWFwcGluZ0VudHJ5EhAKCHByaW9yaXR5GAggASgDEgwKBHNldHMYCSADKAkSKAoGc3RhdHVzGAogASgOMhguYWlwcm94eS5hZG1pbi52MS5TdGF0dXMSEQoJcHJveHlfdXJsGAsgASgJEiwKCHRpbWVvdXRzGAwgASgLMhouYWlwcm94eS5hZG1pbi52MS5UaW1lb3V0cxI1CgZjb25maWcYDSADKAsyJS5haXByb3h5LmFkbWluLnYxLkNoYW5uZWwuQ29uZmlnRW50cnkSFQoNY3JlYXRlZF9hdF9tcxgOIAEoAxIVCg11cGRhdGVkX2F0X21zGA8gASgDEjcKCmxhc3RfdGVzdHMYECADKAsyIy5haXByb3h5LmFkbWluLnYxLkNoYW5uZWxUZXN0UmVzdWx0EjEKB2JhbGFuY2UYESABKAsyIC5haXByb3h5LmFkbWluLnYxLkNoYW5uZWxCYWxhbmNlEhwKD3dhcm5fZXJyb3JfcmF0ZRgSIAEoAUgAiAEBEhsKDm1heF9lcnJvcl9yYXRlGBMgASgBSAGIAQEaMwoRTW9kZWxNYXBwaW5nRW50cnkSCwoDa2V5GAEgASgJEg0KBXZhbHVlGAIgASgJOgI4ARotCgtDb25maWdFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBQhIKEF93YXJuX2Vycm9yX3JhdGVCEQoPX21heF9lcnJvcl9yYXRlIkIKFENyZWF0ZUNoYW5uZWxSZXF1ZXN0EioKB2NoYW5uZWwYASABKAsyGS5haXByb3h5LmFkbWluLnYxLkNoYW5uZWwiHwoRR2V0Q2hhbm5lbFJlcXVlc3QSCgoCaWQYASABKAMihQEKE0xpc3RDaGFubmVsc1JlcXVlc3QSEQoJcGFnZV9zaXplGAEgASgFEhIKCnBhZ2VfdG9rZW4YAiABKAkSKAoGc3RhdHVzGAMgASgOMhguYWlwcm94eS5hZG1pbi52MS5TdGF0dXMSDAoEdHlwZRgEIAEoCRIPCgdrZXl3b3JkGAUgASgJInAKFExpc3RDaGFubmVsc1Jlc3BvbnNlEisKCGNoYW5uZWxzGAEgAygLMhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsEhcKD25leHRfcGFnZV90b2tlbhgCIAEoCRISCgp0b3RhbF9zaXplGAMgASgDInMKFFVwZGF0ZUNoYW5uZWxSZXF1ZXN0EioKB2NoYW5uZWwYASABKAsyGS5haXByb3h5LmFkbWluLnYxLkNoYW5uZWwSLwoLdXBkYXRlX21hc2sYAiABKAsyGi5nb29nbGUucHJvdG9idWYuRmllbGRNYXNrIiIKFERlbGV0ZUNoYW5uZWxSZXF1ZXN0EgoKAmlkGAEgASgDIikKGkJhdGNoRGVsZXRlQ2hhbm5lbHNSZXF1ZXN0EgsKA2lkcxgBIAMoAyJPChdTZXRDaGFubmVsU3RhdHVzUmVxdWVzdBIKCgJpZBgBIAEoAxIoCgZzdGF0dXMYAiABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cyIZChdMaXN0Q2hhbm5lbFR5cGVzUmVxdWVzdCJpChhMaXN0Q2hhbm5lbFR5cGVzUmVzcG9uc2USDQoFdHlwZXMYASADKAkSPgoMZGVzY3JpcHRpb25zGAIgAygLMiguYWlwcm94eS5hZG1pbi52MS5DaGFubmVsVHlwZURlc2NyaXB0aW9uIuMBChZDaGFubmVsVHlwZURlc2NyaXB0aW9uEgwKBG5hbWUYASABKAkSDwoHYWxpYXNlcxgCIAMoCRIUCgxkaXNwbGF5X25hbWUYAyABKAkSGAoQZGVmYXVsdF9iYXNlX3VybBgEIAEoCRIQCghrZXlfaGVscBgFIAEoCRI7Cgtjb25maWdfa2V5cxgGIAMoCzImLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbFR5cGVDb25maWdLZXkSEQoJZW5kcG9pbnRzGAcgAygJEhgKEG5hdGl2ZV9lbmRwb2ludHMYCCADKAkiUQoUQ2hhbm5lbFR5cGVDb25maWdLZXkSDAoEbmFtZRgBIAEoCRIMCgR0eXBlGAIgASgJEg8KB2RlZmF1bHQYAyABKAkSDAoEaGVscBgEIAEoCSLEAQoOQ2hhbm5lbEJhbGFuY2USEQoJc3VwcG9ydGVkGAEgASgIEhQKB2JhbGFuY2UYAiABKAFIAIgBARIQCghjdXJyZW5jeRgDIAEoCRIVCg11cGRhdGVkX2F0X21zGAQgASgDEhIKCmxhc3RfZXJyb3IYBSABKAkSFgoJdGhyZXNob2xkGAYgASgBSAGIAQESGgoSZGlzYWJsZV93aGVuX2VtcHR5GAcgASgIQgoKCF9iYWxhbmNlQgwKCl90aHJlc2hvbGQiKQobVXBkYXRlQ2hhbm5lbEJhbGFuY2VSZXF1ZXN0EgoKAmlkGAEgASgDInAKIFNldENoYW5uZWxCYWxhbmNlU2V0dGluZ3NSZXF1ZXN0EgoKAmlkGAEgASgDEhYKCXRocmVzaG9sZBgCIAEoAUgAiAEBEhoKEmRpc2FibGVfd2hlbl9lbXB0eRgDIAEoCEIMCgpfdGhyZXNob2xkMp8MCg5DaGFubmVsU2VydmljZRJSCg1DcmVhdGVDaGFubmVsEiYuYWlwcm94eS5hZG1pbi52MS5DcmVhdGVDaGFubmVsUmVxdWVzdBoZLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbBJMCgpHZXRDaGFubmVsEiMuYWlwcm94eS5hZG1pbi52MS5HZXRDaGFubmVsUmVxdWVzdBoZLmFpcHJveHkuYWRtaW4udjEuQ2hhbm5lbBJdCgxMaXN0Q2hhbm5lbHMSJS5haXByb3h5LmFkbWluLnYxLkxpc3RDaGFubmVsc1JlcXVlc3QaJi5haXByb3h5LmFkbWluLnYxLkxpc3RDaGFubmVsc1Jlc3BvbnNlElIKDVVwZGF0ZUNoYW5uZWwSJi5haXByb3h5LmFkbWluLnYxLlVwZGF0ZUNoYW5uZWxSZXF1ZXN0GhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsEk8KDURlbGV0ZUNoYW5uZWwSJi5haXByb3h5LmFkbWluLnYxLkRlbGV0ZUNoYW5uZWxSZXF1ZXN0GhYuZ29vZ2xlLnByb3RvYnVmLkVtcHR5EmoKE0JhdGNoRGVsZXRlQ2hhbm5lbHMSLC5haXByb3h5LmFkbWluLnYxLkJhdGNoRGVsZXRlQ2hhbm5lbHNSZXF1ZXN0GiUuYWlwcm94eS5hZG1pbi52MS5CYXRjaERlbGV0ZVJlc3BvbnNlElgKEFNldENoYW5uZWxTdGF0dXMSKS5haXByb3h5LmFkbWluLnYxLlNldENoYW5uZWxTdGF0dXNSZXF1ZXN0GhkuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsEmkKEExpc3RDaGFubmVsVHlwZXMSKS5haXByb3h5LmFkbWluLnYxLkxpc3RDaGFubmVsVHlwZXNSZXF1ZXN0GiouYWlwcm94eS5hZG1pbi52MS5MaXN0Q2hhbm5lbFR5cGVzUmVzcG9uc2USZgoPTGlzdENoYW5uZWxCYW5zEiguYWlwcm94eS5hZG1pbi52MS5MaXN0Q2hhbm5lbEJhbnNSZXF1ZXN0GikuYWlwcm94eS5hZG1pbi52MS5MaXN0Q2hhbm5lbEJhbnNSZXNwb25zZRJpChBDbGVhckNoYW5uZWxCYW5zEikuYWlwcm94eS5hZG1pbi52MS5DbGVhckNoYW5uZWxCYW5zUmVxdWVzdBoqLmFpcHJveHkuYWRtaW4udjEuQ2xlYXJDaGFubmVsQmFuc1Jlc3BvbnNlEloKC1Rlc3RDaGFubmVsEiQuYWlwcm94eS5hZG1pbi52MS5UZXN0Q2hhbm5lbFJlcXVlc3QaJS5haXByb3h5LmFkbWluLnYxLlRlc3RDaGFubmVsUmVzcG9uc2USXAoMVGVzdENoYW5uZWxzEiUuYWlwcm94eS5hZG1pbi52MS5UZXN0Q2hhbm5lbHNSZXF1ZXN0GiMuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsVGVzdFJlc3VsdDABEmgKElByZXZpZXdDaGFubmVsVGVzdBIrLmFpcHJveHkuYWRtaW4udjEuUHJldmlld0NoYW5uZWxUZXN0UmVxdWVzdBolLmFpcHJveHkuYWRtaW4udjEuVGVzdENoYW5uZWxSZXNwb25zZRJjCg5DcmVhdGVDaGFubmVscxInLmFpcHJveHkuYWRtaW4udjEuQ3JlYXRlQ2hhbm5lbHNSZXF1ZXN0GiguYWlwcm94eS5hZG1pbi52MS5DcmVhdGVDaGFubmVsc1Jlc3BvbnNlEmcKFFVwZGF0ZUNoYW5uZWxCYWxhbmNlEi0uYWlwcm94eS5hZG1pbi52MS5VcGRhdGVDaGFubmVsQmFsYW5jZVJlcXVlc3QaIC5haXByb3h5LmFkbWluLnYxLkNoYW5uZWxCYWxhbmNlEnEKGVNldENoYW5uZWxCYWxhbmNlU2V0dGluZ3MSMi5haXByb3h5LmFkbWluLnYxLlNldENoYW5uZWxCYWxhbmNlU2V0dGluZ3NSZXF1ZXN0GiAuYWlwcm94eS5hZG1pbi52MS5DaGFubmVsQmFsYW5jZWIGcHJvdG8z", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
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
