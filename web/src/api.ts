// The control plane, reached over gRPC-web on the panel's own origin, with the admin key that
// sign-in stored in sessionStorage (gone when the tab closes; never in the URL).
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import type { DescService } from "@bufbuild/protobuf";

import { AccessService } from "./gen/aiproxy/admin/v1/access_pb";
import { ChannelService } from "./gen/aiproxy/admin/v1/channels_pb";
import { GroupService } from "./gen/aiproxy/admin/v1/groups_pb";
import { LogService } from "./gen/aiproxy/admin/v1/logs_pb";
import { McpService } from "./gen/aiproxy/admin/v1/mcp_pb";
import { ModelService } from "./gen/aiproxy/admin/v1/models_pb";
import { OptionService } from "./gen/aiproxy/admin/v1/options_pb";
import { TokenService } from "./gen/aiproxy/admin/v1/tokens_pb";

const KEY_ITEM = "aiproxy.adminKey";

export function adminKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY_ITEM);
}

const withKey: Interceptor = (next) => async (request) => {
  const key = pendingKey ?? adminKey();
  if (key) request.header.set("authorization", `Bearer ${key}`);
  return next(request);
};

// The key being tried by sign-in, before it is known to be right and stored.
let pendingKey: string | null = null;

const transport = createGrpcWebTransport({
  // Same origin as the page: the server answers gRPC-web next to the panel and sends no CORS.
  baseUrl: window.location.origin,
  interceptors: [withKey],
  // Binary protobuf, as native clients send; no JSON codec on the server.
  useBinaryFormat: true,
});

function client<T extends DescService>(service: T): Client<T> {
  return createClient(service, transport);
}

export const api = {
  access: client(AccessService),
  groups: client(GroupService),
  tokens: client(TokenService),
  channels: client(ChannelService),
  models: client(ModelService),
  logs: client(LogService),
  mcp: client(McpService),
  options: client(OptionService),
};

/// Checks `key` by asking who it is (any admin key may, whatever its role and groups); stores
/// it only when the server accepts it.
export async function signIn(key: string): Promise<void> {
  pendingKey = key;
  try {
    await api.access.whoAmI({});
    sessionStorage.setItem(KEY_ITEM, key);
  } finally {
    pendingKey = null;
  }
}

/// The server's own words: the gRPC status name and message.
export function describeError(error: unknown): string {
  const connectError = ConnectError.from(error);
  // Code names are CamelCase ("InvalidArgument"); gRPC spells them invalid_argument.
  const name = (Code[connectError.code] ?? "unknown").replace(/[a-z][A-Z]/g, (pair) =>
    `${pair[0]}_${pair[1]}`,
  );
  return `${name.toLowerCase()}: ${connectError.rawMessage}`;
}

export function isUnauthenticated(error: unknown): boolean {
  return ConnectError.from(error).code === Code.Unauthenticated;
}

export function isNotFound(error: unknown): boolean {
  return ConnectError.from(error).code === Code.NotFound;
}
