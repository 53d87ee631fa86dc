//! One parameter at a time (issue 14: params CRUD and reorder). Each edit is the whole
//! action saved again through [`update`] with the parameter list changed, so the same rules
//! hold (names, types, defaults; `params[i].…` paths), the version guards against lost
//! updates, and the sync by name keeps retired parameters in the versions that declared
//! them. Code is untouched, so its review stands (as with any save that keeps the code).

use uuid::Uuid;

use super::{own_row, parse, update, visible_row};
use crate::backend::auth::CurrentUser;
use crate::backend::db::library as repo;
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::domain::library::{ActionParam, LibraryActionView, UpdateLibraryAction, reorder};

/// What to do to the parameter list.
pub enum ParamEdit {
    Add(ActionParam),
    Replace(String, ActionParam),
    Remove(String),
    Reorder(Vec<String>),
}

/// The live parameters, in order.
pub async fn params(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<Vec<ActionParam>> {
    visible_row(app, actor, id).await?;
    repo::declared_params(&app.db, id).await
}

pub async fn edit_params(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    version: i64,
    edit: ParamEdit,
) -> AppResult<LibraryActionView> {
    let row = own_row(app, actor, id).await?;
    if row.version != version {
        return Err(AppError::stale_version("library action"));
    }
    let mut params = repo::declared_params(&app.db, id).await?;
    let position = |params: &[ActionParam], name: &str| {
        params.iter().position(|p| p.name == name).ok_or_else(|| {
            AppError::NotFound(format!("`{}` has no parameter `{name}`", row.action_name))
        })
    };
    match edit {
        ParamEdit::Add(p) => params.push(p),
        ParamEdit::Replace(name, p) => {
            let at = position(&params, &name)?;
            params[at] = p;
        }
        ParamEdit::Remove(name) => {
            let at = position(&params, &name)?;
            params.remove(at);
        }
        ParamEdit::Reorder(names) => {
            params = reorder(&params, &names).map_err(|m| AppError::field("names", m))?;
        }
    }
    let req = UpdateLibraryAction {
        version,
        name: row.action_name.clone(),
        description: row.description.clone(),
        kind: parse(&row.kind, "library_actions.kind")?,
        parent_id: row
            .parent_id
            .as_deref()
            .map(|p| parse(p, "library_actions.parent_id"))
            .transpose()?,
        code: row.code.clone(),
        visibility: parse(&row.visibility, "library_actions.visibility")?,
        params,
    };
    update(app, actor, id, &req).await
}
