// MCP servers the gateway exposes: embedded templates, proxies of remote servers, and
// OpenAPI documents turned into tools; plus per-group secret parameters.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/mcp.proto.
 */
export const file_aiproxy_admin_v1_mcp = /*@__PURE__*/ fileDesc("ChphaXByb3h5L2FkbWluL3YxL21jcC5wcm90bxIQYWlwcm94eS5hZG1pbi52MSK5AQoMTWNwQ2F0YWxvZ3VlEhQKDGRpc3BsYXlfbmFtZRgBIAEoCRIXCg9kaXNwbGF5X25hbWVfemgYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSFgoOZGVzY3JpcHRpb25femgYBCABKAkSDAoEdGFncxgFIAMoCRIOCgZyZWFkbWUYBiABKAkSDAoEbG9nbxgHIAEoCRIQCghob21lcGFnZRgIIAEoCRIPCgdpbnN0YWxsGAkgASgJIqQCCg1PcGVuQXBpU291cmNlEgwKBHNwZWMYASABKAkSEAoIc3BlY191cmwYAiABKAkSEAoIYmFzZV91cmwYAyABKAkSHQoVYWxsb3dfcHJpdmF0ZV9uZXR3b3JrGAQgASgIEkUKC2NyZWRlbnRpYWxzGAUgAygLMjAuYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlLkNyZWRlbnRpYWxzRW50cnkSGgoSaW5jbHVkZV9vcGVyYXRpb25zGAYgAygJEhoKEmV4Y2x1ZGVfb3BlcmF0aW9ucxgHIAMoCRIPCgdjb21wYWN0GAggASgIGjIKEENyZWRlbnRpYWxzRW50cnkSCwoDa2V5GAEgASgJEg0KBXZhbHVlGAIgASgJOgI4ASL7CQoJTWNwU2VydmVyEgoKAmlkGAEgASgJEikKBXNjb3BlGAIgASgOMhouYWlwcm94eS5hZG1pbi52MS5NY3BTY29wZRIQCghncm91cF9pZBgDIAEoCRItCgR0eXBlGAQgASgOMh8uYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXJUeXBlEhAKCHRlbXBsYXRlGAUgASgJEgsKA3VybBgGIAEoCRI5CgdoZWFkZXJzGAcgAygLMiguYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuSGVhZGVyc0VudHJ5EjUKBXF1ZXJ5GAggAygLMiYuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuUXVlcnlFbnRyeRI3CgZwYXJhbXMYCSADKAsyJy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5QYXJhbXNFbnRyeRIwCgdvcGVuYXBpGAogASgLMh8uYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlEigKBnN0YXR1cxgLIAEoDjIYLmFpcHJveHkuYWRtaW4udjEuU3RhdHVzEhUKDWNyZWF0ZWRfYXRfbXMYDCABKAMSFQoNdXBkYXRlZF9hdF9tcxgNIAEoAxIQCgh3YXJuaW5ncxgOIAMoCRIWCg5wcmljZV9wZXJfY2FsbBgPIAEoCRIdChVyZXF1aXJlZF9ncm91cF9wYXJhbXMYECADKAkSQAoLdG9vbF9wcmljZXMYESADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Ub29sUHJpY2VzRW50cnkSQAoLZ3JvdXBfdG9vbHMYEiADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Hcm91cFRvb2xzRW50cnkSNwoNdmlydHVhbF90b29scxgTIAMoCzIgLmFpcHJveHkuYWRtaW4udjEuTWNwVmlydHVhbFRvb2wSMQoJY2F0YWxvZ3VlGBQgASgLMh4uYWlwcm94eS5hZG1pbi52MS5NY3BDYXRhbG9ndWUSOgoOdXBzdHJlYW1fb2F1dGgYFSABKAsyIi5haXByb3h5LmFkbWluLnYxLk1jcFVwc3RyZWFtT0F1dGgSOwoPdmlydHVhbF9wcm9tcHRzGBYgAygLMiIuYWlwcm94eS5hZG1pbi52MS5NY3BWaXJ0dWFsUHJvbXB0Ej8KEXZpcnR1YWxfcmVzb3VyY2VzGBcgAygLMiQuYWlwcm94eS5hZG1pbi52MS5NY3BWaXJ0dWFsUmVzb3VyY2USHAoUYWdncmVnYXRlX3VucHJlZml4ZWQYGCABKAgaLgoMSGVhZGVyc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaLAoKUXVlcnlFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaMQoPVG9vbFByaWNlc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaUQoPR3JvdXBUb29sc0VudHJ5EgsKA2tleRgBIAEoCRItCgV2YWx1ZRgCIAEoCzIeLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbE5hbWVzOgI4ASJMChBNY3BVcHN0cmVhbU9BdXRoEhEKCWNsaWVudF9pZBgBIAEoCRIVCg1jbGllbnRfc2VjcmV0GAIgASgJEg4KBnNjb3BlcxgDIAMoCSLdAgoYTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uEhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCRI+CgVzdGF0ZRgDIAEoDjIvLmFpcHJveHkuYWRtaW4udjEuTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uU3RhdGUSFQoNZXhwaXJlc19hdF9tcxgEIAEoAxIOCgZzY29wZXMYBSADKAkSFQoNcmVmcmVzaF9lcnJvchgGIAEoCRITCgtyZWZyZXNoYWJsZRgHIAEoCBIYChBhdXRob3JpemVkX2F0X21zGAggASgDEhUKDXVwZGF0ZWRfYXRfbXMYCSABKAMSGAoQcmVmcmVzaF9mYWlsdXJlcxgKIAEoDRIfChdyZWZyZXNoX3BhdXNlZF91bnRpbF9tcxgLIAEoAxIdChVyZWZyZXNoX2ZhaWx1cmVfY2xhc3MYDCABKAkiSwokU3RhcnRNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25SZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJvCiVTdGFydE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlc3BvbnNlEhkKEWF1dGhvcml6YXRpb25fdXJsGAEgASgJEhUKDWV4cGlyZXNfYXRfbXMYAiABKAMSFAoMcmVkaXJlY3RfdXJpGAMgASgJIkkKIkdldE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIjkKJExpc3RNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25zUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkiawolTGlzdE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbnNSZXNwb25zZRJCCg5hdXRob3JpemF0aW9ucxgBIAMoCzIqLmFpcHJveHkuYWRtaW4udjEuTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uIkwKJVJldm9rZU1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIh0KDE1jcFRvb2xOYW1lcxINCgVuYW1lcxgBIAMoCSKAAQoOTWNwVmlydHVhbFRvb2wSEQoJc2VydmVyX2lkGAEgASgJEgwKBHRvb2wYAiABKAkSDAoEbmFtZRgDIAEoCRIYCgtkZXNjcmlwdGlvbhgEIAEoCUgAiAEBEhUKDWRlZmF1bHRzX2pzb24YBSABKAlCDgoMX2Rlc2NyaXB0aW9uIoQBChBNY3BWaXJ0dWFsUHJvbXB0EhEKCXNlcnZlcl9pZBgBIAEoCRIOCgZwcm9tcHQYAiABKAkSDAoEbmFtZRgDIAEoCRIYCgtkZXNjcmlwdGlvbhgEIAEoCUgAiAEBEhUKDWRlZmF1bHRzX2pzb24YBSABKAlCDgoMX2Rlc2NyaXB0aW9uIoEBChJNY3BWaXJ0dWFsUmVzb3VyY2USEQoJc2VydmVyX2lkGAEgASgJEgsKA3VyaRgCIAEoCRITCgtleHBvc2VkX3VyaRgDIAEoCRIMCgRuYW1lGAQgASgJEhgKC2Rlc2NyaXB0aW9uGAUgASgJSACIAQFCDgoMX2Rlc2NyaXB0aW9uIkUKFkNyZWF0ZU1jcFNlcnZlclJlcXVlc3QSKwoGc2VydmVyGAEgASgLMhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIiIQoTR2V0TWNwU2VydmVyUmVxdWVzdBIKCgJpZBgBIAEoCSK2AQoVTGlzdE1jcFNlcnZlcnNSZXF1ZXN0EhEKCXBhZ2Vfc2l6ZRgBIAEoBRISCgpwYWdlX3Rva2VuGAIgASgJEikKBXNjb3BlGAMgASgOMhouYWlwcm94eS5hZG1pbi52MS5NY3BTY29wZRIQCghncm91cF9pZBgEIAEoCRIoCgZzdGF0dXMYBSABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cxIPCgdrZXl3b3JkGAYgASgJInMKFkxpc3RNY3BTZXJ2ZXJzUmVzcG9uc2USLAoHc2VydmVycxgBIAMoCzIbLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyEhcKD25leHRfcGFnZV90b2tlbhgCIAEoCRISCgp0b3RhbF9zaXplGAMgASgDInYKFlVwZGF0ZU1jcFNlcnZlclJlcXVlc3QSKwoGc2VydmVyGAEgASgLMhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXISLwoLdXBkYXRlX21hc2sYAiABKAsyGi5nb29nbGUucHJvdG9idWYuRmllbGRNYXNrIiQKFkRlbGV0ZU1jcFNlcnZlclJlcXVlc3QSCgoCaWQYASABKAkiUQoZU2V0TWNwU2VydmVyU3RhdHVzUmVxdWVzdBIKCgJpZBgBIAEoCRIoCgZzdGF0dXMYAiABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cyIWChRMaXN0VGVtcGxhdGVzUmVxdWVzdCJjChVMaXN0VGVtcGxhdGVzUmVzcG9uc2USEQoJdGVtcGxhdGVzGAEgAygJEjcKEHRlbXBsYXRlX2RldGFpbHMYAiADKAsyHS5haXByb3h5LmFkbWluLnYxLk1jcFRlbXBsYXRlIpcBCgtNY3BUZW1wbGF0ZRIMCgRuYW1lGAEgASgJEhMKC2Rlc2NyaXB0aW9uGAIgASgJEjIKBnBhcmFtcxgDIAMoCzIiLmFpcHJveHkuYWRtaW4udjEuTWNwVGVtcGxhdGVQYXJhbRIxCgljYXRhbG9ndWUYBCABKAsyHi5haXByb3h5LmFkbWluLnYxLk1jcENhdGFsb2d1ZSKAAQoQTWNwVGVtcGxhdGVQYXJhbRIMCgRuYW1lGAEgASgJEhMKC2Rlc2NyaXB0aW9uGAIgASgJEjcKBnNldF9ieRgDIAEoDjInLmFpcHJveHkuYWRtaW4udjEuTWNwVGVtcGxhdGVQYXJhbU93bmVyEhAKCHJlcXVpcmVkGAQgASgIIrkBCg5Hcm91cE1jcFBhcmFtcxIRCglzZXJ2ZXJfaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkSPAoGcGFyYW1zGAMgAygLMiwuYWlwcm94eS5hZG1pbi52MS5Hcm91cE1jcFBhcmFtcy5QYXJhbXNFbnRyeRIVCg11cGRhdGVkX2F0X21zGAQgASgDGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEiTAoYU2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0EjAKBnBhcmFtcxgBIAEoCzIgLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMiPwoYR2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJCChtEZWxldGVHcm91cE1jcFBhcmFtc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIjQKFFRlc3RNY3BTZXJ2ZXJSZXF1ZXN0EgoKAmlkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIloKFVRlc3RNY3BTZXJ2ZXJSZXNwb25zZRIKCgJvaxgBIAEoCBINCgVlcnJvchgCIAEoCRISCgp0b29sX2NvdW50GAMgASgFEhIKCmxhdGVuY3lfbXMYBCABKAMiOQoZTGlzdE1jcFNlcnZlclRvb2xzUmVxdWVzdBIKCgJpZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJyCgdNY3BUb29sEgwKBG5hbWUYASABKAkSDQoFdGl0bGUYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSGQoRaW5wdXRfc2NoZW1hX2pzb24YBCABKAkSGgoSb3V0cHV0X3NjaGVtYV9qc29uGAUgASgJIkYKGkxpc3RNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEigKBXRvb2xzGAEgAygLMhkuYWlwcm94eS5hZG1pbi52MS5NY3BUb29sIj0KHUxpc3RNY3BTZXJ2ZXJPZmZlcmluZ3NSZXF1ZXN0EgoKAmlkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIk8KGE1jcE9mZmVyZWRQcm9tcHRBcmd1bWVudBIMCgRuYW1lGAEgASgJEhMKC2Rlc2NyaXB0aW9uGAIgASgJEhAKCHJlcXVpcmVkGAMgASgIIoMBChBNY3BPZmZlcmVkUHJvbXB0EgwKBG5hbWUYASABKAkSDQoFdGl0bGUYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSPQoJYXJndW1lbnRzGAQgAygLMiouYWlwcm94eS5hZG1pbi52MS5NY3BPZmZlcmVkUHJvbXB0QXJndW1lbnQiaQoSTWNwT2ZmZXJlZFJlc291cmNlEgsKA3VyaRgBIAEoCRIMCgRuYW1lGAIgASgJEhMKC2Rlc2NyaXB0aW9uGAMgASgJEhEKCW1pbWVfdHlwZRgEIAEoCRIQCgh0ZW1wbGF0ZRgFIAEoCCKOAQoeTGlzdE1jcFNlcnZlck9mZmVyaW5nc1Jlc3BvbnNlEjMKB3Byb21wdHMYASADKAsyIi5haXByb3h5LmFkbWluLnYxLk1jcE9mZmVyZWRQcm9tcHQSNwoJcmVzb3VyY2VzGAIgAygLMiQuYWlwcm94eS5hZG1pbi52MS5NY3BPZmZlcmVkUmVzb3VyY2UiWAoSQ2FsbE1jcFRvb2xSZXF1ZXN0EgoKAmlkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJEgwKBHRvb2wYAyABKAkSFgoOYXJndW1lbnRzX2pzb24YBCABKAkiUAoTQ2FsbE1jcFRvb2xSZXNwb25zZRITCgtyZXN1bHRfanNvbhgBIAEoCRIQCghpc19lcnJvchgCIAEoCBISCgpsYXRlbmN5X21zGAMgASgDIkgKGUxpc3RNY3BUb29sQ2hhbmdlc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhgKEGluY2x1ZGVfcmVqZWN0ZWQYAiABKAgiUAoNTWNwUGlubmVkSXRlbRIxCgRraW5kGAEgASgOMiMuYWlwcm94eS5hZG1pbi52MS5NY3BQaW5uZWRJdGVtS2luZBIMCgRuYW1lGAIgASgJIkEKDk1jcFRvb2xGaW5kaW5nEgwKBGtpbmQYASABKAkSEAoIbG9jYXRpb24YAiABKAkSDwoHZXhjZXJwdBgDIAEoCSLZAgoNTWNwVG9vbENoYW5nZRIRCglzZXJ2ZXJfaWQYASABKAkSEQoJdG9vbF9uYW1lGAIgASgJEjEKBGtpbmQYAyABKA4yIy5haXByb3h5LmFkbWluLnYxLk1jcFRvb2xDaGFuZ2VLaW5kEiAKGGFwcHJvdmVkX2RlZmluaXRpb25fanNvbhgEIAEoCRIfChdvZmZlcmVkX2RlZmluaXRpb25fanNvbhgFIAEoCRIyCghmaW5kaW5ncxgGIAMoCzIgLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbEZpbmRpbmcSEAoIcmVqZWN0ZWQYByABKAgSFgoOZGV0ZWN0ZWRfYXRfbXMYCCABKAMSFgoOYXBwcm92ZWRfYXRfbXMYCSABKAMSNgoJaXRlbV9raW5kGBQgASgOMiMuYWlwcm94eS5hZG1pbi52MS5NY3BQaW5uZWRJdGVtS2luZCJOChpMaXN0TWNwVG9vbENoYW5nZXNSZXNwb25zZRIwCgdjaGFuZ2VzGAEgAygLMh8uYWlwcm94eS5hZG1pbi52MS5NY3BUb29sQ2hhbmdlIo8BChxBcHByb3ZlTWNwU2VydmVyVG9vbHNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRISCgp0b29sX25hbWVzGAIgAygJEhAKCGdyb3VwX2lkGAMgASgJEjYKCWl0ZW1fa2luZBgUIAEoDjIjLmFpcHJveHkuYWRtaW4udjEuTWNwUGlubmVkSXRlbUtpbmQiYwodQXBwcm92ZU1jcFNlcnZlclRvb2xzUmVzcG9uc2USEgoKdG9vbF9uYW1lcxgBIAMoCRIuCgVpdGVtcxgUIAMoCzIfLmFpcHJveHkuYWRtaW4udjEuTWNwUGlubmVkSXRlbSJ8ChtSZWplY3RNY3BTZXJ2ZXJUb29sc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhIKCnRvb2xfbmFtZXMYAiADKAkSNgoJaXRlbV9raW5kGBQgASgOMiMuYWlwcm94eS5hZG1pbi52MS5NY3BQaW5uZWRJdGVtS2luZCJiChxSZWplY3RNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEhIKCnRvb2xfbmFtZXMYASADKAkSLgoFaXRlbXMYFCADKAsyHy5haXByb3h5LmFkbWluLnYxLk1jcFBpbm5lZEl0ZW0qUAoITWNwU2NvcGUSGQoVTUNQX1NDT1BFX1VOU1BFQ0lGSUVEEAASFAoQTUNQX1NDT1BFX1BVQkxJQxABEhMKD01DUF9TQ09QRV9HUk9VUBACKoECCg1NY3BTZXJ2ZXJUeXBlEh8KG01DUF9TRVJWRVJfVFlQRV9VTlNQRUNJRklFRBAAEhwKGE1DUF9TRVJWRVJfVFlQRV9FTUJFRERFRBABEiQKIE1DUF9TRVJWRVJfVFlQRV9QUk9YWV9TVFJFQU1BQkxFEAISHQoZTUNQX1NFUlZFUl9UWVBFX1BST1hZX1NTRRADEhsKF01DUF9TRVJWRVJfVFlQRV9PUEVOQVBJEAQSGwoXTUNQX1NFUlZFUl9UWVBFX1ZJUlRVQUwQBRIYChRNQ1BfU0VSVkVSX1RZUEVfR1JQQxAGEhgKFE1DUF9TRVJWRVJfVFlQRV9ET0NTEAcq7AEKHU1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblN0YXRlEjAKLE1DUF9VUFNUUkVBTV9BVVRIT1JJWkFUSU9OX1NUQVRFX1VOU1BFQ0lGSUVEEAASMwovTUNQX1VQU1RSRUFNX0FVVEhPUklaQVRJT05fU1RBVEVfTk9UX0FVVEhPUklaRUQQARIvCitNQ1BfVVBTVFJFQU1fQVVUSE9SSVpBVElPTl9TVEFURV9BVVRIT1JJWkVEEAISMwovTUNQX1VQU1RSRUFNX0FVVEhPUklaQVRJT05fU1RBVEVfUkVGUkVTSF9GQUlMRUQQAyqJAQoVTWNwVGVtcGxhdGVQYXJhbU93bmVyEigKJE1DUF9URU1QTEFURV9QQVJBTV9PV05FUl9VTlNQRUNJRklFRBAAEiIKHk1DUF9URU1QTEFURV9QQVJBTV9PV05FUl9BRE1JThABEiIKHk1DUF9URU1QTEFURV9QQVJBTV9PV05FUl9HUk9VUBACKsgBChFNY3BQaW5uZWRJdGVtS2luZBIkCiBNQ1BfUElOTkVEX0lURU1fS0lORF9VTlNQRUNJRklFRBAAEh0KGU1DUF9QSU5ORURfSVRFTV9LSU5EX1RPT0wQARIfChtNQ1BfUElOTkVEX0lURU1fS0lORF9QUk9NUFQQAhIhCh1NQ1BfUElOTkVEX0lURU1fS0lORF9SRVNPVVJDRRADEioKJk1DUF9QSU5ORURfSVRFTV9LSU5EX1JFU09VUkNFX1RFTVBMQVRFEAQqmwEKEU1jcFRvb2xDaGFuZ2VLaW5kEiQKIE1DUF9UT09MX0NIQU5HRV9LSU5EX1VOU1BFQ0lGSUVEEAASIAocTUNQX1RPT0xfQ0hBTkdFX0tJTkRfQ0hBTkdFRBABEhwKGE1DUF9UT09MX0NIQU5HRV9LSU5EX05FVxACEiAKHE1DUF9UT09MX0NIQU5HRV9LSU5EX1JFTU9WRUQQAzKMEgoKTWNwU2VydmljZRJYCg9DcmVhdGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLkNyZWF0ZU1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchJXCgxHZXRNY3BTZXJ2ZXISJS5haXByb3h5LmFkbWluLnYxLkdldE1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlciIDkAIBEmgKDkxpc3RNY3BTZXJ2ZXJzEicuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyc1JlcXVlc3QaKC5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJzUmVzcG9uc2UiA5ACARJYCg9VcGRhdGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLlVwZGF0ZU1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchJTCg9EZWxldGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLkRlbGV0ZU1jcFNlcnZlclJlcXVlc3QaFi5nb29nbGUucHJvdG9idWYuRW1wdHkSXgoSU2V0TWNwU2VydmVyU3RhdHVzEisuYWlwcm94eS5hZG1pbi52MS5TZXRNY3BTZXJ2ZXJTdGF0dXNSZXF1ZXN0GhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXISZQoNTGlzdFRlbXBsYXRlcxImLmFpcHJveHkuYWRtaW4udjEuTGlzdFRlbXBsYXRlc1JlcXVlc3QaJy5haXByb3h5LmFkbWluLnYxLkxpc3RUZW1wbGF0ZXNSZXNwb25zZSIDkAIBEmAKDVRlc3RNY3BTZXJ2ZXISJi5haXByb3h5LmFkbWluLnYxLlRlc3RNY3BTZXJ2ZXJSZXF1ZXN0GicuYWlwcm94eS5hZG1pbi52MS5UZXN0TWNwU2VydmVyUmVzcG9uc2USdAoSTGlzdE1jcFNlcnZlclRvb2xzEisuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyVG9vbHNSZXF1ZXN0GiwuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyVG9vbHNSZXNwb25zZSIDkAIBEoABChZMaXN0TWNwU2VydmVyT2ZmZXJpbmdzEi8uYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyT2ZmZXJpbmdzUmVxdWVzdBowLmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFNlcnZlck9mZmVyaW5nc1Jlc3BvbnNlIgOQAgESWgoLQ2FsbE1jcFRvb2wSJC5haXByb3h5LmFkbWluLnYxLkNhbGxNY3BUb29sUmVxdWVzdBolLmFpcHJveHkuYWRtaW4udjEuQ2FsbE1jcFRvb2xSZXNwb25zZRJhChFTZXRHcm91cE1jcFBhcmFtcxIqLmFpcHJveHkuYWRtaW4udjEuU2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0GiAuYWlwcm94eS5hZG1pbi52MS5Hcm91cE1jcFBhcmFtcxJmChFHZXRHcm91cE1jcFBhcmFtcxIqLmFpcHJveHkuYWRtaW4udjEuR2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0GiAuYWlwcm94eS5hZG1pbi52MS5Hcm91cE1jcFBhcmFtcyIDkAIBEl0KFERlbGV0ZUdyb3VwTWNwUGFyYW1zEi0uYWlwcm94eS5hZG1pbi52MS5EZWxldGVHcm91cE1jcFBhcmFtc1JlcXVlc3QaFi5nb29nbGUucHJvdG9idWYuRW1wdHkSdAoSTGlzdE1jcFRvb2xDaGFuZ2VzEisuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwVG9vbENoYW5nZXNSZXF1ZXN0GiwuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwVG9vbENoYW5nZXNSZXNwb25zZSIDkAIBEngKFUFwcHJvdmVNY3BTZXJ2ZXJUb29scxIuLmFpcHJveHkuYWRtaW4udjEuQXBwcm92ZU1jcFNlcnZlclRvb2xzUmVxdWVzdBovLmFpcHJveHkuYWRtaW4udjEuQXBwcm92ZU1jcFNlcnZlclRvb2xzUmVzcG9uc2USdQoUUmVqZWN0TWNwU2VydmVyVG9vbHMSLS5haXByb3h5LmFkbWluLnYxLlJlamVjdE1jcFNlcnZlclRvb2xzUmVxdWVzdBouLmFpcHJveHkuYWRtaW4udjEuUmVqZWN0TWNwU2VydmVyVG9vbHNSZXNwb25zZRKQAQodU3RhcnRNY3BVcHN0cmVhbUF1dGhvcml6YXRpb24SNi5haXByb3h5LmFkbWluLnYxLlN0YXJ0TWNwVXBzdHJlYW1BdXRob3JpemF0aW9uUmVxdWVzdBo3LmFpcHJveHkuYWRtaW4udjEuU3RhcnRNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25SZXNwb25zZRKEAQobR2V0TWNwVXBzdHJlYW1BdXRob3JpemF0aW9uEjQuYWlwcm94eS5hZG1pbi52MS5HZXRNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25SZXF1ZXN0GiouYWlwcm94eS5hZG1pbi52MS5NY3BVcHN0cmVhbUF1dGhvcml6YXRpb24iA5ACARKVAQodTGlzdE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbnMSNi5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25zUmVxdWVzdBo3LmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbnNSZXNwb25zZSIDkAIBEnEKHlJldm9rZU1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbhI3LmFpcHJveHkuYWRtaW4udjEuUmV2b2tlTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uUmVxdWVzdBoWLmdvb2dsZS5wcm90b2J1Zi5FbXB0eWIGcHJvdG8z", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
/**
 * Describes the message aiproxy.admin.v1.McpCatalogue.
 * Use `create(McpCatalogueSchema)` to create a new message.
 */
export const McpCatalogueSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 0);
/**
 * Describes the message aiproxy.admin.v1.OpenApiSource.
 * Use `create(OpenApiSourceSchema)` to create a new message.
 */
