//! The one table of what each control-plane RPC needs (read or write; global, group-scoped, admin-only or open), and the check of a key against it.
//!
//! Every transport names what it runs as an RPC of this table: gRPC by its path, the REST
//! admin API by its route (`edges::rest::access`), `/mcp/admin` by its tool
//! (`mcp_host::admin`). An RPC missing from the table is admin-only, so an RPC added without a
//! rule is refused to every other role rather than allowed (and `rules_cover_every_rpc` in
//! `hub/tests/admin_access.rs` names it).

use super::{AdminPrincipal, Denied, Role};

/// What an RPC reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Configuration shared by every group (channels, model configs, public MCP servers,
    /// options, the whole document, group settings): refused to group-scoped keys.
    Global,
    /// Objects of one group (tokens, logs, group model overrides, group MCP servers and
    /// parameters, reading groups): a scoped key gets them for its groups only; the RPC checks
    /// the objects it touches and filters what it lists.
    Group,
    /// Admin keys and option writes: keys of the admin role without a group scope only.
    AdminOnly,
    /// Catalogues without tenant data and the key's own identity: any key.
    Open,
}

/// What one RPC needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub write: bool,
    pub reach: Reach,
}

const fn read(reach: Reach) -> Rule {
    Rule {
        write: false,
        reach,
    }
}

const fn write(reach: Reach) -> Rule {
    Rule { write: true, reach }
}

use Reach::{AdminOnly, Global, Group, Open};

/// `Service/Method` (the gRPC path without the package) and what it needs. Tests call
/// upstreams (and cost money): they are writes.
pub const RULES: &[(&str, Rule)] = &[
    ("AccessService/CreateAdminKey", write(AdminOnly)),
    ("AccessService/ListAdminKeys", read(AdminOnly)),
    ("AccessService/RevokeAdminKey", write(AdminOnly)),
    ("AccessService/ListAuditEvents", read(Global)),
    ("AccessService/WhoAmI", read(Open)),
    ("ChannelService/CreateChannel", write(Global)),
    ("ChannelService/GetChannel", read(Global)),
    ("ChannelService/ListChannels", read(Global)),
    ("ChannelService/UpdateChannel", write(Global)),
    ("ChannelService/DeleteChannel", write(Global)),
    ("ChannelService/BatchDeleteChannels", write(Global)),
    ("ChannelService/SetChannelStatus", write(Global)),
    ("ChannelService/ListChannelTypes", read(Open)),
    ("ChannelService/ListChannelBans", read(Global)),
    ("ChannelService/ClearChannelBans", write(Global)),
    ("ChannelService/TestChannel", write(Global)),
    ("ChannelService/TestChannels", write(Global)),
    ("ChannelService/PreviewChannelTest", write(Global)),
    ("ChannelService/CreateChannels", write(Global)),
    ("ChannelService/UpdateChannelBalance", write(Global)),
    ("ChannelService/SetChannelBalanceSettings", write(Global)),
    ("ConfigService/Apply", write(Global)),
    ("ConfigService/Export", read(Global)),
    ("ConfigService/Watch", read(Global)),
    ("ConfigService/GetRevision", read(Global)),
    ("GroupService/CreateGroup", write(Global)),
    ("GroupService/GetGroup", read(Group)),
    ("GroupService/ListGroups", read(Group)),
    ("GroupService/UpdateGroup", write(Global)),
    ("GroupService/DeleteGroup", write(Global)),
    ("GroupService/BatchDeleteGroups", write(Global)),
    ("GroupService/SetGroupStatus", write(Global)),
    ("LogService/ListLogs", read(Group)),
    ("LogService/GetLog", read(Group)),
    ("LogService/ExportLogs", read(Group)),
    ("LogService/DeleteLogs", write(Global)),
    ("LogService/GetSummary", read(Group)),
    ("LogService/GetTotals", read(Group)),
    ("LogService/GetRanking", read(Global)),
    ("LogService/GetCurrentRates", read(Global)),
    ("McpService/CreateMcpServer", write(Group)),
    ("McpService/GetMcpServer", read(Group)),
    ("McpService/ListMcpServers", read(Group)),
    ("McpService/UpdateMcpServer", write(Group)),
    ("McpService/DeleteMcpServer", write(Group)),
    ("McpService/SetMcpServerStatus", write(Group)),
    ("McpService/ListTemplates", read(Open)),
    ("McpService/TestMcpServer", write(Group)),
    ("McpService/ListMcpServerTools", read(Group)),
    ("McpService/ListMcpServerOfferings", read(Group)),
    // Runs a tool charged to the group: a write, audited.
    ("McpService/CallMcpTool", write(Group)),
    ("McpService/SetGroupMcpParams", write(Group)),
    ("McpService/GetGroupMcpParams", read(Group)),
    ("McpService/DeleteGroupMcpParams", write(Group)),
    // Tool pins guard what every group's callers are served: keys without a group scope only.
    ("McpService/ListMcpToolChanges", read(Global)),
    ("McpService/ApproveMcpServerTools", write(Global)),
    ("McpService/RejectMcpServerTools", write(Global)),
    ("McpService/StartMcpUpstreamAuthorization", write(Group)),
    ("McpService/GetMcpUpstreamAuthorization", read(Group)),
    ("McpService/ListMcpUpstreamAuthorizations", read(Group)),
    ("McpService/RevokeMcpUpstreamAuthorization", write(Group)),
    ("ModelService/CreateModelConfig", write(Global)),
    ("ModelService/GetModelConfig", read(Global)),
    ("ModelService/ListModelConfigs", read(Global)),
    ("ModelService/UpdateModelConfig", write(Global)),
    ("ModelService/DeleteModelConfig", write(Global)),
    ("ModelService/BatchDeleteModelConfigs", write(Global)),
    ("ModelService/PutGroupModelOverride", write(Group)),
    ("ModelService/GetGroupModelOverride", read(Group)),
    ("ModelService/ListGroupModelOverrides", read(Group)),
    ("ModelService/DeleteGroupModelOverride", write(Group)),
    ("ModelService/ListServedModels", read(Global)),
    ("ModelService/ListBuiltinModels", read(Global)),
    ("ModelService/ImportBuiltinModels", write(Global)),
    ("OptionService/GetOption", read(Global)),
    ("OptionService/ListOptions", read(Global)),
    ("OptionService/SetOption", write(AdminOnly)),
    ("OptionService/SetOptions", write(AdminOnly)),
    ("OptionService/DeleteOption", write(AdminOnly)),
    ("TokenService/CreateToken", write(Group)),
    ("TokenService/GetToken", read(Group)),
    ("TokenService/ListTokens", read(Group)),
    ("TokenService/UpdateToken", write(Group)),
    ("TokenService/DeleteToken", write(Group)),
    ("TokenService/BatchDeleteTokens", write(Group)),
    ("TokenService/SetTokenStatus", write(Group)),
];

