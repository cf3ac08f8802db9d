import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { Status } from "./common_pb.js";
import type { EmptySchema, FieldMask } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file aiproxy/admin/v1/mcp.proto.
 */
export declare const file_aiproxy_admin_v1_mcp: GenFile;
/**
 * What the catalogue shows of a server or template besides its id. Every field is optional:
 * the panel falls back to the id and the description.
 *
 * @generated from message aiproxy.admin.v1.McpCatalogue
 */
export type McpCatalogue = Message<"aiproxy.admin.v1.McpCatalogue"> & {
    /**
     * The name shown, in English and in Chinese.
     *
     * @generated from field: string display_name = 1;
     */
    displayName: string;
    /**
     * @generated from field: string display_name_zh = 2;
     */
    displayNameZh: string;
    /**
     * One line, in English and in Chinese.
     *
     * @generated from field: string description = 3;
     */
    description: string;
    /**
     * @generated from field: string description_zh = 4;
     */
    descriptionZh: string;
    /**
     * Lowercase keywords to filter by (`search`, `maps`, ...).
     *
     * @generated from field: repeated string tags = 5;
     */
    tags: string[];
    /**
     * Longer help in Markdown (what the tools do, where to get a key); rendered without raw HTML.
     *
     * @generated from field: string readme = 6;
     */
    readme: string;
    /**
     * An https URL or a `data:image/...` URI.
     *
     * @generated from field: string logo = 7;
     */
    logo: string;
    /**
     * The project's or vendor's page (http or https).
     *
     * @generated from field: string homepage = 8;
     */
    homepage: string;
    /**
     * For a DOCS server: how to install and run it (a command line or a client config snippet).
     *
     * @generated from field: string install = 9;
     */
    install: string;
};
/**
 * Describes the message aiproxy.admin.v1.McpCatalogue.
 * Use `create(McpCatalogueSchema)` to create a new message.
 */
export declare const McpCatalogueSchema: GenMessage<McpCatalogue>;
/**
 * @generated from message aiproxy.admin.v1.OpenApiSource
 */
export type OpenApiSource = Message<"aiproxy.admin.v1.OpenApiSource"> & {
    /**
     * The document text (YAML or JSON), converted when it is written: a document that does not
     * convert is refused with INVALID_ARGUMENT naming the JSON pointer of the bad part.
     *
     * @generated from field: string spec = 1;
     */
    spec: string;
    /**
     * Where to fetch the document from, once, whenever this section is written (create, or an
     * update whose mask names `openapi`: that is how a document is refreshed); the fetched text
     * is then held in `spec`. Refused like `spec` when unreachable or not allowed.
     *
     * @generated from field: string spec_url = 2;
     */
    specUrl: string;
    /**
     * Overrides the document's server URL.
     *
     * @generated from field: string base_url = 3;
     */
    baseUrl: string;
    /**
     * Allow calls (and the `spec_url` fetch) to private and loopback addresses (off by default
     * against SSRF).
     *
     * @generated from field: bool allow_private_network = 4;
     */
    allowPrivateNetwork: boolean;
    /**
     * Secrets by the name of the document's security scheme they answer (an API key, a bearer
     * or OAuth2 token, `user:password` for basic); a name that is no scheme is sent as a header
     * of that name. Masked on read.
     *
     * @generated from field: map<string, string> credentials = 5;
     */
    credentials: {
        [key: string]: string;
    };
    /**
     * Operation ids to expose (empty means all) and to hide.
     *
     * @generated from field: repeated string include_operations = 6;
     */
    includeOperations: string[];
    /**
     * @generated from field: repeated string exclude_operations = 7;
     */
    excludeOperations: string[];
    /**
     * Offer three tools (search the operations, describe one, call one) instead of one tool per
     * operation: for large APIs whose tool list would flood a model's context.
     *
     * @generated from field: bool compact = 8;
     */
    compact: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.OpenApiSource.
 * Use `create(OpenApiSourceSchema)` to create a new message.
 */
export declare const OpenApiSourceSchema: GenMessage<OpenApiSource>;
/**
 * @generated from message aiproxy.admin.v1.McpServer
 */
export type McpServer = Message<"aiproxy.admin.v1.McpServer"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
    /**
     * @generated from field: aiproxy.admin.v1.McpScope scope = 2;
     */
    scope: McpScope;
    /**
     * Required when scope is GROUP, empty otherwise.
     *
     * @generated from field: string group_id = 3;
     */
    groupId: string;
    /**
     * @generated from field: aiproxy.admin.v1.McpServerType type = 4;
     */
    type: McpServerType;
    /**
     * Embedded template name (type EMBEDDED).
     *
     * @generated from field: string template = 5;
     */
    template: string;
    /**
     * Remote server URL (proxy and gRPC types).
     *
     * @generated from field: string url = 6;
     */
    url: string;
    /**
     * Sent to the remote server; values masked on read.
     *
     * @generated from field: map<string, string> headers = 7;
     */
    headers: {
        [key: string]: string;
    };
    /**
     * @generated from field: map<string, string> query = 8;
     */
    query: {
        [key: string]: string;
    };
    /**
     * Admin-set parameters for the template; values masked on read.
     *
     * @generated from field: map<string, string> params = 9;
     */
    params: {
        [key: string]: string;
    };
    /**
     * @generated from field: aiproxy.admin.v1.OpenApiSource openapi = 10;
     */
    openapi?: OpenApiSource | undefined;
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 11;
     */
    status: Status;
    /**
     * @generated from field: int64 created_at_ms = 12;
     */
    createdAtMs: bigint;
    /**
     * @generated from field: int64 updated_at_ms = 13;
     */
    updatedAtMs: bigint;
    /**
     * Output only, on create and update of an OpenAPI server: what the converter worked around
     * (a `$ref` to nothing, a skipped operation), each `json-pointer: message`.
     *
     * @generated from field: repeated string warnings = 14;
     */
    warnings: string[];
    /**
     * Decimal string charged to the caller's group for every tool call of this server (the
     * request log row carries it as the call's cost); empty or "0" is free.
     *
     * @generated from field: string price_per_call = 15;
     */
    pricePerCall: string;
    /**
     * Parameters every group must supply (SetGroupMcpParams) before the server is offered to it,
     * named as the parameters are (`header:X-Api-Key`, `query:key`, a security scheme's name, a
     * template parameter): a public server needing each tenant's own key is hidden from the
     * groups that have not set one.
     *
     * @generated from field: repeated string required_group_params = 16;
     */
    requiredGroupParams: string[];
    /**
     * Decimal string per tool name, charged per call of that tool instead of price_per_call
     * (a virtual server's tools by the names it exposes).
     *
     * @generated from field: map<string, string> tool_prices = 17;
     */
    toolPrices: {
        [key: string]: string;
    };
    /**
     * Per-group tool allow-lists: group id -> the tools that group may list and call; a group
     * not named uses every tool. A tool left out is hidden from tools/list and refused on
     * tools/call as unknown.
     *
     * @generated from field: map<string, aiproxy.admin.v1.McpToolNames> group_tools = 18;
     */
    groupTools: {
        [key: string]: McpToolNames;
    };
    /**
     * The tools a server of type VIRTUAL composes, in listing order; empty for other types.
     *
     * @generated from field: repeated aiproxy.admin.v1.McpVirtualTool virtual_tools = 19;
     */
    virtualTools: McpVirtualTool[];
    /**
     * Display names, description, tags, readme, logo and homepage for the catalogue; the whole
     * entry of a DOCS server. Not secret: shown on read.
     *
     * @generated from field: aiproxy.admin.v1.McpCatalogue catalogue = 20;
     */
    catalogue?: McpCatalogue | undefined;
    /**
     * Set on a proxied server whose upstream wants OAuth: the gateway's client there. Each
     * group's tokens are held by the gateway (StartMcpUpstreamAuthorization), never shown.
     *
     * @generated from field: aiproxy.admin.v1.McpUpstreamOAuth upstream_oauth = 21;
     */
    upstreamOauth?: McpUpstreamOAuth | undefined;
    /**
     * The prompts a server of type VIRTUAL composes, in listing order; empty for other types.
     *
     * @generated from field: repeated aiproxy.admin.v1.McpVirtualPrompt virtual_prompts = 22;
     */
    virtualPrompts: McpVirtualPrompt[];
    /**
     * The resources and resource templates a server of type VIRTUAL composes, in listing order;
     * empty for other types. The server declares the prompts and resources capabilities only
     * when it composes some.
     *
     * @generated from field: repeated aiproxy.admin.v1.McpVirtualResource virtual_resources = 23;
     */
    virtualResources: McpVirtualResource[];
    /**
     * The aggregated /mcp shows this server's tools, prompts, resources, resource templates and
     * task ids under their own names instead of `{id}__name`. A name another unprefixed server
     * keeps (the first by id) or one that reads as a prefixed name stays prefixed; the prefixed
     * names work for every server either way.
     *
     * @generated from field: bool aggregate_unprefixed = 24;
     */
    aggregateUnprefixed: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.McpServer.
 * Use `create(McpServerSchema)` to create a new message.
 */
export declare const McpServerSchema: GenMessage<McpServer>;
/**
 * The gateway as an OAuth client of a proxied server's authorization server.
 *
 * @generated from message aiproxy.admin.v1.McpUpstreamOAuth
 */
export type McpUpstreamOAuth = Message<"aiproxy.admin.v1.McpUpstreamOAuth"> & {
    /**
     * A client the admin registered there; empty: the gateway registers itself by dynamic
     * client registration (RFC 7591) when the server offers it.
     *
     * @generated from field: string client_id = 1;
     */
    clientId: string;
    /**
     * Masked on read; a masked value sent back keeps the stored secret.
     *
     * @generated from field: string client_secret = 2;
     */
    clientSecret: string;
    /**
     * Scopes asked for; empty: those the upstream's resource metadata lists.
     *
     * @generated from field: repeated string scopes = 3;
     */
    scopes: string[];
};
/**
 * Describes the message aiproxy.admin.v1.McpUpstreamOAuth.
 * Use `create(McpUpstreamOAuthSchema)` to create a new message.
 */
export declare const McpUpstreamOAuthSchema: GenMessage<McpUpstreamOAuth>;
/**
 * One group's authorization on one server. Never carries a token.
 *
 * @generated from message aiproxy.admin.v1.McpUpstreamAuthorization
 */
export type McpUpstreamAuthorization = Message<"aiproxy.admin.v1.McpUpstreamAuthorization"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * @generated from field: string group_id = 2;
     */
    groupId: string;
    /**
     * @generated from field: aiproxy.admin.v1.McpUpstreamAuthorizationState state = 3;
     */
    state: McpUpstreamAuthorizationState;
    /**
     * When the access token expires (unix ms); 0 when unknown or not authorized.
     *
     * @generated from field: int64 expires_at_ms = 4;
     */
    expiresAtMs: bigint;
    /**
     * The scopes granted.
     *
     * @generated from field: repeated string scopes = 5;
     */
    scopes: string[];
    /**
     * Why the last refresh failed, when state is REFRESH_FAILED.
     *
     * @generated from field: string refresh_error = 6;
     */
    refreshError: string;
    /**
     * A refresh token is held: the access token is renewed before it expires.
     *
     * @generated from field: bool refreshable = 7;
     */
    refreshable: boolean;
    /**
     * @generated from field: int64 authorized_at_ms = 8;
     */
    authorizedAtMs: bigint;
    /**
     * @generated from field: int64 updated_at_ms = 9;
     */
    updatedAtMs: bigint;
    /**
     * Refreshes that failed for now (unreachable, timeout, 5xx, 429) in a row; 0 since the last
     * success or authorization. Every replica honours the pause that follows.
     *
     * @generated from field: uint32 refresh_failures = 10;
     */
    refreshFailures: number;
    /**
     * No replica tries to refresh before this (unix ms); 0 when no failure is recorded. In the
     * past: the next use of the token refreshes.
     *
     * @generated from field: int64 refresh_paused_until_ms = 11;
     */
    refreshPausedUntilMs: bigint;
    /**
     * What kind of failure the last one was ("HTTP 503", "HTTP 429", or no usable answer); never
     * a token or secret. Empty when no failure is recorded.
     *
     * @generated from field: string refresh_failure_class = 12;
     */
    refreshFailureClass: string;
};
/**
 * Describes the message aiproxy.admin.v1.McpUpstreamAuthorization.
 * Use `create(McpUpstreamAuthorizationSchema)` to create a new message.
 */