export const OpenApiSourceSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 1);
/**
 * Describes the message aiproxy.admin.v1.McpServer.
 * Use `create(McpServerSchema)` to create a new message.
 */
export const McpServerSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 2);
/**
 * Describes the message aiproxy.admin.v1.McpUpstreamOAuth.
 * Use `create(McpUpstreamOAuthSchema)` to create a new message.
 */
export const McpUpstreamOAuthSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 3);
/**
 * Describes the message aiproxy.admin.v1.McpUpstreamAuthorization.
 * Use `create(McpUpstreamAuthorizationSchema)` to create a new message.
 */
export const McpUpstreamAuthorizationSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 4);
/**
 * Describes the message aiproxy.admin.v1.StartMcpUpstreamAuthorizationRequest.
 * Use `create(StartMcpUpstreamAuthorizationRequestSchema)` to create a new message.
 */
export const StartMcpUpstreamAuthorizationRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 5);
/**
 * Describes the message aiproxy.admin.v1.StartMcpUpstreamAuthorizationResponse.
 * Use `create(StartMcpUpstreamAuthorizationResponseSchema)` to create a new message.
 */
export const StartMcpUpstreamAuthorizationResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 6);
/**
 * Describes the message aiproxy.admin.v1.GetMcpUpstreamAuthorizationRequest.
 * Use `create(GetMcpUpstreamAuthorizationRequestSchema)` to create a new message.
 */
export const GetMcpUpstreamAuthorizationRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 7);
/**
 * Describes the message aiproxy.admin.v1.ListMcpUpstreamAuthorizationsRequest.
 * Use `create(ListMcpUpstreamAuthorizationsRequestSchema)` to create a new message.
 */
export const ListMcpUpstreamAuthorizationsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 8);
/**
 * Describes the message aiproxy.admin.v1.ListMcpUpstreamAuthorizationsResponse.
 * Use `create(ListMcpUpstreamAuthorizationsResponseSchema)` to create a new message.
 */
export const ListMcpUpstreamAuthorizationsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 9);
/**
 * Describes the message aiproxy.admin.v1.RevokeMcpUpstreamAuthorizationRequest.
 * Use `create(RevokeMcpUpstreamAuthorizationRequestSchema)` to create a new message.
 */
export const RevokeMcpUpstreamAuthorizationRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 10);
/**
 * Describes the message aiproxy.admin.v1.McpToolNames.
 * Use `create(McpToolNamesSchema)` to create a new message.
 */
export const McpToolNamesSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 11);
/**
 * Describes the message aiproxy.admin.v1.McpVirtualTool.
 * Use `create(McpVirtualToolSchema)` to create a new message.
 */
export const McpVirtualToolSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 12);
/**
 * Describes the message aiproxy.admin.v1.McpVirtualPrompt.
 * Use `create(McpVirtualPromptSchema)` to create a new message.
 */
