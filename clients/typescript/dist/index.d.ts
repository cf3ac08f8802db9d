import { type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { AccessService } from "./gen/aiproxy/admin/v1/access_pb.js";
import { ChannelService } from "./gen/aiproxy/admin/v1/channels_pb.js";
import { ConfigService } from "./gen/aiproxy/admin/v1/config_pb.js";
import { GroupService } from "./gen/aiproxy/admin/v1/groups_pb.js";
import { LogService } from "./gen/aiproxy/admin/v1/logs_pb.js";
import { McpService } from "./gen/aiproxy/admin/v1/mcp_pb.js";
import { ModelService } from "./gen/aiproxy/admin/v1/models_pb.js";
import { OptionService } from "./gen/aiproxy/admin/v1/options_pb.js";
import { TokenService } from "./gen/aiproxy/admin/v1/tokens_pb.js";
export * from "./gen/aiproxy/admin/v1/access_pb.js";
export * from "./gen/aiproxy/admin/v1/channels_pb.js";
export * from "./gen/aiproxy/admin/v1/common_pb.js";
export * from "./gen/aiproxy/admin/v1/config_pb.js";
export * from "./gen/aiproxy/admin/v1/groups_pb.js";
export * from "./gen/aiproxy/admin/v1/logs_pb.js";
export * from "./gen/aiproxy/admin/v1/mcp_pb.js";
export * from "./gen/aiproxy/admin/v1/models_pb.js";
export * from "./gen/aiproxy/admin/v1/options_pb.js";
export * from "./gen/aiproxy/admin/v1/tokens_pb.js";
export { Code, ConnectError } from "@connectrpc/connect";
/** One typed client per control-plane service, all over the same transport. */
export interface AdminClient {
    access: Client<typeof AccessService>;
    groups: Client<typeof GroupService>;
    tokens: Client<typeof TokenService>;
    channels: Client<typeof ChannelService>;
    models: Client<typeof ModelService>;
    mcp: Client<typeof McpService>;
    options: Client<typeof OptionService>;
    config: Client<typeof ConfigService>;
    logs: Client<typeof LogService>;
}
/**
 * Sends `adminKey` as the server expects it on every call, whichever the protocol:
 * `authorization: Bearer <key>` (a header for Connect and gRPC-Web, metadata for gRPC).
 */
export declare function adminKeyInterceptor(adminKey: string): Interceptor;
/** Every control-plane service over `transport`, which must already carry the admin key. */
export declare function createAdminClients(transport: Transport): AdminClient;
