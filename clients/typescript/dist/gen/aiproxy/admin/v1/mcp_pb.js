// MCP servers the gateway exposes: embedded templates, proxies of remote servers, and
// OpenAPI documents turned into tools; plus per-group secret parameters.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/mcp.proto.
 */
export const file_aiproxy_admin_v1_mcp = /*@__PURE__*/ fileDesc("ChphaXByb3h5L2FkbWluL3YxL21jcC5wcm90bxIQYWlwcm94eS5hZG1pbi52MSK5AQoMTWNwQ2F0YWxvZ3VlEhQKDGRpc3BsYXlfbmFtZRgBIAEoCRIXCg9kaXNwbGF5X25hbWVfemgYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSFgoOZGVzY3JpcHRpb25femgYBCABKAkSDAoEdGFncxgFIAMoCRIOCgZyZWFkbWUYBiABKAkSDAoEbG9nbxgHIAEoCRIQCghob21lcGFnZRgIIAEoCRIPCgdpbnN0YWxsGAkgASgJIqQCCg1PcGVuQXBpU291cmNlEgwKBHNwZWMYASABKAkSEAoIc3BlY191cmwYAiABKAkSEAoIYmFzZV91cmwYAyABKAkSHQoVYWxsb3dfcHJpdmF0ZV9uZXR3b3JrGAQgASgIEkUKC2NyZWRlbnRpYWxzGAUgAygLMjAuYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlLkNyZWRlbnRpYWxzRW50cnkSGgoSaW5jbHVkZV9vcGVyYXRpb25zGAYgAygJEhoKEmV4Y2x1ZGVfb3BlcmF0aW9ucxgHIAMoCRIPCgdjb21wYWN0GAggASgIGjIKEENyZWRlbnRpYWxzRW50cnkSCwoDa2V5GAEgASgJEg0KBXZhbHVlGAIgASgJOgI4ASKjCAoJTWNwU2VydmVyEgoKAmlkGAEgASgJEikKBXNjb3BlGAIgASgOMhouYWlwcm94eS5hZG1pbi52MS5NY3BTY29wZRIQCghncm91cF9pZBgDIAEoCRItCgR0eXBlGAQgASgOMh8uYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXJUeXBlEhAKCHRlbXBsYXRlGAUgASgJEgsKA3VybBgGIAEoCRI5CgdoZWFkZXJzGAcgAygLMiguYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuSGVhZGVyc0VudHJ5EjUKBXF1ZXJ5GAggAygLMiYuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuUXVlcnlFbnRyeRI3CgZwYXJhbXMYCSADKAsyJy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5QYXJhbXNFbnRyeRIwCgdvcGVuYXBpGAogASgLMh8uYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlEigKBnN0YXR1cxgLIAEoDjIYLmFpcHJveHkuYWRtaW4udjEuU3RhdHVzEhUKDWNyZWF0ZWRfYXRfbXMYDCABKAMSFQoNdXBkYXRlZF9hdF9tcxgNIAEoAxIQCgh3YXJuaW5ncxgOIAMoCRIWCg5wcmljZV9wZXJfY2FsbBgPIAEoCRIdChVyZXF1aXJlZF9ncm91cF9wYXJhbXMYECADKAkSQAoLdG9vbF9wcmljZXMYESADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Ub29sUHJpY2VzRW50cnkSQAoLZ3JvdXBfdG9vbHMYEiADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Hcm91cFRvb2xzRW50cnkSNwoNdmlydHVhbF90b29scxgTIAMoCzIgLmFpcHJveHkuYWRtaW4udjEuTWNwVmlydHVhbFRvb2wSMQoJY2F0YWxvZ3VlGBQgASgLMh4uYWlwcm94eS5hZG1pbi52MS5NY3BDYXRhbG9ndWUaLgoMSGVhZGVyc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaLAoKUXVlcnlFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaMQoPVG9vbFByaWNlc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaUQoPR3JvdXBUb29sc0VudHJ5EgsKA2tleRgBIAEoCRItCgV2YWx1ZRgCIAEoCzIeLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbE5hbWVzOgI4ASIdCgxNY3BUb29sTmFtZXMSDQoFbmFtZXMYASADKAkigAEKDk1jcFZpcnR1YWxUb29sEhEKCXNlcnZlcl9pZBgBIAEoCRIMCgR0b29sGAIgASgJEgwKBG5hbWUYAyABKAkSGAoLZGVzY3JpcHRpb24YBCABKAlIAIgBARIVCg1kZWZhdWx0c19qc29uGAUgASgJQg4KDF9kZXNjcmlwdGlvbiJFChZDcmVhdGVNY3BTZXJ2ZXJSZXF1ZXN0EisKBnNlcnZlchgBIAEoCzIbLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyIiEKE0dldE1jcFNlcnZlclJlcXVlc3QSCgoCaWQYASABKAkitgEKFUxpc3RNY3BTZXJ2ZXJzUmVxdWVzdBIRCglwYWdlX3NpemUYASABKAUSEgoKcGFnZV90b2tlbhgCIAEoCRIpCgVzY29wZRgDIAEoDjIaLmFpcHJveHkuYWRtaW4udjEuTWNwU2NvcGUSEAoIZ3JvdXBfaWQYBCABKAkSKAoGc3RhdHVzGAUgASgOMhguYWlwcm94eS5hZG1pbi52MS5TdGF0dXMSDwoHa2V5d29yZBgGIAEoCSJzChZMaXN0TWNwU2VydmVyc1Jlc3BvbnNlEiwKB3NlcnZlcnMYASADKAsyGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchIXCg9uZXh0X3BhZ2VfdG9rZW4YAiABKAkSEgoKdG90YWxfc2l6ZRgDIAEoAyJ2ChZVcGRhdGVNY3BTZXJ2ZXJSZXF1ZXN0EisKBnNlcnZlchgBIAEoCzIbLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyEi8KC3VwZGF0ZV9tYXNrGAIgASgLMhouZ29vZ2xlLnByb3RvYnVmLkZpZWxkTWFzayIkChZEZWxldGVNY3BTZXJ2ZXJSZXF1ZXN0EgoKAmlkGAEgASgJIlEKGVNldE1jcFNlcnZlclN0YXR1c1JlcXVlc3QSCgoCaWQYASABKAkSKAoGc3RhdHVzGAIgASgOMhguYWlwcm94eS5hZG1pbi52MS5TdGF0dXMiFgoUTGlzdFRlbXBsYXRlc1JlcXVlc3QiYwoVTGlzdFRlbXBsYXRlc1Jlc3BvbnNlEhEKCXRlbXBsYXRlcxgBIAMoCRI3ChB0ZW1wbGF0ZV9kZXRhaWxzGAIgAygLMh0uYWlwcm94eS5hZG1pbi52MS5NY3BUZW1wbGF0ZSKXAQoLTWNwVGVtcGxhdGUSDAoEbmFtZRgBIAEoCRITCgtkZXNjcmlwdGlvbhgCIAEoCRIyCgZwYXJhbXMYAyADKAsyIi5haXByb3h5LmFkbWluLnYxLk1jcFRlbXBsYXRlUGFyYW0SMQoJY2F0YWxvZ3VlGAQgASgLMh4uYWlwcm94eS5hZG1pbi52MS5NY3BDYXRhbG9ndWUigAEKEE1jcFRlbXBsYXRlUGFyYW0SDAoEbmFtZRgBIAEoCRITCgtkZXNjcmlwdGlvbhgCIAEoCRI3CgZzZXRfYnkYAyABKA4yJy5haXByb3h5LmFkbWluLnYxLk1jcFRlbXBsYXRlUGFyYW1Pd25lchIQCghyZXF1aXJlZBgEIAEoCCK5AQoOR3JvdXBNY3BQYXJhbXMSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJEjwKBnBhcmFtcxgDIAMoCzIsLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMuUGFyYW1zRW50cnkSFQoNdXBkYXRlZF9hdF9tcxgEIAEoAxotCgtQYXJhbXNFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBIkwKGFNldEdyb3VwTWNwUGFyYW1zUmVxdWVzdBIwCgZwYXJhbXMYASABKAsyIC5haXByb3h5LmFkbWluLnYxLkdyb3VwTWNwUGFyYW1zIj8KGEdldEdyb3VwTWNwUGFyYW1zUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkiQgobRGVsZXRlR3JvdXBNY3BQYXJhbXNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSI0ChRUZXN0TWNwU2VydmVyUmVxdWVzdBIKCgJpZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJaChVUZXN0TWNwU2VydmVyUmVzcG9uc2USCgoCb2sYASABKAgSDQoFZXJyb3IYAiABKAkSEgoKdG9vbF9jb3VudBgDIAEoBRISCgpsYXRlbmN5X21zGAQgASgDIjkKGUxpc3RNY3BTZXJ2ZXJUb29sc1JlcXVlc3QSCgoCaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkicgoHTWNwVG9vbBIMCgRuYW1lGAEgASgJEg0KBXRpdGxlGAIgASgJEhMKC2Rlc2NyaXB0aW9uGAMgASgJEhkKEWlucHV0X3NjaGVtYV9qc29uGAQgASgJEhoKEm91dHB1dF9zY2hlbWFfanNvbhgFIAEoCSJGChpMaXN0TWNwU2VydmVyVG9vbHNSZXNwb25zZRIoCgV0b29scxgBIAMoCzIZLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbCJYChJDYWxsTWNwVG9vbFJlcXVlc3QSCgoCaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkSDAoEdG9vbBgDIAEoCRIWCg5hcmd1bWVudHNfanNvbhgEIAEoCSJQChNDYWxsTWNwVG9vbFJlc3BvbnNlEhMKC3Jlc3VsdF9qc29uGAEgASgJEhAKCGlzX2Vycm9yGAIgASgIEhIKCmxhdGVuY3lfbXMYAyABKAMiSAoZTGlzdE1jcFRvb2xDaGFuZ2VzUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkSGAoQaW5jbHVkZV9yZWplY3RlZBgCIAEoCCJBCg5NY3BUb29sRmluZGluZxIMCgRraW5kGAEgASgJEhAKCGxvY2F0aW9uGAIgASgJEg8KB2V4Y2VycHQYAyABKAkioQIKDU1jcFRvb2xDaGFuZ2USEQoJc2VydmVyX2lkGAEgASgJEhEKCXRvb2xfbmFtZRgCIAEoCRIxCgRraW5kGAMgASgOMiMuYWlwcm94eS5hZG1pbi52MS5NY3BUb29sQ2hhbmdlS2luZBIgChhhcHByb3ZlZF9kZWZpbml0aW9uX2pzb24YBCABKAkSHwoXb2ZmZXJlZF9kZWZpbml0aW9uX2pzb24YBSABKAkSMgoIZmluZGluZ3MYBiADKAsyIC5haXByb3h5LmFkbWluLnYxLk1jcFRvb2xGaW5kaW5nEhAKCHJlamVjdGVkGAcgASgIEhYKDmRldGVjdGVkX2F0X21zGAggASgDEhYKDmFwcHJvdmVkX2F0X21zGAkgASgDIk4KGkxpc3RNY3BUb29sQ2hhbmdlc1Jlc3BvbnNlEjAKB2NoYW5nZXMYASADKAsyHy5haXByb3h5LmFkbWluLnYxLk1jcFRvb2xDaGFuZ2UiVwocQXBwcm92ZU1jcFNlcnZlclRvb2xzUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkSEgoKdG9vbF9uYW1lcxgCIAMoCRIQCghncm91cF9pZBgDIAEoCSIzCh1BcHByb3ZlTWNwU2VydmVyVG9vbHNSZXNwb25zZRISCgp0b29sX25hbWVzGAEgAygJIkQKG1JlamVjdE1jcFNlcnZlclRvb2xzUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkSEgoKdG9vbF9uYW1lcxgCIAMoCSIyChxSZWplY3RNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEhIKCnRvb2xfbmFtZXMYASADKAkqUAoITWNwU2NvcGUSGQoVTUNQX1NDT1BFX1VOU1BFQ0lGSUVEEAASFAoQTUNQX1NDT1BFX1BVQkxJQxABEhMKD01DUF9TQ09QRV9HUk9VUBACKoECCg1NY3BTZXJ2ZXJUeXBlEh8KG01DUF9TRVJWRVJfVFlQRV9VTlNQRUNJRklFRBAAEhwKGE1DUF9TRVJWRVJfVFlQRV9FTUJFRERFRBABEiQKIE1DUF9TRVJWRVJfVFlQRV9QUk9YWV9TVFJFQU1BQkxFEAISHQoZTUNQX1NFUlZFUl9UWVBFX1BST1hZX1NTRRADEhsKF01DUF9TRVJWRVJfVFlQRV9PUEVOQVBJEAQSGwoXTUNQX1NFUlZFUl9UWVBFX1ZJUlRVQUwQBRIYChRNQ1BfU0VSVkVSX1RZUEVfR1JQQxAGEhgKFE1DUF9TRVJWRVJfVFlQRV9ET0NTEAcqiQEKFU1jcFRlbXBsYXRlUGFyYW1Pd25lchIoCiRNQ1BfVEVNUExBVEVfUEFSQU1fT1dORVJfVU5TUEVDSUZJRUQQABIiCh5NQ1BfVEVNUExBVEVfUEFSQU1fT1dORVJfQURNSU4QARIiCh5NQ1BfVEVNUExBVEVfUEFSQU1fT1dORVJfR1JPVVAQAiqbAQoRTWNwVG9vbENoYW5nZUtpbmQSJAogTUNQX1RPT0xfQ0hBTkdFX0tJTkRfVU5TUEVDSUZJRUQQABIgChxNQ1BfVE9PTF9DSEFOR0VfS0lORF9DSEFOR0VEEAESHAoYTUNQX1RPT0xfQ0hBTkdFX0tJTkRfTkVXEAISIAocTUNQX1RPT0xfQ0hBTkdFX0tJTkRfUkVNT1ZFRBADMuQMCgpNY3BTZXJ2aWNlElgKD0NyZWF0ZU1jcFNlcnZlchIoLmFpcHJveHkuYWRtaW4udjEuQ3JlYXRlTWNwU2VydmVyUmVxdWVzdBobLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyElcKDEdldE1jcFNlcnZlchIlLmFpcHJveHkuYWRtaW4udjEuR2V0TWNwU2VydmVyUmVxdWVzdBobLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyIgOQAgESaAoOTGlzdE1jcFNlcnZlcnMSJy5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJzUmVxdWVzdBooLmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFNlcnZlcnNSZXNwb25zZSIDkAIBElgKD1VwZGF0ZU1jcFNlcnZlchIoLmFpcHJveHkuYWRtaW4udjEuVXBkYXRlTWNwU2VydmVyUmVxdWVzdBobLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyElMKD0RlbGV0ZU1jcFNlcnZlchIoLmFpcHJveHkuYWRtaW4udjEuRGVsZXRlTWNwU2VydmVyUmVxdWVzdBoWLmdvb2dsZS5wcm90b2J1Zi5FbXB0eRJeChJTZXRNY3BTZXJ2ZXJTdGF0dXMSKy5haXByb3h5LmFkbWluLnYxLlNldE1jcFNlcnZlclN0YXR1c1JlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchJlCg1MaXN0VGVtcGxhdGVzEiYuYWlwcm94eS5hZG1pbi52MS5MaXN0VGVtcGxhdGVzUmVxdWVzdBonLmFpcHJveHkuYWRtaW4udjEuTGlzdFRlbXBsYXRlc1Jlc3BvbnNlIgOQAgESYAoNVGVzdE1jcFNlcnZlchImLmFpcHJveHkuYWRtaW4udjEuVGVzdE1jcFNlcnZlclJlcXVlc3QaJy5haXByb3h5LmFkbWluLnYxLlRlc3RNY3BTZXJ2ZXJSZXNwb25zZRJ0ChJMaXN0TWNwU2VydmVyVG9vbHMSKy5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJUb29sc1JlcXVlc3QaLC5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlIgOQAgESWgoLQ2FsbE1jcFRvb2wSJC5haXByb3h5LmFkbWluLnYxLkNhbGxNY3BUb29sUmVxdWVzdBolLmFpcHJveHkuYWRtaW4udjEuQ2FsbE1jcFRvb2xSZXNwb25zZRJhChFTZXRHcm91cE1jcFBhcmFtcxIqLmFpcHJveHkuYWRtaW4udjEuU2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0GiAuYWlwcm94eS5hZG1pbi52MS5Hcm91cE1jcFBhcmFtcxJmChFHZXRHcm91cE1jcFBhcmFtcxIqLmFpcHJveHkuYWRtaW4udjEuR2V0R3JvdXBNY3BQYXJhbXNSZXF1ZXN0GiAuYWlwcm94eS5hZG1pbi52MS5Hcm91cE1jcFBhcmFtcyIDkAIBEl0KFERlbGV0ZUdyb3VwTWNwUGFyYW1zEi0uYWlwcm94eS5hZG1pbi52MS5EZWxldGVHcm91cE1jcFBhcmFtc1JlcXVlc3QaFi5nb29nbGUucHJvdG9idWYuRW1wdHkSdAoSTGlzdE1jcFRvb2xDaGFuZ2VzEisuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwVG9vbENoYW5nZXNSZXF1ZXN0GiwuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwVG9vbENoYW5nZXNSZXNwb25zZSIDkAIBEngKFUFwcHJvdmVNY3BTZXJ2ZXJUb29scxIuLmFpcHJveHkuYWRtaW4udjEuQXBwcm92ZU1jcFNlcnZlclRvb2xzUmVxdWVzdBovLmFpcHJveHkuYWRtaW4udjEuQXBwcm92ZU1jcFNlcnZlclRvb2xzUmVzcG9uc2USdQoUUmVqZWN0TWNwU2VydmVyVG9vbHMSLS5haXByb3h5LmFkbWluLnYxLlJlamVjdE1jcFNlcnZlclRvb2xzUmVxdWVzdBouLmFpcHJveHkuYWRtaW4udjEuUmVqZWN0TWNwU2VydmVyVG9vbHNSZXNwb25zZWIGcHJvdG8z", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
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
 * Describes the message aiproxy.admin.v1.McpToolNames.
 * Use `create(McpToolNamesSchema)` to create a new message.
 */
export const McpToolNamesSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 3);
/**
 * Describes the message aiproxy.admin.v1.McpVirtualTool.
 * Use `create(McpVirtualToolSchema)` to create a new message.
 */
