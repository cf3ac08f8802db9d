import type { Interceptor, Transport } from "@connectrpc/connect";
import { type AdminClient } from "./index.js";
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
export declare function createAdminTransport(baseUrl: string, adminKey: string, options?: WebAdminClientOptions): Transport;
/** Every control-plane service at `baseUrl`, each call sending `adminKey`. */
export declare function createAdminClient(baseUrl: string, adminKey: string, options?: WebAdminClientOptions): AdminClient;
