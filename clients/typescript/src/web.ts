// The control plane from a browser (or any runtime with fetch): a transport from
// @connectrpc/connect-web carrying the admin key. The server sends no CORS headers, so a page
// calls it from its own origin (as the panel does) or through a proxy that adds them.
import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";

import { adminKeyInterceptor, createAdminClients, type AdminClient } from "./index.js";

export * from "./index.js";

/**
 * The wire protocol: `grpc-web` is binary gRPC-Web, as the panel speaks it; `connect` is
 * Connect with JSON bodies (the server serves Connect's JSON codec only). Browsers cannot speak
 * plain gRPC.
 */
export type WebProtocol = "grpc-web" | "connect";

export interface WebAdminClientOptions {
  /** Default `grpc-web`. */
  protocol?: WebProtocol;
  /** Run after the one that sets the admin key. */
  interceptors?: Interceptor[];
}

/** A transport to the control plane at `baseUrl` (a page's `window.location.origin`) with the key. */
export function createAdminTransport(
  baseUrl: string,
  adminKey: string,
  options: WebAdminClientOptions = {},
): Transport {
  const interceptors = [adminKeyInterceptor(adminKey), ...(options.interceptors ?? [])];
  const protocol = options.protocol ?? "grpc-web";
  switch (protocol) {
    case "grpc-web":
      return createGrpcWebTransport({ baseUrl, interceptors, useBinaryFormat: true });
    case "connect":
      // JSON (connect-web's default too): the server serves no `application/proto`. Reads the
      // protos mark NO_SIDE_EFFECTS go as GET (cacheable, and a link).
      return createConnectTransport({ baseUrl, interceptors, useBinaryFormat: false, useHttpGet: true });
    default:
      throw new Error(`unknown protocol ${String(protocol satisfies never)}`);
  }
}

/** Every control-plane service at `baseUrl`, each call sending `adminKey`. */
export function createAdminClient(
  baseUrl: string,
  adminKey: string,
  options: WebAdminClientOptions = {},
): AdminClient {
  return createAdminClients(createAdminTransport(baseUrl, adminKey, options));
}
