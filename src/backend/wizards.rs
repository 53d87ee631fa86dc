//! Builder, publishing, gallery and import/export use-cases, called by both the REST API
//! and the Leptos server functions so the rules live in one place.
//!
//! Every change goes through [`edit`]: load the draft, check ownership and the expected
//! version, apply the change, validate the *whole* wizard (a condition may name a field on
//! another step), and write it back only if nobody saved in between.

use serde_json::Value;
use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::wizards::{self as repo, VersionRow, WizardRow};
use crate::backend::error::{AppError, AppResult};
use crate::backend::state::AppState;
use crate::domain::draft::*;
use crate::domain::problem::FieldError;
use crate::domain::transfer;
use crate::domain::user::Role;
use crate::domain::{OptionSet, Step, Wizard, WizardOption};

/// Longest category name, in characters.
pub const MAX_CATEGORY_LEN: usize = 60;

pub async fn create(
    app: &AppState,
    actor: &CurrentUser,
    req: &CreateWizardRequest,
) -> AppResult<WizardDraft> {
    actor.require(Role::Builder)?;
    let mut w = Wizard {
        id: Uuid::now_v7(),
        name: req.name.trim().to_owned(),
        description: req.description.trim().to_owned(),
        category: normalize_category(req.category.as_deref()),
        steps: Vec::new(),
        events: Vec::new(),
        api_configs: Vec::new(),
        mcp_configs: Vec::new(),
    };
    w.assign_missing_ids();
    validate(&w)?;
    let row = repo::insert(&app.db, Some(&actor.user.id), &w).await?;
    tracing::info!(wizard_id = %row.id, user_id = %actor.user.id, "wizard created");
    draft_view(app, &row).await
}

/// The caller's own wizards (builders), newest change first.
pub async fn list_mine(app: &AppState, actor: &CurrentUser) -> AppResult<Vec<WizardSummary>> {
    actor.require(Role::Builder)?;
    repo::list_by_owner(&app.db, &actor.user.id)
        .await?
        .iter()
        .map(summary)
        .collect()
}

/// Every wizard with a live version: what any signed-in user may run.
pub async fn list_published(app: &AppState, _actor: &CurrentUser) -> AppResult<Vec<WizardSummary>> {
    repo::list_published(&app.db)
        .await?
        .iter()
        .map(summary)
        .collect()
}

