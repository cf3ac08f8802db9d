import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { adminKeyInterceptor, createAdminClients } from "./index.js";
export * from "./index.js";
/** A transport to the control plane at `baseUrl` (a page's `window.location.origin`) with the key. */
export function createAdminTransport(baseUrl, adminKey, options = {}) {
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
            throw new Error(`unknown protocol ${String(protocol)}`);
    }
}
/** Every control-plane service at `baseUrl`, each call sending `adminKey`. */
export function createAdminClient(baseUrl, adminKey, options = {}) {
    return createAdminClients(createAdminTransport(baseUrl, adminKey, options));
}
