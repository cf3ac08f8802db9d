//! The `mcp_servers` and `group_mcp_params` tables. Headers, query values, params and the
//! OpenAPI source (credentials) are sealed at rest (see `sealed.rs`).

use std::collections::BTreeMap;

use sqlx::any::AnyRow;

use super::rows::{self, bool_int, decimal_text, to_json};
use super::sealed::Sealer;
use super::sql::{Sql, Statement};
use super::table::Table;
use super::{
    GroupMcpParams, Listing, McpFilter, McpScope, McpServer, McpServerKind, Page, Status, Store,
    StoreError, StoreTx, conflict, not_found, now_ms, validate,
};

macro_rules! columns {
    () => {
        "id, scope, group_id, type, template, url, headers, query, params, openapi, status, \
         price_per_call, required_group_params, tool_prices, group_tools, virtual_tools, \
         catalogue, virtual_prompts, virtual_resources, upstream_oauth, aggregate_unprefixed, \
         created_at, updated_at"
    };
}

const KIND: &str = McpServer::KIND;
const COLUMN_HEADERS: &str = "mcp_servers.headers";
const COLUMN_QUERY: &str = "mcp_servers.query";
const COLUMN_PARAMS: &str = "mcp_servers.params";
const COLUMN_OPENAPI: &str = "mcp_servers.openapi";
const COLUMN_GROUP_PARAMS: &str = "group_mcp_params.params";
const COLUMN_UPSTREAM_OAUTH: &str = "mcp_servers.upstream_oauth";

impl Table for McpServer {
    type Key = str;
    const KIND: &'static str = "mcp server";
    const COLUMNS: &'static str = columns!();
    const FROM: &'static str = " FROM mcp_servers";
    const ORDER_BY: &'static str = " ORDER BY id";

    fn push_key(sql: &mut Sql, id: &str) {
        sql.push(" WHERE id = ").bind_text(id);
    }

    fn key_text(id: &str) -> String {
        id.to_owned()
    }

    fn decode(row: &AnyRow, sealer: &Sealer) -> Result<McpServer, StoreError> {
        Ok(McpServer {
            id: rows::text(row, "id")?,
            scope: rows::enumeration(row, "scope", McpScope::parse)?,
            group_id: rows::opt_text(row, "group_id")?,
            kind: rows::enumeration(row, "type", McpServerKind::parse)?,
            template: rows::opt_text(row, "template")?,
            url: rows::opt_text(row, "url")?,
            headers: sealed_json(row, sealer, "headers", COLUMN_HEADERS)?,
            query: sealed_json(row, sealer, "query", COLUMN_QUERY)?,
            params: sealed_json(row, sealer, "params", COLUMN_PARAMS)?,
            openapi: sealer
                .open_opt(COLUMN_OPENAPI, rows::opt_text(row, "openapi")?)?
                .map(|openapi| rows::parse_json("openapi", &openapi))
                .transpose()?,
            status: rows::enumeration(row, "status", Status::parse)?,
            price_per_call: rows::decimal(row, "price_per_call")?,
            required_group_params: rows::json(row, "required_group_params")?,
            tool_prices: rows::json(row, "tool_prices")?,
            group_tools: rows::json(row, "group_tools")?,
            virtual_tools: rows::json(row, "virtual_tools")?,
            catalogue: rows::json(row, "catalogue")?,
            virtual_prompts: rows::json(row, "virtual_prompts")?,
            virtual_resources: rows::json(row, "virtual_resources")?,
            upstream_oauth: sealer
                .open_opt(
                    COLUMN_UPSTREAM_OAUTH,
                    rows::opt_text(row, "upstream_oauth")?,
                )?
                .map(|client| rows::parse_json("upstream_oauth", &client))
                .transpose()?,
            aggregate_unprefixed: rows::boolean(row, "aggregate_unprefixed")?,
            created_at: rows::int(row, "created_at")?,
            updated_at: rows::int(row, "updated_at")?,
        })
    }

    async fn update(
        tx: &mut StoreTx,
        _before: &McpServer,
        after: &McpServer,
    ) -> Result<McpServer, StoreError> {
        tx.update_mcp_server(after).await
    }

    async fn delete(tx: &mut StoreTx, id: &str) -> Result<bool, StoreError> {
        tx.delete_mcp_server(id).await
    }
}

impl Table for GroupMcpParams {
    /// Server id and group id.
    type Key = (String, String);
    const KIND: &'static str = "group mcp params";
    const COLUMNS: &'static str = "server_id, group_id, params, updated_at";
    const FROM: &'static str = " FROM group_mcp_params";
    const ORDER_BY: &'static str = " ORDER BY server_id, group_id";

