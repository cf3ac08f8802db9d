// MCP servers the gateway exposes: embedded templates, proxies of remote servers, and
// OpenAPI documents turned into tools; plus per-group secret parameters.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/mcp.proto.
 */
export const file_aiproxy_admin_v1_mcp = /*@__PURE__*/ fileDesc("ChphaXByb3h5L2FkbWluL3YxL21jcC5wcm90bxIQYWlwcm94eS5hZG1pbi52MSK5AQoMTWNwQ2F0YWxvZ3VlEhQKDGRpc3BsYXlfbmFtZRgBIAEoCRIXCg9kaXNwbGF5X25hbWVfemgYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSFgoOZGVzY3JpcHRpb25femgYBCABKAkSDAoEdGFncxgFIAMoCRIOCgZyZWFkbWUYBiABKAkSDAoEbG9nbxgHIAEoCRIQCghob21lcGFnZRgIIAEoCRIPCgdpbnN0YWxsGAkgASgJIqQCCg1PcGVuQXBpU291cmNlEgwKBHNwZWMYASABKAkSEAoIc3BlY191cmwYAiABKAkSEAoIYmFzZV91cmwYAyABKAkSHQoVYWxsb3dfcHJpdmF0ZV9uZXR3b3JrGAQgASgIEkUKC2NyZWRlbnRpYWxzGAUgAygLMjAuYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlLkNyZWRlbnRpYWxzRW50cnkSGgoSaW5jbHVkZV9vcGVyYXRpb25zGAYgAygJEhoKEmV4Y2x1ZGVfb3BlcmF0aW9ucxgHIAMoCRIPCgdjb21wYWN0GAggASgIGjIKEENyZWRlbnRpYWxzRW50cnkSCwoDa2V5GAEgASgJEg0KBXZhbHVlGAIgASgJOgI4ASLfCAoJTWNwU2VydmVyEgoKAmlkGAEgASgJEikKBXNjb3BlGAIgASgOMhouYWlwcm94eS5hZG1pbi52MS5NY3BTY29wZRIQCghncm91cF9pZBgDIAEoCRItCgR0eXBlGAQgASgOMh8uYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXJUeXBlEhAKCHRlbXBsYXRlGAUgASgJEgsKA3VybBgGIAEoCRI5CgdoZWFkZXJzGAcgAygLMiguYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuSGVhZGVyc0VudHJ5EjUKBXF1ZXJ5GAggAygLMiYuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuUXVlcnlFbnRyeRI3CgZwYXJhbXMYCSADKAsyJy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5QYXJhbXNFbnRyeRIwCgdvcGVuYXBpGAogASgLMh8uYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlEigKBnN0YXR1cxgLIAEoDjIYLmFpcHJveHkuYWRtaW4udjEuU3RhdHVzEhUKDWNyZWF0ZWRfYXRfbXMYDCABKAMSFQoNdXBkYXRlZF9hdF9tcxgNIAEoAxIQCgh3YXJuaW5ncxgOIAMoCRIWCg5wcmljZV9wZXJfY2FsbBgPIAEoCRIdChVyZXF1aXJlZF9ncm91cF9wYXJhbXMYECADKAkSQAoLdG9vbF9wcmljZXMYESADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Ub29sUHJpY2VzRW50cnkSQAoLZ3JvdXBfdG9vbHMYEiADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Hcm91cFRvb2xzRW50cnkSNwoNdmlydHVhbF90b29scxgTIAMoCzIgLmFpcHJveHkuYWRtaW4udjEuTWNwVmlydHVhbFRvb2wSMQoJY2F0YWxvZ3VlGBQgASgLMh4uYWlwcm94eS5hZG1pbi52MS5NY3BDYXRhbG9ndWUSOgoOdXBzdHJlYW1fb2F1dGgYFSABKAsyIi5haXByb3h5LmFkbWluLnYxLk1jcFVwc3RyZWFtT0F1dGgaLgoMSGVhZGVyc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaLAoKUXVlcnlFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaMQoPVG9vbFByaWNlc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaUQoPR3JvdXBUb29sc0VudHJ5EgsKA2tleRgBIAEoCRItCgV2YWx1ZRgCIAEoCzIeLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbE5hbWVzOgI4ASJMChBNY3BVcHN0cmVhbU9BdXRoEhEKCWNsaWVudF9pZBgBIAEoCRIVCg1jbGllbnRfc2VjcmV0GAIgASgJEg4KBnNjb3BlcxgDIAMoCSKDAgoYTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uEhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCRI+CgVzdGF0ZRgDIAEoDjIvLmFpcHJveHkuYWRtaW4udjEuTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uU3RhdGUSFQoNZXhwaXJlc19hdF9tcxgEIAEoAxIOCgZzY29wZXMYBSADKAkSFQoNcmVmcmVzaF9lcnJvchgGIAEoCRITCgtyZWZyZXNoYWJsZRgHIAEoCBIYChBhdXRob3JpemVkX2F0X21zGAggASgDEhUKDXVwZGF0ZWRfYXRfbXMYCSABKAMiSwokU3RhcnRNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25SZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJvCiVTdGFydE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlc3BvbnNlEhkKEWF1dGhvcml6YXRpb25fdXJsGAEgASgJEhUKDWV4cGlyZXNfYXRfbXMYAiABKAMSFAoMcmVkaXJlY3RfdXJpGAMgASgJIkkKIkdldE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIjkKJExpc3RNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25zUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkiawolTGlzdE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbnNSZXNwb25zZRJCCg5hdXRob3JpemF0aW9ucxgBIAMoCzIqLmFpcHJveHkuYWRtaW4udjEuTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uIkwKJVJldm9rZU1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIh0KDE1jcFRvb2xOYW1lcxINCgVuYW1lcxgBIAMoCSKAAQoOTWNwVmlydHVhbFRvb2wSEQoJc2VydmVyX2lkGAEgASgJEgwKBHRvb2wYAiABKAkSDAoEbmFtZRgDIAEoCRIYCgtkZXNjcmlwdGlvbhgEIAEoCUgAiAEBEhUKDWRlZmF1bHRzX2pzb24YBSABKAlCDgoMX2Rlc2NyaXB0aW9uIkUKFkNyZWF0ZU1jcFNlcnZlclJlcXVlc3QSKwoGc2VydmVyGAEgASgLMhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIiIQoTR2V0TWNwU2VydmVyUmVxdWVzdBIKCgJpZBgBIAEoCSK2AQoVTGlzdE1jcFNlcnZlcnNSZXF1ZXN0EhEKCXBhZ2Vfc2l6ZRgBIAEoBRISCgpwYWdlX3Rva2VuGAIgASgJEikKBXNjb3BlGAMgASgOMhouYWlwcm94eS5hZG1pbi52MS5NY3BTY29wZRIQCghncm91cF9pZBgEIAEoCRIoCgZzdGF0dXMYBSABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cxIPCgdrZXl3b3JkGAYgASgJInMKFkxpc3RNY3BTZXJ2ZXJzUmVzcG9uc2USLAoHc2VydmVycxgBIAMoCzIbLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyEhcKD25leHRfcGFnZV90b2tlbhgCIAEoCRISCgp0b3RhbF9zaXplGAMgASgDInYKFlVwZGF0ZU1jcFNlcnZlclJlcXVlc3QSKwoGc2VydmVyGAEgASgLMhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXISLwoLdXBkYXRlX21hc2sYAiABKAsyGi5nb29nbGUucHJvdG9idWYuRmllbGRNYXNrIiQKFkRlbGV0ZU1jcFNlcnZlclJlcXVlc3QSCgoCaWQYASABKAkiUQoZU2V0TWNwU2VydmVyU3RhdHVzUmVxdWVzdBIKCgJpZBgBIAEoCRIoCgZzdGF0dXMYAiABKA4yGC5haXByb3h5LmFkbWluLnYxLlN0YXR1cyIWChRMaXN0VGVtcGxhdGVzUmVxdWVzdCJjChVMaXN0VGVtcGxhdGVzUmVzcG9uc2USEQoJdGVtcGxhdGVzGAEgAygJEjcKEHRlbXBsYXRlX2RldGFpbHMYAiADKAsyHS5haXByb3h5LmFkbWluLnYxLk1jcFRlbXBsYXRlIpcBCgtNY3BUZW1wbGF0ZRIMCgRuYW1lGAEgASgJEhMKC2Rlc2NyaXB0aW9uGAIgASgJEjIKBnBhcmFtcxgDIAMoCzIiLmFpcHJveHkuYWRtaW4udjEuTWNwVGVtcGxhdGVQYXJhbRIxCgljYXRhbG9ndWUYBCABKAsyHi5haXByb3h5LmFkbWluLnYxLk1jcENhdGFsb2d1ZSKAAQoQTWNwVGVtcGxhdGVQYXJhbRIMCgRuYW1lGAEgASgJEhMKC2Rlc2NyaXB0aW9uGAIgASgJEjcKBnNldF9ieRgDIAEoDjInLmFpcHJveHkuYWRtaW4udjEuTWNwVGVtcGxhdGVQYXJhbU93bmVyEhAKCHJlcXVpcmVkGAQgASgIIrkBCg5Hcm91cE1jcFBhcmFtcxIRCglzZXJ2ZXJfaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkSPAoGcGFyYW1zGAMgAygLMiwuYWlwcm94eS5hZG1pbi52MS5Hcm91cE1jcFBhcmFtcy5QYXJhbXNFbnRyeRIVCg11cGRhdGVkX2F0X21zGAQgASgDGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEiTAoYU2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0EjAKBnBhcmFtcxgBIAEoCzIgLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMiPwoYR2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJCChtEZWxldGVHcm91cE1jcFBhcmFtc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIjQKFFRlc3RNY3BTZXJ2ZXJSZXF1ZXN0EgoKAmlkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJIloKFVRlc3RNY3BTZXJ2ZXJSZXNwb25zZRIKCgJvaxgBIAEoCBINCgVlcnJvchgCIAEoCRISCgp0b29sX2NvdW50GAMgASgFEhIKCmxhdGVuY3lfbXMYBCABKAMiOQoZTGlzdE1jcFNlcnZlclRvb2xzUmVxdWVzdBIKCgJpZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJyCgdNY3BUb29sEgwKBG5hbWUYASABKAkSDQoFdGl0bGUYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSGQoRaW5wdXRfc2NoZW1hX2pzb24YBCABKAkSGgoSb3V0cHV0X3NjaGVtYV9qc29uGAUgASgJIkYKGkxpc3RNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEigKBXRvb2xzGAEgAygLMhkuYWlwcm94eS5hZG1pbi52MS5NY3BUb29sIlgKEkNhbGxNY3BUb29sUmVxdWVzdBIKCgJpZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCRIMCgR0b29sGAMgASgJEhYKDmFyZ3VtZW50c19qc29uGAQgASgJIlAKE0NhbGxNY3BUb29sUmVzcG9uc2USEwoLcmVzdWx0X2pzb24YASABKAkSEAoIaXNfZXJyb3IYAiABKAgSEgoKbGF0ZW5jeV9tcxgDIAEoAyJIChlMaXN0TWNwVG9vbENoYW5nZXNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIYChBpbmNsdWRlX3JlamVjdGVkGAIgASgIIkEKDk1jcFRvb2xGaW5kaW5nEgwKBGtpbmQYASABKAkSEAoIbG9jYXRpb24YAiABKAkSDwoHZXhjZXJwdBgDIAEoCSKhAgoNTWNwVG9vbENoYW5nZRIRCglzZXJ2ZXJfaWQYASABKAkSEQoJdG9vbF9uYW1lGAIgASgJEjEKBGtpbmQYAyABKA4yIy5haXByb3h5LmFkbWluLnYxLk1jcFRvb2xDaGFuZ2VLaW5kEiAKGGFwcHJvdmVkX2RlZmluaXRpb25fanNvbhgEIAEoCRIfChdvZmZlcmVkX2RlZmluaXRpb25fanNvbhgFIAEoCRIyCghmaW5kaW5ncxgGIAMoCzIgLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbEZpbmRpbmcSEAoIcmVqZWN0ZWQYByABKAgSFgoOZGV0ZWN0ZWRfYXRfbXMYCCABKAMSFgoOYXBwcm92ZWRfYXRfbXMYCSABKAMiTgoaTGlzdE1jcFRvb2xDaGFuZ2VzUmVzcG9uc2USMAoHY2hhbmdlcxgBIAMoCzIfLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbENoYW5nZSJXChxBcHByb3ZlTWNwU2VydmVyVG9vbHNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRISCgp0b29sX25hbWVzGAIgAygJEhAKCGdyb3VwX2lkGAMgASgJIjMKHUFwcHJvdmVNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEhIKCnRvb2xfbmFtZXMYASADKAkiRAobUmVqZWN0TWNwU2VydmVyVG9vbHNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRISCgp0b29sX25hbWVzGAIgAygJIjIKHFJlamVjdE1jcFNlcnZlclRvb2xzUmVzcG9uc2USEgoKdG9vbF9uYW1lcxgBIAMoCSpQCghNY3BTY29wZRIZChVNQ1BfU0NPUEVfVU5TUEVDSUZJRUQQABIUChBNQ1BfU0NPUEVfUFVCTElDEAESEwoPTUNQX1NDT1BFX0dST1VQEAIqgQIKDU1jcFNlcnZlclR5cGUSHwobTUNQX1NFUlZFUl9UWVBFX1VOU1BFQ0lGSUVEEAASHAoYTUNQX1NFUlZFUl9UWVBFX0VNQkVEREVEEAESJAogTUNQX1NFUlZFUl9UWVBFX1BST1hZX1NUUkVBTUFCTEUQAhIdChlNQ1BfU0VSVkVSX1RZUEVfUFJPWFlfU1NFEAMSGwoXTUNQX1NFUlZFUl9UWVBFX09QRU5BUEkQBBIbChdNQ1BfU0VSVkVSX1RZUEVfVklSVFVBTBAFEhgKFE1DUF9TRVJWRVJfVFlQRV9HUlBDEAYSGAoUTUNQX1NFUlZFUl9UWVBFX0RPQ1MQByrsAQodTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uU3RhdGUSMAosTUNQX1VQU1RSRUFNX0FVVEhPUklaQVRJT05fU1RBVEVfVU5TUEVDSUZJRUQQABIzCi9NQ1BfVVBTVFJFQU1fQVVUSE9SSVpBVElPTl9TVEFURV9OT1RfQVVUSE9SSVpFRBABEi8KK01DUF9VUFNUUkVBTV9BVVRIT1JJWkFUSU9OX1NUQVRFX0FVVEhPUklaRUQQAhIzCi9NQ1BfVVBTVFJFQU1fQVVUSE9SSVpBVElPTl9TVEFURV9SRUZSRVNIX0ZBSUxFRBADKokBChVNY3BUZW1wbGF0ZVBhcmFtT3duZXISKAokTUNQX1RFTVBMQVRFX1BBUkFNX09XTkVSX1VOU1BFQ0lGSUVEEAASIgoeTUNQX1RFTVBMQVRFX1BBUkFNX09XTkVSX0FETUlOEAESIgoeTUNQX1RFTVBMQVRFX1BBUkFNX09XTkVSX0dST1VQEAIqmwEKEU1jcFRvb2xDaGFuZ2VLaW5kEiQKIE1DUF9UT09MX0NIQU5HRV9LSU5EX1VOU1BFQ0lGSUVEEAASIAocTUNQX1RPT0xfQ0hBTkdFX0tJTkRfQ0hBTkdFRBABEhwKGE1DUF9UT09MX0NIQU5HRV9LSU5EX05FVxACEiAKHE1DUF9UT09MX0NIQU5HRV9LSU5EX1JFTU9WRUQQAzKJEQoKTWNwU2VydmljZRJYCg9DcmVhdGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLkNyZWF0ZU1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchJXCgxHZXRNY3BTZXJ2ZXISJS5haXByb3h5LmFkbWluLnYxLkdldE1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlciIDkAIBEmgKDkxpc3RNY3BTZXJ2ZXJzEicuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyc1JlcXVlc3QaKC5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJzUmVzcG9uc2UiA5ACARJYCg9VcGRhdGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLlVwZGF0ZU1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchJTCg9EZWxldGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLkRlbGV0ZU1jcFNlcnZlclJlcXVlc3QaFi5nb29nbGUucHJvdG9idWYuRW1wdHkSXgoSU2V0TWNwU2VydmVyU3RhdHVzEisuYWlwcm94eS5hZG1pbi52MS5TZXRNY3BTZXJ2ZXJTdGF0dXNSZXF1ZXN0GhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXISZQoNTGlzdFRlbXBsYXRlcxImLmFpcHJveHkuYWRtaW4udjEuTGlzdFRlbXBsYXRlc1JlcXVlc3QaJy5haXByb3h5LmFkbWluLnYxLkxpc3RUZW1wbGF0ZXNSZXNwb25zZSIDkAIBEmAKDVRlc3RNY3BTZXJ2ZXISJi5haXByb3h5LmFkbWluLnYxLlRlc3RNY3BTZXJ2ZXJSZXF1ZXN0GicuYWlwcm94eS5hZG1pbi52MS5UZXN0TWNwU2VydmVyUmVzcG9uc2USdAoSTGlzdE1jcFNlcnZlclRvb2xzEisuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyVG9vbHNSZXF1ZXN0GiwuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyVG9vbHNSZXNwb25zZSIDkAIBEloKC0NhbGxNY3BUb29sEiQuYWlwcm94eS5hZG1pbi52MS5DYWxsTWNwVG9vbFJlcXVlc3QaJS5haXByb3h5LmFkbWluLnYxLkNhbGxNY3BUb29sUmVzcG9uc2USYQoRU2V0R3JvdXBNY3BQYXJhbXMSKi5haXByb3h5LmFkbWluLnYxLlNldEdyb3VwTWNwUGFyYW1zUmVxdWVzdBogLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMSZgoRR2V0R3JvdXBNY3BQYXJhbXMSKi5haXByb3h5LmFkbWluLnYxLkdldEdyb3VwTWNwUGFyYW1zUmVxdWVzdBogLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMiA5ACARJdChREZWxldGVHcm91cE1jcFBhcmFtcxItLmFpcHJveHkuYWRtaW4udjEuRGVsZXRlR3JvdXBNY3BQYXJhbXNSZXF1ZXN0GhYuZ29vZ2xlLnByb3RvYnVmLkVtcHR5EnQKEkxpc3RNY3BUb29sQ2hhbmdlcxIrLmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFRvb2xDaGFuZ2VzUmVxdWVzdBosLmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFRvb2xDaGFuZ2VzUmVzcG9uc2UiA5ACARJ4ChVBcHByb3ZlTWNwU2VydmVyVG9vbHMSLi5haXByb3h5LmFkbWluLnYxLkFwcHJvdmVNY3BTZXJ2ZXJUb29sc1JlcXVlc3QaLy5haXByb3h5LmFkbWluLnYxLkFwcHJvdmVNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEnUKFFJlamVjdE1jcFNlcnZlclRvb2xzEi0uYWlwcm94eS5hZG1pbi52MS5SZWplY3RNY3BTZXJ2ZXJUb29sc1JlcXVlc3QaLi5haXByb3h5LmFkbWluLnYxLlJlamVjdE1jcFNlcnZlclRvb2xzUmVzcG9uc2USkAEKHVN0YXJ0TWNwVXBzdHJlYW1BdXRob3JpemF0aW9uEjYuYWlwcm94eS5hZG1pbi52MS5TdGFydE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QaNy5haXByb3h5LmFkbWluLnYxLlN0YXJ0TWNwVXBzdHJlYW1BdXRob3JpemF0aW9uUmVzcG9uc2UShAEKG0dldE1jcFVwc3RyZWFtQXV0aG9yaXphdGlvbhI0LmFpcHJveHkuYWRtaW4udjEuR2V0TWNwVXBzdHJlYW1BdXRob3JpemF0aW9uUmVxdWVzdBoqLmFpcHJveHkuYWRtaW4udjEuTWNwVXBzdHJlYW1BdXRob3JpemF0aW9uIgOQAgESlQEKHUxpc3RNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25zEjYuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwVXBzdHJlYW1BdXRob3JpemF0aW9uc1JlcXVlc3QaNy5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BVcHN0cmVhbUF1dGhvcml6YXRpb25zUmVzcG9uc2UiA5ACARJxCh5SZXZva2VNY3BVcHN0cmVhbUF1dGhvcml6YXRpb24SNy5haXByb3h5LmFkbWluLnYxLlJldm9rZU1jcFVwc3RyZWFtQXV0aG9yaXphdGlvblJlcXVlc3QaFi5nb29nbGUucHJvdG9idWYuRW1wdHliBnByb3RvMw", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
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
 * Describes the message aiproxy.admin.v1.CreateMcpServerRequest.
 * Use `create(CreateMcpServerRequestSchema)` to create a new message.
 */
export const CreateMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 13);
/**
 * Describes the message aiproxy.admin.v1.GetMcpServerRequest.
 * Use `create(GetMcpServerRequestSchema)` to create a new message.
 */
