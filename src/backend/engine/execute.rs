//! Running events: match, check conditions, run actions in order with `on_error`,
//! handle output, persist the run and the logs, return effects.
//!
//! The same [`Runner`] serves `execute-event`, the navigation gate of `next`/`complete`
//! ([`leave_step`]) and the builder's action test ([`test_action`], nothing persisted), so
//! an event behaves the same wherever it fires.

use std::time::Duration;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::logs::{LogStart, Logger};
use super::{ActionCtx, CheckCtx, RunInfo, actions, jmes};
use crate::backend::auth::CurrentUser;
use crate::backend::db::runs::RunRow;
use crate::backend::error::ActionError;
use crate::backend::error::{AppError, AppResult};
use crate::backend::run_store;
use crate::backend::state::AppState;
use crate::domain::condition::Answers;
use crate::domain::event::{
    Action, ActionConfig, ActionOutcome, ActionStatus, Effects, Event, ExecuteEventRequest,
    ExecuteEventResponse, LogKind, LogStatus, MAX_RETRY_COUNT, OnError, OutputHandling, Progress,
    ReplaceOptions, TargetType, Trigger,
};
use crate::domain::event_view::OutputPreview;
use crate::domain::template;
use crate::domain::{Wizard, WizardOption};

/// First retry delay; each further retry waits twice as long, up to [`BACKOFF_CAP`].
const BACKOFF_BASE: Duration = Duration::from_millis(100);
const BACKOFF_CAP: Duration = Duration::from_secs(3);

/// `POST /wizard-runs/{run_id}/execute-event`.
///
/// The runner's answers are saved first (same rules as a save), then the events of the
/// run's pinned version that match the trigger and target run; answers set by actions are
/// written before the response. A completed run accepts only `wizard.onComplete`, and then
/// no answer changes.
pub async fn execute_event(
    app: &AppState,
    actor: &CurrentUser,
    run_id: Uuid,
    req: ExecuteEventRequest,
) -> AppResult<ExecuteEventResponse> {
    app.event_limiter.check(&actor.user.id)?;
    let run = run_store::own_recent(app, actor, run_id).await?;
    let completed = run.status == crate::domain::run::RunStatus::Completed;
    if completed && req.trigger != Trigger::WizardOnComplete {
        return Err(AppError::conflict_on(
            "status",
            "this run is completed; only wizard.onComplete events may run",
        ));
    }
    // Events come only from the pinned version (never from the request).
    let wizard = app.versions.get(&app.db, run.version_id).await?;
    check_target(&wizard, req.trigger, req.target_id)?;
    let answers = if !completed && !req.answers.is_empty() {
        run_store::save_incoming(app, actor, run_id, &req.answers, Some(run.clone()))
            .await?
            .answers
    } else {
        run.answers()?
    };

    let mut runner = Runner::for_run(app, actor, &run, answers, &wizard, !completed);
    runner.step_id = target_step(&wizard, req.trigger, req.target_id).or(Some(run.current_step_id));
    runner
        .run_trigger(req.trigger, req.target_id, req.value.as_ref())
        .await;
    app.progress.finish(run_id);
    let answers = runner.persist().await?;
    Ok(runner.into_response(answers))
}

/// The navigation gate of `next`/`complete`: runs the step's `step.onValidate` and then
/// `step.onExit` events. Refuses with 422 `step` when one fails (answers the events set are
/// written first, so nothing is lost); `Ok(true)` when events wrote answers.
pub(crate) async fn leave_step(
    app: &AppState,
    actor: &CurrentUser,
    run: &RunRow,
    wizard: &Wizard,
    step: Uuid,
) -> AppResult<bool> {
    let has = |t: Trigger| {
        wizard
            .events
            .iter()
            .any(|e| e.enabled && e.trigger == t && e.target_id == Some(step))
    };
    if !has(Trigger::StepOnValidate) && !has(Trigger::StepOnExit) {
        return Ok(false);
    }
    let mut runner = Runner::for_run(app, actor, run, run.answers()?, wizard, true);
    runner.step_id = Some(step);
    runner
        .run_trigger(Trigger::StepOnValidate, Some(step), None)
        .await;
    if runner.blocked.is_none() {
        runner
            .run_trigger(Trigger::StepOnExit, Some(step), None)
            .await;
    }
    app.progress.finish(run.id);
    let changed = !runner.changed.is_empty();
    runner.persist().await?;
    match runner.blocked {
        Some(message) => Err(AppError::field("step", message)),
        None => Ok(changed),
    }
}