export const McpVirtualPromptSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 13);
/**
 * Describes the message aiproxy.admin.v1.McpVirtualResource.
 * Use `create(McpVirtualResourceSchema)` to create a new message.
 */
export const McpVirtualResourceSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 14);
/**
 * Describes the message aiproxy.admin.v1.CreateMcpServerRequest.
 * Use `create(CreateMcpServerRequestSchema)` to create a new message.
 */
export const CreateMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 15);
/**
 * Describes the message aiproxy.admin.v1.GetMcpServerRequest.
 * Use `create(GetMcpServerRequestSchema)` to create a new message.
 */
export const GetMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 16);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServersRequest.
 * Use `create(ListMcpServersRequestSchema)` to create a new message.
 */
export const ListMcpServersRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 17);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServersResponse.
 * Use `create(ListMcpServersResponseSchema)` to create a new message.
 */
export const ListMcpServersResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 18);
/**
 * Describes the message aiproxy.admin.v1.UpdateMcpServerRequest.
 * Use `create(UpdateMcpServerRequestSchema)` to create a new message.
 */
export const UpdateMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 19);
/**
 * Describes the message aiproxy.admin.v1.DeleteMcpServerRequest.
 * Use `create(DeleteMcpServerRequestSchema)` to create a new message.
 */