export const McpVirtualToolSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 4);
/**
 * Describes the message aiproxy.admin.v1.CreateMcpServerRequest.
 * Use `create(CreateMcpServerRequestSchema)` to create a new message.
 */
export const CreateMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 5);
/**
 * Describes the message aiproxy.admin.v1.GetMcpServerRequest.
 * Use `create(GetMcpServerRequestSchema)` to create a new message.
 */
export const GetMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 6);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServersRequest.
 * Use `create(ListMcpServersRequestSchema)` to create a new message.
 */
export const ListMcpServersRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 7);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServersResponse.
 * Use `create(ListMcpServersResponseSchema)` to create a new message.
 */
export const ListMcpServersResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 8);
/**
 * Describes the message aiproxy.admin.v1.UpdateMcpServerRequest.
 * Use `create(UpdateMcpServerRequestSchema)` to create a new message.
 */
export const UpdateMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 9);
/**
 * Describes the message aiproxy.admin.v1.DeleteMcpServerRequest.
 * Use `create(DeleteMcpServerRequestSchema)` to create a new message.
 */
export const DeleteMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 10);
/**
 * Describes the message aiproxy.admin.v1.SetMcpServerStatusRequest.
 * Use `create(SetMcpServerStatusRequestSchema)` to create a new message.
 */