export declare const McpUpstreamAuthorizationSchema: GenMessage<McpUpstreamAuthorization>;
/**
 * @generated from message aiproxy.admin.v1.StartMcpUpstreamAuthorizationRequest
 */
export type StartMcpUpstreamAuthorizationRequest = Message<"aiproxy.admin.v1.StartMcpUpstreamAuthorizationRequest"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * @generated from field: string group_id = 2;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.StartMcpUpstreamAuthorizationRequest.
 * Use `create(StartMcpUpstreamAuthorizationRequestSchema)` to create a new message.
 */
export declare const StartMcpUpstreamAuthorizationRequestSchema: GenMessage<StartMcpUpstreamAuthorizationRequest>;
/**
 * @generated from message aiproxy.admin.v1.StartMcpUpstreamAuthorizationResponse
 */
export type StartMcpUpstreamAuthorizationResponse = Message<"aiproxy.admin.v1.StartMcpUpstreamAuthorizationResponse"> & {
    /**
     * Open this in a browser and sign in at the upstream's authorization server.
     *
     * @generated from field: string authorization_url = 1;
     */
    authorizationUrl: string;
    /**
     * The authorization must complete before this (unix ms).
     *
     * @generated from field: int64 expires_at_ms = 2;
     */
    expiresAtMs: bigint;
    /**
     * Where the authorization server sends the browser back.
     *
     * @generated from field: string redirect_uri = 3;
     */
    redirectUri: string;
};
/**
 * Describes the message aiproxy.admin.v1.StartMcpUpstreamAuthorizationResponse.
 * Use `create(StartMcpUpstreamAuthorizationResponseSchema)` to create a new message.
 */
export declare const StartMcpUpstreamAuthorizationResponseSchema: GenMessage<StartMcpUpstreamAuthorizationResponse>;
/**
 * @generated from message aiproxy.admin.v1.GetMcpUpstreamAuthorizationRequest
 */
export type GetMcpUpstreamAuthorizationRequest = Message<"aiproxy.admin.v1.GetMcpUpstreamAuthorizationRequest"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * @generated from field: string group_id = 2;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetMcpUpstreamAuthorizationRequest.
 * Use `create(GetMcpUpstreamAuthorizationRequestSchema)` to create a new message.
 */
export declare const GetMcpUpstreamAuthorizationRequestSchema: GenMessage<GetMcpUpstreamAuthorizationRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpUpstreamAuthorizationsRequest
 */