pub async fn get_draft(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<WizardDraft> {
    let row = owned(app, actor, id).await?;
    draft_view(app, &row).await
}

/// The draft's definition alone (what `GET /wizards/{id}/steps/{step_id}` and friends read),
/// with its events and configurations filled in from their tables.
pub async fn definition(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<Wizard> {
    let row = owned(app, actor, id).await?;
    assemble(app, &row).await
}

/// The whole draft: the stored definition plus the events (with actions) and the API/MCP
/// configurations (secrets left out), which live in their own tables. This is what is
/// published, exported and compared with the live version.
pub async fn assemble(app: &AppState, row: &WizardRow) -> AppResult<Wizard> {
    let mut w = row.definition()?;
    w.events = crate::backend::db::events::events_of_wizard(&app.db, row.id).await?;
    w.api_configs = crate::backend::db::events::api_configs(&app.db, row.id).await?;
    w.mcp_configs = crate::backend::db::events::mcp_configs(&app.db, row.id).await?;
    Ok(w)
}

pub async fn save_draft(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &SaveDraftRequest,
) -> AppResult<WizardDraft> {
    let new = req.definition.clone();
    // `events`, `api_configs` and `mcp_configs` of the body are ignored (`write` drops
    // them): they are edited through their own endpoints, each with its own version.
    edit(app, actor, id, req.version, move |w| {
        let id = w.id;
        *w = new;
        w.id = id;
        Ok(())
    })
    .await
}

pub async fn update(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &UpdateWizardRequest,
) -> AppResult<WizardDraft> {
    let row = owned(app, actor, id).await?;
    let mut w = row.definition()?;
    if let Some(name) = &req.name {
        w.name = name.trim().to_owned();
    }
    if let Some(description) = &req.description {
        w.description = description.trim().to_owned();
    }
    if let Some(category) = &req.category {
        w.category = normalize_category(category.as_deref());
    }
    let is_template = req.is_template.unwrap_or(row.is_template != 0);
    if is_template && row.live_version.is_none() {
        return Err(AppError::field(
            "is_template",
            "publish the wizard before offering it in the gallery",
        ));
    }
    write(app, &row, &w, is_template, req.version).await
}

pub async fn delete(app: &AppState, actor: &CurrentUser, id: Uuid, version: i64) -> AppResult<()> {
    let row = owned(app, actor, id).await?;
    if row.version != version || !repo::delete(&app.db, row.id, version).await? {
        return Err(AppError::stale_version("wizard"));
    }
    // Its API configurations went with it: calls must not find them cached.
    app.api_config_rows
        .remove_where(|(wizard, _), _| *wizard == row.id);
    tracing::info!(wizard_id = %row.id, user_id = %actor.user.id, "wizard deleted");
    Ok(())
}

/// Freezes the draft into the next version and makes it live. Runs in progress keep
/// playing the version they started on.
pub async fn publish(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    version: i64,
) -> AppResult<VersionSummary> {
    let row = owned(app, actor, id).await?;
    if row.version != version {
        return Err(AppError::stale_version("wizard"));
    }
    // The version carries the events and configurations; an event whose target or field
    // went away since it was saved is refused here with its `events[i]…` path.
    let w = assemble(app, &row).await?;
    validate(&w)?;
    if w.steps.is_empty() {
        return Err(AppError::field(
            "steps",
            "add at least one step before publishing",
        ));
    }
    let snapshot = repo::to_json(&w)?;
    if row.live_definition.as_deref() == Some(snapshot.as_str()) {
        return Err(AppError::conflict_on(
            "version",
            format!(
                "nothing changed since version {}",
                row.live_version.unwrap_or_default()
            ),
        ));
    }
    let v = repo::publish_snapshot(&app.db, &row, version, &actor.user.id, &snapshot).await?;
    tracing::info!(wizard_id = %row.id, number = v.number, "wizard published");
    version_summary(&v, Some(v.number))
}

pub async fn versions(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
) -> AppResult<Vec<VersionSummary>> {
    let row = owned(app, actor, id).await?;
    repo::versions(&app.db, row.id)
        .await?
        .iter()
        .map(|v| version_summary(v, row.live_version))
        .collect()
}

pub async fn version(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    number: i64,
) -> AppResult<PublishedVersion> {
    let row = owned(app, actor, id).await?;
    let v = repo::version(&app.db, row.id, number)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("wizard {id} has no version {number}")))?;
    Ok(PublishedVersion {
        summary: version_summary(&v, row.live_version)?,
        definition: (*app.versions.insert(&v)?).clone(),
    })
}

