//! The `library_actions`, `library_action_params` and `library_action_code_versions` tables
//! (see [`crate::backend::library`]). The lineage and the descendants are recursive CTEs,
//! the same SQL on SQLite and PostgreSQL, bounded in depth so a cycle that got in anyway
//! cannot make them run forever.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, is_unique_violation, new_id, now_text, parse_column};
use crate::backend::error::{AppError, AppResult};
use crate::domain::library::ActionParam;

/// Deepest lineage or tree the queries walk (the run-time call limit is far below it).
pub const MAX_DEPTH: i64 = 64;

#[derive(Debug, Clone, FromRow)]
pub struct ActionRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    pub action_name: String,
    pub description: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub parent_name: Option<String>,
    pub code: String,
    pub prompt: Option<String>,
    pub code_status: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub owner_id: Option<String>,
    pub visibility: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct ParamRow {
    pub id: String,
    pub param_name: String,
    pub param_type: String,
    pub is_required: i64,
    pub default_value: Option<String>,
    pub description: String,
    pub direction: String,
    pub sequence: i64,
}

impl ParamRow {
    /// The parameter as the domain declares it.
    pub fn param(&self) -> AppResult<ActionParam> {
        Ok(ActionParam {
            name: self.param_name.clone(),
            param_type: parse_column(&self.param_type, "library_action_params.param_type")?,
            is_required: self.is_required != 0,
            default: match &self.default_value {
                Some(text) => Some(serde_json::from_str(text).map_err(|_| {
                    AppError::Internal("unreadable library_action_params.default_value".into())
                })?),
                None => None,
            },
            description: self.description.clone(),
            direction: parse_column(&self.direction, "library_action_params.direction")?,
        })
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct CodeVersionRow {
    pub number: i64,
    pub code: String,
    pub params: String,
    pub reason: String,
    pub prompt: Option<String>,
    pub created_by: Option<String>,
    pub created_at: String,
}

/// The columns a create or update writes.
#[derive(Debug, Clone)]
pub struct ActionWrite<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub parent_id: Option<String>,
    pub code: &'a str,
    pub prompt: Option<&'a str>,
    pub code_status: &'a str,
    pub approved_by: Option<&'a str>,
    pub approved_at: Option<&'a str>,
    pub visibility: &'a str,
}

/// One parameter as stored (`default_value` already JSON text).
#[derive(Debug, Clone)]
pub struct ParamWrite {
    pub name: String,
    pub param_type: String,
    pub is_required: bool,
    pub default_value: Option<String>,
    pub description: String,
    pub direction: String,
}

const COLUMNS: &str = "l.id, l.action_name, l.description, l.kind, l.parent_id, \
     p.action_name AS parent_name, l.code, l.prompt, l.code_status, l.approved_by, \
     l.approved_at, l.owner_id, l.visibility, l.version, l.created_at, l.updated_at";

fn select() -> String {
    format!(
        "SELECT {COLUMNS} FROM library_actions l \
         LEFT JOIN library_actions p ON p.id = l.parent_id"
    )
}

fn name_taken(e: sqlx::Error) -> AppError {
    if is_unique_violation(&e) {
        AppError::conflict_on("name", "a library action with this name exists already")
    } else {
        e.into()
    }
}

/// What a list shows: the actions `viewer` may see (theirs and shared ones; all for an
/// admin), optionally narrowed by a search in name and description, a kind, a parent.
pub struct ListFilter<'a> {
    pub viewer: &'a str,
    pub admin: bool,
    pub search: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub parent_id: Option<Uuid>,
}