/// `POST /wizards/actions/test` and `/wizards/actions/{id}/test`: checks and runs one
/// action of `wizard_id`'s draft against sample answers, without a run (nothing stored, no
/// logs). `sample.trigger`/`target_id` say where it pretends to fire.
pub async fn test_action(
    app: &AppState,
    actor: &CurrentUser,
    wizard_id: Uuid,
    action: &Action,
    sample: &ExecuteEventRequest,
) -> AppResult<ExecuteEventResponse> {
    let wizard = crate::backend::wizards::definition(app, actor, wizard_id).await?;
    let errors = actions::check(
        &action.config,
        &CheckCtx {
            app,
            wizard: &wizard,
        },
        "action.config",
    )
    .await;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let event = Event {
        id: Uuid::nil(),
        name: "test".into(),
        description: String::new(),
        trigger: sample.trigger,
        target_type: None,
        target_id: sample.target_id,
        conditions: None,
        enabled: true,
        actions: vec![action.clone()],
    };
    test_event(app, actor, &wizard, &event, sample).await
}

/// Runs `event` (already checked against `wizard`, the draft) once against sample answers,
/// as its trigger would fire it, without a run: nothing stored, no logs. An event whose
/// conditions do not hold for the answers is refused at `event.conditions` (it would not
/// fire), so the builder learns why nothing happened.
pub async fn test_event(
    app: &AppState,
    actor: &CurrentUser,
    wizard: &Wizard,
    event: &Event,
    sample: &ExecuteEventRequest,
) -> AppResult<ExecuteEventResponse> {
    let errors = wizard.check_draft_answers(&sample.answers);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    check_target(wizard, sample.trigger, sample.target_id)?;
    if let Some(c) = &event.conditions
        && !c.evaluate(&sample.answers)
    {
        return Err(AppError::field(
            "event.conditions",
            "the event's conditions do not hold for these sample answers: it would not fire",
        ));
    }
    let info = RunInfo {
        run_id: Uuid::nil(),
        wizard_id: wizard.id,
        user_id: actor.user.id.clone(),
        user_email: actor.user.email.clone(),
    };
    let mut runner = Runner {
        app,
        logger: Logger::new(app.clone(), Uuid::nil(), false),
        info,
        wizard,
        answers: sample.answers.clone(),
        step_id: target_step(wizard, sample.trigger, sample.target_id),
        persist: false,
        effects: Effects::default(),
        outcomes: Vec::new(),
        log_ids: Vec::new(),
        blocked: None,
        changed: Map::new(),
        tested_raw: None,
    };
    runner
        .run_event(event, sample.target_id, sample.value.as_ref())
        .await;
    let answers = runner.answers.clone();
    Ok(runner.into_response(answers))
}

// ---- matching ---------------------------------------------------------------------------

/// The trigger must fit the target's kind, and the target must be in the version.
fn check_target(wizard: &Wizard, trigger: Trigger, target: Option<Uuid>) -> AppResult<()> {
    let kind = trigger.target_type();
    let Some(id) = target else {
        return if kind == TargetType::Wizard {
            Ok(())
        } else {
            Err(AppError::field(
                "target_id",
                format!("{trigger} needs the id of the {kind} it fired on"),
            ))
        };
    };
    let found = match kind {
        TargetType::Wizard => id == wizard.id,
        TargetType::Step => wizard.step(id).is_some(),
        TargetType::OptionSet => wizard.option_sets().any(|os| os.id == id),
        TargetType::Option => wizard
            .option_sets()
            .any(|os| os.options.iter().any(|o| o.id == id)),
    };
    if found {
        Ok(())
    } else {
        Err(AppError::field(
            "target_id",
            format!("this wizard version has no {kind} {id} for {trigger}"),
        ))
    }
}

