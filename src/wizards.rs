//! Builder, publishing, gallery and import/export use-cases, called by both the REST API
//! and the Leptos server functions so the rules live in one place.

use serde_json::Value;

use crate::auth::CurrentUser;
use crate::domain::draft::*;
use crate::error::AppResult;
use crate::state::App;

pub async fn create(
    _app: &App,
    _actor: &CurrentUser,
    _req: &CreateWizardRequest,
) -> AppResult<WizardDraft> {
    todo!()
}
/// The caller's own wizards (builders), newest change first.
pub async fn list_mine(_app: &App, _actor: &CurrentUser) -> AppResult<Vec<WizardSummary>> {
    todo!()
}
/// Every wizard with a live version: what any signed-in user may run.
pub async fn list_published(_app: &App, _actor: &CurrentUser) -> AppResult<Vec<WizardSummary>> {
    todo!()
}
pub async fn get_draft(_app: &App, _actor: &CurrentUser, _id: &str) -> AppResult<WizardDraft> {
    todo!()
}
pub async fn save_draft(
    _app: &App,
    _actor: &CurrentUser,
    _id: &str,
    _req: &SaveDraftRequest,
) -> AppResult<WizardDraft> {
    todo!()
}
pub async fn update(
    _app: &App,
    _actor: &CurrentUser,
    _id: &str,
    _req: &UpdateWizardRequest,
) -> AppResult<WizardDraft> {
    todo!()
}
pub async fn delete(_app: &App, _actor: &CurrentUser, _id: &str, _version: i64) -> AppResult<()> {
    todo!()
}
pub async fn publish(
    _app: &App,
    _actor: &CurrentUser,
    _id: &str,
    _version: i64,
) -> AppResult<VersionSummary> {
    todo!()
}
pub async fn versions(
    _app: &App,
    _actor: &CurrentUser,
    _id: &str,
) -> AppResult<Vec<VersionSummary>> {
    todo!()
}
pub async fn version(
    _app: &App,
    _actor: &CurrentUser,
    _id: &str,
    _number: i64,
) -> AppResult<PublishedVersion> {
    todo!()
}
/// The export document: `{"schema_version": 1, "wizard": {…}}`.
pub async fn export(_app: &App, _actor: &CurrentUser, _id: &str) -> AppResult<Value> {
    todo!()
}
pub async fn import(_app: &App, _actor: &CurrentUser, _doc: &Value) -> AppResult<WizardDraft> {
    todo!()
}
/// Anyone may browse the gallery.
pub async fn templates(_app: &App, _query: &TemplateQuery) -> AppResult<Vec<TemplateSummary>> {
    todo!()
}
pub async fn clone_template(
    _app: &App,
    _actor: &CurrentUser,
    _wizard_id: &str,
) -> AppResult<WizardDraft> {
    todo!()
}
