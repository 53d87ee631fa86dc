//! The `wizards` (drafts) and `wizard_versions` (published snapshots) tables.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, is_unique_violation, now_text};
use crate::backend::error::{AppError, AppResult};
use crate::domain::Wizard;

/// A `wizards` row; `definition` is the draft as JSON. Ids are decoded here, so past this
/// module nobody parses a column again.
#[derive(Debug, Clone, FromRow)]
pub struct WizardRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub definition: String,
    pub is_template: i64,
    pub live_version: Option<i64>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The live version's definition, to tell whether the draft has unpublished changes.
    pub live_definition: Option<String>,
}

impl WizardRow {
    pub fn definition(&self) -> AppResult<Wizard> {
        serde_json::from_str(&self.definition).map_err(|e| {
            AppError::Internal(format!(
                "stored draft of wizard {} is unreadable: {e}",
                self.id
            ))
        })
    }
}

/// A `wizard_versions` row.
#[derive(Debug, Clone, FromRow)]
pub struct VersionRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub wizard_id: Uuid,
    pub number: i64,
    pub name: String,
    pub definition: String,
    pub published_by: String,
    pub published_at: String,
}

const SELECT: &str = "SELECT w.id, w.owner_id, u.display_name AS owner_name, w.name, \
     w.description, w.category, w.definition, w.is_template, w.live_version, w.version, \
     w.created_at, w.updated_at, v.definition AS live_definition \
     FROM wizards w \
     LEFT JOIN users u ON u.id = w.owner_id \
     LEFT JOIN wizard_versions v ON v.wizard_id = w.id AND v.number = w.live_version";

/// Stored form of a definition: the same serialisation everywhere, so drafts and versions
/// compare equal exactly when they are the same wizard.
pub fn to_json(w: &Wizard) -> AppResult<String> {
    serde_json::to_string(w).map_err(|e| AppError::Internal(format!("serialising a wizard: {e}")))
}

pub async fn insert(db: &Db, owner_id: Option<&str>, w: &Wizard) -> AppResult<WizardRow> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO wizards (id, owner_id, name, description, category, definition, \
         is_template, live_version, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, 1, $7, $7)",
    )
    .bind(w.id.to_string())
    .bind(owner_id)
    .bind(&w.name)
    .bind(&w.description)
    .bind(w.category.as_deref())
    .bind(to_json(w)?)
    .bind(&now)
    .execute(&db.pool)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict_on("id", "a wizard with this id already exists")
        } else {
            e.into()
        }
    })?;
    get(db, w.id)
        .await?
        .ok_or_else(|| AppError::Internal("inserted wizard vanished".into()))
}

/// Inserts a wizard together with its events, actions and configurations (clone, import)
/// in one transaction. The stored draft keeps `events`/`api_configs`/`mcp_configs` empty:
/// they live in their own tables. Configurations get no secret and `created_by`.
pub async fn insert_with_events(
    db: &Db,
    owner_id: Option<&str>,
    w: &Wizard,
) -> AppResult<WizardRow> {
    let now = now_text();
    let mut draft = w.clone();
    draft.events.clear();
    draft.api_configs.clear();
    draft.mcp_configs.clear();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO wizards (id, owner_id, name, description, category, definition, \
         is_template, live_version, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, 1, $7, $7)",
    )
    .bind(w.id.to_string())
    .bind(owner_id)
    .bind(&w.name)
    .bind(&w.description)
    .bind(w.category.as_deref())
    .bind(to_json(&draft)?)
    .bind(&now)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict_on("id", "a wizard with this id already exists")
        } else {
            e.into()
        }
    })?;
    super::events::insert_all(&mut tx, w.id, w, owner_id, &now).await?;
    tx.commit().await?;
    get(db, w.id)
        .await?
        .ok_or_else(|| AppError::Internal("inserted wizard vanished".into()))
}