/// The step holding the target (a step, or the step of an option set or option).
fn target_step(wizard: &Wizard, trigger: Trigger, target: Option<Uuid>) -> Option<Uuid> {
    let id = target?;
    match trigger.target_type() {
        TargetType::Wizard => None,
        TargetType::Step => wizard.step(id).map(|s| s.id),
        TargetType::OptionSet => wizard
            .steps
            .iter()
            .find(|s| s.option_sets.iter().any(|os| os.id == id))
            .map(|s| s.id),
        TargetType::Option => wizard
            .steps
            .iter()
            .find(|s| {
                s.option_sets
                    .iter()
                    .any(|os| os.options.iter().any(|o| o.id == id))
            })
            .map(|s| s.id),
    }
}

// ---- templates --------------------------------------------------------------------------

/// Whether `value` holds any template syntax (so plain configurations skip the engine).
fn has_template(value: &Value) -> bool {
    match value {
        Value::String(s) => str_has_template(s),
        Value::Array(items) => items.iter().any(has_template),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| str_has_template(k) || has_template(v)),
        _ => false,
    }
}

fn str_has_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

fn render_value(v: &Value, context: &Value, path: &str) -> Result<Value, String> {
    if !has_template(v) {
        return Ok(v.clone());
    }
    template::render(v, context).map_err(|e| format!("{path}: {e}"))
}

fn render_text(s: &str, context: &Value, path: &str) -> Result<String, String> {
    if !str_has_template(s) {
        return Ok(s.to_owned());
    }
    template::render_str(s, context).map_err(|e| format!("{path}: {e}"))
}

/// The action's configuration with its templated members resolved, so action modules
/// never see a template. Expressions, script code and output paths are left alone: they
/// are code, not text to fill in.
fn resolve(config: &ActionConfig, context: &Value) -> Result<ActionConfig, String> {
    let mut c = config.clone();
    match &mut c {
        ActionConfig::ApiCall(a) => {
            a.url = render_text(&a.url, context, "config.url")?;
            for (k, v) in a.query.iter_mut() {
                *v = render_value(v, context, &format!("config.query.{k}"))?;
            }
            for (k, v) in a.headers.iter_mut() {
                *v = render_text(v, context, &format!("config.headers.{k}"))?;
            }
            if let Some(body) = &mut a.body {
                *body = render_value(body, context, "config.body")?;
            }
        }
        ActionConfig::McpCall(m) => {
            let args = Value::Object(std::mem::take(&mut m.arguments));
            match render_value(&args, context, "config.arguments")? {
                Value::Object(o) => m.arguments = o,
                other => {
                    return Err(format!(
                        "config.arguments: must resolve to an object, not {other}"
                    ));
                }
            }
        }
        ActionConfig::TransformData(t) => {
            if let Some(input) = &mut t.input {
                *input = render_value(input, context, "config.input")?;
            }
        }
        ActionConfig::SetFieldValue(s) => {
            s.value = render_value(&s.value, context, "config.value")?;
        }
        ActionConfig::ShowMessage(s) => {
            s.text = render_text(&s.text, context, "config.text")?;
        }
        ActionConfig::LibraryAction(l) => {
            for (k, v) in l.params.iter_mut() {
                *v = render_value(v, context, &format!("config.params.{k}"))?;
            }
        }
        ActionConfig::Navigate(_) | ActionConfig::CustomScript(_) => {}
    }
    Ok(c)
}

// ---- the runner -------------------------------------------------------------------------

/// Delay before retry number `retry` (1-based): exponential from [`BACKOFF_BASE`], capped,
/// with "equal jitter" (half fixed, half random) so retrying runners do not stampede.
fn backoff(retry: u32) -> Duration {
    let exp = BACKOFF_BASE
        .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
        .min(BACKOFF_CAP);
    let half = exp / 2;
    let jitter_ms = rand::random_range(0..=u64::try_from(half.as_millis()).unwrap_or(0));
    half + Duration::from_millis(jitter_ms)
}