pub async fn list(db: &Db, f: &ListFilter<'_>) -> AppResult<Vec<ActionRow>> {
    let mut sql = format!(
        "{} WHERE ($1 = 1 OR l.owner_id = $2 OR l.visibility = 'shared')",
        select()
    );
    let pattern = f.search.map(|s| {
        format!(
            "%{}%",
            s.to_lowercase().replace('%', "\\%").replace('_', "\\_")
        )
    });
    if pattern.is_some() {
        sql.push_str(
            " AND (LOWER(l.action_name) LIKE $3 ESCAPE '\\' OR LOWER(l.description) LIKE $3 ESCAPE '\\')",
        );
    } else {
        sql.push_str(" AND $3 IS NULL");
    }
    sql.push_str(if f.kind.is_some() {
        " AND l.kind = $4"
    } else {
        " AND $4 IS NULL"
    });
    sql.push_str(if f.parent_id.is_some() {
        " AND l.parent_id = $5"
    } else {
        " AND $5 IS NULL"
    });
    sql.push_str(" ORDER BY l.action_name, l.id");
    Ok(sqlx::query_as::<_, ActionRow>(&sql)
        .bind(i64::from(f.admin))
        .bind(f.viewer)
        .bind(pattern)
        .bind(f.kind)
        .bind(f.parent_id.map(|p| p.to_string()))
        .fetch_all(&db.pool)
        .await?)
}

pub async fn get(db: &Db, id: Uuid) -> AppResult<Option<ActionRow>> {
    let sql = format!("{} WHERE l.id = $1", select());
    Ok(sqlx::query_as::<_, ActionRow>(&sql)
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?)
}

/// The action a script or an event names (names are unique).
pub async fn get_by_name(db: &Db, name: &str) -> AppResult<Option<ActionRow>> {
    let sql = format!("{} WHERE l.action_name = $1", select());
    Ok(sqlx::query_as::<_, ActionRow>(&sql)
        .bind(name)
        .fetch_optional(&db.pool)
        .await?)
}

/// A live (published) wizard version whose definition mentions `name` somewhere: the
/// candidates the service parses to see whether they really use the action.
#[derive(Debug, Clone, FromRow)]
pub struct LiveUse {
    pub wizard_name: String,
    pub owner_email: Option<String>,
    pub definition: String,
}

