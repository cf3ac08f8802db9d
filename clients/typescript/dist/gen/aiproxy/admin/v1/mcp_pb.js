// MCP servers the gateway exposes: embedded templates, proxies of remote servers, and
// OpenAPI documents turned into tools; plus per-group secret parameters.
import { enumDesc, fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import { file_aiproxy_admin_v1_common } from "./common_pb.js";
import { file_google_protobuf_empty, file_google_protobuf_field_mask } from "@bufbuild/protobuf/wkt";
/**
 * Describes the file aiproxy/admin/v1/mcp.proto.
 */
export const file_aiproxy_admin_v1_mcp = /*@__PURE__*/ fileDesc("ChphaXByb3h5L2FkbWluL3YxL21jcC5wcm90bxIQYWlwcm94eS5hZG1pbi52MSK5AQoMTWNwQ2F0YWxvZ3VlEhQKDGRpc3BsYXlfbmFtZRgBIAEoCRIXCg9kaXNwbGF5X25hbWVfemgYAiABKAkSEwoLZGVzY3JpcHRpb24YAyABKAkSFgoOZGVzY3JpcHRpb25femgYBCABKAkSDAoEdGFncxgFIAMoCRIOCgZyZWFkbWUYBiABKAkSDAoEbG9nbxgHIAEoCRIQCghob21lcGFnZRgIIAEoCRIPCgdpbnN0YWxsGAkgASgJIqQCCg1PcGVuQXBpU291cmNlEgwKBHNwZWMYASABKAkSEAoIc3BlY191cmwYAiABKAkSEAoIYmFzZV91cmwYAyABKAkSHQoVYWxsb3dfcHJpdmF0ZV9uZXR3b3JrGAQgASgIEkUKC2NyZWRlbnRpYWxzGAUgAygLMjAuYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlLkNyZWRlbnRpYWxzRW50cnkSGgoSaW5jbHVkZV9vcGVyYXRpb25zGAYgAygJEhoKEmV4Y2x1ZGVfb3BlcmF0aW9ucxgHIAMoCRIPCgdjb21wYWN0GAggASgIGjIKEENyZWRlbnRpYWxzRW50cnkSCwoDa2V5GAEgASgJEg0KBXZhbHVlGAIgASgJOgI4ASKjCAoJTWNwU2VydmVyEgoKAmlkGAEgASgJEikKBXNjb3BlGAIgASgOMhouYWlwcm94eS5hZG1pbi52MS5NY3BTY29wZRIQCghncm91cF9pZBgDIAEoCRItCgR0eXBlGAQgASgOMh8uYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXJUeXBlEhAKCHRlbXBsYXRlGAUgASgJEgsKA3VybBgGIAEoCRI5CgdoZWFkZXJzGAcgAygLMiguYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuSGVhZGVyc0VudHJ5EjUKBXF1ZXJ5GAggAygLMiYuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXIuUXVlcnlFbnRyeRI3CgZwYXJhbXMYCSADKAsyJy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5QYXJhbXNFbnRyeRIwCgdvcGVuYXBpGAogASgLMh8uYWlwcm94eS5hZG1pbi52MS5PcGVuQXBpU291cmNlEigKBnN0YXR1cxgLIAEoDjIYLmFpcHJveHkuYWRtaW4udjEuU3RhdHVzEhUKDWNyZWF0ZWRfYXRfbXMYDCABKAMSFQoNdXBkYXRlZF9hdF9tcxgNIAEoAxIQCgh3YXJuaW5ncxgOIAMoCRIWCg5wcmljZV9wZXJfY2FsbBgPIAEoCRIdChVyZXF1aXJlZF9ncm91cF9wYXJhbXMYECADKAkSQAoLdG9vbF9wcmljZXMYESADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Ub29sUHJpY2VzRW50cnkSQAoLZ3JvdXBfdG9vbHMYEiADKAsyKy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlci5Hcm91cFRvb2xzRW50cnkSNwoNdmlydHVhbF90b29scxgTIAMoCzIgLmFpcHJveHkuYWRtaW4udjEuTWNwVmlydHVhbFRvb2wSMQoJY2F0YWxvZ3VlGBQgASgLMh4uYWlwcm94eS5hZG1pbi52MS5NY3BDYXRhbG9ndWUaLgoMSGVhZGVyc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaLAoKUXVlcnlFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBGi0KC1BhcmFtc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaMQoPVG9vbFByaWNlc0VudHJ5EgsKA2tleRgBIAEoCRINCgV2YWx1ZRgCIAEoCToCOAEaUQoPR3JvdXBUb29sc0VudHJ5EgsKA2tleRgBIAEoCRItCgV2YWx1ZRgCIAEoCzIeLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbE5hbWVzOgI4ASIdCgxNY3BUb29sTmFtZXMSDQoFbmFtZXMYASADKAkigAEKDk1jcFZpcnR1YWxUb29sEhEKCXNlcnZlcl9pZBgBIAEoCRIMCgR0b29sGAIgASgJEgwKBG5hbWUYAyABKAkSGAoLZGVzY3JpcHRpb24YBCABKAlIAIgBARIVCg1kZWZhdWx0c19qc29uGAUgASgJQg4KDF9kZXNjcmlwdGlvbiJFChZDcmVhdGVNY3BTZXJ2ZXJSZXF1ZXN0EisKBnNlcnZlchgBIAEoCzIbLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyIiEKE0dldE1jcFNlcnZlclJlcXVlc3QSCgoCaWQYASABKAkitgEKFUxpc3RNY3BTZXJ2ZXJzUmVxdWVzdBIRCglwYWdlX3NpemUYASABKAUSEgoKcGFnZV90b2tlbhgCIAEoCRIpCgVzY29wZRgDIAEoDjIaLmFpcHJveHkuYWRtaW4udjEuTWNwU2NvcGUSEAoIZ3JvdXBfaWQYBCABKAkSKAoGc3RhdHVzGAUgASgOMhguYWlwcm94eS5hZG1pbi52MS5TdGF0dXMSDwoHa2V5d29yZBgGIAEoCSJzChZMaXN0TWNwU2VydmVyc1Jlc3BvbnNlEiwKB3NlcnZlcnMYASADKAsyGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchIXCg9uZXh0X3BhZ2VfdG9rZW4YAiABKAkSEgoKdG90YWxfc2l6ZRgDIAEoAyJ2ChZVcGRhdGVNY3BTZXJ2ZXJSZXF1ZXN0EisKBnNlcnZlchgBIAEoCzIbLmFpcHJveHkuYWRtaW4udjEuTWNwU2VydmVyEi8KC3VwZGF0ZV9tYXNrGAIgASgLMhouZ29vZ2xlLnByb3RvYnVmLkZpZWxkTWFzayIkChZEZWxldGVNY3BTZXJ2ZXJSZXF1ZXN0EgoKAmlkGAEgASgJIlEKGVNldE1jcFNlcnZlclN0YXR1c1JlcXVlc3QSCgoCaWQYASABKAkSKAoGc3RhdHVzGAIgASgOMhguYWlwcm94eS5hZG1pbi52MS5TdGF0dXMiFgoUTGlzdFRlbXBsYXRlc1JlcXVlc3QiYwoVTGlzdFRlbXBsYXRlc1Jlc3BvbnNlEhEKCXRlbXBsYXRlcxgBIAMoCRI3ChB0ZW1wbGF0ZV9kZXRhaWxzGAIgAygLMh0uYWlwcm94eS5hZG1pbi52MS5NY3BUZW1wbGF0ZSKXAQoLTWNwVGVtcGxhdGUSDAoEbmFtZRgBIAEoCRITCgtkZXNjcmlwdGlvbhgCIAEoCRIyCgZwYXJhbXMYAyADKAsyIi5haXByb3h5LmFkbWluLnYxLk1jcFRlbXBsYXRlUGFyYW0SMQoJY2F0YWxvZ3VlGAQgASgLMh4uYWlwcm94eS5hZG1pbi52MS5NY3BDYXRhbG9ndWUigAEKEE1jcFRlbXBsYXRlUGFyYW0SDAoEbmFtZRgBIAEoCRITCgtkZXNjcmlwdGlvbhgCIAEoCRI3CgZzZXRfYnkYAyABKA4yJy5haXByb3h5LmFkbWluLnYxLk1jcFRlbXBsYXRlUGFyYW1Pd25lchIQCghyZXF1aXJlZBgEIAEoCCK5AQoOR3JvdXBNY3BQYXJhbXMSEQoJc2VydmVyX2lkGAEgASgJEhAKCGdyb3VwX2lkGAIgASgJEjwKBnBhcmFtcxgDIAMoCzIsLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMuUGFyYW1zRW50cnkSFQoNdXBkYXRlZF9hdF9tcxgEIAEoAxotCgtQYXJhbXNFbnRyeRILCgNrZXkYASABKAkSDQoFdmFsdWUYAiABKAk6AjgBIkwKGFNldEdyb3VwTWNwUGFyYW1zUmVxdWVzdBIwCgZwYXJhbXMYASABKAsyIC5haXByb3h5LmFkbWluLnYxLkdyb3VwTWNwUGFyYW1zIj8KGEdldEdyb3VwTWNwUGFyYW1zUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkiQgobRGVsZXRlR3JvdXBNY3BQYXJhbXNSZXF1ZXN0EhEKCXNlcnZlcl9pZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSI0ChRUZXN0TWNwU2VydmVyUmVxdWVzdBIKCgJpZBgBIAEoCRIQCghncm91cF9pZBgCIAEoCSJaChVUZXN0TWNwU2VydmVyUmVzcG9uc2USCgoCb2sYASABKAgSDQoFZXJyb3IYAiABKAkSEgoKdG9vbF9jb3VudBgDIAEoBRISCgpsYXRlbmN5X21zGAQgASgDIjkKGUxpc3RNY3BTZXJ2ZXJUb29sc1JlcXVlc3QSCgoCaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkicgoHTWNwVG9vbBIMCgRuYW1lGAEgASgJEg0KBXRpdGxlGAIgASgJEhMKC2Rlc2NyaXB0aW9uGAMgASgJEhkKEWlucHV0X3NjaGVtYV9qc29uGAQgASgJEhoKEm91dHB1dF9zY2hlbWFfanNvbhgFIAEoCSJGChpMaXN0TWNwU2VydmVyVG9vbHNSZXNwb25zZRIoCgV0b29scxgBIAMoCzIZLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbCJYChJDYWxsTWNwVG9vbFJlcXVlc3QSCgoCaWQYASABKAkSEAoIZ3JvdXBfaWQYAiABKAkSDAoEdG9vbBgDIAEoCRIWCg5hcmd1bWVudHNfanNvbhgEIAEoCSJQChNDYWxsTWNwVG9vbFJlc3BvbnNlEhMKC3Jlc3VsdF9qc29uGAEgASgJEhAKCGlzX2Vycm9yGAIgASgIEhIKCmxhdGVuY3lfbXMYAyABKAMiSAoZTGlzdE1jcFRvb2xDaGFuZ2VzUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkSGAoQaW5jbHVkZV9yZWplY3RlZBgCIAEoCCJQCg1NY3BQaW5uZWRJdGVtEjEKBGtpbmQYASABKA4yIy5haXByb3h5LmFkbWluLnYxLk1jcFBpbm5lZEl0ZW1LaW5kEgwKBG5hbWUYAiABKAkiQQoOTWNwVG9vbEZpbmRpbmcSDAoEa2luZBgBIAEoCRIQCghsb2NhdGlvbhgCIAEoCRIPCgdleGNlcnB0GAMgASgJItkCCg1NY3BUb29sQ2hhbmdlEhEKCXNlcnZlcl9pZBgBIAEoCRIRCgl0b29sX25hbWUYAiABKAkSMQoEa2luZBgDIAEoDjIjLmFpcHJveHkuYWRtaW4udjEuTWNwVG9vbENoYW5nZUtpbmQSIAoYYXBwcm92ZWRfZGVmaW5pdGlvbl9qc29uGAQgASgJEh8KF29mZmVyZWRfZGVmaW5pdGlvbl9qc29uGAUgASgJEjIKCGZpbmRpbmdzGAYgAygLMiAuYWlwcm94eS5hZG1pbi52MS5NY3BUb29sRmluZGluZxIQCghyZWplY3RlZBgHIAEoCBIWCg5kZXRlY3RlZF9hdF9tcxgIIAEoAxIWCg5hcHByb3ZlZF9hdF9tcxgJIAEoAxI2CglpdGVtX2tpbmQYFCABKA4yIy5haXByb3h5LmFkbWluLnYxLk1jcFBpbm5lZEl0ZW1LaW5kIk4KGkxpc3RNY3BUb29sQ2hhbmdlc1Jlc3BvbnNlEjAKB2NoYW5nZXMYASADKAsyHy5haXByb3h5LmFkbWluLnYxLk1jcFRvb2xDaGFuZ2UijwEKHEFwcHJvdmVNY3BTZXJ2ZXJUb29sc1JlcXVlc3QSEQoJc2VydmVyX2lkGAEgASgJEhIKCnRvb2xfbmFtZXMYAiADKAkSEAoIZ3JvdXBfaWQYAyABKAkSNgoJaXRlbV9raW5kGBQgASgOMiMuYWlwcm94eS5hZG1pbi52MS5NY3BQaW5uZWRJdGVtS2luZCJjCh1BcHByb3ZlTWNwU2VydmVyVG9vbHNSZXNwb25zZRISCgp0b29sX25hbWVzGAEgAygJEi4KBWl0ZW1zGBQgAygLMh8uYWlwcm94eS5hZG1pbi52MS5NY3BQaW5uZWRJdGVtInwKG1JlamVjdE1jcFNlcnZlclRvb2xzUmVxdWVzdBIRCglzZXJ2ZXJfaWQYASABKAkSEgoKdG9vbF9uYW1lcxgCIAMoCRI2CglpdGVtX2tpbmQYFCABKA4yIy5haXByb3h5LmFkbWluLnYxLk1jcFBpbm5lZEl0ZW1LaW5kImIKHFJlamVjdE1jcFNlcnZlclRvb2xzUmVzcG9uc2USEgoKdG9vbF9uYW1lcxgBIAMoCRIuCgVpdGVtcxgUIAMoCzIfLmFpcHJveHkuYWRtaW4udjEuTWNwUGlubmVkSXRlbSpQCghNY3BTY29wZRIZChVNQ1BfU0NPUEVfVU5TUEVDSUZJRUQQABIUChBNQ1BfU0NPUEVfUFVCTElDEAESEwoPTUNQX1NDT1BFX0dST1VQEAIqgQIKDU1jcFNlcnZlclR5cGUSHwobTUNQX1NFUlZFUl9UWVBFX1VOU1BFQ0lGSUVEEAASHAoYTUNQX1NFUlZFUl9UWVBFX0VNQkVEREVEEAESJAogTUNQX1NFUlZFUl9UWVBFX1BST1hZX1NUUkVBTUFCTEUQAhIdChlNQ1BfU0VSVkVSX1RZUEVfUFJPWFlfU1NFEAMSGwoXTUNQX1NFUlZFUl9UWVBFX09QRU5BUEkQBBIbChdNQ1BfU0VSVkVSX1RZUEVfVklSVFVBTBAFEhgKFE1DUF9TRVJWRVJfVFlQRV9HUlBDEAYSGAoUTUNQX1NFUlZFUl9UWVBFX0RPQ1MQByqJAQoVTWNwVGVtcGxhdGVQYXJhbU93bmVyEigKJE1DUF9URU1QTEFURV9QQVJBTV9PV05FUl9VTlNQRUNJRklFRBAAEiIKHk1DUF9URU1QTEFURV9QQVJBTV9PV05FUl9BRE1JThABEiIKHk1DUF9URU1QTEFURV9QQVJBTV9PV05FUl9HUk9VUBACKsgBChFNY3BQaW5uZWRJdGVtS2luZBIkCiBNQ1BfUElOTkVEX0lURU1fS0lORF9VTlNQRUNJRklFRBAAEh0KGU1DUF9QSU5ORURfSVRFTV9LSU5EX1RPT0wQARIfChtNQ1BfUElOTkVEX0lURU1fS0lORF9QUk9NUFQQAhIhCh1NQ1BfUElOTkVEX0lURU1fS0lORF9SRVNPVVJDRRADEioKJk1DUF9QSU5ORURfSVRFTV9LSU5EX1JFU09VUkNFX1RFTVBMQVRFEAQqmwEKEU1jcFRvb2xDaGFuZ2VLaW5kEiQKIE1DUF9UT09MX0NIQU5HRV9LSU5EX1VOU1BFQ0lGSUVEEAASIAocTUNQX1RPT0xfQ0hBTkdFX0tJTkRfQ0hBTkdFRBABEhwKGE1DUF9UT09MX0NIQU5HRV9LSU5EX05FVxACEiAKHE1DUF9UT09MX0NIQU5HRV9LSU5EX1JFTU9WRUQQAzLkDAoKTWNwU2VydmljZRJYCg9DcmVhdGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLkNyZWF0ZU1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchJXCgxHZXRNY3BTZXJ2ZXISJS5haXByb3h5LmFkbWluLnYxLkdldE1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlciIDkAIBEmgKDkxpc3RNY3BTZXJ2ZXJzEicuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyc1JlcXVlc3QaKC5haXByb3h5LmFkbWluLnYxLkxpc3RNY3BTZXJ2ZXJzUmVzcG9uc2UiA5ACARJYCg9VcGRhdGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLlVwZGF0ZU1jcFNlcnZlclJlcXVlc3QaGy5haXByb3h5LmFkbWluLnYxLk1jcFNlcnZlchJTCg9EZWxldGVNY3BTZXJ2ZXISKC5haXByb3h5LmFkbWluLnYxLkRlbGV0ZU1jcFNlcnZlclJlcXVlc3QaFi5nb29nbGUucHJvdG9idWYuRW1wdHkSXgoSU2V0TWNwU2VydmVyU3RhdHVzEisuYWlwcm94eS5hZG1pbi52MS5TZXRNY3BTZXJ2ZXJTdGF0dXNSZXF1ZXN0GhsuYWlwcm94eS5hZG1pbi52MS5NY3BTZXJ2ZXISZQoNTGlzdFRlbXBsYXRlcxImLmFpcHJveHkuYWRtaW4udjEuTGlzdFRlbXBsYXRlc1JlcXVlc3QaJy5haXByb3h5LmFkbWluLnYxLkxpc3RUZW1wbGF0ZXNSZXNwb25zZSIDkAIBEmAKDVRlc3RNY3BTZXJ2ZXISJi5haXByb3h5LmFkbWluLnYxLlRlc3RNY3BTZXJ2ZXJSZXF1ZXN0GicuYWlwcm94eS5hZG1pbi52MS5UZXN0TWNwU2VydmVyUmVzcG9uc2USdAoSTGlzdE1jcFNlcnZlclRvb2xzEisuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyVG9vbHNSZXF1ZXN0GiwuYWlwcm94eS5hZG1pbi52MS5MaXN0TWNwU2VydmVyVG9vbHNSZXNwb25zZSIDkAIBEloKC0NhbGxNY3BUb29sEiQuYWlwcm94eS5hZG1pbi52MS5DYWxsTWNwVG9vbFJlcXVlc3QaJS5haXByb3h5LmFkbWluLnYxLkNhbGxNY3BUb29sUmVzcG9uc2USYQoRU2V0R3JvdXBNY3BQYXJhbXMSKi5haXByb3h5LmFkbWluLnYxLlNldEdyb3VwTWNwUGFyYW1zUmVxdWVzdBogLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMSZgoRR2V0R3JvdXBNY3BQYXJhbXMSKi5haXByb3h5LmFkbWluLnYxLkdldEdyb3VwTWNwUGFyYW1zUmVxdWVzdBogLmFpcHJveHkuYWRtaW4udjEuR3JvdXBNY3BQYXJhbXMiA5ACARJdChREZWxldGVHcm91cE1jcFBhcmFtcxItLmFpcHJveHkuYWRtaW4udjEuRGVsZXRlR3JvdXBNY3BQYXJhbXNSZXF1ZXN0GhYuZ29vZ2xlLnByb3RvYnVmLkVtcHR5EnQKEkxpc3RNY3BUb29sQ2hhbmdlcxIrLmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFRvb2xDaGFuZ2VzUmVxdWVzdBosLmFpcHJveHkuYWRtaW4udjEuTGlzdE1jcFRvb2xDaGFuZ2VzUmVzcG9uc2UiA5ACARJ4ChVBcHByb3ZlTWNwU2VydmVyVG9vbHMSLi5haXByb3h5LmFkbWluLnYxLkFwcHJvdmVNY3BTZXJ2ZXJUb29sc1JlcXVlc3QaLy5haXByb3h5LmFkbWluLnYxLkFwcHJvdmVNY3BTZXJ2ZXJUb29sc1Jlc3BvbnNlEnUKFFJlamVjdE1jcFNlcnZlclRvb2xzEi0uYWlwcm94eS5hZG1pbi52MS5SZWplY3RNY3BTZXJ2ZXJUb29sc1JlcXVlc3QaLi5haXByb3h5LmFkbWluLnYxLlJlamVjdE1jcFNlcnZlclRvb2xzUmVzcG9uc2ViBnByb3RvMw", [file_aiproxy_admin_v1_common, file_google_protobuf_empty, file_google_protobuf_field_mask]);
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
 * Describes the message aiproxy.admin.v1.McpPinnedItem.
 * Use `create(McpPinnedItemSchema)` to create a new message.
 */
export const McpPinnedItemSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 28);
/**
 * Describes the message aiproxy.admin.v1.McpToolFinding.
 * Use `create(McpToolFindingSchema)` to create a new message.
 */
export const McpToolFindingSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 29);
/**
 * Describes the message aiproxy.admin.v1.McpToolChange.
 * Use `create(McpToolChangeSchema)` to create a new message.
 */
export const McpToolChangeSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 30);
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesResponse.
 * Use `create(ListMcpToolChangesResponseSchema)` to create a new message.
 */
export const ListMcpToolChangesResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 31);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsRequest.
 * Use `create(ApproveMcpServerToolsRequestSchema)` to create a new message.
 */
export const ApproveMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 32);
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsResponse.
 * Use `create(ApproveMcpServerToolsResponseSchema)` to create a new message.
 */
export const ApproveMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 33);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsRequest.
 * Use `create(RejectMcpServerToolsRequestSchema)` to create a new message.
 */
export const RejectMcpServerToolsRequestSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 34);
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsResponse.
 * Use `create(RejectMcpServerToolsResponseSchema)` to create a new message.
 */
export const RejectMcpServerToolsResponseSchema = /*@__PURE__*/ messageDesc(file_aiproxy_admin_v1_mcp, 35);
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
export const McpPinnedItemKindSchema = /*@__PURE__*/ enumDesc(file_aiproxy_admin_v1_mcp, 3);
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