export const SetMcpServerStatusRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 11);
/**
 * Describes the message aiproxy.admin.v1.ListTemplatesRequest.
 * Use `create(ListTemplatesRequestSchema)` to create a new message.
 */
export const ListTemplatesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 12);
/**
 * Describes the message aiproxy.admin.v1.ListTemplatesResponse.
 * Use `create(ListTemplatesResponseSchema)` to create a new message.
 */
export const ListTemplatesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 13);
/**
 * Describes the message aiproxy.admin.v1.McpTemplate.
 * Use `create(McpTemplateSchema)` to create a new message.
 */
export const McpTemplateSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 14);
/**
 * Describes the message aiproxy.admin.v1.McpTemplateParam.
 * Use `create(McpTemplateParamSchema)` to create a new message.
 */
export const McpTemplateParamSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 15);
/**
 * Describes the message aiproxy.admin.v1.GroupMcpParams.
 * Use `create(GroupMcpParamsSchema)` to create a new message.
 */
export const GroupMcpParamsSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 16);
/**
 * Describes the message aiproxy.admin.v1.SetGroupMcpParamsRequest.
 * Use `create(SetGroupMcpParamsRequestSchema)` to create a new message.
 */
export const SetGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 17);
/**
 * Describes the message aiproxy.admin.v1.GetGroupMcpParamsRequest.
 * Use `create(GetGroupMcpParamsRequestSchema)` to create a new message.
 */