export const GetMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 14);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServersRequest.
 * Use `create(ListMcpServersRequestSchema)` to create a new message.
 */
export const ListMcpServersRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 15);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServersResponse.
 * Use `create(ListMcpServersResponseSchema)` to create a new message.
 */
export const ListMcpServersResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 16);
/**
 * Describes the message aiproxy.admin.v1.UpdateMcpServerRequest.
 * Use `create(UpdateMcpServerRequestSchema)` to create a new message.
 */
export const UpdateMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 17);
/**
 * Describes the message aiproxy.admin.v1.DeleteMcpServerRequest.
 * Use `create(DeleteMcpServerRequestSchema)` to create a new message.
 */
export const DeleteMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 18);
/**
 * Describes the message aiproxy.admin.v1.SetMcpServerStatusRequest.
 * Use `create(SetMcpServerStatusRequestSchema)` to create a new message.
 */
export const SetMcpServerStatusRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 19);
/**
 * Describes the message aiproxy.admin.v1.ListTemplatesRequest.
 * Use `create(ListTemplatesRequestSchema)` to create a new message.
 */
export const ListTemplatesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 20);
/**
 * Describes the message aiproxy.admin.v1.ListTemplatesResponse.
 * Use `create(ListTemplatesResponseSchema)` to create a new message.
 */