export const DeleteMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 20);
/**
 * Describes the message aiproxy.admin.v1.SetMcpServerStatusRequest.
 * Use `create(SetMcpServerStatusRequestSchema)` to create a new message.
 */
export const SetMcpServerStatusRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 21);
/**
 * Describes the message aiproxy.admin.v1.ListTemplatesRequest.
 * Use `create(ListTemplatesRequestSchema)` to create a new message.
 */
export const ListTemplatesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 22);
/**
 * Describes the message aiproxy.admin.v1.ListTemplatesResponse.
 * Use `create(ListTemplatesResponseSchema)` to create a new message.
 */
export const ListTemplatesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 23);
/**
 * Describes the message aiproxy.admin.v1.McpTemplate.
 * Use `create(McpTemplateSchema)` to create a new message.
 */
export const McpTemplateSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 24);
/**
 * Describes the message aiproxy.admin.v1.McpTemplateParam.
 * Use `create(McpTemplateParamSchema)` to create a new message.
 */
export const McpTemplateParamSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 25);
/**
 * Describes the message aiproxy.admin.v1.GroupMcpParams.
 * Use `create(GroupMcpParamsSchema)` to create a new message.
 */
export const GroupMcpParamsSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 26);
/**
 * Describes the message aiproxy.admin.v1.SetGroupMcpParamsRequest.
 * Use `create(SetGroupMcpParamsRequestSchema)` to create a new message.
 */
