//! The `mcp_servers` and `group_mcp_params` tables. Headers, query values, params and the
//! OpenAPI source (credentials) are sealed at rest (see `sealed.rs`).

use std::collections::BTreeMap;

use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

use super::rows::{self, decimal_text, to_json};
use super::sealed::Sealer;
use super::{
    GroupMcpParams, Listing, McpFilter, McpScope, McpServer, McpServerKind, Page, Sql, Status,
    Store, StoreError, StoreTx, conflict, not_found, now_ms, validate,
};

macro_rules! columns {
    () => {
        "id, scope, group_id, type, template, url, headers, query, params, openapi, status, \
         price_per_call, required_group_params, created_at, updated_at"
    };
}

const KIND: &str = "mcp server";
const PARAMS_KIND: &str = "group mcp params";
const COLUMN_HEADERS: &str = "mcp_servers.headers";
const COLUMN_QUERY: &str = "mcp_servers.query";
const COLUMN_PARAMS: &str = "mcp_servers.params";
const COLUMN_OPENAPI: &str = "mcp_servers.openapi";
const COLUMN_GROUP_PARAMS: &str = "group_mcp_params.params";

impl Store {
    pub async fn get_mcp_server(&self, id: &str) -> Result<McpServer, StoreError> {
        get(&self.pool, &self.sealer, id).await
    }

    pub async fn list_mcp_servers(
        &self,
        filter: &McpFilter,
        page: Page,
    ) -> Result<Listing<McpServer>, StoreError> {
        let mut count = Sql::new("SELECT COUNT(*) AS n FROM mcp_servers WHERE 1 = 1");
        let mut select = Sql::new(concat!(
            "SELECT ",
            columns!(),
            " FROM mcp_servers WHERE 1 = 1"
        ));
        for sql in [&mut count, &mut select] {
            if let Some(scope) = filter.scope {
                sql.push(" AND scope = ").bind_text(scope.as_str());
            }
            if let Some(group_id) = filter.group_id.as_deref().filter(|g| !g.is_empty()) {
                sql.push(" AND group_id = ").bind_text(group_id);
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
        }
        select
            .push(" ORDER BY id LIMIT ")
            .bind_int(page.limit)
            .push(" OFFSET ")
            .bind_int(page.offset);
        let total = rows::int(&count.query().fetch_one(&self.pool).await?, "n")?;
        let items = select
            .query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| from_row(row, &self.sealer))
            .collect::<Result<_, _>>()?;
        Ok(Listing { items, total })
    }

