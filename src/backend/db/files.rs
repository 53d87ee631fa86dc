//! The `uploaded_files` table: the files behind `file_upload` answers.

use sqlx::FromRow;
use uuid::Uuid;

use super::{Db, now_text};
use crate::backend::error::AppResult;

/// A file's metadata (its bytes are read separately, only when downloaded).
#[derive(Debug, Clone, FromRow)]
pub struct FileRow {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    pub owner_id: String,
    #[sqlx(try_from = "String")]
    pub run_id: Uuid,
    pub field_key: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

pub struct NewFile<'a> {
    pub id: Uuid,
    pub owner_id: &'a str,
    pub run_id: Uuid,
    pub field_key: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
}

pub async fn insert(db: &Db, f: &NewFile<'_>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO uploaded_files (id, owner_id, run_id, field_key, name, content_type, size, \
         data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(f.id.to_string())
    .bind(f.owner_id)
    .bind(f.run_id.to_string())
    .bind(f.field_key)
    .bind(f.name)
    .bind(f.content_type)
    .bind(i64::try_from(f.data.len()).unwrap_or(i64::MAX))
    .bind(f.data)
    .bind(now_text())
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn get(db: &Db, id: Uuid) -> AppResult<Option<FileRow>> {
    Ok(sqlx::query_as::<_, FileRow>(
        "SELECT id, owner_id, run_id, field_key, name, content_type, size \
         FROM uploaded_files WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn data(db: &Db, id: Uuid) -> AppResult<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT data FROM uploaded_files WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(d,)| d))
}