export const SetGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 27);
/**
 * Describes the message aiproxy.admin.v1.GetGroupMcpParamsRequest.
 * Use `create(GetGroupMcpParamsRequestSchema)` to create a new message.
 */
export const GetGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 28);
/**
 * Describes the message aiproxy.admin.v1.DeleteGroupMcpParamsRequest.
 * Use `create(DeleteGroupMcpParamsRequestSchema)` to create a new message.
 */
export const DeleteGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 29);
/**
 * Describes the message aiproxy.admin.v1.TestMcpServerRequest.
 * Use `create(TestMcpServerRequestSchema)` to create a new message.
 */
export const TestMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 30);
/**
 * Describes the message aiproxy.admin.v1.TestMcpServerResponse.
 * Use `create(TestMcpServerResponseSchema)` to create a new message.
 */
export const TestMcpServerResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 31);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerToolsRequest.
 * Use `create(ListMcpServerToolsRequestSchema)` to create a new message.
 */
export const ListMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 32);
/**
 * Describes the message aiproxy.admin.v1.McpTool.
 * Use `create(McpToolSchema)` to create a new message.
 */
export const McpToolSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 33);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerToolsResponse.
 * Use `create(ListMcpServerToolsResponseSchema)` to create a new message.
 */
export const ListMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 34);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerOfferingsRequest.
 * Use `create(ListMcpServerOfferingsRequestSchema)` to create a new message.
 */
export const ListMcpServerOfferingsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 35);
/**
 * Describes the message aiproxy.admin.v1.McpOfferedPromptArgument.
 * Use `create(McpOfferedPromptArgumentSchema)` to create a new message.
 */
export const McpOfferedPromptArgumentSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 36);
/**
 * Describes the message aiproxy.admin.v1.McpOfferedPrompt.
 * Use `create(McpOfferedPromptSchema)` to create a new message.
 */
export const McpOfferedPromptSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 37);
/**
 * Describes the message aiproxy.admin.v1.McpOfferedResource.
 * Use `create(McpOfferedResourceSchema)` to create a new message.
 */
export const McpOfferedResourceSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 38);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerOfferingsResponse.
 * Use `create(ListMcpServerOfferingsResponseSchema)` to create a new message.
 */