/// One execution: the events of one trigger (or the nested ones of a gate), with the
/// answers as they evolve and the effects gathered so far.
pub(crate) struct Runner<'a> {
    app: &'a AppState,
    logger: Logger,
    info: RunInfo,
    wizard: &'a Wizard,
    answers: Answers,
    step_id: Option<Uuid>,
    /// Write dynamic options and answers (false for tests and for completed runs).
    persist: bool,
    effects: Effects,
    outcomes: Vec<ActionOutcome>,
    log_ids: Vec<Uuid>,
    blocked: Option<String>,
    /// Answers set by actions (`null` clears), written at the end.
    changed: Map<String, Value>,
    /// In a test (no run), the last action's output before output handling, for its
    /// outcome (`ActionOutcome::raw_output`).
    tested_raw: Option<Value>,
}

impl<'a> Runner<'a> {
    fn for_run(
        app: &'a AppState,
        actor: &CurrentUser,
        run: &RunRow,
        answers: Answers,
        wizard: &'a Wizard,
        persist: bool,
    ) -> Self {
        Runner {
            app,
            logger: Logger::new(app.clone(), run.id, true),
            info: RunInfo {
                run_id: run.id,
                wizard_id: run.wizard_id,
                user_id: actor.user.id.clone(),
                user_email: actor.user.email.clone(),
            },
            wizard,
            answers,
            step_id: None,
            persist,
            effects: Effects::default(),
            outcomes: Vec::new(),
            log_ids: Vec::new(),
            blocked: None,
            changed: Map::new(),
            tested_raw: None,
        }
    }

    /// A real run (not the builder's action test, which stores nothing).
    fn is_run(&self) -> bool {
        !self.info.run_id.is_nil()
    }

    /// Writes the answers actions set together with the execution's log rows, in one
    /// transaction; returns the run's answers as they now are.
    async fn persist(&self) -> AppResult<Answers> {
        let logs = self.logger.close();
        if !self.persist || self.changed.is_empty() {
            // An acknowledged event has its log rows stored (README, Performance).
            self.logger.write(logs).await?;
            return Ok(self.answers.clone());
        }
        let stored =
            run_store::apply_action_answers(self.app, self.info.run_id, &self.changed, &logs)
                .await?;
        Ok(stored.unwrap_or_else(|| self.answers.clone()))
    }

    fn into_response(self, answers: Answers) -> ExecuteEventResponse {
        ExecuteEventResponse {
            effects: self.effects,
            actions: self.outcomes,
            blocked: self.blocked,
            answers,
            log_ids: self.log_ids,
        }
    }

    /// Runs every enabled event of the version with this trigger and target whose
    /// conditions hold, in the version's order.
    async fn run_trigger(&mut self, trigger: Trigger, target: Option<Uuid>, value: Option<&Value>) {
        let wizard = self.wizard;
        for event in wizard.events.iter().filter(|e| {
            e.enabled
                && e.trigger == trigger
                && (trigger.target_type() == TargetType::Wizard || e.target_id == target)
        }) {
            if let Some(c) = &event.conditions
                && !c.evaluate(&self.answers)
            {
                continue;
            }
            self.run_event(event, target, value).await;
        }
    }

    fn context(
        &self,
        event: &Event,
        target: Option<Uuid>,
        value: Option<&Value>,
        outputs: &Map<String, Value>,
    ) -> Value {
        json!({
            "fields": Value::Object(self.wizard.visible_answers(&self.answers)),
            "run": {
                "id": self.info.run_id,
                "user": {"id": self.info.user_id, "email": self.info.user_email},
            },
            "wizard": {"id": self.info.wizard_id},
            "step": {"id": self.step_id},
            "event": {
                "trigger": event.trigger.as_str(),
                "target": target,
                "value": value.cloned().unwrap_or(Value::Null),
            },
            "actions": outputs,
        })
    }