export type ListMcpUpstreamAuthorizationsRequest = Message<"aiproxy.admin.v1.ListMcpUpstreamAuthorizationsRequest"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpUpstreamAuthorizationsRequest.
 * Use `create(ListMcpUpstreamAuthorizationsRequestSchema)` to create a new message.
 */
export declare const ListMcpUpstreamAuthorizationsRequestSchema: GenMessage<ListMcpUpstreamAuthorizationsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpUpstreamAuthorizationsResponse
 */
export type ListMcpUpstreamAuthorizationsResponse = Message<"aiproxy.admin.v1.ListMcpUpstreamAuthorizationsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.McpUpstreamAuthorization authorizations = 1;
     */
    authorizations: McpUpstreamAuthorization[];
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpUpstreamAuthorizationsResponse.
 * Use `create(ListMcpUpstreamAuthorizationsResponseSchema)` to create a new message.
 */
export declare const ListMcpUpstreamAuthorizationsResponseSchema: GenMessage<ListMcpUpstreamAuthorizationsResponse>;
/**
 * @generated from message aiproxy.admin.v1.RevokeMcpUpstreamAuthorizationRequest
 */
export type RevokeMcpUpstreamAuthorizationRequest = Message<"aiproxy.admin.v1.RevokeMcpUpstreamAuthorizationRequest"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * @generated from field: string group_id = 2;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.RevokeMcpUpstreamAuthorizationRequest.
 * Use `create(RevokeMcpUpstreamAuthorizationRequestSchema)` to create a new message.
 */
export declare const RevokeMcpUpstreamAuthorizationRequestSchema: GenMessage<RevokeMcpUpstreamAuthorizationRequest>;
/**
 * @generated from message aiproxy.admin.v1.McpToolNames
 */
export type McpToolNames = Message<"aiproxy.admin.v1.McpToolNames"> & {
    /**
     * @generated from field: repeated string names = 1;
     */
    names: string[];
};
/**
 * Describes the message aiproxy.admin.v1.McpToolNames.
 * Use `create(McpToolNamesSchema)` to create a new message.
 */
export declare const McpToolNamesSchema: GenMessage<McpToolNames>;
/**
 * One tool of a virtual server.
 *
 * @generated from message aiproxy.admin.v1.McpVirtualTool
 */
export type McpVirtualTool = Message<"aiproxy.admin.v1.McpVirtualTool"> & {
    /**
     * The source server (not virtual; public, or of the virtual server's own group).
     *
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * The tool's name on the source server.
     *
     * @generated from field: string tool = 2;
     */
    tool: string;
    /**
     * The name clients see; the source tool's name when empty.
     *
     * @generated from field: string name = 3;
     */
    name: string;
    /**
     * Replaces the source tool's description when set.
     *
     * @generated from field: optional string description = 4;
     */
    description?: string | undefined;
    /**
     * JSON object of arguments the gateway sets on every call: they are removed from the exposed
     * input schema and written over what the client sends. Not secret: shown on read.
     *
     * @generated from field: string defaults_json = 5;
     */
    defaultsJson: string;
};
/**
 * Describes the message aiproxy.admin.v1.McpVirtualTool.
 * Use `create(McpVirtualToolSchema)` to create a new message.
 */
export declare const McpVirtualToolSchema: GenMessage<McpVirtualTool>;
/**
 * One prompt of a virtual server. Allowed like a tool of its exposed name (group_tools).
 *
 * @generated from message aiproxy.admin.v1.McpVirtualPrompt
 */
export type McpVirtualPrompt = Message<"aiproxy.admin.v1.McpVirtualPrompt"> & {
    /**
     * The source server (not virtual; public, or of the virtual server's own group).
     *
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * The prompt's name on the source server.
     *
     * @generated from field: string prompt = 2;
     */
    prompt: string;
    /**
     * The name clients see; the source prompt's name when empty.
     *
     * @generated from field: string name = 3;
     */
    name: string;
    /**
     * Replaces the source prompt's description when set.
     *
     * @generated from field: optional string description = 4;
     */
    description?: string | undefined;
    /**
     * JSON object of string arguments the gateway sets on every prompts/get: they are removed
     * from the listed arguments and written over what the client sends. Not secret.
     *
     * @generated from field: string defaults_json = 5;
     */
    defaultsJson: string;
};
/**
 * Describes the message aiproxy.admin.v1.McpVirtualPrompt.
 * Use `create(McpVirtualPromptSchema)` to create a new message.
 */
export declare const McpVirtualPromptSchema: GenMessage<McpVirtualPrompt>;
/**
 * One resource, or resource template, of a virtual server.
 *
 * @generated from message aiproxy.admin.v1.McpVirtualResource
 */