export const GetGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 18);
/**
 * Describes the message aiproxy.admin.v1.DeleteGroupMcpParamsRequest.
 * Use `create(DeleteGroupMcpParamsRequestSchema)` to create a new message.
 */
export const DeleteGroupMcpParamsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 19);
/**
 * Describes the message aiproxy.admin.v1.TestMcpServerRequest.
 * Use `create(TestMcpServerRequestSchema)` to create a new message.
 */
export const TestMcpServerRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 20);
/**
 * Describes the message aiproxy.admin.v1.TestMcpServerResponse.
 * Use `create(TestMcpServerResponseSchema)` to create a new message.
 */
export const TestMcpServerResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 21);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerToolsRequest.
 * Use `create(ListMcpServerToolsRequestSchema)` to create a new message.
 */
export const ListMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 22);
/**
 * Describes the message aiproxy.admin.v1.McpTool.
 * Use `create(McpToolSchema)` to create a new message.
 */
export const McpToolSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 23);
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerToolsResponse.
 * Use `create(ListMcpServerToolsResponseSchema)` to create a new message.
 */
export const ListMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 24);
/**
 * Describes the message aiproxy.admin.v1.CallMcpToolRequest.
 * Use `create(CallMcpToolRequestSchema)` to create a new message.
 */
export const CallMcpToolRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 25);
/**
 * Describes the message aiproxy.admin.v1.CallMcpToolResponse.
 * Use `create(CallMcpToolResponseSchema)` to create a new message.
 */
