//! "Generate with AI" (DESIGN §5, issue 14): a language model writes an action's code and
//! declares its parameters from the builder's description.
//!
//! Nothing current changes here. The reply is read ([`read_reply`]) and its code
//! compile-checked in the sandbox; only then is it stored as a new, immutable code version
//! (`generated`, or `regenerated` when the action had code) and returned with the diff of
//! code and parameters against the current ones. The builder accepts it by restoring that
//! version (which syncs the parameters in one transaction and puts the code up for review,
//! so an approval never carries over to generated code) or discards it by doing nothing. A
//! live wizard keeps running the approved code meanwhile.

use similar::{ChangeTag, TextDiff};
use uuid::Uuid;

use super::{has_code, own_row, parse, to_json};
use crate::backend::auth::CurrentUser;
use crate::backend::db::library as repo;
use crate::backend::engine::sandbox::check_compiles;
use crate::backend::error::{AppError, AppResult};
use crate::backend::llm;
use crate::backend::prompts::fill;
use crate::backend::state::AppState;
use crate::domain::library::LibraryKind;
use crate::domain::llm::{
    DiffLine, DiffTag, GenerateRequest, GenerationView, MAX_DESCRIPTION_LEN, param_changes,
    read_reply,
};

/// `POST /library/actions/{id}/generate`: asks the model, checks its answer, stores it as a
/// proposal. The owner or an admin only; a `script` or `generated` action only.
pub async fn generate(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &GenerateRequest,
) -> AppResult<GenerationView> {
    let row = own_row(app, actor, id).await?;
    if row.version != req.version {
        return Err(AppError::stale_version("library action"));
    }
    let kind: LibraryKind = parse(&row.kind, "library_actions.kind")?;
    if !has_code(kind) {
        return Err(AppError::conflict_on(
            "kind",
            format!(
                "`{}` is a {} action: it runs no code of its own, so there is nothing to generate",
                row.action_name, kind
            ),
        ));
    }
    let description = req.description.trim();
    if description.is_empty() || description.chars().count() > MAX_DESCRIPTION_LEN {
        return Err(AppError::field(
            "description",
            format!("say what the action should do (1 to {MAX_DESCRIPTION_LEN} characters)"),
        ));
    }
    let mut system = fill(
        &app.prompts.base,
        &[
            ("name", &row.action_name),
            ("description", &row.description),
        ],
    );
    if let Some(parent_id) = row.parent_id.as_deref() {
        let parent_id: Uuid = parse(parent_id, "library_actions.parent_id")?;
        let parent = repo::get(&app.db, parent_id)
            .await?
            .ok_or_else(|| AppError::Internal("a parent vanished".into()))?;
        let parent_params = repo::declared_params(&app.db, parent_id).await?;
        let listed = serde_json::to_string_pretty(&parent_params)
            .map_err(|e| AppError::Internal(format!("cannot serialize: {e}")))?;
        system.push_str("\n\n");
        system.push_str(&fill(
            &app.prompts.child,
            &[
                ("parent_name", &parent.action_name),
                ("parent_description", &parent.description),
                ("parent_params", &listed),
            ],
        ));
    }
    let reply = llm::ask(app, &system, description).await?;
    let generated = read_reply(&reply).map_err(|why| {
        tracing::warn!(action_id = %id, error = %why, "unusable language model reply");
        AppError::Upstream(format!("{why}; nothing was changed"))
    })?;
    let body = generated.code.clone();
    tokio::task::spawn_blocking(move || check_compiles(&body))
        .await
        .map_err(|e| AppError::Internal(format!("the compile check failed: {e}")))?
        .map_err(|e| {
            AppError::Upstream(format!(
                "the generated code does not compile ({e}); nothing was changed — try again or reword the description"
            ))
        })?;
    let current = repo::declared_params(&app.db, id).await?;
    let reason = if row.code.trim().is_empty() {
        "generated"
    } else {
        "regenerated"
    };
    let mut tx = app.db.begin_write().await?;
    let number = repo::insert_code_version(
        &mut tx,
        id,
        &generated.code,
        &to_json(&generated.params)?,
        reason,
        Some(description),
        Some(actor.user.id.as_str()),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(action_id = %id, user_id = %actor.user.id, number, "library code generated");
    Ok(GenerationView {
        number,
        reason: reason.to_owned(),
        code_diff: code_diff(&row.code, &generated.code),
        param_changes: param_changes(&current, &generated.params),
        code: generated.code,
        params: generated.params,
    })
}

/// The lines of `before` and `after`, each marked same, added or removed.
pub(super) fn code_diff(before: &str, after: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(before, after)
        .iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                ChangeTag::Equal => DiffTag::Same,
                ChangeTag::Insert => DiffTag::Added,
                ChangeTag::Delete => DiffTag::Removed,
            },
            text: c.value().trim_end_matches(['\n', '\r']).to_owned(),
        })
        .collect()
}

/// Whether a stored version is a model's proposal (restoring it is accepting it).
pub(super) fn is_proposal(reason: &str) -> bool {
    matches!(reason, "generated" | "regenerated")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_code_line_by_line() {
        let d = code_diff("a\nb\nc\n", "a\nB\nc\nd");
        let tags: Vec<(DiffTag, &str)> = d.iter().map(|l| (l.tag, l.text.as_str())).collect();
        assert_eq!(
            tags,
            vec![
                (DiffTag::Same, "a"),
                (DiffTag::Removed, "b"),
                (DiffTag::Added, "B"),
                (DiffTag::Same, "c"),
                (DiffTag::Added, "d"),
            ]
        );
    }
}
