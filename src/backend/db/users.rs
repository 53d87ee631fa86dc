//! The `users` and `revoked_tokens` tables.

use sqlx::FromRow;

use super::{Db, is_unique_violation, new_id, now_text, parse_column};
use crate::backend::error::{AppError, AppResult};
use crate::domain::user::{NewAccount, Role, UserView};

/// A `users` row. Holds the password hash, so it never leaves the server: convert it
/// with [`UserRow::view`] before it goes anywhere.
#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl UserRow {
    pub fn role(&self) -> AppResult<Role> {
        parse_column(&self.role, "users.role")
    }

    pub fn view(&self) -> AppResult<UserView> {
        Ok(UserView {
            id: self.id.clone(),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role()?,
            version: self.version,
            created_at: self.created_at.clone(),
        })
    }
}

/// Opens a transaction in which account writes are serialised, so "is this the first
/// user / the last admin / still version N?" and the write that depends on it are one
/// atomic step. SQLite: `BEGIN IMMEDIATE` takes the write lock up front (a deferred
/// transaction that reads first fails with "database is locked" when two race to
/// upgrade); PostgreSQL: a table lock.
async fn begin_serialized(db: &Db) -> AppResult<super::WriteTx> {
    let mut tx = db.begin_write().await?;
    if db.backend == super::Backend::Postgres {
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await?;
    }
    Ok(tx)
}

const COLUMNS: &str =
    "id, email, display_name, password_hash, role, version, created_at, updated_at";

/// Inserts an account. The very first account becomes admin, decided in the same
/// statement as the insert so two racing sign-ups cannot both see an empty table first
/// on SQLite (single writer); on PostgreSQL the table lock below serialises them.
pub async fn insert(
    db: &Db,
    account: &NewAccount,
    password_hash: &str,
    default_role: Role,
) -> AppResult<UserRow> {
    let mut tx = begin_serialized(db).await?;
    let now = now_text();
    let sql = format!(
        "INSERT INTO users ({COLUMNS}) \
         SELECT $1, $2, $3, $4, \
                CASE WHEN EXISTS (SELECT 1 FROM users) THEN $5 ELSE 'admin' END, \
                1, $6, $6 \
         RETURNING {COLUMNS}"
    );
    let row = sqlx::query_as::<_, UserRow>(&sql)
        .bind(new_id())
        .bind(account.email.as_str())
        .bind(account.display_name.as_str())
        .bind(password_hash)
        .bind(default_role.as_str())
        .bind(&now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                AppError::conflict_on("email", "an account with this email already exists")
            } else {
                e.into()
            }
        })?;
    tx.commit().await?;
    Ok(row)
}

pub async fn by_email(db: &Db, email: &str) -> AppResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    Ok(sqlx::query_as::<_, UserRow>(&sql)
        .bind(email)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn by_id(db: &Db, id: &str) -> AppResult<Option<UserRow>> {
    by_id_in(&db.pool, id).await
}

async fn by_id_in<'e, E>(executor: E, id: &str) -> AppResult<Option<UserRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as::<_, UserRow>(&sql)
        .bind(id)
        .fetch_optional(executor)
        .await?)
}

pub async fn list(db: &Db) -> AppResult<Vec<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY created_at, id");
    Ok(sqlx::query_as::<_, UserRow>(&sql)
        .fetch_all(&db.pool)
        .await?)
}

/// Changes a role if `expected_version` is still current. Refuses to demote the last admin,
/// which would leave nobody able to manage users.
pub async fn change_role(
    db: &Db,
    id: &str,
    role: Role,
    expected_version: i64,
) -> AppResult<UserRow> {
    let mut tx = begin_serialized(db).await?;
    let current = by_id_in(&mut **tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user with id {id}")))?;
    if current.version != expected_version {
        return Err(AppError::stale_version("user"));
    }
    if current.role()? == Role::Admin && role != Role::Admin {
        let (admins,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(&mut **tx)
            .await?;
        if admins <= 1 {
            return Err(AppError::conflict_on(
                "role",
                "this is the last admin; make another user admin first",
            ));
        }
    }
    let sql = format!(
        "UPDATE users SET role = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4 RETURNING {COLUMNS}"
    );
    let row = sqlx::query_as::<_, UserRow>(&sql)
        .bind(role.as_str())
        .bind(now_text())
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::stale_version("user"))?;
    tx.commit().await?;
    Ok(row)
}

pub async fn revoke_token(db: &Db, jti: &str, expires_at: &str) -> AppResult<()> {
    // Housekeeping on the way: expired entries can never match a valid token again.
    sqlx::query("DELETE FROM revoked_tokens WHERE expires_at < $1")
        .bind(now_text())
        .execute(&db.pool)
        .await?;
    let res = sqlx::query("INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2)")
        .bind(jti)
        .bind(expires_at)
        .execute(&db.pool)
        .await;
    match res {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Ok(()), // signing out twice is fine
        Err(e) => Err(e.into()),
    }
}

/// A session's account and whether its token was signed out, in one round trip (every
/// authenticated request asks both; issue 15).
pub async fn session_user(db: &Db, id: &str, jti: &str) -> AppResult<Option<(UserRow, bool)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        revoked: i64,
    }
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT count(*) FROM revoked_tokens WHERE jti = $2) AS revoked \
         FROM users WHERE id = $1"
    );
    let row = sqlx::query_as::<_, Row>(&sql)
        .bind(id)
        .bind(jti)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| (r.user, r.revoked > 0)))
}
