// The control plane from Node: a transport from @connectrpc/connect-node in any of the three
// protocols the server answers on its one port, carrying the admin key.
import type { Interceptor, Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";

import { adminKeyInterceptor, createAdminClients, type AdminClient } from "./index.js";

export * from "./index.js";

/**
 * The wire protocol: `connect` is Connect with JSON bodies over HTTP/1.1 (the server serves
 * Connect's JSON codec only, not `application/proto`), which any HTTP proxy passes; `grpc` is
 * gRPC over HTTP/2 (cleartext for `http://`, TLS for `https://`), binary and the most compact;
 * `grpc-web` is binary gRPC-Web over HTTP/1.1, as the panel speaks it.
 */
export type NodeProtocol = "connect" | "grpc" | "grpc-web";

export interface NodeAdminClientOptions {
  /** Default `connect`. */
  protocol?: NodeProtocol;
  /** Run after the one that sets the admin key (logging, deadlines, tracing headers). */
  interceptors?: Interceptor[];
}

/** A transport to the control plane at `baseUrl` (`http://127.0.0.1:3000`) with the admin key. */
export function createAdminTransport(
  baseUrl: string,
  adminKey: string,
  options: NodeAdminClientOptions = {},
): Transport {
  const interceptors = [adminKeyInterceptor(adminKey), ...(options.interceptors ?? [])];
  const protocol = options.protocol ?? "connect";
  switch (protocol) {
    case "connect":
      // JSON: connect-node would send binary (`application/proto`), which the server refuses.
      // Reads the protos mark NO_SIDE_EFFECTS go as GET (cacheable, and a link).
      return createConnectTransport({
        baseUrl,
        httpVersion: "1.1",
        interceptors,
        useBinaryFormat: false,
        useHttpGet: true,
      });
    case "grpc":
      return createGrpcTransport({ baseUrl, interceptors });
    case "grpc-web":
      return createGrpcWebTransport({
        baseUrl,
        httpVersion: "1.1",
        interceptors,
        useBinaryFormat: true,
      });
    default:
      throw new Error(`unknown protocol ${String(protocol satisfies never)}`);
  }
}

/**
 * Every control-plane service at `baseUrl`, each call sending `adminKey`:
 * `createAdminClient("http://127.0.0.1:3000", key).groups.listGroups({ pageSize: 20 })`.
 */
export function createAdminClient(
  baseUrl: string,
  adminKey: string,
  options: NodeAdminClientOptions = {},
): AdminClient {
  return createAdminClients(createAdminTransport(baseUrl, adminKey, options));
}