    async fn run_event(&mut self, event: &Event, target: Option<Uuid>, value: Option<&Value>) {
        let input = json!({"trigger": event.trigger.as_str(), "target_id": target, "value": value});
        let ev_log = self
            .logger
            .start(&LogStart {
                parent: None,
                kind: LogKind::Event,
                event_id: Some(event.id),
                action_id: None,
                name: &event.name,
                attempt: 0,
                input: Some(&input),
            })
            .await;
        if self.logger.enabled() {
            self.log_ids.push(ev_log.id);
        }
        let mut outputs = Map::new();
        let mut stopped = false;
        let mut first_error: Option<String> = None;
        for (i, action) in event.actions.iter().enumerate() {
            if stopped {
                let h = self
                    .logger
                    .start_with(
                        &LogStart {
                            parent: Some(ev_log.id),
                            kind: LogKind::Action,
                            event_id: Some(event.id),
                            action_id: Some(action.id),
                            name: action.name.as_str(),
                            attempt: 0,
                            input: None,
                        },
                        LogStatus::Skipped,
                    )
                    .await;
                self.logger.finish(h, LogStatus::Skipped, None, None).await;
                self.outcomes.push(ActionOutcome {
                    event_id: event.id,
                    action_id: action.id,
                    name: action.name.to_string(),
                    status: ActionStatus::Skipped,
                    attempts: 0,
                    error: None,
                    output: None,
                    raw_output: None,
                });
                continue;
            }
            if self.is_run() {
                self.app.progress.publish(
                    self.info.run_id,
                    Progress {
                        trigger: event.trigger,
                        target_id: target,
                        message: action
                            .loading_message
                            .clone()
                            .unwrap_or_else(|| format!("Running {}…", action.name)),
                        step: u32::try_from(i + 1).unwrap_or(u32::MAX),
                        steps: u32::try_from(event.actions.len()).unwrap_or(u32::MAX),
                    },
                );
            }
            let context = self.context(event, target, value, &outputs);
            let (result, attempts) = self.run_action(event, action, &context, ev_log.id).await;
            let limit = self.app.engine.log_truncate_bytes;
            match result {
                Ok(out) => {
                    self.outcomes.push(ActionOutcome {
                        event_id: event.id,
                        action_id: action.id,
                        name: action.name.to_string(),
                        status: ActionStatus::Success,
                        attempts,
                        error: None,
                        output: Some(super::logs::truncate(&out, limit)),
                        raw_output: self
                            .tested_raw
                            .take()
                            .map(|raw| super::logs::truncate(&raw, limit)),
                    });
                    outputs.insert(action.name.to_string(), json!({"output": out}));
                }
                Err(message) => {
                    self.outcomes.push(ActionOutcome {
                        event_id: event.id,
                        action_id: action.id,
                        name: action.name.to_string(),
                        status: ActionStatus::Error,
                        attempts,
                        error: Some(message.clone()),
                        output: None,
                        raw_output: self
                            .tested_raw
                            .take()
                            .map(|raw| super::logs::truncate(&raw, limit)),
                    });
                    if action.on_error != OnError::Continue {
                        stopped = true;
                    }
                    first_error.get_or_insert(message);
                }
            }
        }
        let status = if first_error.is_some() {
            LogStatus::Error
        } else {
            LogStatus::Success
        };
        self.logger
            .finish(ev_log, status, None, first_error.as_deref())
            .await;
        if event.trigger.blocks_navigation() && self.blocked.is_none() {
            self.blocked = first_error;
        }
    }

