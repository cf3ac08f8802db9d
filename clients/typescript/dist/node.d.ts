import type { Interceptor, Transport } from "@connectrpc/connect";
import { type AdminClient } from "./index.js";
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
export declare function createAdminTransport(baseUrl: string, adminKey: string, options?: NodeAdminClientOptions): Transport;
/**
 * Every control-plane service at `baseUrl`, each call sending `adminKey`:
 * `createAdminClient("http://127.0.0.1:3000", key).groups.listGroups({ pageSize: 20 })`.
 */
export declare function createAdminClient(baseUrl: string, adminKey: string, options?: NodeAdminClientOptions): AdminClient;