pub async fn get(db: &Db, id: Uuid) -> AppResult<Option<WizardRow>> {
    let sql = format!("{SELECT} WHERE w.id = $1");
    Ok(sqlx::query_as::<_, WizardRow>(&sql)
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn list_by_owner(db: &Db, owner_id: &str) -> AppResult<Vec<WizardRow>> {
    let sql = format!("{SELECT} WHERE w.owner_id = $1 ORDER BY w.updated_at DESC, w.id");
    Ok(sqlx::query_as::<_, WizardRow>(&sql)
        .bind(owner_id)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn list_published(db: &Db) -> AppResult<Vec<WizardRow>> {
    let sql = format!("{SELECT} WHERE w.live_version IS NOT NULL ORDER BY w.name, w.id");
    Ok(sqlx::query_as::<_, WizardRow>(&sql)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn list_templates(db: &Db) -> AppResult<Vec<WizardRow>> {
    let sql = format!(
        "{SELECT} WHERE w.is_template = 1 AND w.live_version IS NOT NULL ORDER BY w.name, w.id"
    );
    Ok(sqlx::query_as::<_, WizardRow>(&sql)
        .fetch_all(&db.pool)
        .await?)
}

/// Replaces the draft if `expected_version` is still current; `None` when it is not
/// (someone else saved first).
pub async fn update_draft(
    db: &Db,
    id: Uuid,
    w: &Wizard,
    is_template: bool,
    expected_version: i64,
) -> AppResult<Option<()>> {
    let res = sqlx::query(
        "UPDATE wizards SET name = $1, description = $2, category = $3, definition = $4, \
         is_template = $5, version = version + 1, updated_at = $6 \
         WHERE id = $7 AND version = $8",
    )
    .bind(&w.name)
    .bind(&w.description)
    .bind(w.category.as_deref())
    .bind(to_json(w)?)
    .bind(i64::from(is_template))
    .bind(now_text())
    .bind(id.to_string())
    .bind(expected_version)
    .execute(&db.pool)
    .await?;
    Ok((res.rows_affected() == 1).then_some(()))
}

pub async fn delete(db: &Db, id: Uuid, expected_version: i64) -> AppResult<bool> {
    let res = sqlx::query("DELETE FROM wizards WHERE id = $1 AND version = $2")
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&db.pool)
        .await?;
    Ok(res.rows_affected() == 1)
}

/// Freezes the draft as the next version and makes it live, in one transaction, provided
/// the draft is still at `expected_version` (so what is published is what was reviewed).
/// `snapshot` is the version's document: the draft together with its events and
/// configurations (which live in their own tables), as [`to_json`] writes it.
pub async fn publish_snapshot(
    db: &Db,
    row: &WizardRow,
    expected_version: i64,
    published_by: &str,
    snapshot: &str,
) -> AppResult<VersionRow> {
    let mut tx = db.begin_write().await?;
    let (next,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM wizard_versions WHERE wizard_id = $1",
    )
    .bind(row.id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    let version = VersionRow {
        id: Uuid::now_v7(),
        wizard_id: row.id,
        number: next,
        name: row.name.clone(),
        definition: snapshot.to_owned(),
        published_by: published_by.to_owned(),
        published_at: now_text(),
    };
    sqlx::query(
        "INSERT INTO wizard_versions (id, wizard_id, number, name, definition, published_by, \
         published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(version.id.to_string())
    .bind(version.wizard_id.to_string())
    .bind(version.number)
    .bind(&version.name)
    .bind(&version.definition)
    .bind(&version.published_by)
    .bind(&version.published_at)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict_on(
                "version",
                "someone else published at the same moment; reload",
            )
        } else {
            e.into()
        }
    })?;
    let res = sqlx::query(
        "UPDATE wizards SET live_version = $1 WHERE id = $2 AND version = $3 AND definition = $4",
    )
    .bind(version.number)
    .bind(row.id.to_string())
    .bind(expected_version)
    .bind(&row.definition)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() != 1 {
        return Err(AppError::stale_version("wizard"));
    }
    tx.commit().await?;
    Ok(version)
}

pub async fn versions(db: &Db, wizard_id: Uuid) -> AppResult<Vec<VersionRow>> {
    Ok(sqlx::query_as::<_, VersionRow>(
        "SELECT id, wizard_id, number, name, definition, published_by, published_at \
         FROM wizard_versions WHERE wizard_id = $1 ORDER BY number DESC",
    )
    .bind(wizard_id.to_string())
    .fetch_all(&db.pool)
    .await?)
}

pub async fn version(db: &Db, wizard_id: Uuid, number: i64) -> AppResult<Option<VersionRow>> {
    Ok(sqlx::query_as::<_, VersionRow>(
        "SELECT id, wizard_id, number, name, definition, published_by, published_at \
         FROM wizard_versions WHERE wizard_id = $1 AND number = $2",
    )
    .bind(wizard_id.to_string())
    .bind(number)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn version_by_id(db: &Db, id: Uuid) -> AppResult<Option<VersionRow>> {
    Ok(sqlx::query_as::<_, VersionRow>(
        "SELECT id, wizard_id, number, name, definition, published_by, published_at \
         FROM wizard_versions WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&db.pool)
    .await?)
}

/// Records that a seed was applied; false when it already was.
pub async fn mark_seed_applied(db: &Db, slug: &str) -> AppResult<bool> {
    let res = sqlx::query("INSERT INTO applied_seeds (slug, applied_at) VALUES ($1, $2)")
        .bind(slug)
        .bind(now_text())
        .execute(&db.pool)
        .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Makes a seeded wizard a published template (seeds bypass the owner checks: they have
/// no owner).
pub async fn set_template(db: &Db, id: Uuid) -> AppResult<()> {
    sqlx::query("UPDATE wizards SET is_template = 1 WHERE id = $1")
        .bind(id.to_string())
        .execute(&db.pool)
        .await?;
    Ok(())
}