    pub async fn create_mcp_server(&self, server: &McpServer) -> Result<McpServer, StoreError> {
        let mut tx = self.begin().await?;
        let created = tx.create_mcp_server(server).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn update_mcp_server(&self, server: &McpServer) -> Result<McpServer, StoreError> {
        let mut tx = self.begin().await?;
        let updated = tx.update_mcp_server(server).await?;
        tx.commit().await?;
        Ok(updated)
    }

    pub async fn delete_mcp_server(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if !tx.delete_mcp_server(id).await? {
            return Err(not_found(KIND, id));
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn get_group_mcp_params(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<GroupMcpParams, StoreError> {
        find_params(&self.pool, &self.sealer, server_id, group_id)
            .await?
            .ok_or_else(|| not_found(PARAMS_KIND, format!("{server_id}/{group_id}")))
    }

    pub async fn set_group_mcp_params(
        &self,
        params: &GroupMcpParams,
    ) -> Result<GroupMcpParams, StoreError> {
        let mut tx = self.begin().await?;
        let stored = tx.set_group_mcp_params(params).await?;
        tx.commit().await?;
        Ok(stored)
    }

    pub async fn delete_group_mcp_params(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let result =
            sqlx::query("DELETE FROM group_mcp_params WHERE server_id = $1 AND group_id = $2")
                .bind(server_id.to_owned())
                .bind(group_id.to_owned())
                .execute(tx.write())
                .await?;
        if result.rows_affected() == 0 {
            return Err(not_found(PARAMS_KIND, format!("{server_id}/{group_id}")));
        }
        tx.commit().await?;
        Ok(())
    }
}

impl StoreTx {
    pub async fn get_mcp_server(&mut self, id: &str) -> Result<Option<McpServer>, StoreError> {
        let sealer = self.sealer.clone();
        find(self.conn(), &sealer, id).await
    }

    pub async fn create_mcp_server(&mut self, server: &McpServer) -> Result<McpServer, StoreError> {
        validate::mcp_server(server)?;
        self.check_owner_group(server).await?;
        let sealed = SealedColumns::of(server, &self.sealer)?;
        let now = now_ms();
        sqlx::query(concat!(
            "INSERT INTO mcp_servers (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"
        ))
        .bind(server.id.clone())
        .bind(server.scope.as_str())
        .bind(server.group_id.clone())
        .bind(server.kind.as_str())
        .bind(server.template.clone())
        .bind(server.url.clone())
        .bind(sealed.headers)
        .bind(sealed.query)
        .bind(sealed.params)
        .bind(sealed.openapi)
        .bind(server.status.as_str())
        .bind(decimal_text(server.price_per_call))
        .bind(to_json(&server.required_group_params)?)
        .bind(now)
        .execute(self.write())
        .await
        .map_err(conflict(KIND, &server.id))?;
        let sealer = self.sealer.clone();
        get(self.conn(), &sealer, &server.id).await
    }

    /// Replaces every field but `id` and `created_at`.
    pub async fn update_mcp_server(&mut self, server: &McpServer) -> Result<McpServer, StoreError> {
        validate::mcp_server(server)?;
        self.check_owner_group(server).await?;
        let sealed = SealedColumns::of(server, &self.sealer)?;
        let result = sqlx::query(
            "UPDATE mcp_servers SET scope = $2, group_id = $3, type = $4, template = $5, \
             url = $6, headers = $7, query = $8, params = $9, openapi = $10, status = $11, \
             price_per_call = $12, required_group_params = $13, updated_at = $14 WHERE id = $1",
        )
        .bind(server.id.clone())
        .bind(server.scope.as_str())
        .bind(server.group_id.clone())
        .bind(server.kind.as_str())
        .bind(server.template.clone())
        .bind(server.url.clone())
        .bind(sealed.headers)
        .bind(sealed.query)
        .bind(sealed.params)
        .bind(sealed.openapi)
        .bind(server.status.as_str())
        .bind(decimal_text(server.price_per_call))
        .bind(to_json(&server.required_group_params)?)
        .bind(now_ms())
        .execute(self.write())
        .await?;
        if result.rows_affected() == 0 {
            return Err(not_found(KIND, &server.id));
        }
        let sealer = self.sealer.clone();
        get(self.conn(), &sealer, &server.id).await
    }

    /// Deletes the server and every group's params for it.
    pub async fn delete_mcp_server(&mut self, id: &str) -> Result<bool, StoreError> {
        let conn = self.write();
        sqlx::query("DELETE FROM group_mcp_params WHERE server_id = $1")
            .bind(id.to_owned())
            .execute(&mut *conn)
            .await?;
        let result = sqlx::query("DELETE FROM mcp_servers WHERE id = $1")
            .bind(id.to_owned())
            .execute(&mut *conn)
            .await?;
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
        let sealer = self.sealer.clone();
        find_params(self.conn(), &sealer, &params.server_id, &params.group_id)
            .await?
            .ok_or_else(|| {
                not_found(
                    PARAMS_KIND,
                    format!("{}/{}", params.server_id, params.group_id),
                )
            })
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

pub(super) async fn all<'e>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
) -> Result<Vec<McpServer>, StoreError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM mcp_servers ORDER BY id"
    ))
    .fetch_all(exec)
    .await?
    .iter()
    .map(|row| from_row(row, sealer))
    .collect()
}

pub(super) async fn all_params<'e>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
) -> Result<Vec<GroupMcpParams>, StoreError> {
    sqlx::query(
        "SELECT server_id, group_id, params, updated_at FROM group_mcp_params \
         ORDER BY server_id, group_id",
    )
    .fetch_all(exec)
    .await?
    .iter()
    .map(|row| params_from_row(row, sealer))
    .collect()
}

async fn find<'e>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
    id: &str,
) -> Result<Option<McpServer>, StoreError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM mcp_servers WHERE id = $1"
    ))
    .bind(id.to_owned())
    .fetch_optional(exec)
    .await?
    .as_ref()
    .map(|row| from_row(row, sealer))
    .transpose()
}

async fn get<'e>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
    id: &str,
) -> Result<McpServer, StoreError> {
    find(exec, sealer, id)
        .await?
        .ok_or_else(|| not_found(KIND, id))
}

async fn find_params<'e>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
    server_id: &str,
    group_id: &str,
) -> Result<Option<GroupMcpParams>, StoreError> {
    sqlx::query(
        "SELECT server_id, group_id, params, updated_at FROM group_mcp_params \
         WHERE server_id = $1 AND group_id = $2",
    )
    .bind(server_id.to_owned())
    .bind(group_id.to_owned())
    .fetch_optional(exec)
    .await?
    .as_ref()
    .map(|row| params_from_row(row, sealer))
    .transpose()
}

fn from_row(row: &AnyRow, sealer: &Sealer) -> Result<McpServer, StoreError> {
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
        created_at: rows::int(row, "created_at")?,
        updated_at: rows::int(row, "updated_at")?,
    })
}

fn params_from_row(row: &AnyRow, sealer: &Sealer) -> Result<GroupMcpParams, StoreError> {
    let params: BTreeMap<String, String> = sealed_json(row, sealer, "params", COLUMN_GROUP_PARAMS)?;
    Ok(GroupMcpParams {
        server_id: rows::text(row, "server_id")?,
        group_id: rows::text(row, "group_id")?,
        params,
        updated_at: rows::int(row, "updated_at")?,
    })
}

/// A server's secret-bearing columns as stored: JSON, sealed with each column's name.
struct SealedColumns {
    headers: String,
    query: String,
    params: String,
    openapi: Option<String>,
}

impl SealedColumns {
    fn of(server: &McpServer, sealer: &Sealer) -> Result<SealedColumns, StoreError> {
        let openapi = match &server.openapi {
            Some(openapi) => Some(sealer.seal(COLUMN_OPENAPI, &to_json(openapi)?)?),
            None => None,
        };
        Ok(SealedColumns {
            headers: sealer.seal(COLUMN_HEADERS, &to_json(&server.headers)?)?,
            query: sealer.seal(COLUMN_QUERY, &to_json(&server.query)?)?,
            params: sealer.seal(COLUMN_PARAMS, &to_json(&server.params)?)?,
            openapi,
        })
    }
}

fn sealed_json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    sealer: &Sealer,
    name: &'static str,
    column: &'static str,
) -> Result<T, StoreError> {
    rows::parse_json(name, &sealer.open(column, rows::text(row, name)?)?)
}