/// What `rpc` (`Service/Method`) needs; an RPC without a rule is an admin-only write.
pub fn rule(rpc: &str) -> Rule {
    RULES
        .iter()
        .find(|(name, _)| *name == rpc)
        .map_or(write(AdminOnly), |(_, rule)| *rule)
}

/// What a write that stored no object acted on (its audit event's `object_kind`), from its
/// service's name.
pub fn object_kind(rpc: &str) -> &'static str {
    match rpc.split('/').next().unwrap_or_default() {
        "ChannelService" => "channel",
        "LogService" => "request_log",
        "McpService" => "mcp_server",
        "ConfigService" => "config",
        "TokenService" => "token",
        "GroupService" => "group",
        "ModelService" => "model",
        "OptionService" => "option",
        "AccessService" => "admin_key",
        _ => "",
    }
}

/// `Service/Method` of a gRPC path (`/aiproxy.admin.v1.TokenService/CreateToken`).
pub fn rpc_of_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/aiproxy.admin.v1.")?;
    rest.contains('/').then_some(rest)
}

impl AdminPrincipal {
    /// Whether this key may run `rpc` at all. For group-scoped RPCs the RPC itself then checks
    /// the objects it touches against the key's groups (`access::group_scope`).
    pub fn authorize(&self, rpc: &str) -> Result<Rule, Denied> {
        let rule = rule(rpc);
        let scoped = self.groups.is_some();
        if rule.write && self.role == Role::Viewer {
            return Err(Denied(format!("{rpc}: viewer keys only read")));
        }
        match rule.reach {
            Reach::Open => {}
            Reach::Group => {}
            Reach::Global if scoped => {
                return Err(Denied(format!(
                    "{rpc}: a key scoped to groups reaches only their tokens, logs, model \
                     overrides and MCP servers"
                )));
            }
            Reach::Global => {}
            Reach::AdminOnly if self.role != Role::Admin || scoped => {
                return Err(Denied(format!(
                    "{rpc}: admin keys and option writes need an admin key without a group scope"
                )));
            }
            Reach::AdminOnly => {}
        }
        Ok(rule)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use super::*;

    fn key(role: Role, groups: Option<&[&str]>) -> AdminPrincipal {
        AdminPrincipal {
            key_id: 7,
            name: "k".to_owned(),
            role,
            groups: groups.map(|groups| {
                Arc::new(
                    groups
                        .iter()
                        .map(|g| (*g).to_owned())
                        .collect::<BTreeSet<_>>(),
                )
            }),
        }
    }

    #[test]
    fn roles_and_scopes_against_the_table() {
        let check = |principal: &AdminPrincipal, rpc: &str| principal.authorize(rpc).is_ok();
        let admin = key(Role::Admin, None);
        let operator = key(Role::Operator, None);
        let viewer = key(Role::Viewer, None);
        let scoped = key(Role::Operator, Some(&["acme"]));
        for principal in [&admin, &operator, &viewer, &scoped] {
            assert!(check(principal, "TokenService/ListTokens"));
            assert!(check(principal, "AccessService/WhoAmI"));
        }
        assert!(check(&admin, "AccessService/CreateAdminKey"));
        assert!(!check(&operator, "AccessService/CreateAdminKey"));
        assert!(!check(&operator, "OptionService/SetOption"));
        assert!(check(&operator, "OptionService/ListOptions"));
        assert!(check(&operator, "ChannelService/CreateChannel"));
        assert!(!check(&viewer, "ChannelService/CreateChannel"));
        assert!(check(&viewer, "ChannelService/ListChannels"));
        assert!(!check(&scoped, "ChannelService/ListChannels"));
        assert!(check(&scoped, "TokenService/CreateToken"));
        assert!(!check(
            &key(Role::Admin, Some(&["acme"])),
            "AccessService/ListAdminKeys"
        ));
        // Unknown RPCs are admin-only writes.
        assert!(check(&admin, "NewService/Anything"));
        assert!(!check(&operator, "NewService/Anything"));
        assert_eq!(
            rpc_of_path("/aiproxy.admin.v1.TokenService/CreateToken"),
            Some("TokenService/CreateToken")
        );
        assert_eq!(rpc_of_path("/grpc.health.v1.Health/Check"), None);
    }
}