    fn push_key(sql: &mut Sql, (server_id, group_id): &(String, String)) {
        sql.push(" WHERE server_id = ")
            .bind_text(server_id.as_str())
            .push(" AND group_id = ")
            .bind_text(group_id.as_str());
    }

    fn key_text((server_id, group_id): &(String, String)) -> String {
        format!("{server_id}/{group_id}")
    }

    fn decode(row: &AnyRow, sealer: &Sealer) -> Result<GroupMcpParams, StoreError> {
        let params: BTreeMap<String, String> =
            sealed_json(row, sealer, "params", COLUMN_GROUP_PARAMS)?;
        Ok(GroupMcpParams {
            server_id: rows::text(row, "server_id")?,
            group_id: rows::text(row, "group_id")?,
            params,
            updated_at: rows::int(row, "updated_at")?,
        })
    }

    /// Params are written whole (an upsert), so the locked update is the same set.
    async fn update(
        tx: &mut StoreTx,
        _before: &GroupMcpParams,
        after: &GroupMcpParams,
    ) -> Result<GroupMcpParams, StoreError> {
        tx.set_group_mcp_params(after).await
    }

    async fn delete(
        tx: &mut StoreTx,
        (server_id, group_id): &(String, String),
    ) -> Result<bool, StoreError> {
        let key = (server_id.clone(), group_id.clone());
        let before: Option<GroupMcpParams> = tx.find_row(&key).await?;
        let result =
            sqlx::query("DELETE FROM group_mcp_params WHERE server_id = $1 AND group_id = $2")
                .bind(server_id.clone())
                .bind(group_id.clone())
                .execute(tx.write())
                .await?;
        tx.audit_row(format!("{server_id}/{group_id}"), before.as_ref(), None);
        Ok(result.rows_affected() > 0)
    }
}

impl Store {
    pub async fn get_mcp_server(&self, id: &str) -> Result<McpServer, StoreError> {
        self.get_row(id).await
    }

    pub async fn list_mcp_servers(
        &self,
        filter: &McpFilter,
        page: Page,
    ) -> Result<Listing<McpServer>, StoreError> {
        self.list(page, |sql| {
            if let Some(scope) = filter.scope {
                sql.push(" AND scope = ").bind_text(scope.as_str());
            }
            if let Some(group_id) = filter.group_id.as_deref().filter(|g| !g.is_empty()) {
                sql.push(" AND group_id = ").bind_text(group_id);
            }
            if let Some(groups) = &filter.group_ids {
                sql.push(" AND scope = ")
                    .bind_text(McpScope::Group.as_str());
                sql.and_in("group_id", groups);
            }
            if let Some(status) = filter.status {
                sql.push(" AND status = ").bind_text(status.as_str());
            }
            if let Some(keyword) = filter.keyword.as_deref().filter(|k| !k.is_empty()) {
                sql.push(" AND (LOWER(id) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\' OR LOWER(COALESCE(template, '')) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\' OR LOWER(COALESCE(url, '')) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\')");
            }
        })
        .await
    }

    pub async fn create_mcp_server(&self, server: &McpServer) -> Result<McpServer, StoreError> {
        in_transaction!(self, |tx| tx.create_mcp_server(server).await?)
    }

    pub async fn update_mcp_server(&self, server: &McpServer) -> Result<McpServer, StoreError> {
        in_transaction!(self, |tx| tx.update_mcp_server(server).await?)
    }

    /// Reads the server, lets `change` edit it and writes it back with the row locked
    /// throughout (see [`Store::modify`]), so concurrent edits of one server all land.
    pub async fn update_mcp_server_with<E: From<StoreError>>(
        &self,
        id: &str,
        change: impl FnOnce(&mut McpServer) -> Result<(), E>,
    ) -> Result<McpServer, E> {
        self.modify(id, change).await
    }

    pub async fn delete_mcp_server(&self, id: &str) -> Result<(), StoreError> {
        self.delete_row::<McpServer>(id).await
    }