export type McpVirtualResource = Message<"aiproxy.admin.v1.McpVirtualResource"> & {
    /**
     * The source server (not virtual; public, or of the virtual server's own group).
     *
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * The resource's URI on the source server, or its URI template (`{expression}`s).
     *
     * @generated from field: string uri = 2;
     */
    uri: string;
    /**
     * The URI (or template) clients see; the source's when empty. A template must have exactly
     * the source template's expressions (no two side by side).
     *
     * @generated from field: string exposed_uri = 3;
     */
    exposedUri: string;
    /**
     * Replaces the source resource's name when set.
     *
     * @generated from field: string name = 4;
     */
    name: string;
    /**
     * Replaces the source resource's description when set.
     *
     * @generated from field: optional string description = 5;
     */
    description?: string | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.McpVirtualResource.
 * Use `create(McpVirtualResourceSchema)` to create a new message.
 */
export declare const McpVirtualResourceSchema: GenMessage<McpVirtualResource>;
/**
 * @generated from message aiproxy.admin.v1.CreateMcpServerRequest
 */
export type CreateMcpServerRequest = Message<"aiproxy.admin.v1.CreateMcpServerRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.McpServer server = 1;
     */
    server?: McpServer | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.CreateMcpServerRequest.
 * Use `create(CreateMcpServerRequestSchema)` to create a new message.
 */
export declare const CreateMcpServerRequestSchema: GenMessage<CreateMcpServerRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetMcpServerRequest
 */
export type GetMcpServerRequest = Message<"aiproxy.admin.v1.GetMcpServerRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetMcpServerRequest.
 * Use `create(GetMcpServerRequestSchema)` to create a new message.
 */
export declare const GetMcpServerRequestSchema: GenMessage<GetMcpServerRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpServersRequest
 */
export type ListMcpServersRequest = Message<"aiproxy.admin.v1.ListMcpServersRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * @generated from field: aiproxy.admin.v1.McpScope scope = 3;
     */
    scope: McpScope;
    /**
     * @generated from field: string group_id = 4;
     */
    groupId: string;
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 5;
     */
    status: Status;
    /**
     * @generated from field: string keyword = 6;
     */
    keyword: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpServersRequest.
 * Use `create(ListMcpServersRequestSchema)` to create a new message.
 */
export declare const ListMcpServersRequestSchema: GenMessage<ListMcpServersRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpServersResponse
 */
export type ListMcpServersResponse = Message<"aiproxy.admin.v1.ListMcpServersResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.McpServer servers = 1;
     */
    servers: McpServer[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
    /**
     * @generated from field: int64 total_size = 3;
     */
    totalSize: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpServersResponse.
 * Use `create(ListMcpServersResponseSchema)` to create a new message.
 */
export declare const ListMcpServersResponseSchema: GenMessage<ListMcpServersResponse>;
/**
 * @generated from message aiproxy.admin.v1.UpdateMcpServerRequest
 */
export type UpdateMcpServerRequest = Message<"aiproxy.admin.v1.UpdateMcpServerRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.McpServer server = 1;
     */
    server?: McpServer | undefined;
    /**
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.UpdateMcpServerRequest.
 * Use `create(UpdateMcpServerRequestSchema)` to create a new message.
 */
export declare const UpdateMcpServerRequestSchema: GenMessage<UpdateMcpServerRequest>;
/**
 * @generated from message aiproxy.admin.v1.DeleteMcpServerRequest
 */
export type DeleteMcpServerRequest = Message<"aiproxy.admin.v1.DeleteMcpServerRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteMcpServerRequest.
 * Use `create(DeleteMcpServerRequestSchema)` to create a new message.
 */
export declare const DeleteMcpServerRequestSchema: GenMessage<DeleteMcpServerRequest>;
/**
 * @generated from message aiproxy.admin.v1.SetMcpServerStatusRequest
 */
export type SetMcpServerStatusRequest = Message<"aiproxy.admin.v1.SetMcpServerStatusRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
    /**
     * @generated from field: aiproxy.admin.v1.Status status = 2;
     */
    status: Status;
};
/**
 * Describes the message aiproxy.admin.v1.SetMcpServerStatusRequest.
 * Use `create(SetMcpServerStatusRequestSchema)` to create a new message.
 */
export declare const SetMcpServerStatusRequestSchema: GenMessage<SetMcpServerStatusRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListTemplatesRequest
 */
export type ListTemplatesRequest = Message<"aiproxy.admin.v1.ListTemplatesRequest"> & {};
/**
 * Describes the message aiproxy.admin.v1.ListTemplatesRequest.
 * Use `create(ListTemplatesRequestSchema)` to create a new message.
 */
export declare const ListTemplatesRequestSchema: GenMessage<ListTemplatesRequest>;
/**
 * @generated from message aiproxy.admin.v1.ListTemplatesResponse
 */
export type ListTemplatesResponse = Message<"aiproxy.admin.v1.ListTemplatesResponse"> & {
    /**
     * Names of the templates, in the order of `template_details` (kept for clients that read
     * names only).
     *
     * @generated from field: repeated string templates = 1;
     */
    templates: string[];
    /**
     * Each template: what it does and the parameters it reads.
     *
     * @generated from field: repeated aiproxy.admin.v1.McpTemplate template_details = 2;
     */
    templateDetails: McpTemplate[];
};
/**
 * Describes the message aiproxy.admin.v1.ListTemplatesResponse.
 * Use `create(ListTemplatesResponseSchema)` to create a new message.
 */
export declare const ListTemplatesResponseSchema: GenMessage<ListTemplatesResponse>;
/**
 * An embedded server template: what `McpServer.template` may name.
 *
 * @generated from message aiproxy.admin.v1.McpTemplate
 */
export type McpTemplate = Message<"aiproxy.admin.v1.McpTemplate"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * What the server does, one line.
     *
     * @generated from field: string description = 2;
     */
    description: string;
    /**
     * Every parameter the template reads, in the template's order. The template ignores any
     * other parameter: one that is not listed here is stored but has no effect.
     *
     * @generated from field: repeated aiproxy.admin.v1.McpTemplateParam params = 3;
     */
    params: McpTemplateParam[];
    /**
     * Display names, descriptions in both languages, tags, readme, logo and homepage.
     *
     * @generated from field: aiproxy.admin.v1.McpCatalogue catalogue = 4;
     */
    catalogue?: McpCatalogue | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.McpTemplate.
 * Use `create(McpTemplateSchema)` to create a new message.
 */
export declare const McpTemplateSchema: GenMessage<McpTemplate>;
/**
 * @generated from message aiproxy.admin.v1.McpTemplateParam
 */
export type McpTemplateParam = Message<"aiproxy.admin.v1.McpTemplateParam"> & {
    /**
     * The key in `McpServer.params` or in a group's parameters.
     *
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * What the value means, its form and default.
     *
     * @generated from field: string description = 2;
     */
    description: string;
    /**
     * @generated from field: aiproxy.admin.v1.McpTemplateParamOwner set_by = 3;
     */
    setBy: McpTemplateParamOwner;
    /**
     * The server does not work (for a group) until it is set.
     *
     * @generated from field: bool required = 4;
     */
    required: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.McpTemplateParam.
 * Use `create(McpTemplateParamSchema)` to create a new message.
 */
export declare const McpTemplateParamSchema: GenMessage<McpTemplateParam>;
/**
 * @generated from message aiproxy.admin.v1.GroupMcpParams
 */
export type GroupMcpParams = Message<"aiproxy.admin.v1.GroupMcpParams"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * @generated from field: string group_id = 2;
     */
    groupId: string;
    /**
     * @generated from field: map<string, string> params = 3;
     */
    params: {
        [key: string]: string;
    };
    /**
     * @generated from field: int64 updated_at_ms = 4;
     */
    updatedAtMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.GroupMcpParams.
 * Use `create(GroupMcpParamsSchema)` to create a new message.
 */
export declare const GroupMcpParamsSchema: GenMessage<GroupMcpParams>;
/**
 * @generated from message aiproxy.admin.v1.SetGroupMcpParamsRequest
 */
export type SetGroupMcpParamsRequest = Message<"aiproxy.admin.v1.SetGroupMcpParamsRequest"> & {
    /**
     * @generated from field: aiproxy.admin.v1.GroupMcpParams params = 1;
     */
    params?: GroupMcpParams | undefined;
};
/**
 * Describes the message aiproxy.admin.v1.SetGroupMcpParamsRequest.
 * Use `create(SetGroupMcpParamsRequestSchema)` to create a new message.
 */
export declare const SetGroupMcpParamsRequestSchema: GenMessage<SetGroupMcpParamsRequest>;
/**
 * @generated from message aiproxy.admin.v1.GetGroupMcpParamsRequest
 */
export type GetGroupMcpParamsRequest = Message<"aiproxy.admin.v1.GetGroupMcpParamsRequest"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * @generated from field: string group_id = 2;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.GetGroupMcpParamsRequest.
 * Use `create(GetGroupMcpParamsRequestSchema)` to create a new message.
 */
export declare const GetGroupMcpParamsRequestSchema: GenMessage<GetGroupMcpParamsRequest>;
/**
 * @generated from message aiproxy.admin.v1.DeleteGroupMcpParamsRequest
 */
export type DeleteGroupMcpParamsRequest = Message<"aiproxy.admin.v1.DeleteGroupMcpParamsRequest"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * @generated from field: string group_id = 2;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.DeleteGroupMcpParamsRequest.
 * Use `create(DeleteGroupMcpParamsRequestSchema)` to create a new message.
 */
export declare const DeleteGroupMcpParamsRequestSchema: GenMessage<DeleteGroupMcpParamsRequest>;
/**
 * @generated from message aiproxy.admin.v1.TestMcpServerRequest
 */
export type TestMcpServerRequest = Message<"aiproxy.admin.v1.TestMcpServerRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
    /**
     * The group whose parameters apply; required for a group server (its own group) and for a
     * public server whose template needs group parameters.
     *
     * @generated from field: string group_id = 2;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.TestMcpServerRequest.
 * Use `create(TestMcpServerRequestSchema)` to create a new message.
 */
export declare const TestMcpServerRequestSchema: GenMessage<TestMcpServerRequest>;
/**
 * @generated from message aiproxy.admin.v1.TestMcpServerResponse
 */
export type TestMcpServerResponse = Message<"aiproxy.admin.v1.TestMcpServerResponse"> & {
    /**
     * @generated from field: bool ok = 1;
     */
    ok: boolean;
    /**
     * Why the server failed (cannot connect, initialize or list), empty when ok.
     *
     * @generated from field: string error = 2;
     */
    error: string;
    /**
     * @generated from field: int32 tool_count = 3;
     */
    toolCount: number;
    /**
     * @generated from field: int64 latency_ms = 4;
     */
    latencyMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.TestMcpServerResponse.
 * Use `create(TestMcpServerResponseSchema)` to create a new message.
 */
export declare const TestMcpServerResponseSchema: GenMessage<TestMcpServerResponse>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpServerToolsRequest
 */
export type ListMcpServerToolsRequest = Message<"aiproxy.admin.v1.ListMcpServerToolsRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
    /**
     * As in TestMcpServerRequest.
     *
     * @generated from field: string group_id = 2;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerToolsRequest.
 * Use `create(ListMcpServerToolsRequestSchema)` to create a new message.
 */
export declare const ListMcpServerToolsRequestSchema: GenMessage<ListMcpServerToolsRequest>;
/**
 * @generated from message aiproxy.admin.v1.McpTool
 */
export type McpTool = Message<"aiproxy.admin.v1.McpTool"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * @generated from field: string title = 2;
     */
    title: string;
    /**
     * @generated from field: string description = 3;
     */
    description: string;
    /**
     * JSON Schema of the arguments, as JSON text.
     *
     * @generated from field: string input_schema_json = 4;
     */
    inputSchemaJson: string;
    /**
     * JSON Schema of the structured result, as JSON text; empty when the tool declares none.
     *
     * @generated from field: string output_schema_json = 5;
     */
    outputSchemaJson: string;
};
/**
 * Describes the message aiproxy.admin.v1.McpTool.
 * Use `create(McpToolSchema)` to create a new message.
 */
export declare const McpToolSchema: GenMessage<McpTool>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpServerToolsResponse
 */
export type ListMcpServerToolsResponse = Message<"aiproxy.admin.v1.ListMcpServerToolsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.McpTool tools = 1;
     */
    tools: McpTool[];
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerToolsResponse.
 * Use `create(ListMcpServerToolsResponseSchema)` to create a new message.
 */
export declare const ListMcpServerToolsResponseSchema: GenMessage<ListMcpServerToolsResponse>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpServerOfferingsRequest
 */
export type ListMcpServerOfferingsRequest = Message<"aiproxy.admin.v1.ListMcpServerOfferingsRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
    /**
     * As in TestMcpServerRequest.
     *
     * @generated from field: string group_id = 2;
     */
    groupId: string;
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerOfferingsRequest.
 * Use `create(ListMcpServerOfferingsRequestSchema)` to create a new message.
 */
export declare const ListMcpServerOfferingsRequestSchema: GenMessage<ListMcpServerOfferingsRequest>;
/**
 * @generated from message aiproxy.admin.v1.McpOfferedPromptArgument
 */
export type McpOfferedPromptArgument = Message<"aiproxy.admin.v1.McpOfferedPromptArgument"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * @generated from field: string description = 2;
     */
    description: string;
    /**
     * @generated from field: bool required = 3;
     */
    required: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.McpOfferedPromptArgument.
 * Use `create(McpOfferedPromptArgumentSchema)` to create a new message.
 */
export declare const McpOfferedPromptArgumentSchema: GenMessage<McpOfferedPromptArgument>;
/**
 * @generated from message aiproxy.admin.v1.McpOfferedPrompt
 */
export type McpOfferedPrompt = Message<"aiproxy.admin.v1.McpOfferedPrompt"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * @generated from field: string title = 2;
     */
    title: string;
    /**
     * @generated from field: string description = 3;
     */
    description: string;
    /**
     * @generated from field: repeated aiproxy.admin.v1.McpOfferedPromptArgument arguments = 4;
     */
    arguments: McpOfferedPromptArgument[];
};
/**
 * Describes the message aiproxy.admin.v1.McpOfferedPrompt.
 * Use `create(McpOfferedPromptSchema)` to create a new message.
 */
export declare const McpOfferedPromptSchema: GenMessage<McpOfferedPrompt>;
/**
 * A resource, or (`template` set) a resource template whose `uri` is the template.
 *
 * @generated from message aiproxy.admin.v1.McpOfferedResource
 */
export type McpOfferedResource = Message<"aiproxy.admin.v1.McpOfferedResource"> & {
    /**
     * @generated from field: string uri = 1;
     */
    uri: string;
    /**
     * @generated from field: string name = 2;
     */
    name: string;
    /**
     * @generated from field: string description = 3;
     */
    description: string;
    /**
     * @generated from field: string mime_type = 4;
     */
    mimeType: string;
    /**
     * @generated from field: bool template = 5;
     */
    template: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.McpOfferedResource.
 * Use `create(McpOfferedResourceSchema)` to create a new message.
 */
export declare const McpOfferedResourceSchema: GenMessage<McpOfferedResource>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpServerOfferingsResponse
 */
export type ListMcpServerOfferingsResponse = Message<"aiproxy.admin.v1.ListMcpServerOfferingsResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.McpOfferedPrompt prompts = 1;
     */
    prompts: McpOfferedPrompt[];
    /**
     * Resources first, then resource templates.
     *
     * @generated from field: repeated aiproxy.admin.v1.McpOfferedResource resources = 2;
     */
    resources: McpOfferedResource[];
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpServerOfferingsResponse.
 * Use `create(ListMcpServerOfferingsResponseSchema)` to create a new message.
 */
export declare const ListMcpServerOfferingsResponseSchema: GenMessage<ListMcpServerOfferingsResponse>;
/**
 * @generated from message aiproxy.admin.v1.CallMcpToolRequest
 */
export type CallMcpToolRequest = Message<"aiproxy.admin.v1.CallMcpToolRequest"> & {
    /**
     * @generated from field: string id = 1;
     */
    id: string;
    /**
     * The group the call is made as, charged and logged for; required.
     *
     * @generated from field: string group_id = 2;
     */
    groupId: string;
    /**
     * @generated from field: string tool = 3;
     */
    tool: string;
    /**
     * A JSON object of the tool's arguments; empty means none.
     *
     * @generated from field: string arguments_json = 4;
     */
    argumentsJson: string;
};
/**
 * Describes the message aiproxy.admin.v1.CallMcpToolRequest.
 * Use `create(CallMcpToolRequestSchema)` to create a new message.
 */
export declare const CallMcpToolRequestSchema: GenMessage<CallMcpToolRequest>;
/**
 * @generated from message aiproxy.admin.v1.CallMcpToolResponse
 */
export type CallMcpToolResponse = Message<"aiproxy.admin.v1.CallMcpToolResponse"> & {
    /**
     * The MCP `tools/call` result (content, structuredContent, isError) as JSON text.
     *
     * @generated from field: string result_json = 1;
     */
    resultJson: string;
    /**
     * The tool answered with `isError: true`.
     *
     * @generated from field: bool is_error = 2;
     */
    isError: boolean;
    /**
     * @generated from field: int64 latency_ms = 3;
     */
    latencyMs: bigint;
};
/**
 * Describes the message aiproxy.admin.v1.CallMcpToolResponse.
 * Use `create(CallMcpToolResponseSchema)` to create a new message.
 */
export declare const CallMcpToolResponseSchema: GenMessage<CallMcpToolResponse>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpToolChangesRequest
 */
export type ListMcpToolChangesRequest = Message<"aiproxy.admin.v1.ListMcpToolChangesRequest"> & {
    /**
     * One server, or every server when empty.
     *
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * Also list the changes already rejected.
     *
     * @generated from field: bool include_rejected = 2;
     */
    includeRejected: boolean;
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesRequest.
 * Use `create(ListMcpToolChangesRequestSchema)` to create a new message.
 */
export declare const ListMcpToolChangesRequestSchema: GenMessage<ListMcpToolChangesRequest>;
/**
 * One pinned item: its kind and its name within the kind (a resource's URI, a template's URI
 * template).
 *
 * @generated from message aiproxy.admin.v1.McpPinnedItem
 */
export type McpPinnedItem = Message<"aiproxy.admin.v1.McpPinnedItem"> & {
    /**
     * @generated from field: aiproxy.admin.v1.McpPinnedItemKind kind = 1;
     */
    kind: McpPinnedItemKind;
    /**
     * @generated from field: string name = 2;
     */
    name: string;
};
/**
 * Describes the message aiproxy.admin.v1.McpPinnedItem.
 * Use `create(McpPinnedItemSchema)` to create a new message.
 */
export declare const McpPinnedItemSchema: GenMessage<McpPinnedItem>;
/**
 * Something the poisoning scan found in a tool's definition.
 *
 * @generated from message aiproxy.admin.v1.McpToolFinding
 */
export type McpToolFinding = Message<"aiproxy.admin.v1.McpToolFinding"> & {
    /**
     * `instruction` (words to the model), `hidden_unicode` (zero-width, bidi overrides, tag
     * characters) or `exfiltration_url` (a markdown image or placeholder URL with a query).
     *
     * @generated from field: string kind = 1;
     */
    kind: string;
    /**
     * `description`, or a JSON pointer into the definition (`/inputSchema/properties/q/description`).
     *
     * @generated from field: string location = 2;
     */
    location: string;
    /**
     * The text around it, hidden characters shown as `<U+200B>`.
     *
     * @generated from field: string excerpt = 3;
     */
    excerpt: string;
};
/**
 * Describes the message aiproxy.admin.v1.McpToolFinding.
 * Use `create(McpToolFindingSchema)` to create a new message.
 */
export declare const McpToolFindingSchema: GenMessage<McpToolFinding>;
/**
 * @generated from message aiproxy.admin.v1.McpToolChange
 */
export type McpToolChange = Message<"aiproxy.admin.v1.McpToolChange"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * @generated from field: string tool_name = 2;
     */
    toolName: string;
    /**
     * @generated from field: aiproxy.admin.v1.McpToolChangeKind kind = 3;
     */
    kind: McpToolChangeKind;
    /**
     * The approved definition (canonical JSON of name, title, description, schemas and
     * annotations); empty for a tool never approved.
     *
     * @generated from field: string approved_definition_json = 4;
     */
    approvedDefinitionJson: string;
    /**
     * The definition the upstream offers; empty for a removal.
     *
     * @generated from field: string offered_definition_json = 5;
     */
    offeredDefinitionJson: string;
    /**
     * @generated from field: repeated aiproxy.admin.v1.McpToolFinding findings = 6;
     */
    findings: McpToolFinding[];
    /**
     * @generated from field: bool rejected = 7;
     */
    rejected: boolean;
    /**
     * @generated from field: int64 detected_at_ms = 8;
     */
    detectedAtMs: bigint;
    /**
     * @generated from field: int64 approved_at_ms = 9;
     */
    approvedAtMs: bigint;
    /**
     * What changed: a tool, prompt, resource or resource template; `tool_name` is its name
     * within the kind (a resource's URI, a template's URI template). The definitions hold the
     * kind's pinned fields (a prompt's arguments, a resource's URI and MIME type).
     *
     * @generated from field: aiproxy.admin.v1.McpPinnedItemKind item_kind = 20;
     */
    itemKind: McpPinnedItemKind;
};
/**
 * Describes the message aiproxy.admin.v1.McpToolChange.
 * Use `create(McpToolChangeSchema)` to create a new message.
 */
export declare const McpToolChangeSchema: GenMessage<McpToolChange>;
/**
 * @generated from message aiproxy.admin.v1.ListMcpToolChangesResponse
 */
export type ListMcpToolChangesResponse = Message<"aiproxy.admin.v1.ListMcpToolChangesResponse"> & {
    /**
     * @generated from field: repeated aiproxy.admin.v1.McpToolChange changes = 1;
     */
    changes: McpToolChange[];
};
/**
 * Describes the message aiproxy.admin.v1.ListMcpToolChangesResponse.
 * Use `create(ListMcpToolChangesResponseSchema)` to create a new message.
 */
export declare const ListMcpToolChangesResponseSchema: GenMessage<ListMcpToolChangesResponse>;
/**
 * @generated from message aiproxy.admin.v1.ApproveMcpServerToolsRequest
 */
export type ApproveMcpServerToolsRequest = Message<"aiproxy.admin.v1.ApproveMcpServerToolsRequest"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * Items of `item_kind` to approve; empty approves every change of the server (every kind).
     *
     * @generated from field: repeated string tool_names = 2;
     */
    toolNames: string[];
    /**
     * For a server not pinned yet: the group whose parameters apply when listing it (as in
     * TestMcpServerRequest).
     *
     * @generated from field: string group_id = 3;
     */
    groupId: string;
    /**
     * The kind of the items `tool_names` names (unspecified: tools).
     *
     * @generated from field: aiproxy.admin.v1.McpPinnedItemKind item_kind = 20;
     */
    itemKind: McpPinnedItemKind;
};
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsRequest.
 * Use `create(ApproveMcpServerToolsRequestSchema)` to create a new message.
 */
export declare const ApproveMcpServerToolsRequestSchema: GenMessage<ApproveMcpServerToolsRequest>;
/**
 * @generated from message aiproxy.admin.v1.ApproveMcpServerToolsResponse
 */
export type ApproveMcpServerToolsResponse = Message<"aiproxy.admin.v1.ApproveMcpServerToolsResponse"> & {
    /**
     * The names of the items approved (of every kind).
     *
     * @generated from field: repeated string tool_names = 1;
     */
    toolNames: string[];
    /**
     * The items approved, with their kinds.
     *
     * @generated from field: repeated aiproxy.admin.v1.McpPinnedItem items = 20;
     */
    items: McpPinnedItem[];
};
/**
 * Describes the message aiproxy.admin.v1.ApproveMcpServerToolsResponse.
 * Use `create(ApproveMcpServerToolsResponseSchema)` to create a new message.
 */
export declare const ApproveMcpServerToolsResponseSchema: GenMessage<ApproveMcpServerToolsResponse>;
/**
 * @generated from message aiproxy.admin.v1.RejectMcpServerToolsRequest
 */
export type RejectMcpServerToolsRequest = Message<"aiproxy.admin.v1.RejectMcpServerToolsRequest"> & {
    /**
     * @generated from field: string server_id = 1;
     */
    serverId: string;
    /**
     * Items of `item_kind` to reject; empty rejects every pending change of the server.
     *
     * @generated from field: repeated string tool_names = 2;
     */
    toolNames: string[];
    /**
     * The kind of the items `tool_names` names (unspecified: tools).
     *
     * @generated from field: aiproxy.admin.v1.McpPinnedItemKind item_kind = 20;
     */
    itemKind: McpPinnedItemKind;
};
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsRequest.
 * Use `create(RejectMcpServerToolsRequestSchema)` to create a new message.
 */
export declare const RejectMcpServerToolsRequestSchema: GenMessage<RejectMcpServerToolsRequest>;
/**
 * @generated from message aiproxy.admin.v1.RejectMcpServerToolsResponse
 */
export type RejectMcpServerToolsResponse = Message<"aiproxy.admin.v1.RejectMcpServerToolsResponse"> & {
    /**
     * The names of the items rejected (of every kind).
     *
     * @generated from field: repeated string tool_names = 1;
     */
    toolNames: string[];
    /**
     * The items rejected, with their kinds.
     *
     * @generated from field: repeated aiproxy.admin.v1.McpPinnedItem items = 20;
     */
    items: McpPinnedItem[];
};
/**
 * Describes the message aiproxy.admin.v1.RejectMcpServerToolsResponse.
 * Use `create(RejectMcpServerToolsResponseSchema)` to create a new message.
 */
export declare const RejectMcpServerToolsResponseSchema: GenMessage<RejectMcpServerToolsResponse>;
/**
 * @generated from enum aiproxy.admin.v1.McpScope
 */
export declare enum McpScope {
    /**
     * @generated from enum value: MCP_SCOPE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * Every group may use it.
     *
     * @generated from enum value: MCP_SCOPE_PUBLIC = 1;
     */
    PUBLIC = 1,
    /**
     * Only `group_id` may use it.
     *
     * @generated from enum value: MCP_SCOPE_GROUP = 2;
     */
    GROUP = 2
}
/**
 * Describes the enum aiproxy.admin.v1.McpScope.
 */
export declare const McpScopeSchema: GenEnum<McpScope>;
/**
 * @generated from enum aiproxy.admin.v1.McpServerType
 */
export declare enum McpServerType {
    /**
     * @generated from enum value: MCP_SERVER_TYPE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: MCP_SERVER_TYPE_EMBEDDED = 1;
     */
    EMBEDDED = 1,
    /**
     * @generated from enum value: MCP_SERVER_TYPE_PROXY_STREAMABLE = 2;
     */
    PROXY_STREAMABLE = 2,
    /**
     * @generated from enum value: MCP_SERVER_TYPE_PROXY_SSE = 3;
     */
    PROXY_SSE = 3,
    /**
     * @generated from enum value: MCP_SERVER_TYPE_OPENAPI = 4;
     */
    OPENAPI = 4,
    /**
     * Chosen tools, prompts and resources of other servers (virtual_tools, virtual_prompts,
     * virtual_resources), served under this server's id.
     *
     * @generated from enum value: MCP_SERVER_TYPE_VIRTUAL = 5;
     */
    VIRTUAL = 5,
    /**
     * A gRPC service at url (http:// for HTTP/2 without TLS, https:// for TLS): each unary and
     * server-streaming method is a tool, described through server reflection (v1, else v1alpha)
     * or the FileDescriptorSet in params["descriptor_set"] (base64). headers and the groups'
     * parameters are sent as metadata; params["allow_private_network"] = "true" lets it reach
     * loopback and private addresses (refused by default, as for OpenAPI servers).
     *
     * @generated from enum value: MCP_SERVER_TYPE_GRPC = 6;
     */
    GRPC = 6,
    /**
     * A catalogue entry only: describes a server users run elsewhere (`catalogue.readme`,
     * `homepage`, `install`). Listed, never served: its /mcp route answers 404 saying so.
     *
     * @generated from enum value: MCP_SERVER_TYPE_DOCS = 7;
     */
    DOCS = 7
}
/**
 * Describes the enum aiproxy.admin.v1.McpServerType.
 */
export declare const McpServerTypeSchema: GenEnum<McpServerType>;
/**
 * @generated from enum aiproxy.admin.v1.McpUpstreamAuthorizationState
 */
export declare enum McpUpstreamAuthorizationState {
    /**
     * @generated from enum value: MCP_UPSTREAM_AUTHORIZATION_STATE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * No tokens held for the group: its calls get an error saying an admin must authorize.
     *
     * @generated from enum value: MCP_UPSTREAM_AUTHORIZATION_STATE_NOT_AUTHORIZED = 1;
     */
    NOT_AUTHORIZED = 1,
    /**
     * Tokens held, valid until `expires_at_ms` (refreshed before then when refreshable).
     *
     * @generated from enum value: MCP_UPSTREAM_AUTHORIZATION_STATE_AUTHORIZED = 2;
     */
    AUTHORIZED = 2,
    /**
     * The last refresh failed (`refresh_error`): an admin must authorize again.
     *
     * @generated from enum value: MCP_UPSTREAM_AUTHORIZATION_STATE_REFRESH_FAILED = 3;
     */
    REFRESH_FAILED = 3
}
/**
 * Describes the enum aiproxy.admin.v1.McpUpstreamAuthorizationState.
 */
export declare const McpUpstreamAuthorizationStateSchema: GenEnum<McpUpstreamAuthorizationState>;
/**
 * Who gives a template parameter its value.
 *
 * @generated from enum aiproxy.admin.v1.McpTemplateParamOwner
 */
export declare enum McpTemplateParamOwner {
    /**
     * @generated from enum value: MCP_TEMPLATE_PARAM_OWNER_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * The admin, once for the server: `McpServer.params`.
     *
     * @generated from enum value: MCP_TEMPLATE_PARAM_OWNER_ADMIN = 1;
     */
    ADMIN = 1,
    /**
     * Each group for itself: `SetGroupMcpParams` (name it in `required_group_params` to make
     * every group set it before the server is offered to it).
     *
     * @generated from enum value: MCP_TEMPLATE_PARAM_OWNER_GROUP = 2;
     */
    GROUP = 2
}
/**
 * Describes the enum aiproxy.admin.v1.McpTemplateParamOwner.
 */
export declare const McpTemplateParamOwnerSchema: GenEnum<McpTemplateParamOwner>;
/**
 * What a pin pins.
 *
 * @generated from enum aiproxy.admin.v1.McpPinnedItemKind
 */
export declare enum McpPinnedItemKind {
    /**
     * Read as a tool.
     *
     * @generated from enum value: MCP_PINNED_ITEM_KIND_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: MCP_PINNED_ITEM_KIND_TOOL = 1;
     */
    TOOL = 1,
    /**
     * @generated from enum value: MCP_PINNED_ITEM_KIND_PROMPT = 2;
     */
    PROMPT = 2,
    /**
     * Pinned by its URI.
     *
     * @generated from enum value: MCP_PINNED_ITEM_KIND_RESOURCE = 3;
     */
    RESOURCE = 3,
    /**
     * Pinned by its URI template.
     *
     * @generated from enum value: MCP_PINNED_ITEM_KIND_RESOURCE_TEMPLATE = 4;
     */
    RESOURCE_TEMPLATE = 4
}
/**
 * Describes the enum aiproxy.admin.v1.McpPinnedItemKind.
 */
export declare const McpPinnedItemKindSchema: GenEnum<McpPinnedItemKind>;
/**
 * @generated from enum aiproxy.admin.v1.McpToolChangeKind
 */
export declare enum McpToolChangeKind {
    /**
     * @generated from enum value: MCP_TOOL_CHANGE_KIND_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * An approved tool is offered with another definition.
     *
     * @generated from enum value: MCP_TOOL_CHANGE_KIND_CHANGED = 1;
     */
    CHANGED = 1,
    /**
     * A tool without an approved definition is offered (or was flagged when the server was
     * pinned).
     *
     * @generated from enum value: MCP_TOOL_CHANGE_KIND_NEW = 2;
     */
    NEW = 2,
    /**
     * An approved tool is no longer offered.
     *
     * @generated from enum value: MCP_TOOL_CHANGE_KIND_REMOVED = 3;
     */
    REMOVED = 3
}
/**
 * Describes the enum aiproxy.admin.v1.McpToolChangeKind.
 */
export declare const McpToolChangeKindSchema: GenEnum<McpToolChangeKind>;
/**
 * @generated from service aiproxy.admin.v1.McpService
 */
export declare const McpService: GenService<{
    /**
     * @generated from rpc aiproxy.admin.v1.McpService.CreateMcpServer
     */
    createMcpServer: {
        methodKind: "unary";
        input: typeof CreateMcpServerRequestSchema;
        output: typeof McpServerSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.McpService.GetMcpServer
     */
    getMcpServer: {
        methodKind: "unary";
        input: typeof GetMcpServerRequestSchema;
        output: typeof McpServerSchema;
    };
    /**
     * Lists servers; `keyword` searches the id, template and URL.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.ListMcpServers
     */
    listMcpServers: {
        methodKind: "unary";
        input: typeof ListMcpServersRequestSchema;
        output: typeof ListMcpServersResponseSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.McpService.UpdateMcpServer
     */
    updateMcpServer: {
        methodKind: "unary";
        input: typeof UpdateMcpServerRequestSchema;
        output: typeof McpServerSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.McpService.DeleteMcpServer
     */
    deleteMcpServer: {
        methodKind: "unary";
        input: typeof DeleteMcpServerRequestSchema;
        output: typeof EmptySchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.McpService.SetMcpServerStatus
     */
    setMcpServerStatus: {
        methodKind: "unary";
        input: typeof SetMcpServerStatusRequestSchema;
        output: typeof McpServerSchema;
    };
    /**
     * The embedded server templates this build offers: names, and each one described with the
     * parameters it reads and its catalogue entry. Test fixtures are not listed (nor creatable).
     *
     * @generated from rpc aiproxy.admin.v1.McpService.ListTemplates
     */
    listTemplates: {
        methodKind: "unary";
        input: typeof ListTemplatesRequestSchema;
        output: typeof ListTemplatesResponseSchema;
    };
    /**
     * Connects to the server as `group_id` would use it (its parameters applied), initializes
     * and lists its tools. Answers ok or the reason it failed; never an RPC error for a server
     * that exists but does not work.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.TestMcpServer
     */
    testMcpServer: {
        methodKind: "unary";
        input: typeof TestMcpServerRequestSchema;
        output: typeof TestMcpServerResponseSchema;
    };
    /**
     * The tools the server offers to `group_id`: names, descriptions and input schemas.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.ListMcpServerTools
     */
    listMcpServerTools: {
        methodKind: "unary";
        input: typeof ListMcpServerToolsRequestSchema;
        output: typeof ListMcpServerToolsResponseSchema;
    };
    /**
     * The prompts, resources and resource templates the server offers to `group_id` (what a
     * virtual server may compose): names, descriptions, prompt arguments.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.ListMcpServerOfferings
     */
    listMcpServerOfferings: {
        methodKind: "unary";
        input: typeof ListMcpServerOfferingsRequestSchema;
        output: typeof ListMcpServerOfferingsResponseSchema;
    };
    /**
     * Calls one tool of the server as `group_id` calls it through /mcp (the panel's try-it): the
     * group's parameters and tool allow-list, the tool pins, and the group's limits, quotas and
     * balance apply; the call is charged to the group and logged as its call (token id 0, token
     * name `admin:<key name>`), and audited as the key's action. The group's MCP refusals come
     * back as RPC errors (an unknown or hidden tool INVALID_ARGUMENT, a limit RESOURCE_EXHAUSTED);
     * a tool's own error is a result with `is_error`.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.CallMcpTool
     */
    callMcpTool: {
        methodKind: "unary";
        input: typeof CallMcpToolRequestSchema;
        output: typeof CallMcpToolResponseSchema;
    };
    /**
     * Parameters (usually credentials) one group supplies to a server. Write-only: reads mask
     * every value.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.SetGroupMcpParams
     */
    setGroupMcpParams: {
        methodKind: "unary";
        input: typeof SetGroupMcpParamsRequestSchema;
        output: typeof GroupMcpParamsSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.McpService.GetGroupMcpParams
     */
    getGroupMcpParams: {
        methodKind: "unary";
        input: typeof GetGroupMcpParamsRequestSchema;
        output: typeof GroupMcpParamsSchema;
    };
    /**
     * @generated from rpc aiproxy.admin.v1.McpService.DeleteGroupMcpParams
     */
    deleteGroupMcpParams: {
        methodKind: "unary";
        input: typeof DeleteGroupMcpParamsRequestSchema;
        output: typeof EmptySchema;
    };
    /**
     * Pinning of remote servers (proxied and OpenAPI): the changes their upstreams offer against
     * the approved tool, prompt, resource and resource template definitions, quarantined until
     * reviewed. Each kind of a server is pinned on its first listing; an item the poisoning scan
     * flags waits for approval from the start.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.ListMcpToolChanges
     */
    listMcpToolChanges: {
        methodKind: "unary";
        input: typeof ListMcpToolChangesRequestSchema;
        output: typeof ListMcpToolChangesResponseSchema;
    };
    /**
     * Approves the named changes of a server (all when none is named): an offered definition
     * becomes the approved one, a removal drops the tool's pin. On a server not pinned yet, pins
     * what it lists now (flagged tools included: the admin approved them).
     *
     * @generated from rpc aiproxy.admin.v1.McpService.ApproveMcpServerTools
     */
    approveMcpServerTools: {
        methodKind: "unary";
        input: typeof ApproveMcpServerToolsRequestSchema;
        output: typeof ApproveMcpServerToolsResponseSchema;
    };
    /**
     * Rejects the named changes (all when none is named): the tools stay quarantined and the
     * same offer is not reported again.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.RejectMcpServerTools
     */
    rejectMcpServerTools: {
        methodKind: "unary";
        input: typeof RejectMcpServerToolsRequestSchema;
        output: typeof RejectMcpServerToolsResponseSchema;
    };
    /**
     * Upstream OAuth of a proxied server whose `upstream_oauth` is set: the gateway holds each
     * group's access and refresh tokens and sends the calling group's token upstream. Starts an
     * authorization of `group_id` (authorization-code flow with PKCE S256 and the `resource`
     * parameter): discovery from the upstream's 401, dynamic client registration when no
     * client id is configured, and the URL for an admin to open. The authorization server
     * redirects to `<public url>/mcp/oauth/callback`, which stores the tokens.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.StartMcpUpstreamAuthorization
     */
    startMcpUpstreamAuthorization: {
        methodKind: "unary";
        input: typeof StartMcpUpstreamAuthorizationRequestSchema;
        output: typeof StartMcpUpstreamAuthorizationResponseSchema;
    };
    /**
     * The state of one group's authorization; never the tokens.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.GetMcpUpstreamAuthorization
     */
    getMcpUpstreamAuthorization: {
        methodKind: "unary";
        input: typeof GetMcpUpstreamAuthorizationRequestSchema;
        output: typeof McpUpstreamAuthorizationSchema;
    };
    /**
     * The groups authorized on a server (within the key's groups), with their states.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.ListMcpUpstreamAuthorizations
     */
    listMcpUpstreamAuthorizations: {
        methodKind: "unary";
        input: typeof ListMcpUpstreamAuthorizationsRequestSchema;
        output: typeof ListMcpUpstreamAuthorizationsResponseSchema;
    };
    /**
     * Forgets the group's tokens: its calls then get the "needs authorization" error.
     *
     * @generated from rpc aiproxy.admin.v1.McpService.RevokeMcpUpstreamAuthorization
     */
    revokeMcpUpstreamAuthorization: {
        methodKind: "unary";
        input: typeof RevokeMcpUpstreamAuthorizationRequestSchema;
        output: typeof EmptySchema;
    };
}>;