export const ListTemplatesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 21);
/**
 * Describes the message aiproxy.admin.v1.McpTemplate.
 * Use `create(McpTemplateSchema)` to create a new message.
 */
export const McpTemplateSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 22);
/**
 * Describes the message aiproxy.admin.v1.McpTemplateParam.
 * Use `create(McpTemplateParamSchema)` to create a new message.
 */
export const McpTemplateParamSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 23);
/**
 * Describes the message aiproxy.admin.v1.GroupMcpParams.
 * Use `create(GroupMcpParamsSchema)` to create a new message.
 */
export const GroupMcpParamsSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 24);
/**
 * Describes the message aiproxy.admin.v1.SetGroupMcpParamsRequest.
 * Use `create(SetGroupMcpParamsRequestSchema)` to create a new message.
 */
export const SetGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 25);
/**
 * Describes the message aiproxy.admin.v1.GetGroupMcpParamsRequest.
 * Use `create(GetGroupMcpParamsRequestSchema)` to create a new message.
 */
export const GetGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 26);
/**
 * Describes the message aiproxy.admin.v1.DeleteGroupMcpParamsRequest.
 * Use `create(DeleteGroupMcpParamsRequestSchema)` to create a new message.
 */
export const DeleteGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 27);
/**
 * Describes the message aiproxy.admin.v1.TestMcpServerRequest.
 * Use `create(TestMcpServerRequestSchema)` to create a new message.
 */
