//! The action library (DESIGN §5): create, read, change and delete library actions with
//! their parameters, the hierarchy (lineage and descendants), code versions and review.
//!
//! Who may do what, checked here for every call: builders create actions and see their own
//! and shared ones; the owner (or an admin) changes, deletes, approves or rejects one.
//! Code is compile-checked in the sandbox before it is stored; any new code is `pending`
//! until approved, and the approver is the signed-in user, recorded by the server.

mod generate;
mod params;

use std::time::Instant;

use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::library::{self as repo, ActionRow, ActionWrite, ListFilter, ParamWrite};
use crate::backend::db::now_text;
use crate::backend::engine::RunInfo;
use crate::backend::engine::library::{CallStack, Env, Mode, call};
use crate::backend::engine::logs::Logger;
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::domain::library::{
    ActionParam, CodeStatus, CodeVersionView, HierarchyNode, HierarchyView, LibraryActionSummary,
    LibraryActionView, LibraryChoice, LibraryKind, LibraryRunRequest, LibraryRunResponse,
    NewLibraryAction, ReviewRequest, UpdateLibraryAction, bind_params, check_action,
};
use crate::domain::problem::FieldError;
use crate::domain::user::Role;

pub use generate::generate;
pub use params::{ParamEdit, edit_params, params};

/// Query of `GET /library/actions`.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LibraryQuery {
    /// Words in the name or description (case-insensitive).
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub kind: Option<LibraryKind>,
    /// Only the children of this action.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
}

fn parse<T: std::str::FromStr>(value: &str, column: &str) -> AppResult<T> {
    crate::backend::db::parse_column(value, column)
}

fn is_admin(actor: &CurrentUser) -> bool {
    actor.role >= Role::Admin
}

fn is_owner(actor: &CurrentUser, row: &ActionRow) -> bool {
    row.owner_id.as_deref() == Some(actor.user.id.as_str())
}

fn visible(actor: &CurrentUser, row: &ActionRow) -> bool {
    is_admin(actor) || is_owner(actor, row) || row.visibility == "shared"
}

fn summary(row: &ActionRow) -> AppResult<LibraryActionSummary> {
    Ok(LibraryActionSummary {
        id: row.id,
        name: row.action_name.clone(),
        description: row.description.clone(),
        kind: parse(&row.kind, "library_actions.kind")?,
        parent_id: row.parent_id.as_deref().and_then(|p| p.parse().ok()),
        code_status: parse(&row.code_status, "library_actions.code_status")?,
        visibility: parse(&row.visibility, "library_actions.visibility")?,
    })
}

async fn view(app: &AppState, row: &ActionRow) -> AppResult<LibraryActionView> {
    let params = repo::declared_params(&app.db, row.id).await?;
    let s = summary(row)?;
    Ok(LibraryActionView {
        id: row.id,
        name: s.name,
        description: s.description,
        kind: s.kind,
        parent_id: s.parent_id,
        parent_name: row.parent_name.clone(),
        code: row.code.clone(),
        prompt: row.prompt.clone(),
        code_status: s.code_status,
        approved_by: row.approved_by.clone(),
        approved_at: row.approved_at.clone(),
        owner_id: row.owner_id.clone(),
        visibility: s.visibility,
        params,
        version: row.version,
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
    })
}

/// An action the caller may see; anything else is "not found" (its existence is private).
async fn visible_row(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<ActionRow> {
    actor.require(Role::Builder)?;
    match repo::get(&app.db, id).await? {
        Some(row) if visible(actor, &row) => Ok(row),
        _ => Err(AppError::NotFound(format!(
            "no library action with id {id}"
        ))),
    }
}

/// An action the caller may change: its owner or an admin.
async fn own_row(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<ActionRow> {
    let row = visible_row(app, actor, id).await?;
    if is_owner(actor, &row) || is_admin(actor) {
        Ok(row)
    } else {
        Err(AppError::Forbidden(format!(
            "only its owner or an admin may change the library action `{}`",
            row.action_name
        )))
    }
}

pub(crate) fn params_write(params: &[ActionParam]) -> AppResult<Vec<ParamWrite>> {
    params
        .iter()
        .map(|p| {
            Ok(ParamWrite {
                name: p.name.clone(),
                param_type: p.param_type.as_str().to_owned(),
                is_required: p.is_required,
                default_value: match &p.default {
                    None | Some(serde_json::Value::Null) => None,
                    Some(v) => Some(to_json(v)?),
                },
                description: p.description.trim().to_owned(),
                direction: p.direction.as_str().to_owned(),
            })
        })
        .collect()
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(format!("cannot serialize: {e}")))
}

/// Whether `kind` runs code of its own (and so needs it compiled and approved).
fn has_code(kind: LibraryKind) -> bool {
    matches!(kind, LibraryKind::Script | LibraryKind::Generated)
}

/// What a create or update proposes, for [`check`].
struct Proposed<'a> {
    name: &'a str,
    kind: LibraryKind,
    parent_id: Option<Uuid>,
    code: &'a str,
    params: &'a [ActionParam],
}