/// The export document: `{"schema_version": 1, "wizard": {…}}`.
pub async fn export(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<Value> {
    let row = owned(app, actor, id).await?;
    let w = assemble(app, &row).await?;
    Ok(transfer::export(&w))
}

/// Validates an export document (every problem, with its JSON path) and stores it as a
/// new draft of the caller.
pub async fn import(app: &AppState, actor: &CurrentUser, doc: &Value) -> AppResult<WizardDraft> {
    actor.require(Role::Builder)?;
    let mut w = transfer::import(doc).map_err(AppError::Validation)?;
    w.id = Uuid::now_v7();
    // Event, action and configuration ids are global rows: a document imported twice
    // must not collide with itself, so they are renewed (references follow).
    w.renew_event_and_config_ids();
    w.assign_missing_ids();
    validate(&w).map_err(|e| prefix(e, "wizard"))?;
    let row = repo::insert_with_events(&app.db, Some(&actor.user.id), &w)
        .await
        .map_err(|e| prefix(e, "wizard"))?;
    tracing::info!(wizard_id = %row.id, user_id = %actor.user.id, "wizard imported");
    draft_view(app, &row).await
}

/// Anyone may browse the gallery.
pub async fn templates(app: &AppState, query: &TemplateQuery) -> AppResult<Vec<TemplateSummary>> {
    let q = query
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_lowercase();
    let category = query
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let mut out = Vec::new();
    for row in repo::list_templates(&app.db).await? {
        let Some(live) = live_definition(&row)? else {
            continue;
        };
        if category.is_some_and(|c| live.category.as_deref() != Some(c)) {
            continue;
        }
        if !q.is_empty()
            && !live.name.to_lowercase().contains(&q)
            && !live.description.to_lowercase().contains(&q)
        {
            continue;
        }
        out.push(TemplateSummary {
            wizard_id: row.id,
            name: live.name.clone(),
            description: live.description.clone(),
            category: live.category.clone(),
            version_number: row.live_version.unwrap_or_default(),
            step_count: live.steps.len(),
            field_count: live.option_sets().count(),
            owner_name: row
                .owner_name
                .clone()
                .unwrap_or_else(|| "Wizard Platform".into()),
        });
    }
    Ok(out)
}

/// Copies a template's live version into a new draft of the caller, with every id renewed
/// (conditions name fields by key, which the copy keeps, so it behaves identically).
pub async fn clone_template(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
) -> AppResult<WizardDraft> {
    actor.require(Role::Builder)?;
    let row = repo::get(&app.db, wizard_id)
        .await?
        .filter(|r| r.is_template != 0)
        .ok_or_else(|| AppError::NotFound(format!("no template with id {wizard_id}")))?;
    let live = live_definition(&row)?
        .ok_or_else(|| AppError::NotFound(format!("no template with id {wizard_id}")))?;
    // Events and configurations travel with the copy, their references remapped to the
    // copy's ids (credentials stay behind: the new owner enters their own).
    let (copy, _ids) = live.with_fresh_ids();
    validate(&copy)?;
    let new = repo::insert_with_events(&app.db, Some(&actor.user.id), &copy).await?;
    tracing::info!(template = %row.id, wizard_id = %new.id, user_id = %actor.user.id, "template cloned");
    draft_view(app, &new).await
}

// ---- steps, option sets and options -------------------------------------------------

pub async fn add_step(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &AddStepRequest,
) -> AppResult<WizardDraft> {
    let step = req.step.clone();
    let position = req.position;
    edit(app, actor, id, req.version, move |w| {
        let at = position_in(position, w.steps.len())?;
        w.steps.insert(at, step);
        Ok(())
    })
    .await
}

pub async fn put_step(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    step_id: Uuid,
    req: &PutStepRequest,
) -> AppResult<WizardDraft> {
    let mut step = req.step.clone();
    same_id(step.id, step_id, "step.id")?;
    step.id = step_id;
    edit(app, actor, id, req.version, move |w| {
        *find_step(w, step_id)? = step;
        Ok(())
    })
    .await
}

pub async fn delete_step(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    step_id: Uuid,
    version: i64,
) -> AppResult<WizardDraft> {
    edit(app, actor, id, version, move |w| {
        find_step(w, step_id)?;
        w.steps.retain(|s| s.id != step_id);
        Ok(())
    })
    .await
}

pub async fn reorder_steps(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    req: &ReorderRequest,
) -> AppResult<WizardDraft> {
    let ids = req.ids.clone();
    edit(app, actor, id, req.version, move |w| {
        reorder(&mut w.steps, &ids, |s| s.id)
    })
    .await
}

pub async fn add_option_set(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    step_id: Uuid,
    req: &AddOptionSetRequest,
) -> AppResult<WizardDraft> {
    let os = req.option_set.clone();
    let position = req.position;
    edit(app, actor, id, req.version, move |w| {
        let step = find_step(w, step_id)?;
        let at = position_in(position, step.option_sets.len())?;
        step.option_sets.insert(at, os);
        Ok(())
    })
    .await
}

pub async fn put_option_set(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    os_id: Uuid,
    req: &PutOptionSetRequest,
) -> AppResult<WizardDraft> {
    let mut os = req.option_set.clone();
    same_id(os.id, os_id, "option_set.id")?;
    os.id = os_id;
    let target = req.step_id;
    edit(app, actor, id, req.version, move |w| {
        let (si, oi) = locate_option_set(w, os_id)?;
        match target {
            Some(to) if to != w.steps[si].id => {
                w.steps[si].option_sets.remove(oi);
                find_step(w, to)?.option_sets.push(os);
            }
            _ => w.steps[si].option_sets[oi] = os,
        }
        Ok(())
    })
    .await
}

pub async fn delete_option_set(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    os_id: Uuid,
    version: i64,
) -> AppResult<WizardDraft> {
    edit(app, actor, id, version, move |w| {
        let (si, oi) = locate_option_set(w, os_id)?;
        w.steps[si].option_sets.remove(oi);
        Ok(())
    })
    .await
}

pub async fn reorder_option_sets(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    step_id: Uuid,
    req: &ReorderRequest,
) -> AppResult<WizardDraft> {
    let ids = req.ids.clone();
    edit(app, actor, id, req.version, move |w| {
        reorder(&mut find_step(w, step_id)?.option_sets, &ids, |o| o.id)
    })
    .await
}

pub async fn add_option(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    os_id: Uuid,
    req: &AddOptionRequest,
) -> AppResult<WizardDraft> {
    let option = req.option.clone();
    let position = req.position;
    edit(app, actor, id, req.version, move |w| {
        let os = find_option_set(w, os_id)?;
        let at = position_in(position, os.options.len())?;
        os.options.insert(at, option);
        Ok(())
    })
    .await
}

pub async fn put_option(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    option_id: Uuid,
    req: &PutOptionRequest,
) -> AppResult<WizardDraft> {
    let mut option = req.option.clone();
    same_id(option.id, option_id, "option.id")?;
    option.id = option_id;
    edit(app, actor, id, req.version, move |w| {
        *find_option(w, option_id)? = option;
        Ok(())
    })
    .await
}

pub async fn delete_option(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    option_id: Uuid,
    version: i64,
) -> AppResult<WizardDraft> {
    edit(app, actor, id, version, move |w| {
        find_option(w, option_id)?;
        for os in w.steps.iter_mut().flat_map(|s| s.option_sets.iter_mut()) {
            os.options.retain(|o| o.id != option_id);
        }
        Ok(())
    })
    .await
}

pub async fn reorder_options(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    os_id: Uuid,
    req: &ReorderRequest,
) -> AppResult<WizardDraft> {
    let ids = req.ids.clone();
    edit(app, actor, id, req.version, move |w| {
        reorder(&mut find_option_set(w, os_id)?.options, &ids, |o| o.id)
    })
    .await
}

// ---- the one write path ------------------------------------------------------------

/// Loads the caller's draft, applies `change`, validates and writes it if the draft is
/// still at `expected_version`.
async fn edit(
    app: &AppState,
    actor: &CurrentUser,
    id: Uuid,
    expected_version: i64,
    change: impl FnOnce(&mut Wizard) -> AppResult<()>,
) -> AppResult<WizardDraft> {
    let row = owned(app, actor, id).await?;
    if row.version != expected_version {
        return Err(AppError::stale_version("wizard"));
    }
    let mut w = row.definition()?;
    change(&mut w)?;
    write(app, &row, &w, row.is_template != 0, expected_version).await
}

async fn write(
    app: &AppState,
    row: &WizardRow,
    w: &Wizard,
    is_template: bool,
    expected_version: i64,
) -> AppResult<WizardDraft> {
    let mut w = w.clone();
    w.id = row.id;
    w.events.clear();
    w.api_configs.clear();
    w.mcp_configs.clear();
    w.name = w.name.trim().to_owned();
    w.category = normalize_category(w.category.as_deref());
    w.assign_missing_ids();
    validate(&w)?;
    repo::update_draft(&app.db, row.id, &w, is_template, expected_version)
        .await?
        .ok_or_else(|| AppError::stale_version("wizard"))?;
    let row = repo::get(&app.db, row.id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no wizard with id {}", row.id)))?;
    draft_view(app, &row).await
}

/// For a part of a wizard (an API or MCP configuration): checks the caller owns the
/// wizard `wizard_id` it belongs to, answering the part's own "not found" when not, so the
/// ids of others' parts do not leak either (one rule: README "Who may do what").
pub(crate) async fn check_part_owner(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
    not_found: impl FnOnce() -> AppError,
) -> AppResult<()> {
    match owned(app, actor, wizard_id).await {
        Ok(_) => Ok(()),
        Err(AppError::NotFound(_)) => Err(not_found()),
        Err(other) => Err(other),
    }
}

/// The caller's wizard; someone else's is "not found", so ids of drafts do not leak.
pub(crate) async fn owned(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<WizardRow> {
    actor.require(Role::Builder)?;
    let not_found = || AppError::NotFound(format!("no wizard with id {id}"));
    repo::get(&app.db, id)
        .await?
        .filter(|r| r.owner_id.as_deref() == Some(actor.user.id.as_str()))
        .ok_or_else(not_found)
}

fn validate(w: &Wizard) -> AppResult<()> {
    let mut errors = w.check();
    if let Some(c) = &w.category
        && c.chars().count() > MAX_CATEGORY_LEN
    {
        errors.push(FieldError::new(
            "category",
            format!("must be at most {MAX_CATEGORY_LEN} characters"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn prefix(e: AppError, root: &str) -> AppError {
    match e {
        AppError::Validation(errors) => AppError::Validation(
            errors
                .into_iter()
                .map(|fe| FieldError::new(format!("{root}.{}", fe.field), fe.message))
                .collect(),
        ),
        other => other,
    }
}

fn normalize_category(c: Option<&str>) -> Option<String> {
    c.map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
}

fn position_in(position: Option<usize>, len: usize) -> AppResult<usize> {
    match position {
        None => Ok(len),
        Some(p) if p <= len => Ok(p),
        Some(_) => Err(AppError::field(
            "position",
            format!("must be at most {len}"),
        )),
    }
}

fn same_id(body: Uuid, path: Uuid, field: &str) -> AppResult<()> {
    if body.is_nil() || body == path {
        Ok(())
    } else {
        Err(AppError::field(
            field,
            "does not match the id in the address",
        ))
    }
}

fn reorder<T>(items: &mut [T], ids: &[Uuid], id_of: impl Fn(&T) -> Uuid) -> AppResult<()> {
    let mut current: Vec<Uuid> = items.iter().map(&id_of).collect();
    let mut wanted = ids.to_vec();
    current.sort();
    wanted.sort();
    if current != wanted {
        return Err(AppError::field(
            "ids",
            "must list every current id exactly once",
        ));
    }
    items.sort_by_key(|item| ids.iter().position(|id| *id == id_of(item)));
    Ok(())
}

fn find_step(w: &mut Wizard, step_id: Uuid) -> AppResult<&mut Step> {
    w.steps
        .iter_mut()
        .find(|s| s.id == step_id)
        .ok_or_else(|| AppError::NotFound(format!("no step with id {step_id}")))
}

fn locate_option_set(w: &Wizard, os_id: Uuid) -> AppResult<(usize, usize)> {
    w.steps
        .iter()
        .enumerate()
        .find_map(|(si, s)| {
            s.option_sets
                .iter()
                .position(|o| o.id == os_id)
                .map(|oi| (si, oi))
        })
        .ok_or_else(|| AppError::NotFound(format!("no option set with id {os_id}")))
}

fn find_option_set(w: &mut Wizard, os_id: Uuid) -> AppResult<&mut OptionSet> {
    let (si, oi) = locate_option_set(w, os_id)?;
    Ok(&mut w.steps[si].option_sets[oi])
}

fn find_option(w: &mut Wizard, option_id: Uuid) -> AppResult<&mut WizardOption> {
    w.steps
        .iter_mut()
        .flat_map(|s| s.option_sets.iter_mut())
        .flat_map(|os| os.options.iter_mut())
        .find(|o| o.id == option_id)
        .ok_or_else(|| AppError::NotFound(format!("no option with id {option_id}")))
}

// ---- views ---------------------------------------------------------------------------

fn live_definition(row: &WizardRow) -> AppResult<Option<Wizard>> {
    row.live_definition
        .as_deref()
        .map(|d| {
            serde_json::from_str(d).map_err(|e| {
                AppError::Internal(format!(
                    "live version of wizard {} is unreadable: {e}",
                    row.id
                ))
            })
        })
        .transpose()
}

fn summary(row: &WizardRow) -> AppResult<WizardSummary> {
    let w = row.definition()?;
    Ok(WizardSummary {
        id: row.id,
        name: row.name.clone(),
        description: row.description.clone(),
        category: row.category.clone(),
        owner_id: row.owner_id.clone().unwrap_or_default(),
        owner_name: row
            .owner_name
            .clone()
            .unwrap_or_else(|| "Wizard Platform".into()),
        version: row.version,
        is_template: row.is_template != 0,
        live_version: row.live_version,
        step_count: w.steps.len(),
        field_count: w.option_sets().count(),
        updated_at: row.updated_at.clone(),
    })
}

/// The draft as the builder sees it, events and configurations included; it has
/// unpublished changes when the whole of it differs from the live version's document.
async fn draft_view(app: &AppState, row: &WizardRow) -> AppResult<WizardDraft> {
    let definition = assemble(app, row).await?;
    let snapshot = repo::to_json(&definition)?;
    Ok(WizardDraft {
        id: row.id,
        owner_id: row.owner_id.clone().unwrap_or_default(),
        version: row.version,
        is_template: row.is_template != 0,
        live_version: row.live_version,
        has_unpublished_changes: row.live_definition.as_deref() != Some(snapshot.as_str()),
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
        definition,
    })
}

fn version_summary(v: &VersionRow, live: Option<i64>) -> AppResult<VersionSummary> {
    let w: Wizard = serde_json::from_str(&v.definition)
        .map_err(|e| AppError::Internal(format!("stored version {} is unreadable: {e}", v.id)))?;
    Ok(VersionSummary {
        wizard_id: v.wizard_id,
        number: v.number,
        published_at: v.published_at.clone(),
        published_by: v.published_by.clone(),
        is_live: live == Some(v.number),
        step_count: w.steps.len(),
        field_count: w.option_sets().count(),
    })
}
