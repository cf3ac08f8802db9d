// MCP servers the gateway exposes: embedded templates, proxies of remote servers, and
// OpenAPI documents turned into tools; plus per-group secret parameters.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/mcp.proto.
 */
export const file_aiproxy_admin_v1_mcp = /*@__PURE__*/ fileDesc("ChphaXByb3h5L2FkbWluL3YxL21jcC5wcm90bxIQYWlwcm94eS5hZG1pbi52MSK5AQoMTWNwQ2F0YWxvZ3VlEhQKDGRpc3BsYXlfbmFtZRgBIAEoCRIXCg9kaXNwbGF5X25hbWVfemgYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSFgoOZGVzY3JpcHRpb25femgYBCABKAkSDAoEdGFncxgFIAMoCRIOCgZyZWFkbWUYBiABKAkSDAoEbG9nbxgHIAEoCRIQCghob21lcGFnZRgIIAEoCRIPCgdpbnN0YWxsGAkgASgJIqQCCg1PcGVuQXBpU291cmNlEgwKBHNwZWMYASABKAkSEAoIc3BlY191cmwYAiABKAkSEAoIYmFzZV91cmwYAyABKAkSHQoVYWxsb3dfcHJpdmF0ZV9uZXR3b3JrGAQgASgIEkUKC2NyZWRlbnRpYWxzGAUgAygLMjAuYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlLkNyZWRlbnRpYWxzRW50cnkSGgoSaW5jbHVkZV9vcGVyYXRpb25zGAYgAygJEhoKEmV4Y2x1ZGVfb3BlcmF0aW9ucxgHIAMoCRIPCgdjb21wYWN0GAggASgIGjIKEENyZWRlbnRpYWxzRW50cnkSCwoDa2V5GAEgASgJEg0KBXZhbHVlGAIgASgJOgI4ASLdCQoJTWNwU2VydmVyEgoKAmlkGAEgASgJEikKBXNjb3BlGAIgASgOMhouYWlwcm94eS5hZG1pbi52MS5NY3BTY29wZRIQCghncm91cF9pZBgDIAEoCRItCgR0eXBlGAQgASgOMh8uYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXJUeXBlEhAKCHRlbXBsYXRlGAUgASgJEgsKA3VybBgGIAEoCRI5CgdoZWFkZXJzGAcgAygLMiguYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuSGVhZGVyc0VudHJ5EjUKBXF1ZXJ5GAggAygLMiYuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuUXVlcnlFbnRyeRI3CgZwYXJhbXMYCSADKAsyJy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5QYXJhbXNFbnRyeRIwCgdvcGVuYXBpGAogASgLMh8uYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlEigKBnN0YXR1cxgLIAEoDjIYLmFpcHJveHkuYWRtaW4udjEuU3RhdHVzEhUKDWNyZWF0ZWRfYXRfbXMYDCABKAMSFQoNdXBkYXRlZF9hdF9tcxgNIAEoAxIQCgh3YXJuaW5ncxgOIAMoCRIWCg5wcmljZV9wZXJfY2FsbBgPIAEoCRIdChVyZXF1aXJlZF9ncm91cF9wYXJhbXMYECADKAkSQAoLdG9vbF9wcmljZXMYESADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Ub29sUHJpY2VzRW50cnkSQAoLZ3JvdXBfdG9vbHMYEiADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Hcm91cFRvb2xzRW50cnkSNwoNdmlydHVhbF90b29scxgTIAMoCzIgLmFpcHJveHkuYWRtaW4udjEuTWNwVmlydHVhbFRvb2wSMQoJY2F0YWxvZ3VlGBQgASgLMh4uYWlwcm94eS5hZG1pbi52MS5NY3BDYXRhbG9ndWUSOgoOdXBzdHJlYW1fb2F1dGgYFSABKAsyIi5haXByb3h5LmFkbWluLnYxLk1jcFVwc3RyZWFtT0F1dGgSOwoPdmlydHVhbF9wcm9tcHRzGBYgAygLMiIuYWlwcm94eS5hZG1pbi52MS5NY3BWaXJ0dWFsUHJvbXB0Ej8KEXZpcnR1YWxfcmVzb3VyY2VzGBcgAygLMiQuYWlwcm94eS5hZG1pbi52MS5NY3BWaXJ0dWFsUmVzb3VyY2UaLgoMSGVhZGVyc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaLAoKUXVlcnlFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaMQoPVG9vbFByaWNlc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaUQoPR3JvdXBUb29sc0VudHJ5EgsKA2tleRgBIAEoCRItCgV2YWx1ZRgCIAEoCzIeLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbE5hbWVzOgI4ASJMChBNY3BVcHN0cmVhbU9BdXRoEhEKCWNsaWVudF9pZBgBIAEoCRIVCg1jbGllbnRfc2VjcmV0GAIgASgJEg4KBnNjb3BlcxgDIAMoCSKDAgoYTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uEhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCRI+CgVzdGF0ZRgDIAEoDjIvLmFpcHJveHkuYWRtaW4udjEuTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uU3RhdGUSFQoNZXhwaXJlc19hdF9tcxgEIAEoAxIOCgZzY29wZXMYBSADKAkSFQoNcmVmcmVzaF9lcnJvchgGIAEoCRITCgtyZWZyZXNoYWJsZRgHIAEoCBIYChBhdXRob3JpemVkX2F0X21zGAggASgDEhUKDXVwZGF0ZWRfYXRfbXMYCSABKAMiSwokU3RhcnRNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25SZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJvCiVTdGFydE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlc3BvbnNlEhkKEWF1dGhvcml6YXRpb25fdXJsGAEgASgJEhUKDWV4cGlyZXNfYXRfbXMYAiABKAMSFAoMcmVkaXJlY3RfdXJpGAMgASgJIkkKIkdldE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIjkKJExpc3RNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25zUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkiawolTGlzdE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbnNSZXNwb25zZRJCCg5hdXRob3JpemF0aW9ucxgBIAMoCzIqLmFpcHJveHkuYWRtaW4udjEuTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uIkwKJVJldm9rZU1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIh0KDE1jcFRvb2xOYW1lcxINCgVuYW1lcxgBIAMoCSKAAQoOTWNwVmlydHVhbFRvb2wSEQoJc2VydmVyX2lkGAEgASgJEgwKBHRvb2wYAiABKAkSDAoEbmFtZRgDIAEoCRIYCgtkZXNjcmlwdGlvbhgEIAEoCUgAiAEBEhUKDWRlZmF1bHRzX2pzb24YBSABKAlCDgoMX2Rlc2NyaXB0aW9uIoQBChBNY3BWaXJ0dWFsUHJvbXB0EhEKCXNlcnZlcl9pZBgBIAEoCRIOCgZwcm9tcHQYAiABKAkSDAoEbmFtZRgDIAEoCRIYCgtkZXNjcmlwdGlvbhgEIAEoCUgAiAEBEhUKDWRlZmF1bHRzX2pzb24YBSABKAlCDgoMX2Rlc2NyaXB0aW9uIoEBChJNY3BWaXJ0dWFsUmVzb3VyY2USEQoJc2VydmVyX2lkGAEgASgJEgsKA3VyaRgCIAEoCRITCgtleHBvc2VkX3VyaRgDIAEoCRIMCgRuYW1lGAQgASgJEhgKC2Rlc2NyaXB0aW9uGAUgASgJSACIAQFCDgoMX2Rlc2NyaXB0aW9uIkUKFkNyZWF0ZU1jcFNlcnZlclJlcXVlc3QSKwoGc2VydmVyGAEgASgLMhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIiIQoTR2V0TWNwU2VydmVyUmVxdWVzdBIKCgJpZBgBIAEoCSK2AQoVTGlzdE1jcFNlcnZlcnNSZXF1ZXN0EhEKCXBhZ2Vfc2l6ZRgBIAEoBRISCgpwYWdlX3Rva2VuGAIgASgJEikKBXNjb3BlGAMgASgOMhouYWlwcm94eS5hZG1pbi52MS5NY3BTY29wZRIQCghncm91cF9pZBgEIAEoCRIoCgZzdGF0dXMYBSABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cxIPCgdrZXl3b3JkGAYgASgJInMKFkxpc3RNY3BTZXJ2ZXJzUmVzcG9uc2USLAoHc2VydmVycxgBIAMoCzIbLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyEhcKD25leHRfcGFnZV90b2tlbhgCIAEoCRISCgp0b3RhbF9zaXplGAMgASgDInYKFlVwZGF0ZU1jcFNlcnZlclJlcXVlc3QSKwoGc2VydmVyGAEgASgLMhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXISLwoLdXBkYXRlX21hc2sYAiABKAsyGi5nb29nbGUucHJvdG9idWYuRmllbGRNYXNrIiQKFkRlbGV0ZU1jcFNlcnZlclJlcXVlc3QSCgoCaWQYASABKAkiUQoZU2V0TWNwU2VydmVyU3RhdHVzUmVxdWVzdBIKCgJpZBgBIAEoCRIoCgZzdGF0dXMYAiABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cyIWChRMaXN0VGVtcGxhdGVzUmVxdWVzdCJjChVMaXN0VGVtcGxhdGVzUmVzcG9uc2USEQoJdGVtcGxhdGVzGAEgAygJEjcKEHRlbXBsYXRlX2RldGFpbHMYAiADKAsyHS5haXByb3h5LmFkbWluLnYxLk1jcFRlbXBsYXRlIpcBCgtNY3BUZW1wbGF0ZRIMCgRuYW1lGAEgASgJEhMKC2Rlc2NyaXB0aW9uGAIgASgJEjIKBnBhcmFtcxgDIAMoCzIiLmFpcHJveHkuYWRtaW4udjEuTWNwVGVtcGxhdGVQYXJhbRIxCgljYXRhbG9ndWUYBCABKAsyHi5haXByb3h5LmFkbWluLnYxLk1jcENhdGFsb2d1ZSKAAQoQTWNwVGVtcGxhdGVQYXJhbRIMCgRuYW1lGAEgASgJEhMKC2Rlc2NyaXB0aW9uGAIgASgJEjcKBnNldF9ieRgDIAEoDjInLmFpcHJveHkuYWRtaW4udjEuTWNwVGVtcGxhdGVQYXJhbU93bmVyEhAKCHJlcXVpcmVkGAQgASgIIrkBCg5Hcm91cE1jcFBhcmFtcxIRCglzZXJ2ZXJfaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkSPAoGcGFyYW1zGAMgAygLMiwuYWlwcm94eS5hZG1pbi52MS5Hcm91cE1jcFBhcmFtcy5QYXJhbXNFbnRyeRIVCg11cGRhdGVkX2F0X21zGAQgASgDGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEiTAoYU2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0EjAKBnBhcmFtcxgBIAEoCzIgLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMiPwoYR2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJCChtEZWxldGVHcm91cE1jcFBhcmFtc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIjQKFFRlc3RNY3BTZXJ2ZXJSZXF1ZXN0EgoKAmlkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIloKFVRlc3RNY3BTZXJ2ZXJSZXNwb25zZRIKCgJvaxgBIAEoCBINCgVlcnJvchgCIAEoCRISCgp0b29sX2NvdW50GAMgASgFEhIKCmxhdGVuY3lfbXMYBCABKAMiOQoZTGlzdE1jcFNlcnZlclRvb2xzUmVxdWVzdBIKCgJpZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJyCgdNY3BUb29sEgwKBG5hbWUYASABKAkSDQoFdGl0bGUYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSGQoRaW5wdXRfc2NoZW1hX2pzb24YBCABKAkSGgoSb3V0cHV0X3NjaGVtYV9qc29uGAUgASgJIkYKGkxpc3RNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEigKBXRvb2xzGAEgAygLMhkuYWlwcm94eS5hZG1pbi52MS5NY3BUb29sIj0KHUxpc3RNY3BTZXJ2ZXJPZmZlcmluZ3NSZXF1ZXN0EgoKAmlkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIk8KGE1jcE9mZmVyZWRQcm9tcHRBcmd1bWVudBIMCgRuYW1lGAEgASgJEhMKC2Rlc2NyaXB0aW9uGAIgASgJEhAKCHJlcXVpcmVkGAMgASgIIoMBChBNY3BPZmZlcmVkUHJvbXB0EgwKBG5hbWUYASABKAkSDQoFdGl0bGUYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSPQoJYXJndW1lbnRzGAQgAygLMiouYWlwcm94eS5hZG1pbi52MS5NY3BPZmZlcmVkUHJvbXB0QXJndW1lbnQiaQoSTWNwT2ZmZXJlZFJlc291cmNlEgsKA3VyaRgBIAEoCRIMCgRuYW1lGAIgASgJEhMKC2Rlc2NyaXB0aW9uGAMgASgJEhEKCW1pbWVfdHlwZRgEIAEoCRIQCgh0ZW1wbGF0ZRgFIAEoCCKOAQoeTGlzdE1jcFNlcnZlck9mZmVyaW5nc1Jlc3BvbnNlEjMKB3Byb21wdHMYASADKAsyIi5haXByb3h5LmFkbWluLnYxLk1jcE9mZmVyZWRQcm9tcHQSNwoJcmVzb3VyY2VzGAIgAygLMiQuYWlwcm94eS5hZG1pbi52MS5NY3BPZmZlcmVkUmVzb3VyY2UiWAoSQ2FsbE1jcFRvb2xSZXF1ZXN0EgoKAmlkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJEgwKBHRvb2wYAyABKAkSFgoOYXJndW1lbnRzX2pzb24YBCABKAkiUAoTQ2FsbE1jcFRvb2xSZXNwb25zZRITCgtyZXN1bHRfanNvbhgBIAEoCRIQCghpc19lcnJvchgCIAEoCBISCgpsYXRlbmN5X21zGAMgASgDIkgKGUxpc3RNY3BUb29sQ2hhbmdlc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhgKEGluY2x1ZGVfcmVqZWN0ZWQYAiABKAgiQQoOTWNwVG9vbEZpbmRpbmcSDAoEa2luZBgBIAEoCRIQCghsb2NhdGlvbhgCIAEoCRIPCgdleGNlcnB0GAMgASgJIqECCg1NY3BUb29sQ2hhbmdlEhEKCXNlcnZlcl9pZBgBIAEoCRIRCgl0b29sX25hbWUYAiABKAkSMQoEa2luZBgDIAEoDjIjLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbENoYW5nZUtpbmQSIAoYYXBwcm92ZWRfZGVmaW5pdGlvbl9qc29uGAQgASgJEh8KF29mZmVyZWRfZGVmaW5pdGlvbl9qc29uGAUgASgJEjIKCGZpbmRpbmdzGAYgAygLMiAuYWlwcm94eS5hZG1pbi52MS5NY3BUb29sRmluZGluZxIQCghyZWplY3RlZBgHIAEoCBIWCg5kZXRlY3RlZF9hdF9tcxgIIAEoAxIWCg5hcHByb3ZlZF9hdF9tcxgJIAEoAyJOChpMaXN0TWNwVG9vbENoYW5nZXNSZXNwb25zZRIwCgdjaGFuZ2VzGAEgAygLMh8uYWlwcm94eS5hZG1pbi52MS5NY3BUb29sQ2hhbmdlIlcKHEFwcHJvdmVNY3BTZXJ2ZXJUb29sc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhIKCnRvb2xfbmFtZXMYAiADKAkSEAoIZ3JvdXBfaWQYAyABKAkiMwodQXBwcm92ZU1jcFNlcnZlclRvb2xzUmVzcG9uc2USEgoKdG9vbF9uYW1lcxgBIAMoCSJEChtSZWplY3RNY3BTZXJ2ZXJUb29sc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhIKCnRvb2xfbmFtZXMYAiADKAkiMgocUmVqZWN0TWNwU2VydmVyVG9vbHNSZXNwb25zZRISCgp0b29sX25hbWVzGAEgAygJKlAKCE1jcFNjb3BlEhkKFU1DUF9TQ09QRV9VTlNQRUNJRklFRBAAEhQKEE1DUF9TQ09QRV9QVUJMSUMQARITCg9NQ1BfU0NPUEVfR1JPVVAQAiqBAgoNTWNwU2VydmVyVHlwZRIfChtNQ1BfU0VSVkVSX1RZUEVfVU5TUEVDSUZJRUQQABIcChhNQ1BfU0VSVkVSX1RZUEVfRU1CRURERUQQARIkCiBNQ1BfU0VSVkVSX1RZUEVfUFJPWFlfU1RSRUFNQUJMRRACEh0KGU1DUF9TRVJWRVJfVFlQRV9QUk9YWV9TU0UQAxIbChdNQ1BfU0VSVkVSX1RZUEVfT1BFTkFQSRAEEhsKF01DUF9TRVJWRVJfVFlQRV9WSVJUVUFMEAUSGAoUTUNQX1NFUlZFUl9UWVBFX0dSUEMQBhIYChRNQ1BfU0VSVkVSX1RZUEVfRE9DUxAHKuwBCh1NY3BVcHN0cmVhbUF1dGhvcml6YXRpb25TdGF0ZRIwCixNQ1BfVVBTVFJFQU1fQVVUSE9SSVpBVElPTl9TVEFURV9VTlNQRUNJRklFRBAAEjMKL01DUF9VUFNUUkVBTV9BVVRIT1JJWkFUSU9OX1NUQVRFX05PVF9BVVRIT1JJWkVEEAESLworTUNQX1VQU1RSRUFNX0FVVEhPUklaQVRJT05fU1RBVEVfQVVUSE9SSVpFRBACEjMKL01DUF9VUFNUUkVBTV9BVVRIT1JJWkFUSU9OX1NUQVRFX1JFRlJFU0hfRkFJTEVEEAMqiQEKFU1jcFRlbXBsYXRlUGFyYW1Pd25lchIoCiRNQ1BfVEVNUExBVEVfUEFSQU1fT1dORVJfVU5TUEVDSUZJRUQQABIiCh5NQ1BfVEVNUExBVEVfUEFSQU1fT1dORVJfQURNSU4QARIiCh5NQ1BfVEVNUExBVEVfUEFSQU1fT1dORVJfR1JPVVAQAiqbAQoRTWNwVG9vbENoYW5nZUtpbmQSJAogTUNQX1RPT0xfQ0hBTkdFX0tJTkRfVU5TUEVDSUZJRUQQABIgChxNQ1BfVE9PTF9DSEFOR0VfS0lORF9DSEFOR0VEEAESHAoYTUNQX1RPT0xfQ0hBTkdFX0tJTkRfTkVXEAISIAocTUNQX1RPT0xfQ0hBTkdFX0tJTkRfUkVNT1ZFRBADMowSCgpNY3BTZXJ2aWNlElgKD0NyZWF0ZU1jcFNlcnZlchIoLmFpcHJveHkuYWRtaW4udjEuQ3JlYXRlTWNwU2VydmVyUmVxdWVzdBobLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyElcKDEdldE1jcFNlcnZlchIlLmFpcHJveHkuYWRtaW4udjEuR2V0TWNwU2VydmVyUmVxdWVzdBobLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyIgOQAgESaAoOTGlzdE1jcFNlcnZlcnMSJy5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJzUmVxdWVzdBooLmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFNlcnZlcnNSZXNwb25zZSIDkAIBElgKD1VwZGF0ZU1jcFNlcnZlchIoLmFpcHJveHkuYWRtaW4udjEuVXBkYXRlTWNwU2VydmVyUmVxdWVzdBobLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyElMKD0RlbGV0ZU1jcFNlcnZlchIoLmFpcHJveHkuYWRtaW4udjEuRGVsZXRlTWNwU2VydmVyUmVxdWVzdBoWLmdvb2dsZS5wcm90b2J1Zi5FbXB0eRJeChJTZXRNY3BTZXJ2ZXJTdGF0dXMSKy5haXByb3h5LmFkbWluLnYxLlNldE1jcFNlcnZlclN0YXR1c1JlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchJlCg1MaXN0VGVtcGxhdGVzEiYuYWlwcm94eS5hZG1pbi52MS5MaXN0VGVtcGxhdGVzUmVxdWVzdBonLmFpcHJveHkuYWRtaW4udjEuTGlzdFRlbXBsYXRlc1Jlc3BvbnNlIgOQAgESYAoNVGVzdE1jcFNlcnZlchImLmFpcHJveHkuYWRtaW4udjEuVGVzdE1jcFNlcnZlclJlcXVlc3QaJy5haXByb3h5LmFkbWluLnYxLlRlc3RNY3BTZXJ2ZXJSZXNwb25zZRJ0ChJMaXN0TWNwU2VydmVyVG9vbHMSKy5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJUb29sc1JlcXVlc3QaLC5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlIgOQAgESgAEKFkxpc3RNY3BTZXJ2ZXJPZmZlcmluZ3MSLy5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJPZmZlcmluZ3NSZXF1ZXN0GjAuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyT2ZmZXJpbmdzUmVzcG9uc2UiA5ACARJaCgtDYWxsTWNwVG9vbBIkLmFpcHJveHkuYWRtaW4udjEuQ2FsbE1jcFRvb2xSZXF1ZXN0GiUuYWlwcm94eS5hZG1pbi52MS5DYWxsTWNwVG9vbFJlc3BvbnNlEmEKEVNldEdyb3VwTWNwUGFyYW1zEiouYWlwcm94eS5hZG1pbi52MS5TZXRHcm91cE1jcFBhcmFtc1JlcXVlc3QaIC5haXByb3h5LmFkbWluLnYxLkdyb3VwTWNwUGFyYW1zEmYKEUdldEdyb3VwTWNwUGFyYW1zEiouYWlwcm94eS5hZG1pbi52MS5HZXRHcm91cE1jcFBhcmFtc1JlcXVlc3QaIC5haXByb3h5LmFkbWluLnYxLkdyb3VwTWNwUGFyYW1zIgOQAgESXQoURGVsZXRlR3JvdXBNY3BQYXJhbXMSLS5haXByb3h5LmFkbWluLnYxLkRlbGV0ZUdyb3VwTWNwUGFyYW1zUmVxdWVzdBoWLmdvb2dsZS5wcm90b2J1Zi5FbXB0eRJ0ChJMaXN0TWNwVG9vbENoYW5nZXMSKy5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BUb29sQ2hhbmdlc1JlcXVlc3QaLC5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BUb29sQ2hhbmdlc1Jlc3BvbnNlIgOQAgESeAoVQXBwcm92ZU1jcFNlcnZlclRvb2xzEi4uYWlwcm94eS5hZG1pbi52MS5BcHByb3ZlTWNwU2VydmVyVG9vbHNSZXF1ZXN0Gi8uYWlwcm94eS5hZG1pbi52MS5BcHByb3ZlTWNwU2VydmVyVG9vbHNSZXNwb25zZRJ1ChRSZWplY3RNY3BTZXJ2ZXJUb29scxItLmFpcHJveHkuYWRtaW4udjEuUmVqZWN0TWNwU2VydmVyVG9vbHNSZXF1ZXN0Gi4uYWlwcm94eS5hZG1pbi52MS5SZWplY3RNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEpABCh1TdGFydE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbhI2LmFpcHJveHkuYWRtaW4udjEuU3RhcnRNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25SZXF1ZXN0GjcuYWlwcm94eS5hZG1pbi52MS5TdGFydE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlc3BvbnNlEoQBChtHZXRNY3BVcHN0cmVhbUF1dGhvcml6YXRpb24SNC5haXByb3h5LmFkbWluLnYxLkdldE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QaKi5haXByb3h5LmFkbWluLnYxLk1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbiIDkAIBEpUBCh1MaXN0TWNwVXBzdHJlYW1BdXRob3JpemF0aW9ucxI2LmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbnNSZXF1ZXN0GjcuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwVXBzdHJlYW1BdXRob3JpemF0aW9uc1Jlc3BvbnNlIgOQAgEScQoeUmV2b2tlTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uEjcuYWlwcm94eS5hZG1pbi52MS5SZXZva2VNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25SZXF1ZXN0GhYuZ29vZ2xlLnByb3RvYnVmLkVtcHR5YgZwcm90bzM", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
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
 * Describes the message aiproxy.admin.v1.McpToolFinding.
 * Use `create(McpToolFindingSchema)` to create a new message.
 */
export const McpToolFindingSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 43);
/**
 * Describes the message aiproxy.admin.v1.McpToolChange.
 * Use `create(McpToolChangeSchema)` to create a new message.
 */
export const McpToolChangeSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 44);
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesResponse.
 * Use `create(ListMcpToolChangesResponseSchema)` to create a new message.
 */
export const ListMcpToolChangesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 45);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsRequest.
 * Use `create(ApproveMcpServerToolsRequestSchema)` to create a new message.
 */
export const ApproveMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 46);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsResponse.
 * Use `create(ApproveMcpServerToolsResponseSchema)` to create a new message.
 */
export const ApproveMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 47);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsRequest.
 * Use `create(RejectMcpServerToolsRequestSchema)` to create a new message.
 */
export const RejectMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 48);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsResponse.
 * Use `create(RejectMcpServerToolsResponseSchema)` to create a new message.
 */
export const RejectMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 49);
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
export const McpToolChangeKindSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 4);
/**
 * @generated from service aiproxy.admin.v1.McpService
 */
export const McpService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_mcp, 0);