export const ListMcpServerOfferingsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 39);
/**
 * Describes the message aiproxy.admin.v1.CallMcpToolRequest.
 * Use `create(CallMcpToolRequestSchema)` to create a new message.
 */
export const CallMcpToolRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 40);
/**
 * Describes the message aiproxy.admin.v1.CallMcpToolResponse.
 * Use `create(CallMcpToolResponseSchema)` to create a new message.
 */
export const CallMcpToolResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 41);
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesRequest.
 * Use `create(ListMcpToolChangesRequestSchema)` to create a new message.
 */
export const ListMcpToolChangesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 42);
/**
 * Describes the message aiproxy.admin.v1.McpPinnedItem.
 * Use `create(McpPinnedItemSchema)` to create a new message.
 */
export const McpPinnedItemSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 43);
/**
 * Describes the message aiproxy.admin.v1.McpToolFinding.
 * Use `create(McpToolFindingSchema)` to create a new message.
 */
export const McpToolFindingSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 44);
/**
 * Describes the message aiproxy.admin.v1.McpToolChange.
 * Use `create(McpToolChangeSchema)` to create a new message.
 */
export const McpToolChangeSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 45);
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesResponse.
 * Use `create(ListMcpToolChangesResponseSchema)` to create a new message.
 */
export const ListMcpToolChangesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 46);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsRequest.
 * Use `create(ApproveMcpServerToolsRequestSchema)` to create a new message.
 */
export const ApproveMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 47);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsResponse.
 * Use `create(ApproveMcpServerToolsResponseSchema)` to create a new message.
 */
export const ApproveMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 48);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsRequest.
 * Use `create(RejectMcpServerToolsRequestSchema)` to create a new message.
 */
export const RejectMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 49);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsResponse.
 * Use `create(RejectMcpServerToolsResponseSchema)` to create a new message.
 */
export const RejectMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 50);
/**
 * @generated from enum aiproxy.admin.v1.McpScope
 */
