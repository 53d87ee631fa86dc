//! `custom_script`: JavaScript in the sandbox with host functions. Each host function
//! reaches only what the action declares: `setField`/`showMessage`/`navigate` gather
//! effects (committed only if the script succeeds), `callApi` is limited to the declared
//! API configurations and logged as a `call` row under the attempt, `runAction` reaches
//! the declared library actions (`engine::library`), logged as `library` rows under it,
//! and `callTool` the declared MCP configurations (and only the tools each allows), logged
//! as a `call` row like `callApi`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::backend::engine::actions::mcp_call::call_tool;
use crate::backend::engine::http::call_api_within;
use crate::backend::engine::library;
use crate::backend::engine::logs::Logger;
use crate::backend::engine::sandbox::{self, HostFuture, Limits, ScriptHost};
use crate::backend::engine::{ActionCtx, CheckCtx, ExecuteAction, RunInfo};
use crate::backend::error::ActionError;
use crate::backend::state::AppState;
use crate::domain::Wizard;
use crate::domain::event::{
    ApiCallConfig, CustomScriptConfig, Effects, Message, MessageLevel, NavTarget,
};
use crate::domain::integration::McpConfig;
use crate::domain::problem::FieldError;

impl ExecuteAction for CustomScriptConfig {
    async fn check(&self, ctx: &CheckCtx<'_>, path: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Err(e) = sandbox::check_compiles(&self.code) {
            errors.push(FieldError::new(format!("{path}.code"), e.to_string()));
        }
        for (i, id) in self.allowed_api_configs.iter().enumerate() {
            if !ctx.wizard.api_configs.iter().any(|c| c.id == *id) {
                errors.push(FieldError::new(
                    format!("{path}.allowed_api_configs[{i}]"),
                    format!("this wizard has no API configuration {id}"),
                ));
            }
        }
        for (i, id) in self.allowed_mcp_configs.iter().enumerate() {
            if !ctx.wizard.mcp_configs.iter().any(|c| c.id == *id) {
                errors.push(FieldError::new(
                    format!("{path}.allowed_mcp_configs[{i}]"),
                    format!("this wizard has no MCP configuration {id}"),
                ));
            }
        }
        for (i, name) in self.allowed_actions.iter().enumerate() {
            match crate::backend::db::library::get_by_name(&ctx.app.db, name).await {
                Ok(Some(_)) => {}
                Ok(None) => errors.push(FieldError::new(
                    format!("{path}.allowed_actions[{i}]"),
                    format!("there is no library action named `{name}`"),
                )),
                Err(e) => errors.push(FieldError::new(
                    format!("{path}.allowed_actions[{i}]"),
                    e.to_string(),
                )),
            }
        }
        errors
    }

    async fn execute(&self, ctx: &mut ActionCtx<'_>) -> Result<Value, ActionError> {
        let effects = Arc::new(Mutex::new(Effects::default()));
        let host = Arc::new(Host {
            app: ctx.app.clone(),
            run: ctx.run.clone(),
            wizard: Arc::new(ctx.wizard.clone()),
            effects: effects.clone(),
            allowed_api_configs: self.allowed_api_configs.clone(),
            allowed_mcp_configs: self.allowed_mcp_configs.clone(),
            allowed_actions: self.allowed_actions.clone(),
            logger: ctx.logger.clone(),
            parent_log: ctx.log_id,
            timeout: ctx.timeout,
        });
        let e = &ctx.app.engine;
        let limits = Limits {
            memory_bytes: e.js_memory_limit_bytes,
            stack_bytes: e.js_stack_limit_bytes,
            time: e.js_time_limit.min(ctx.timeout),
            max_output_bytes: e.max_output_bytes,
        };
        let out = sandbox::run_script(&self.code, ctx.context.clone(), host, &limits)
            .await
            .map_err(|e| ActionError::Failed(e.to_string()))?;
        let gathered = std::mem::take(&mut *effects.lock().unwrap_or_else(|p| p.into_inner()));
        ctx.effects.set_fields.extend(gathered.set_fields);
        ctx.effects.messages.extend(gathered.messages);
        if gathered.navigate.is_some() {
            ctx.effects.navigate = gathered.navigate;
        }
        Ok(out)
    }
}

/// What a script may reach, owned so host calls can outlive the borrow of the engine.
struct Host {
    app: AppState,
    run: RunInfo,
    wizard: Arc<Wizard>,
    effects: Arc<Mutex<Effects>>,
    allowed_api_configs: Vec<Uuid>,
    allowed_mcp_configs: Vec<Uuid>,
    allowed_actions: Vec<String>,
    logger: Logger,
    parent_log: Uuid,
    timeout: Duration,
}