pub async fn live_versions_mentioning(db: &Db, name: &str) -> AppResult<Vec<LiveUse>> {
    let pattern = format!(
        "%{}%",
        name.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    Ok(sqlx::query_as::<_, LiveUse>(
        "SELECT w.name AS wizard_name, u.email AS owner_email, v.definition \
         FROM wizards w \
         JOIN wizard_versions v ON v.wizard_id = w.id AND v.number = w.live_version \
         LEFT JOIN users u ON u.id = w.owner_id \
         WHERE w.live_version IS NOT NULL AND v.definition LIKE $1 ESCAPE '\\' \
         ORDER BY w.name",
    )
    .bind(pattern)
    .fetch_all(&db.pool)
    .await?)
}

/// The action, its parent, its parent's parent … up to the root: root first.
pub async fn lineage(db: &Db, id: Uuid) -> AppResult<Vec<ActionRow>> {
    let sql = format!(
        "WITH RECURSIVE up (id, depth) AS ( \
             SELECT id, 0 FROM library_actions WHERE id = $1 \
             UNION ALL \
             SELECT a.parent_id, up.depth + 1 FROM library_actions a JOIN up ON a.id = up.id \
             WHERE a.parent_id IS NOT NULL AND up.depth < {MAX_DEPTH} \
         ) \
         SELECT {COLUMNS} FROM up JOIN library_actions l ON l.id = up.id \
         LEFT JOIN library_actions p ON p.id = l.parent_id ORDER BY up.depth DESC"
    );
    Ok(sqlx::query_as::<_, ActionRow>(&sql)
        .bind(id.to_string())
        .fetch_all(&db.pool)
        .await?)
}

/// Every action below `id` (children, their children, …), each once, by name.
pub async fn descendants(db: &Db, id: Uuid) -> AppResult<Vec<ActionRow>> {
    let sql = format!(
        "WITH RECURSIVE down (id, depth) AS ( \
             SELECT id, 1 FROM library_actions WHERE parent_id = $1 \
             UNION ALL \
             SELECT a.id, down.depth + 1 FROM library_actions a JOIN down ON a.parent_id = down.id \
             WHERE down.depth < {MAX_DEPTH} \
         ) \
         SELECT DISTINCT {COLUMNS} FROM down JOIN library_actions l ON l.id = down.id \
         LEFT JOIN library_actions p ON p.id = l.parent_id ORDER BY l.action_name, l.id"
    );
    Ok(sqlx::query_as::<_, ActionRow>(&sql)
        .bind(id.to_string())
        .fetch_all(&db.pool)
        .await?)
}

/// The live parameters as the domain declares them, in order.
pub async fn declared_params(db: &Db, action_id: Uuid) -> AppResult<Vec<ActionParam>> {
    params(db, action_id)
        .await?
        .iter()
        .map(ParamRow::param)
        .collect()
}

/// The live parameters of an action, in order.
pub async fn params(db: &Db, action_id: Uuid) -> AppResult<Vec<ParamRow>> {
    Ok(sqlx::query_as::<_, ParamRow>(
        "SELECT id, param_name, param_type, is_required, default_value, description, direction, \
         sequence FROM library_action_params WHERE action_id = $1 AND is_deleted = 0 \
         ORDER BY sequence, id",
    )
    .bind(action_id.to_string())
    .fetch_all(&db.pool)
    .await?)
}

pub async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: Uuid,
    owner: Option<&str>,
    w: &ActionWrite<'_>,
) -> AppResult<()> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO library_actions (id, action_name, description, kind, parent_id, code, \
         prompt, code_status, approved_by, approved_at, owner_id, visibility, version, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13)",
    )
    .bind(id.to_string())
    .bind(w.name)
    .bind(w.description)
    .bind(w.kind)
    .bind(w.parent_id.as_deref())
    .bind(w.code)
    .bind(w.prompt)
    .bind(w.code_status)
    .bind(w.approved_by)
    .bind(w.approved_at)
    .bind(owner)
    .bind(w.visibility)
    .bind(&now)
    .execute(&mut **tx)
    .await
    .map_err(name_taken)?;
    Ok(())
}

/// Writes only if the row is still at `version`; false when it is not (or is gone).
pub async fn update(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: Uuid,
    version: i64,
    w: &ActionWrite<'_>,
) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE library_actions SET action_name = $1, description = $2, kind = $3, \
         parent_id = $4, code = $5, prompt = $6, code_status = $7, approved_by = $8, \
         approved_at = $9, visibility = $10, version = version + 1, updated_at = $11 \
         WHERE id = $12 AND version = $13",
    )
    .bind(w.name)
    .bind(w.description)
    .bind(w.kind)
    .bind(w.parent_id.as_deref())
    .bind(w.code)
    .bind(w.prompt)
    .bind(w.code_status)
    .bind(w.approved_by)
    .bind(w.approved_at)
    .bind(w.visibility)
    .bind(now_text())
    .bind(id.to_string())
    .bind(version)
    .execute(&mut **tx)
    .await
    .map_err(name_taken)?;
    Ok(done.rows_affected() > 0)
}

/// Deletes only if the row is still at `version` (params and code versions go with it).
pub async fn delete(db: &Db, id: Uuid, version: i64) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM library_actions WHERE id = $1 AND version = $2")
        .bind(id.to_string())
        .bind(version)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The names of the direct children.
pub async fn children(db: &Db, id: Uuid) -> AppResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT action_name FROM library_actions WHERE parent_id = $1 ORDER BY action_name",
    )
    .bind(id.to_string())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// Makes the live parameters exactly `params`, in one transaction with the action's write:
/// a name that exists is updated in place, a new name is added, a live name left out is
/// retired (soft-deleted), and the order is the order sent.
pub async fn sync_params(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    action_id: Uuid,
    params: &[ParamWrite],
) -> AppResult<()> {
    let existing: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, param_name FROM library_action_params WHERE action_id = $1 AND is_deleted = 0",
    )
    .bind(action_id.to_string())
    .fetch_all(&mut **tx)
    .await?;
    let now = now_text();
    for (id, name) in &existing {
        if !params.iter().any(|p| &p.name == name) {
            sqlx::query(
                "UPDATE library_action_params SET is_deleted = 1, updated_at = $1 WHERE id = $2",
            )
            .bind(&now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        }
    }
    for (i, p) in params.iter().enumerate() {
        let sequence = i64::try_from(i).unwrap_or(i64::MAX);
        match existing.iter().find(|(_, n)| n == &p.name) {
            Some((id, _)) => {
                sqlx::query(
                    "UPDATE library_action_params SET param_type = $1, is_required = $2, \
                     default_value = $3, description = $4, direction = $5, sequence = $6, \
                     updated_at = $7 WHERE id = $8",
                )
                .bind(&p.param_type)
                .bind(i64::from(p.is_required))
                .bind(p.default_value.as_deref())
                .bind(&p.description)
                .bind(&p.direction)
                .bind(sequence)
                .bind(&now)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO library_action_params (id, action_id, param_name, param_type, \
                     is_required, default_value, description, direction, sequence, is_deleted, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10)",
                )
                .bind(new_id())
                .bind(action_id.to_string())
                .bind(&p.name)
                .bind(&p.param_type)
                .bind(i64::from(p.is_required))
                .bind(p.default_value.as_deref())
                .bind(&p.description)
                .bind(&p.direction)
                .bind(sequence)
                .bind(&now)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}

/// Stores the next code version (numbered from 1).
pub async fn insert_code_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    action_id: Uuid,
    code: &str,
    params_json: &str,
    reason: &str,
    prompt: Option<&str>,
    created_by: Option<&str>,
) -> AppResult<i64> {
    let (last,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(number) FROM library_action_code_versions WHERE action_id = $1")
            .bind(action_id.to_string())
            .fetch_one(&mut **tx)
            .await?;
    let number = last.unwrap_or(0) + 1;
    sqlx::query(
        "INSERT INTO library_action_code_versions (id, action_id, number, code, params, reason, \
         prompt, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(action_id.to_string())
    .bind(number)
    .bind(code)
    .bind(params_json)
    .bind(reason)
    .bind(prompt)
    .bind(created_by)
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(number)
}

/// Every code version, newest first.
pub async fn code_versions(db: &Db, action_id: Uuid) -> AppResult<Vec<CodeVersionRow>> {
    Ok(sqlx::query_as::<_, CodeVersionRow>(
        "SELECT number, code, params, reason, prompt, created_by, created_at \
         FROM library_action_code_versions WHERE action_id = $1 ORDER BY number DESC",
    )
    .bind(action_id.to_string())
    .fetch_all(&db.pool)
    .await?)
}

pub async fn code_version(
    db: &Db,
    action_id: Uuid,
    number: i64,
) -> AppResult<Option<CodeVersionRow>> {
    Ok(sqlx::query_as::<_, CodeVersionRow>(
        "SELECT number, code, params, reason, prompt, created_by, created_at \
         FROM library_action_code_versions WHERE action_id = $1 AND number = $2",
    )
    .bind(action_id.to_string())
    .bind(number)
    .fetch_optional(&db.pool)
    .await?)
}

/// Sets the review state if the row is still at `version`.
pub async fn set_review(
    db: &Db,
    id: Uuid,
    version: i64,
    status: &str,
    approved_by: Option<&str>,
    approved_at: Option<&str>,
) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE library_actions SET code_status = $1, approved_by = $2, approved_at = $3, \
         version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
    )
    .bind(status)
    .bind(approved_by)
    .bind(approved_at)
    .bind(now_text())
    .bind(id.to_string())
    .bind(version)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() > 0)
}