export const TestMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 28);
/**
 * Describes the message aiproxy.admin.v1.TestMcpServerResponse.
 * Use `create(TestMcpServerResponseSchema)` to create a new message.
 */
export const TestMcpServerResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 29);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerToolsRequest.
 * Use `create(ListMcpServerToolsRequestSchema)` to create a new message.
 */
export const ListMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 30);
/**
 * Describes the message aiproxy.admin.v1.McpTool.
 * Use `create(McpToolSchema)` to create a new message.
 */
export const McpToolSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 31);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerToolsResponse.
 * Use `create(ListMcpServerToolsResponseSchema)` to create a new message.
 */
export const ListMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 32);
/**
 * Describes the message aiproxy.admin.v1.CallMcpToolRequest.
 * Use `create(CallMcpToolRequestSchema)` to create a new message.
 */
export const CallMcpToolRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 33);
/**
 * Describes the message aiproxy.admin.v1.CallMcpToolResponse.
 * Use `create(CallMcpToolResponseSchema)` to create a new message.
 */
export const CallMcpToolResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 34);
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesRequest.
 * Use `create(ListMcpToolChangesRequestSchema)` to create a new message.
 */
export const ListMcpToolChangesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 35);
/**
 * Describes the message aiproxy.admin.v1.McpToolFinding.
 * Use `create(McpToolFindingSchema)` to create a new message.
 */
export const McpToolFindingSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 36);
/**
 * Describes the message aiproxy.admin.v1.McpToolChange.
 * Use `create(McpToolChangeSchema)` to create a new message.
 */
export const McpToolChangeSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 37);
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesResponse.
 * Use `create(ListMcpToolChangesResponseSchema)` to create a new message.
 */
export const ListMcpToolChangesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 38);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsRequest.
 * Use `create(ApproveMcpServerToolsRequestSchema)` to create a new message.
 */
export const ApproveMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 39);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsResponse.
 * Use `create(ApproveMcpServerToolsResponseSchema)` to create a new message.
 */
export const ApproveMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 40);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsRequest.
 * Use `create(RejectMcpServerToolsRequestSchema)` to create a new message.
 */
export const RejectMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 41);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsResponse.
 * Use `create(RejectMcpServerToolsResponseSchema)` to create a new message.
 */
export const RejectMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 42);
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
     * Chosen tools of other servers (virtual_tools), served under this server's id.
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