/// The rules that need storage or the sandbox, added to the pure ones: a parent that
/// exists, is visible and makes no cycle; code that compiles.
async fn check(
    app: &AppState,
    actor: &CurrentUser,
    self_id: Option<Uuid>,
    p: Proposed<'_>,
) -> AppResult<()> {
    let Proposed {
        name,
        kind,
        parent_id,
        code,
        params,
    } = p;
    let mut errors = check_action(name, code, kind, params);
    if let Some(parent) = parent_id {
        errors.extend(parent_problem(app, actor, self_id, parent).await?);
    }
    if has_code(kind) && !code.trim().is_empty() {
        let body = code.to_owned();
        let compiled = tokio::task::spawn_blocking(move || {
            crate::backend::engine::sandbox::check_compiles(&body)
        })
        .await
        .map_err(|e| AppError::Internal(format!("the compile check failed: {e}")))?;
        if let Err(e) = compiled {
            errors.push(FieldError::new("code", e.to_string()));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Why `parent` cannot be the parent of `self_id` (none: it can).
async fn parent_problem(
    app: &AppState,
    actor: &CurrentUser,
    self_id: Option<Uuid>,
    parent: Uuid,
) -> AppResult<Vec<FieldError>> {
    if Some(parent) == self_id {
        return Ok(vec![FieldError::new(
            "parent_id",
            "an action cannot be its own parent",
        )]);
    }
    match repo::get(&app.db, parent).await? {
        Some(row) if visible(actor, &row) => {}
        _ => {
            return Ok(vec![FieldError::new(
                "parent_id",
                format!("no library action with id {parent}"),
            )]);
        }
    }
    let Some(me) = self_id else {
        return Ok(Vec::new());
    };
    // The parent's lineage must not pass through this action: that would close a loop.
    let lineage = repo::lineage(&app.db, parent).await?;
    if let Some(at) = lineage.iter().position(|r| r.id == me) {
        let names: Vec<&str> = lineage[at..]
            .iter()
            .map(|r| r.action_name.as_str())
            .collect();
        return Ok(vec![FieldError::new(
            "parent_id",
            format!(
                "would make a cycle: {} → {}",
                names.join(" → "),
                lineage[at].action_name
            ),
        )]);
    }
    Ok(Vec::new())
}

fn status_for(kind: LibraryKind, code: &str) -> CodeStatus {
    if has_code(kind) && !code.trim().is_empty() {
        CodeStatus::Pending
    } else if has_code(kind) {
        CodeStatus::Draft
    } else {
        // The built-in kinds run no code of their own: nothing to review.
        CodeStatus::Approved
    }
}

pub async fn list(
    app: &AppState,
    actor: &CurrentUser,
    q: &LibraryQuery,
) -> AppResult<Vec<LibraryActionSummary>> {
    actor.require(Role::Builder)?;
    let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let rows = repo::list(
        &app.db,
        &ListFilter {
            viewer: &actor.user.id,
            admin: is_admin(actor),
            search,
            kind: q.kind.map(LibraryKind::as_str),
            parent_id: q.parent_id,
        },
    )
    .await?;
    rows.iter().map(summary).collect()
}

/// What the builder's `library_action` editor offers: every action the caller may see,
/// with its parameters.
pub async fn choices(app: &AppState, actor: &CurrentUser) -> AppResult<Vec<LibraryChoice>> {
    let mut out = Vec::new();
    for action in list(app, actor, &LibraryQuery::default()).await? {
        let params = repo::declared_params(&app.db, action.id).await?;
        out.push(LibraryChoice { action, params });
    }
    Ok(out)
}

pub async fn get(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<LibraryActionView> {
    let row = visible_row(app, actor, id).await?;
    view(app, &row).await
}

pub async fn create(
    app: &AppState,
    actor: &CurrentUser,
    req: &NewLibraryAction,
) -> AppResult<LibraryActionView> {
    actor.require(Role::Builder)?;
    let name = req.name.trim();
    check(
        app,
        actor,
        None,
        Proposed {
            name,
            kind: req.kind,
            parent_id: req.parent_id,
            code: &req.code,
            params: &req.params,
        },
    )
    .await?;
    let id = Uuid::now_v7();
    let status = status_for(req.kind, &req.code);
    let mut tx = app.db.begin_write().await?;
    repo::insert(
        &mut tx,
        id,
        Some(actor.user.id.as_str()),
        &ActionWrite {
            name,
            description: req.description.trim(),
            kind: req.kind.as_str(),
            parent_id: req.parent_id.map(|p| p.to_string()),
            code: &req.code,
            prompt: None,
            code_status: status.as_str(),
            approved_by: None,
            approved_at: None,
            visibility: req.visibility.as_str(),
        },
    )
    .await?;
    write_params_and_code(
        &mut tx,
        id,
        actor,
        &req.params,
        Some((&req.code, "created")),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(action_id = %id, user_id = %actor.user.id, "library action created");
    get(app, actor, id).await
}

pub async fn update(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &UpdateLibraryAction,
) -> AppResult<LibraryActionView> {
    let row = own_row(app, actor, id).await?;
    if row.version != req.version {
        return Err(AppError::stale_version("library action"));
    }
    let name = req.name.trim();
    check(
        app,
        actor,
        Some(id),
        Proposed {
            name,
            kind: req.kind,
            parent_id: req.parent_id,
            code: &req.code,
            params: &req.params,
        },
    )
    .await?;
    let kind_changed = row.kind != req.kind.as_str();
    let code_changed = row.code != req.code || kind_changed;
    // New code (or a new kind) needs a new review; otherwise the review stands.
    let (status, approved_by, approved_at) = if code_changed {
        (
            status_for(req.kind, &req.code).as_str().to_owned(),
            None,
            None,
        )
    } else {
        (
            row.code_status.clone(),
            row.approved_by.clone(),
            row.approved_at.clone(),
        )
    };
    let mut tx = app.db.begin_write().await?;
    let written = repo::update(
        &mut tx,
        id,
        req.version,
        &ActionWrite {
            name,
            description: req.description.trim(),
            kind: req.kind.as_str(),
            parent_id: req.parent_id.map(|p| p.to_string()),
            code: &req.code,
            prompt: row.prompt.as_deref(),
            code_status: &status,
            approved_by: approved_by.as_deref(),
            approved_at: approved_at.as_deref(),
            visibility: req.visibility.as_str(),
        },
    )
    .await?;
    if !written {
        return Err(AppError::stale_version("library action"));
    }
    let new_code = code_changed.then_some((req.code.as_str(), "edited"));
    write_params_and_code(&mut tx, id, actor, &req.params, new_code).await?;
    tx.commit().await?;
    tracing::info!(action_id = %id, user_id = %actor.user.id, code_changed, "library action changed");
    get(app, actor, id).await
}

/// What a create and an update both write in their transaction: the parameters (synced by
/// name), and new code as an immutable code version with why it was written.
async fn write_params_and_code(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: Uuid,
    actor: &CurrentUser,
    params: &[ActionParam],
    code: Option<(&str, &str)>,
) -> AppResult<()> {
    repo::sync_params(tx, id, &params_write(params)?).await?;
    if let Some((code, reason)) = code {
        repo::insert_code_version(
            tx,
            id,
            code,
            &to_json(&params)?,
            reason,
            None,
            Some(actor.user.id.as_str()),
        )
        .await?;
    }
    Ok(())
}

pub async fn delete(app: &AppState, actor: &CurrentUser, id: Uuid, version: i64) -> AppResult<()> {
    let row = own_row(app, actor, id).await?;
    let children = repo::children(&app.db, id).await?;
    if !children.is_empty() {
        return Err(AppError::Conflict {
            detail: format!(
                "`{}` is the parent of {}; delete or re-parent those first",
                row.action_name,
                children
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            errors: Vec::new(),
        });
    }
    let users = live_users(app, &row.action_name).await?;
    if !users.is_empty() {
        return Err(AppError::Conflict {
            detail: format!(
                "`{}` is used by published wizards: {}; unpublish them or change their events first",
                row.action_name,
                users.join(", ")
            ),
            errors: Vec::new(),
        });
    }
    if !repo::delete(&app.db, id, version).await? {
        return Err(AppError::stale_version("library action"));
    }
    tracing::info!(action_id = %id, user_id = %actor.user.id, "library action deleted");
    Ok(())
}

/// The published wizards whose live version runs the action `name`, as
/// "“wizard” (owner@example.com)".
async fn live_users(app: &AppState, name: &str) -> AppResult<Vec<String>> {
    // the name as it appears inside the stored JSON
    let encoded = serde_json::to_string(name).unwrap_or_default();
    let needle = encoded.trim_matches('"');
    let mut users = Vec::new();
    for candidate in repo::live_versions_mentioning(&app.db, needle).await? {
        let wizard: crate::domain::Wizard = serde_json::from_str(&candidate.definition)
            .map_err(|e| AppError::Internal(format!("unreadable wizard version: {e}")))?;
        if wizard.uses_library_action(name) {
            users.push(format!(
                "“{}” ({})",
                candidate.wizard_name,
                candidate
                    .owner_email
                    .as_deref()
                    .unwrap_or("a seeded template")
            ));
        }
    }
    Ok(users)
}

/// The lineage (root first, ending with the action) and the descendants as a tree; the
/// caller sees only the descendants visible to them.
pub async fn hierarchy(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<HierarchyView> {
    visible_row(app, actor, id).await?;
    let lineage = repo::lineage(&app.db, id)
        .await?
        .iter()
        .map(summary)
        .collect::<AppResult<Vec<_>>>()?;
    let below: Vec<LibraryActionSummary> = repo::descendants(&app.db, id)
        .await?
        .iter()
        .filter(|r| visible(actor, r))
        .map(summary)
        .collect::<AppResult<_>>()?;
    fn tree(parent: Uuid, all: &[LibraryActionSummary], depth: usize) -> Vec<HierarchyNode> {
        if depth > usize::try_from(repo::MAX_DEPTH).unwrap_or(64) {
            return Vec::new();
        }
        all.iter()
            .filter(|a| a.parent_id == Some(parent))
            .map(|a| HierarchyNode {
                action: a.clone(),
                children: tree(a.id, all, depth + 1),
            })
            .collect()
    }
    Ok(HierarchyView {
        lineage,
        descendants: tree(id, &below, 0),
    })
}

/// Approves the current code: it may then run inside wizards. Records who, on the server.
pub async fn approve(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &ReviewRequest,
) -> AppResult<LibraryActionView> {
    review(app, actor, id, req, CodeStatus::Approved).await
}

/// Rejects the current code: it does not run inside wizards until changed and approved.
pub async fn reject(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &ReviewRequest,
) -> AppResult<LibraryActionView> {
    review(app, actor, id, req, CodeStatus::Rejected).await
}

async fn review(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &ReviewRequest,
    to: CodeStatus,
) -> AppResult<LibraryActionView> {
    let row = own_row(app, actor, id).await?;
    if row.version != req.version {
        return Err(AppError::stale_version("library action"));
    }
    let kind: LibraryKind = parse(&row.kind, "library_actions.kind")?;
    if !has_code(kind) || row.code.trim().is_empty() {
        return Err(AppError::conflict_on(
            "code_status",
            format!("`{}` has no code to review", row.action_name),
        ));
    }
    let now = now_text();
    let (by, at) = match to {
        CodeStatus::Approved => (Some(actor.user.id.as_str()), Some(now.as_str())),
        _ => (None, None),
    };
    if !repo::set_review(&app.db, id, req.version, to.as_str(), by, at).await? {
        return Err(AppError::stale_version("library action"));
    }
    tracing::info!(action_id = %id, user_id = %actor.user.id, status = to.as_str(), note = %req.note, "library action reviewed");
    get(app, actor, id).await
}

/// Every stored code version, newest first.
pub async fn code_versions(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
) -> AppResult<Vec<CodeVersionView>> {
    visible_row(app, actor, id).await?;
    repo::code_versions(&app.db, id)
        .await?
        .into_iter()
        .map(|v| {
            Ok(CodeVersionView {
                number: v.number,
                code: v.code,
                params: serde_json::from_str(&v.params).map_err(|_| {
                    AppError::Internal("unreadable library_action_code_versions.params".into())
                })?,
                reason: v.reason,
                prompt: v.prompt,
                created_by: v.created_by,
                created_at: v.created_at,
            })
        })
        .collect()
}

/// Makes an earlier code version (and its parameters) current again, as a new version to
/// review. This is also how a generated proposal is accepted ([`generate`]).
pub async fn restore(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    number: i64,
    version: i64,
) -> AppResult<LibraryActionView> {
    let row = own_row(app, actor, id).await?;
    let old = repo::code_version(&app.db, id, number)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "`{}` has no code version {number}",
                row.action_name
            ))
        })?;
    let params: Vec<ActionParam> = serde_json::from_str(&old.params)
        .map_err(|_| AppError::Internal("unreadable library_action_code_versions.params".into()))?;
    let kind: LibraryKind = parse(&row.kind, "library_actions.kind")?;
    let status = status_for(kind, &old.code);
    let mut tx = app.db.begin_write().await?;
    let written = repo::update(
        &mut tx,
        id,
        version,
        &ActionWrite {
            name: &row.action_name,
            description: &row.description,
            kind: &row.kind,
            parent_id: row.parent_id.clone(),
            code: &old.code,
            prompt: old.prompt.as_deref(),
            code_status: status.as_str(),
            approved_by: None,
            approved_at: None,
            visibility: &row.visibility,
        },
    )
    .await?;
    if !written {
        return Err(AppError::stale_version("library action"));
    }
    repo::sync_params(&mut tx, id, &params_write(&params)?).await?;
    repo::insert_code_version(
        &mut tx,
        id,
        &old.code,
        &old.params,
        // Restoring a model's proposal is accepting it.
        if generate::is_proposal(&old.reason) {
            "accepted"
        } else {
            "restored"
        },
        old.prompt.as_deref(),
        Some(actor.user.id.as_str()),
    )
    .await?;
    tx.commit().await?;
    get(app, actor, id).await
}

/// `POST /library/actions/{id}/run`: runs the action with `req.params` as a test. Only its
/// owner or an admin runs draft or pending code (here, never in a wizard); nothing is stored,
/// the log tree comes back in the response. A failure of the action is an answer (`ok:
/// false` with the error naming every level), not an HTTP error; parameters that do not
/// fit are a 422 naming each (`params.LastName`).
pub async fn run(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &LibraryRunRequest,
) -> AppResult<LibraryRunResponse> {
    let row = visible_row(app, actor, id).await?;
    let declared = repo::declared_params(&app.db, id).await?;
    if let Err(problems) = bind_params(&declared, &req.params) {
        return Err(AppError::Validation(
            problems
                .into_iter()
                .map(|(p, m)| FieldError::new(format!("params.{p}"), m))
                .collect(),
        ));
    }
    let wizard_id = match req.wizard_id {
        Some(w) => {
            crate::backend::wizards::owned(app, actor, w)
                .await
                .map_err(|e| match e {
                    AppError::NotFound(m) => AppError::field("wizard_id", m),
                    other => other,
                })?;
            w
        }
        None => Uuid::nil(),
    };
    let logger = Logger::in_memory(app.clone());
    let env = Env {
        app: app.clone(),
        run: RunInfo {
            run_id: Uuid::nil(),
            wizard_id,
            user_id: actor.user.id.clone(),
            user_email: actor.user.email.clone(),
        },
        logger: logger.clone(),
        mode: Mode::Test {
            user_id: actor.user.id.clone(),
            admin: is_admin(actor),
        },
        deadline: Instant::now() + app.engine.default_timeout,
    };
    let result = call(
        env,
        CallStack::default(),
        row.action_name.clone(),
        req.params.clone(),
        None,
    )
    .await;
    tracing::info!(action_id = %id, user_id = %actor.user.id, ok = result.is_ok(), "library action test run");
    let (ok, output, error) = match result {
        Ok(v) => (true, Some(v), None),
        Err(f) => (false, None, Some(f.to_string())),
    };
    Ok(LibraryRunResponse {
        ok,
        output,
        error,
        logs: logger.trees(),
    })
}