    pub async fn get_group_mcp_params(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<GroupMcpParams, StoreError> {
        self.get_row(&(server_id.to_owned(), group_id.to_owned()))
            .await
    }

    pub async fn set_group_mcp_params(
        &self,
        params: &GroupMcpParams,
    ) -> Result<GroupMcpParams, StoreError> {
        in_transaction!(self, |tx| tx.set_group_mcp_params(params).await?)
    }

    /// Creates or replaces a group's params for a server with what `build` makes of the stored
    /// ones (`None` when there are none yet), in one transaction that holds the stored row
    /// locked, so the params written are built from the params they replace.
    pub async fn set_group_mcp_params_with<E: From<StoreError>>(
        &self,
        server_id: &str,
        group_id: &str,
        build: impl FnOnce(Option<GroupMcpParams>) -> Result<GroupMcpParams, E>,
    ) -> Result<GroupMcpParams, E> {
        let mut tx = self.begin().await?;
        let stored = tx
            .lock_optional::<GroupMcpParams>(&(server_id.to_owned(), group_id.to_owned()))
            .await?;
        let params = build(stored)?;
        let written = tx.set_group_mcp_params(&params).await?;
        tx.commit().await?;
        Ok(written)
    }

    pub async fn delete_group_mcp_params(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<(), StoreError> {
        self.delete_row::<GroupMcpParams>(&(server_id.to_owned(), group_id.to_owned()))
            .await
    }
}

impl StoreTx {
    pub async fn get_mcp_server(&mut self, id: &str) -> Result<Option<McpServer>, StoreError> {
        self.find_row(id).await
    }

    pub async fn create_mcp_server(&mut self, server: &McpServer) -> Result<McpServer, StoreError> {
        validate::mcp_server(server)?;
        self.check_owner_group(server).await?;
        self.check_virtual_sources(server).await?;
        let insert = sqlx::query(concat!(
            "INSERT INTO mcp_servers (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)"
        ));
        bind_fields(insert, server, &self.sealer)?
            .execute(self.write())
            .await
            .map_err(conflict(KIND, &server.id))?;
        let created: McpServer = self.get_row(server.id.as_str()).await?;
        self.audit_row(server.id.clone(), None, Some(&created));
        Ok(created)
    }

    /// Replaces every field but `id` and `created_at`.
    pub async fn update_mcp_server(&mut self, server: &McpServer) -> Result<McpServer, StoreError> {
        validate::mcp_server(server)?;
        self.check_owner_group(server).await?;
        self.check_virtual_sources(server).await?;
        let before: Option<McpServer> = self.find_row(server.id.as_str()).await?;
        let update = sqlx::query(
            "UPDATE mcp_servers SET scope = $2, group_id = $3, type = $4, template = $5, \
             url = $6, headers = $7, query = $8, params = $9, openapi = $10, status = $11, \
             price_per_call = $12, required_group_params = $13, tool_prices = $14, \
             group_tools = $15, virtual_tools = $16, catalogue = $17, virtual_prompts = $18, \
             virtual_resources = $19, upstream_oauth = $20, aggregate_unprefixed = $21, \
             updated_at = $22 \
             WHERE id = $1",
        );
        let result = bind_fields(update, server, &self.sealer)?
            .execute(self.write())
            .await?;
        if result.rows_affected() == 0 {
            return Err(not_found(KIND, &server.id));
        }
        let after: McpServer = self.get_row(server.id.as_str()).await?;
        self.audit_row(server.id.clone(), before.as_ref(), Some(&after));
        Ok(after)
    }

    /// Deletes the server and every group's params for it.
    pub async fn delete_mcp_server(&mut self, id: &str) -> Result<bool, StoreError> {
        let before: Option<McpServer> = self.find_row(id).await?;
        self.delete_mcp_pins(id).await?;
        let conn = self.write();
        // Tokens held for its groups go with the server.
        for statement in [
            "DELETE FROM mcp_upstream_tokens WHERE server_id = $1",
            "DELETE FROM mcp_upstream_auth_requests WHERE server_id = $1",
        ] {
            sqlx::query(statement)
                .bind(id.to_owned())
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("DELETE FROM group_mcp_params WHERE server_id = $1")
            .bind(id.to_owned())
            .execute(&mut *conn)
            .await?;
        let result = sqlx::query("DELETE FROM mcp_servers WHERE id = $1")
            .bind(id.to_owned())
            .execute(&mut *conn)
            .await?;
        self.audit_row(id.to_owned(), before.as_ref(), None);
        Ok(result.rows_affected() > 0)
    }

    /// Creates or replaces a group's params for a server; both must exist.
    pub async fn set_group_mcp_params(
        &mut self,
        params: &GroupMcpParams,
    ) -> Result<GroupMcpParams, StoreError> {
        validate::path_id("params.server_id", &params.server_id)?;
        validate::path_id("params.group_id", &params.group_id)?;
        for key in params.params.keys() {
            validate::name("params.params key", key)?;
        }
        if self.get_mcp_server(&params.server_id).await?.is_none() {
            return Err(not_found(KIND, &params.server_id));
        }
        if self.get_group(&params.group_id).await?.is_none() {
            return Err(not_found("group", &params.group_id));
        }
        let key = (params.server_id.clone(), params.group_id.clone());
        let before: Option<GroupMcpParams> = self.find_row(&key).await?;
        sqlx::query(
            "INSERT INTO group_mcp_params (server_id, group_id, params, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (server_id, group_id) DO UPDATE SET \
             params = excluded.params, updated_at = excluded.updated_at",
        )
        .bind(params.server_id.clone())
        .bind(params.group_id.clone())
        .bind(
            self.sealer
                .seal(COLUMN_GROUP_PARAMS, &to_json(&params.params)?)?,
        )
        .bind(now_ms())
        .execute(self.write())
        .await?;
        let after: GroupMcpParams = self.get_row(&key).await?;
        self.audit_row(
            format!("{}/{}", params.server_id, params.group_id),
            before.as_ref(),
            Some(&after),
        );
        Ok(after)
    }

    /// A virtual server's sources exist, are not virtual themselves, and are ones its callers
    /// could be offered: public ones, or (for a group server) servers of its own group. A
    /// public virtual server drawing on a group's server would hand that group's tools (and
    /// credentials) to everyone.
    async fn check_virtual_sources(&mut self, server: &McpServer) -> Result<(), StoreError> {
        let tools = server
            .virtual_tools
            .iter()
            .map(|tool| ("virtual_tools", tool.server.as_str()));
        let prompts = server
            .virtual_prompts
            .iter()
            .map(|prompt| ("virtual_prompts", prompt.server.as_str()));
        let resources = server
            .virtual_resources
            .iter()
            .map(|resource| ("virtual_resources", resource.server.as_str()));
        let mut index_in = BTreeMap::<&str, usize>::new();
        for (list, source_id) in tools.chain(prompts).chain(resources) {
            let index = index_in.entry(list).or_default();
            let field = format!("mcp_server.{list}[{index}].server");
            *index += 1;
            let Some(source) = self.get_mcp_server(source_id).await? else {
                return Err(validate::invalid(
                    field,
                    format!("no mcp server {source_id:?}"),
                ));
            };
            if source.kind == McpServerKind::Virtual {
                return Err(validate::invalid(
                    field,
                    "a virtual server cannot be a source",
                ));
            }
            let reachable = match source.scope {
                McpScope::Public => true,
                McpScope::Group => {
                    server.scope == McpScope::Group && source.group_id == server.group_id
                }
            };
            if !reachable {
                return Err(validate::invalid(
                    field,
                    format!(
                        "server {:?} belongs to another group than this server's callers",
                        source.id
                    ),
                ));
            }
        }
        Ok(())
    }

    async fn check_owner_group(&mut self, server: &McpServer) -> Result<(), StoreError> {
        if let Some(group_id) = &server.group_id
            && self.get_group(group_id).await?.is_none()
        {
            return Err(not_found("group", group_id));
        }
        Ok(())
    }
}

/// Binds `$1`..`$21` of both the INSERT and the UPDATE: every stored field but `created_at`,
/// in column order, the secret-bearing ones as JSON sealed with each column's name, then the
/// time of the write.
fn bind_fields(
    statement: Statement,
    server: &McpServer,
    sealer: &Sealer,
) -> Result<Statement, StoreError> {
    let openapi = match &server.openapi {
        Some(openapi) => Some(sealer.seal(COLUMN_OPENAPI, &to_json(openapi)?)?),
        None => None,
    };
    let upstream_oauth = match &server.upstream_oauth {
        Some(client) => Some(sealer.seal(COLUMN_UPSTREAM_OAUTH, &to_json(client)?)?),
        None => None,
    };
    Ok(statement
        .bind(server.id.clone())
        .bind(server.scope.as_str())
        .bind(server.group_id.clone())
        .bind(server.kind.as_str())
        .bind(server.template.clone())
        .bind(server.url.clone())
        .bind(sealer.seal(COLUMN_HEADERS, &to_json(&server.headers)?)?)
        .bind(sealer.seal(COLUMN_QUERY, &to_json(&server.query)?)?)
        .bind(sealer.seal(COLUMN_PARAMS, &to_json(&server.params)?)?)
        .bind(openapi)
        .bind(server.status.as_str())
        .bind(decimal_text(server.price_per_call))
        .bind(to_json(&server.required_group_params)?)
        .bind(to_json(&server.tool_prices)?)
        .bind(to_json(&server.group_tools)?)
        .bind(to_json(&server.virtual_tools)?)
        .bind(to_json(&server.catalogue)?)
        .bind(to_json(&server.virtual_prompts)?)
        .bind(to_json(&server.virtual_resources)?)
        .bind(upstream_oauth)
        .bind(bool_int(server.aggregate_unprefixed))
        .bind(now_ms()))
}

fn sealed_json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    sealer: &Sealer,
    name: &'static str,
    column: &'static str,
) -> Result<T, StoreError> {
    rows::parse_json(name, &sealer.open(column, rows::text(row, name)?)?)
}