impl Host {
    fn effects(&self) -> std::sync::MutexGuard<'_, Effects> {
        self.effects.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The API configuration a script names (by id or name), if the action declared it.
    fn api_config(&self, name: &str) -> Result<Uuid, String> {
        let id = Uuid::parse_str(name).ok().or_else(|| {
            self.wizard
                .api_configs
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.id)
        });
        id.filter(|id| self.allowed_api_configs.contains(id))
            .ok_or_else(|| {
                format!("callApi: `{name}` is not an API configuration this script may use")
            })
    }
}

impl Host {
    /// The MCP configuration a script names (by id or name), if the action declared it.
    fn mcp_config(&self, name: &str) -> Result<McpConfig, String> {
        self.wizard
            .mcp_configs
            .iter()
            .find(|c| c.name == name || Uuid::parse_str(name).is_ok_and(|id| id == c.id))
            .filter(|c| self.allowed_mcp_configs.contains(&c.id))
            .cloned()
            .ok_or_else(|| {
                format!("callTool: `{name}` is not an MCP configuration this script may use")
            })
    }
}

impl ScriptHost for Host {
    fn set_field(&self, key: &str, value: Value) -> Result<(), String> {
        let value = self.wizard.checked_field_value(key, &value)?;
        self.effects().set_fields.insert(key.to_owned(), value);
        Ok(())
    }

    fn show_message(&self, level: &str, text: &str) -> Result<(), String> {
        let level: MessageLevel = level.parse()?;
        self.effects().messages.push(Message {
            level,
            text: text.to_owned(),
        });
        Ok(())
    }

    fn navigate(&self, target: &str) -> Result<(), String> {
        let target: NavTarget = target.parse()?;
        if let NavTarget::Step(id) = target
            && self.wizard.step(id).is_none()
        {
            return Err(format!("navigate: this wizard has no step {id}"));
        }
        self.effects().navigate = Some(target);
        Ok(())
    }

    fn call_api(&self, config: String, request: Value) -> HostFuture {
        let id = self.api_config(&config);
        let (app, run) = (self.app.clone(), self.run.clone());
        let (logger, parent, timeout) = (self.logger.clone(), self.parent_log, self.timeout);
        Box::pin(async move {
            let id = id?;
            let mut map = match request {
                Value::Object(m) => m,
                Value::Null => Map::new(),
                _ => return Err("callApi: the request must be an object".to_owned()),
            };
            map.insert("api_config_id".into(), Value::String(id.to_string()));
            map.entry("url")
                .or_insert_with(|| Value::String(String::new()));
            let call: ApiCallConfig = serde_json::from_value(Value::Object(map))
                .map_err(|e| format!("callApi: bad request: {e}"))?;
            let input = serde_json::to_value(&call).unwrap_or(Value::Null);
            let name = format!("callApi {config}");
            let id = id.to_string();
            let call = call_api_within(&app, run.wizard_id, Some(&id), &call, timeout);
            logger
                .call(parent, &name, &input, call)
                .await
                .map_err(|e| format!("{name}: {e}"))
        })
    }

    fn run_action(&self, name: String, params: Value) -> HostFuture {
        let allowed = self.allowed_actions.contains(&name);
        let (app, run) = (self.app.clone(), self.run.clone());
        let (logger, parent, timeout) = (self.logger.clone(), self.parent_log, self.timeout);
        Box::pin(async move {
            if !allowed {
                return Err(format!(
                    "runAction: `{name}` is not an action this script may run"
                ));
            }
            let params = match params {
                Value::Object(m) => m,
                Value::Null => Map::new(),
                _ => {
                    return Err(format!(
                        "runAction `{name}`: the parameters must be an object"
                    ));
                }
            };
            let env = library::Env::for_wizard(&app, &run, &logger, timeout)
                .await
                .map_err(|f| f.to_string())?;
            library::call(
                env,
                library::CallStack::default(),
                name,
                params,
                Some(parent),
            )
            .await
            .map_err(|f| f.to_string())
        })
    }

    fn call_tool(&self, config: String, tool: String, arguments: Value) -> HostFuture {
        let cfg = self.mcp_config(&config);
        let app = self.app.clone();
        let (logger, parent, timeout) = (self.logger.clone(), self.parent_log, self.timeout);
        Box::pin(async move {
            let cfg = cfg?;
            let name = format!("callTool {config} {tool}");
            let arguments = match arguments {
                Value::Object(m) => m,
                Value::Null => Map::new(),
                _ => return Err(format!("{name}: the arguments must be an object")),
            };
            let input = Value::Object(arguments.clone());
            let call = call_tool(&app, &cfg, &tool, arguments, timeout);
            logger
                .call(parent, &name, &input, call)
                .await
                .map_err(|e| format!("{name}: {e}"))
        })
    }
}