    /// Runs an action with its retries; the final result (output after output handling,
    /// or the error message) and the number of attempts.
    async fn run_action(
        &mut self,
        event: &Event,
        action: &Action,
        context: &Value,
        parent: Uuid,
    ) -> (Result<Value, String>, u32) {
        let start = |attempt: u32, input: &'_ Value| LogStartOwned {
            parent,
            event_id: event.id,
            action_id: action.id,
            name: action.name.to_string(),
            attempt,
            input: input.clone(),
        };
        let resolved = match resolve(&action.config, context) {
            Ok(c) => c,
            Err(message) => {
                let raw = serde_json::to_value(&action.config).unwrap_or(Value::Null);
                let h = self.logger.start(&start(0, &raw).as_start()).await;
                self.logger
                    .finish(h, LogStatus::Error, None, Some(&message))
                    .await;
                return (Err(message), 1);
            }
        };
        let input = serde_json::to_value(&resolved).unwrap_or(Value::Null);
        let timeout = action
            .timeout_ms
            .map(Duration::from_millis)
            .unwrap_or(self.app.engine.default_timeout);
        let attempts_allowed = if action.on_error == OnError::Retry {
            1 + action.retry_count.min(MAX_RETRY_COUNT)
        } else {
            1
        };
        let mut attempt = 0u32;
        loop {
            let h = self.logger.start(&start(attempt, &input).as_start()).await;
            let mut effects = Effects::default();
            let result = {
                let mut ctx = ActionCtx {
                    app: self.app,
                    run: &self.info,
                    wizard: self.wizard,
                    context,
                    effects: &mut effects,
                    log_id: h.id,
                    logger: &self.logger,
                    timeout,
                };
                let attempt = tokio::time::timeout(timeout, actions::execute(&resolved, &mut ctx));
                match self.logger.watch(attempt).await {
                    Ok(r) => r,
                    Err(_) => Err(ActionError::Timeout(
                        u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                    )),
                }
            };
            let result = match result {
                Ok(raw) => {
                    if !self.is_run() {
                        self.tested_raw = Some(raw.clone());
                    }
                    self.handle_output(action, raw, effects).await
                }
                Err(e) => Err(e),
            };
            attempt += 1;
            match result {
                Ok(out) => {
                    self.logger
                        .finish(h, LogStatus::Success, Some(&out), None)
                        .await;
                    return (Ok(out), attempt);
                }
                Err(e) => {
                    let message = e.to_string();
                    self.logger
                        .finish(h, LogStatus::Error, None, Some(&message))
                        .await;
                    if e.is_retryable() && attempt < attempts_allowed {
                        tokio::time::sleep(backoff(attempt)).await;
                        continue;
                    }
                    return (Err(message), attempt);
                }
            }
        }
    }

    /// Applies `output_handling` to a successful attempt and, only if all of it works,
    /// commits the attempt's effects (so a failed action changes nothing).
    async fn handle_output(
        &mut self,
        action: &Action,
        raw: Value,
        mut effects: Effects,
    ) -> Result<Value, ActionError> {
        let mut out = raw;
        if let Some(oh) = &action.output_handling {
            if let Some(path) = &oh.extract {
                out = jmes::extract(path, &out)
                    .map_err(|e| ActionError::Invalid(format!("output_handling.extract: {e}")))?;
            }
            if let Some(key) = &oh.set_field {
                let value = self
                    .wizard
                    .checked_field_value(key.as_str(), &out)
                    .map_err(|e| ActionError::Invalid(format!("output_handling.set_field: {e}")))?;
                effects.set_fields.insert(key.to_string(), value);
            }
            if let Some(ro) = &oh.replace_options {
                let options = build_options(self.wizard, ro, &out).map_err(|e| {
                    ActionError::Invalid(format!("output_handling.replace_options: {e}"))
                })?;
                if self.persist {
                    let text = serde_json::to_string(&options)
                        .map_err(|e| ActionError::Failed(e.to_string()))?;
                    crate::backend::db::dynamic_options::upsert(
                        &self.app.db,
                        Uuid::now_v7(),
                        self.info.run_id,
                        ro.option_set.as_str(),
                        action.id,
                        &text,
                    )
                    .await
                    .map_err(|e| {
                        tracing::warn!(error = %e, "saving replaced options");
                        ActionError::Transient("the new options could not be saved".into())
                    })?;
                }
                effects
                    .replace_options
                    .insert(ro.option_set.to_string(), options);
            }
            if let Some(r) = &oh.render {
                let render = crate::backend::render::render(r.renderer.clone(), out.clone());
                // Stored for completed runs too: `wizard.onComplete` renders show in the
                // read-only view.
                if self.is_run() {
                    crate::backend::db::renders::upsert(
                        &self.app.db,
                        self.info.run_id,
                        r.slot.as_str(),
                        action.id,
                        &render,
                    )
                    .await
                    .map_err(|e| {
                        tracing::warn!(error = %e, "saving a render");
                        ActionError::Transient("the output could not be saved".into())
                    })?;
                }
                effects.renders.insert(r.slot.to_string(), render);
            }
        }
        self.commit(effects);
        Ok(out)
    }

    fn commit(&mut self, effects: Effects) {
        for (key, value) in effects.set_fields {
            if value.is_null() {
                self.answers.remove(&key);
            } else {
                self.answers.insert(key.clone(), value.clone());
            }
            self.changed.insert(key.clone(), value.clone());
            self.effects.set_fields.insert(key, value);
        }
        self.effects.replace_options.extend(effects.replace_options);
        self.effects.renders.extend(effects.renders);
        self.effects.messages.extend(effects.messages);
        if effects.navigate.is_some() {
            self.effects.navigate = effects.navigate;
        }
    }
}