export var McpScope;
(function (McpScope) {
    /**
     * @generated from enum value: MCP_SCOPE_UNSPECIFIED = 0;
     */
    McpScope[McpScope["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * Every group may use it.
     *
     * @generated from enum value: MCP_SCOPE_PUBLIC = 1;
     */
    McpScope[McpScope["PUBLIC"] = 1] = "PUBLIC";
    /**
     * Only `group_id` may use it.
     *
     * @generated from enum value: MCP_SCOPE_GROUP = 2;
     */
    McpScope[McpScope["GROUP"] = 2] = "GROUP";
})(McpScope || (McpScope = {}));
/**
 * Describes the enum aiproxy.admin.v1.McpScope.
 */
export const McpScopeSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 0);
/**
 * @generated from enum aiproxy.admin.v1.McpServerType
 */
export var McpServerType;
(function (McpServerType) {
    /**
     * @generated from enum value: MCP_SERVER_TYPE_UNSPECIFIED = 0;
     */
    McpServerType[McpServerType["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * @generated from enum value: MCP_SERVER_TYPE_EMBEDDED = 1;
     */
    McpServerType[McpServerType["EMBEDDED"] = 1] = "EMBEDDED";
    /**
     * @generated from enum value: MCP_SERVER_TYPE_PROXY_STREAMABLE = 2;
     */
    McpServerType[McpServerType["PROXY_STREAMABLE"] = 2] = "PROXY_STREAMABLE";
    /**
     * @generated from enum value: MCP_SERVER_TYPE_PROXY_SSE = 3;
     */
    McpServerType[McpServerType["PROXY_SSE"] = 3] = "PROXY_SSE";
    /**
     * @generated from enum value: MCP_SERVER_TYPE_OPENAPI = 4;
     */
    McpServerType[McpServerType["OPENAPI"] = 4] = "OPENAPI";
    /**
     * Chosen tools, prompts and resources of other servers (virtual_tools, virtual_prompts,
     * virtual_resources), served under this server's id.
     *
     * @generated from enum value: MCP_SERVER_TYPE_VIRTUAL = 5;
     */
    McpServerType[McpServerType["VIRTUAL"] = 5] = "VIRTUAL";
    /**
     * A gRPC service at url (http:// for HTTP/2 without TLS, https:// for TLS): each unary and
     * server-streaming method is a tool, described through server reflection (v1, else v1alpha)
     * or the FileDescriptorSet in params["descriptor_set"] (base64). headers and the groups'
     * parameters are sent as metadata; params["allow_private_network"] = "true" lets it reach
     * loopback and private addresses (refused by default, as for OpenAPI servers).
     *
     * @generated from enum value: MCP_SERVER_TYPE_GRPC = 6;
     */
    McpServerType[McpServerType["GRPC"] = 6] = "GRPC";
    /**
     * A catalogue entry only: describes a server users run elsewhere (`catalogue.readme`,
     * `homepage`, `install`). Listed, never served: its /mcp route answers 404 saying so.
     *
     * @generated from enum value: MCP_SERVER_TYPE_DOCS = 7;
     */
    McpServerType[McpServerType["DOCS"] = 7] = "DOCS";
})(McpServerType || (McpServerType = {}));
/**
 * Describes the enum aiproxy.admin.v1.McpServerType.
 */
export const McpServerTypeSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 1);
/**
 * @generated from enum aiproxy.admin.v1.McpUpstreamAuthorizationState
 */
export var McpUpstreamAuthorizationState;
(function (McpUpstreamAuthorizationState) {
    /**
     * @generated from enum value: MCP_UPSTREAM_AUTHORIZATION_STATE_UNSPECIFIED = 0;
     */
    McpUpstreamAuthorizationState[McpUpstreamAuthorizationState["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * No tokens held for the group: its calls get an error saying an admin must authorize.
     *
     * @generated from enum value: MCP_UPSTREAM_AUTHORIZATION_STATE_NOT_AUTHORIZED = 1;
     */
    McpUpstreamAuthorizationState[McpUpstreamAuthorizationState["NOT_AUTHORIZED"] = 1] = "NOT_AUTHORIZED";
    /**
     * Tokens held, valid until `expires_at_ms` (refreshed before then when refreshable).
     *
     * @generated from enum value: MCP_UPSTREAM_AUTHORIZATION_STATE_AUTHORIZED = 2;
     */
    McpUpstreamAuthorizationState[McpUpstreamAuthorizationState["AUTHORIZED"] = 2] = "AUTHORIZED";
    /**
     * The last refresh failed (`refresh_error`): an admin must authorize again.
     *
     * @generated from enum value: MCP_UPSTREAM_AUTHORIZATION_STATE_REFRESH_FAILED = 3;
     */
    McpUpstreamAuthorizationState[McpUpstreamAuthorizationState["REFRESH_FAILED"] = 3] = "REFRESH_FAILED";
})(McpUpstreamAuthorizationState || (McpUpstreamAuthorizationState = {}));
/**
 * Describes the enum aiproxy.admin.v1.McpUpstreamAuthorizationState.
 */
export const McpUpstreamAuthorizationStateSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 2);
/**
 * Who gives a template parameter its value.
 *
 * @generated from enum aiproxy.admin.v1.McpTemplateParamOwner
 */
export var McpTemplateParamOwner;
(function (McpTemplateParamOwner) {
    /**
     * @generated from enum value: MCP_TEMPLATE_PARAM_OWNER_UNSPECIFIED = 0;
     */
    McpTemplateParamOwner[McpTemplateParamOwner["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * The admin, once for the server: `McpServer.params`.
     *
     * @generated from enum value: MCP_TEMPLATE_PARAM_OWNER_ADMIN = 1;
     */
    McpTemplateParamOwner[McpTemplateParamOwner["ADMIN"] = 1] = "ADMIN";
    /**
     * Each group for itself: `SetGroupMcpParams` (name it in `required_group_params` to make
     * every group set it before the server is offered to it).
     *
     * @generated from enum value: MCP_TEMPLATE_PARAM_OWNER_GROUP = 2;
     */
    McpTemplateParamOwner[McpTemplateParamOwner["GROUP"] = 2] = "GROUP";
})(McpTemplateParamOwner || (McpTemplateParamOwner = {}));
/**
 * Describes the enum aiproxy.admin.v1.McpTemplateParamOwner.
 */
export const McpTemplateParamOwnerSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 3);
/**
 * What a pin pins.
 *
 * @generated from enum aiproxy.admin.v1.McpPinnedItemKind
 */
export var McpPinnedItemKind;
(function (McpPinnedItemKind) {
    /**
     * Read as a tool.
     *
     * @generated from enum value: MCP_PINNED_ITEM_KIND_UNSPECIFIED = 0;
     */
    McpPinnedItemKind[McpPinnedItemKind["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * @generated from enum value: MCP_PINNED_ITEM_KIND_TOOL = 1;
     */
    McpPinnedItemKind[McpPinnedItemKind["TOOL"] = 1] = "TOOL";
    /**
     * @generated from enum value: MCP_PINNED_ITEM_KIND_PROMPT = 2;
     */
    McpPinnedItemKind[McpPinnedItemKind["PROMPT"] = 2] = "PROMPT";
    /**
     * Pinned by its URI.
     *
     * @generated from enum value: MCP_PINNED_ITEM_KIND_RESOURCE = 3;
     */
    McpPinnedItemKind[McpPinnedItemKind["RESOURCE"] = 3] = "RESOURCE";
    /**
     * Pinned by its URI template.
     *
     * @generated from enum value: MCP_PINNED_ITEM_KIND_RESOURCE_TEMPLATE = 4;
     */
    McpPinnedItemKind[McpPinnedItemKind["RESOURCE_TEMPLATE"] = 4] = "RESOURCE_TEMPLATE";
})(McpPinnedItemKind || (McpPinnedItemKind = {}));
/**
 * Describes the enum aiproxy.admin.v1.McpPinnedItemKind.
 */
export const McpPinnedItemKindSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 4);
/**
 * @generated from enum aiproxy.admin.v1.McpToolChangeKind
 */
export var McpToolChangeKind;
(function (McpToolChangeKind) {
    /**
     * @generated from enum value: MCP_TOOL_CHANGE_KIND_UNSPECIFIED = 0;
     */
    McpToolChangeKind[McpToolChangeKind["UNSPECIFIED"] = 0] = "UNSPECIFIED";
    /**
     * An approved tool is offered with another definition.
     *
     * @generated from enum value: MCP_TOOL_CHANGE_KIND_CHANGED = 1;
     */
    McpToolChangeKind[McpToolChangeKind["CHANGED"] = 1] = "CHANGED";
    /**
     * A tool without an approved definition is offered (or was flagged when the server was
     * pinned).
     *
     * @generated from enum value: MCP_TOOL_CHANGE_KIND_NEW = 2;
     */
    McpToolChangeKind[McpToolChangeKind["NEW"] = 2] = "NEW";
    /**
     * An approved tool is no longer offered.
     *
     * @generated from enum value: MCP_TOOL_CHANGE_KIND_REMOVED = 3;
     */
    McpToolChangeKind[McpToolChangeKind["REMOVED"] = 3] = "REMOVED";
})(McpToolChangeKind || (McpToolChangeKind = {}));
/**
 * Describes the enum aiproxy.admin.v1.McpToolChangeKind.
 */
export const McpToolChangeKindSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 5);
/**
 * @generated from service aiproxy.admin.v1.McpService
 */
export const McpService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_mcp, 0);
