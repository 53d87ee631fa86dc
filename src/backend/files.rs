//! Uploads for `file_upload` fields: checked against the field's limits, stored in the
//! database, and served back only to whoever may read the run.

use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::{self, files::NewFile};
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::domain::run::{FileRef, RunStatus, Visibility};
use crate::domain::{FILE_SIZE_CAP, Field};

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_LEN: usize = 255;

/// What the client says about an upload; checked before anything is stored.
pub struct Upload<'a> {
    pub run_id: Uuid,
    pub field: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
}

pub async fn upload(app: &AppState, actor: &CurrentUser, up: &Upload<'_>) -> AppResult<FileRef> {
    let run = db::runs::get(&app.db, up.run_id)
        .await?
        .filter(|r| r.user_id == actor.user.id)
        .ok_or_else(|| AppError::NotFound(format!("no run with id {}", up.run_id)))?;
    if run.status == RunStatus::Completed {
        return Err(AppError::conflict_on(
            "status",
            "this run is completed and read-only",
        ));
    }
    let definition = app.versions.get(&app.db, run.version_id).await?;
    let os = definition
        .option_set(up.field)
        .ok_or_else(|| AppError::field("field", "this wizard has no such field"))?;
    let Field::FileUpload(settings) = &os.field else {
        return Err(AppError::field("field", "this field does not take files"));
    };
    let name = clean_name(up.filename)?;
    let content_type = clean_content_type(up.content_type)?;
    let limit = settings
        .max_size_bytes
        .unwrap_or(FILE_SIZE_CAP)
        .min(FILE_SIZE_CAP);
    let size = u64::try_from(up.data.len()).unwrap_or(u64::MAX);
    if size > limit {
        return Err(AppError::PayloadTooLarge(format!(
            "{name} is {size} bytes; this field accepts files up to {limit} bytes"
        )));
    }
    if size == 0 {
        return Err(AppError::field("file", "the file is empty"));
    }
    let candidate = FileRef {
        id: Uuid::now_v7(),
        name: name.clone(),
        content_type: content_type.clone(),
        size,
    };
    // The same rule as the answer check, applied to this one file before it is stored.
    let as_answer = serde_json::to_value([&candidate])
        .map_err(|e| AppError::Internal(format!("serialising a file reference: {e}")))?;
    os.field
        .check_answer(&as_answer, &[])
        .map_err(|message| AppError::field("file", message))?;
    db::files::insert(
        &app.db,
        &NewFile {
            id: candidate.id,
            owner_id: &actor.user.id,
            run_id: run.id,
            field_key: up.field,
            name: &name,
            content_type: &content_type,
            data: up.data,
        },
    )
    .await?;
    tracing::info!(run_id = %run.id, file_id = %candidate.id, size, "file uploaded");
    Ok(candidate)
}

/// A file's metadata and bytes, for its run's owner or, if the run is shared in the Store,
/// for everyone signed in.
pub async fn download(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
) -> AppResult<(FileRef, Vec<u8>)> {
    let not_found = || AppError::NotFound(format!("no file with id {id}"));
    let file = db::files::get(&app.db, id).await?.ok_or_else(not_found)?;
    let run = db::runs::get(&app.db, file.run_id)
        .await?
        .ok_or_else(not_found)?;
    let shared = run.stored_at.is_some() && run.visibility == Visibility::Shared;
    if run.user_id != actor.user.id && !shared {
        return Err(not_found());
    }
    let data = db::files::data(&app.db, id).await?.ok_or_else(not_found)?;
    Ok((
        FileRef {
            id,
            name: file.name,
            content_type: file.content_type,
            size: u64::try_from(file.size).unwrap_or_default(),
        },
        data,
    ))
}

/// The last path component, without control characters, at most [`MAX_FILE_NAME_LEN`].
fn clean_name(raw: &str) -> AppResult<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_LEN)
        .collect();
    let name = name.trim().to_owned();
    if name.is_empty() || name == "." || name == ".." {
        return Err(AppError::field("filename", "a file name is required"));
    }
    Ok(name)
}

/// `type/subtype` in lower case, parameters dropped; unknown becomes octet-stream.
fn clean_content_type(raw: &str) -> AppResult<String> {
    let essence = raw
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence.is_empty() {
        return Ok("application/octet-stream".into());
    }
    let valid = essence.split_once('/').is_some_and(|(t, s)| {
        let token = |x: &str| {
            !x.is_empty()
                && x.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
        };
        token(t) && token(s)
    });
    if valid {
        Ok(essence)
    } else {
        Err(AppError::field("content_type", "not a valid media type"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_name("../../etc/passwd").ok().as_deref(),
            Some("passwd")
        );
        assert_eq!(
            clean_name("C:\\x\\report.pdf").ok().as_deref(),
            Some("report.pdf")
        );
        assert_eq!(clean_name("a\u{0}b.txt").ok().as_deref(), Some("ab.txt"));
        assert!(clean_name("..").is_err());
        assert!(clean_name("dir/").is_err());
    }

    #[test]
    fn content_types_are_normalised() {
        assert_eq!(
            clean_content_type("Image/PNG; charset=x").ok().as_deref(),
            Some("image/png")
        );
        assert_eq!(
            clean_content_type("").ok().as_deref(),
            Some("application/octet-stream")
        );
        assert!(clean_content_type("not a type").is_err());
    }
}