/// A log start with owned parts (built once per attempt).
struct LogStartOwned {
    parent: Uuid,
    event_id: Uuid,
    action_id: Uuid,
    name: String,
    attempt: u32,
    input: Value,
}

impl LogStartOwned {
    fn as_start(&self) -> LogStart<'_> {
        LogStart {
            parent: Some(self.parent),
            kind: LogKind::Action,
            event_id: Some(self.event_id),
            action_id: Some(self.action_id),
            name: &self.name,
            attempt: self.attempt,
            input: Some(&self.input),
        }
    }
}

/// Rows of an output turned into options of a select, each with a fresh id.
/// What `handling` makes of `data` (a test's raw output), part by part, for the builder's
/// live preview: the same steps and messages as `Runner::handle_output`, nothing stored.
pub fn preview_output(wizard: &Wizard, handling: &OutputHandling, data: Value) -> OutputPreview {
    let mut preview = OutputPreview::default();
    let out = match &handling.extract {
        Some(path) => match jmes::extract(path, &data) {
            Ok(v) => v,
            Err(e) => {
                preview.extract_error = Some(e);
                return preview;
            }
        },
        None => data,
    };
    if let Some(key) = &handling.set_field {
        match wizard.checked_field_value(key.as_str(), &out) {
            Ok(v) => preview.field_value = Some(v),
            Err(e) => preview.field_error = Some(e),
        }
    }
    if let Some(ro) = &handling.replace_options {
        match build_options(wizard, ro, &out) {
            Ok(options) => preview.options = Some(options),
            Err(e) => preview.options_error = Some(e),
        }
    }
    if let Some(r) = &handling.render {
        preview.render = Some(crate::backend::render::render(
            r.renderer.clone(),
            out.clone(),
        ));
    }
    preview.extracted = Some(out);
    preview
}

fn build_options(
    wizard: &Wizard,
    ro: &ReplaceOptions,
    out: &Value,
) -> Result<Vec<WizardOption>, String> {
    if wizard.option_set(ro.option_set.as_str()).is_none() {
        return Err(format!("this wizard has no field `{}`", ro.option_set));
    }
    let rows = out
        .as_array()
        .ok_or_else(|| format!("needs a list of rows, got {}", kind_of(out)))?;
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let text = |path: &str, what: &str| -> Result<String, String> {
                let v = jmes::search(path, row).map_err(|e| format!("row {i}: {what}: {e}"))?;
                match v {
                    Value::String(s) => Ok(s),
                    Value::Number(n) => Ok(n.to_string()),
                    Value::Bool(b) => Ok(b.to_string()),
                    other => Err(format!(
                        "row {i}: {what} gave {}, not text",
                        kind_of(&other)
                    )),
                }
            };
            Ok(WizardOption {
                id: Uuid::now_v7(),
                label: text(&ro.label_path, "label_path")?,
                value: text(&ro.value_path, "value_path")?,
                description: String::new(),
            })
        })
        .collect()
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        for retry in 1..=10u32 {
            let d = backoff(retry);
            let exp = BACKOFF_BASE
                .saturating_mul(1u32 << (retry - 1).min(16))
                .min(BACKOFF_CAP);
            assert!(d >= exp / 2 && d <= exp, "retry {retry}: {d:?} vs {exp:?}");
        }
    }

    #[test]
    fn plain_values_are_not_templates() {
        assert!(!has_template(&json!({"a": [1, "x"], "b": null})));
        assert!(has_template(&json!({"a": ["{{ fields.x }}"]})));
        assert!(has_template(&json!({"{{ k }}": 1})));
    }
}