export const CallMcpToolResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 26);
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesRequest.
 * Use `create(ListMcpToolChangesRequestSchema)` to create a new message.
 */
export const ListMcpToolChangesRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 27);
/**
 * Describes the message aiproxy.admin.v1.McpToolFinding.
 * Use `create(McpToolFindingSchema)` to create a new message.
 */
export const McpToolFindingSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 28);
/**
 * Describes the message aiproxy.admin.v1.McpToolChange.
 * Use `create(McpToolChangeSchema)` to create a new message.
 */
export const McpToolChangeSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 29);
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesResponse.
 * Use `create(ListMcpToolChangesResponseSchema)` to create a new message.
 */
export const ListMcpToolChangesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 30);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsRequest.
 * Use `create(ApproveMcpServerToolsRequestSchema)` to create a new message.
 */
export const ApproveMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 31);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsResponse.
 * Use `create(ApproveMcpServerToolsResponseSchema)` to create a new message.
 */
export const ApproveMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 32);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsRequest.
 * Use `create(RejectMcpServerToolsRequestSchema)` to create a new message.
 */
export const RejectMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 33);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsResponse.
 * Use `create(RejectMcpServerToolsResponseSchema)` to create a new message.
 */
export const RejectMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 34);
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
export const McpTemplateParamOwnerSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 2);
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
export const McpToolChangeKindSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 3);
/**
 * @generated from service aiproxy.admin.v1.McpService
 */
export const McpService = /*@__PURE__*/ serviceDesc(file_aiproxy_admin_v1_mcp, 0);
