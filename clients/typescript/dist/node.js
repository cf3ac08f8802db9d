import { createConnectTransport, createGrpcTransport, createGrpcWebTransport, } from "@connectrpc/connect-node";
import { adminKeyInterceptor, createAdminClients } from "./index.js";
export * from "./index.js";
/** A transport to the control plane at `baseUrl` (`http://127.0.0.1:3000`) with the admin key. */
export function createAdminTransport(baseUrl, adminKey, options = {}) {
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
            throw new Error(`unknown protocol ${String(protocol)}`);
    }
}
/**
 * Every control-plane service at `baseUrl`, each call sending `adminKey`:
 * `createAdminClient("http://127.0.0.1:3000", key).groups.listGroups({ pageSize: 20 })`.
 */
export function createAdminClient(baseUrl, adminKey, options = {}) {
    return createAdminClients(createAdminTransport(baseUrl, adminKey, options));
}
