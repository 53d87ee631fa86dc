//! The renderer settings as a form: one typed input per setting of the chosen renderer
//! (the configuration types of `domain::render`), kept in step with the JSON text below
//! it, which stays for what a form says less well. The settings are listed here by hand;
//! the unit test parses every one with `Renderer::parse`, so a setting renamed or removed
//! in `domain::render` fails the build's tests rather than the builder's users.

use leptos::prelude::*;
use serde_json::{Map, Value, json};
use wizard_core::domain::render::RendererKind;

use super::schema::{Kind, Param, text_of, value_of};
use super::typed_input::TypedInput;
use crate::builder::ui::ErrorLines;

fn setting(name: &str, kind: Kind, description: &str) -> Param {
    let type_name = match &kind {
        Kind::Text => "text",
        Kind::Number => "number",
        Kind::Integer => "whole number",
        Kind::Boolean => "yes/no",
        Kind::Choice(_) => "choice",
        Kind::Json => "JSON",
    };
    Param {
        name: name.to_owned(),
        kind,
        type_name: type_name.to_owned(),
        required: false,
        default: None,
        description: description.to_owned(),
        minimum: None,
        maximum: None,
        pattern: None,
    }
}

fn required(mut p: Param) -> Param {
    p.required = true;
    p
}

fn path(name: &str, description: &str) -> Param {
    setting(name, Kind::Text, description)
}

const ROWS: &str = "where the rows are in the data (empty: the data itself)";

/// The settings of a renderer, in the order the form shows them. `fields` are the
/// wizard's field keys a dropdown may write into.
pub fn settings(kind: RendererKind, fields: &[String]) -> Vec<Param> {
    match kind {
        RendererKind::Table => vec![
            path("rows", ROWS),
            setting(
                "columns",
                Kind::Json,
                r#"[{"path": "name", "label": "Name", "format": "text|number|date|boolean|link|json"}]; empty: one per key"#,
            ),
            Param {
                minimum: Some(1.0),
                maximum: Some(500.0),
                default: Some(json!(25)),
                ..setting("page_size", Kind::Integer, "rows per page")
            },
            setting(
                "searchable",
                Kind::Boolean,
                "a search box filtering the rows (default yes)",
            ),
        ],
        RendererKind::Dropdown => vec![
            required(setting(
                "field",
                Kind::Choice(fields.iter().map(|f| json!(f)).collect()),
                "the field the chosen value is written into",
            )),
            path("rows", ROWS),
            path("label_path", "each row's label (empty: the row)"),
            path("value_path", "each row's value (empty: the row)"),
            setting("placeholder", Kind::Text, "the text of the empty choice"),
        ],
        RendererKind::CardGrid => vec![
            path("rows", ROWS),
            required(path("title", "each card's title")),
            path("subtitle", "each card's subtitle"),
            path("image", "each card's image URL"),
            path("body", "each card's text"),
            path("link", "each card's link"),
        ],
        RendererKind::List => vec![
            path("rows", ROWS),
            path("primary", "each item's main text (empty: the item)"),
            path("secondary", "each item's second line"),
            setting("ordered", Kind::Boolean, "numbered rather than bulleted"),
        ],
        RendererKind::Document => vec![path(
            "path",
            "where the Markdown is in the data (empty: the data is the text)",
        )],
        RendererKind::Image => vec![
            path(
                "url",
                "where the URL is in each item (empty: the item is the URL)",
            ),
            path("alt", "each image's text alternative"),
            Param {
                minimum: Some(1.0),
                ..setting("max_width", Kind::Integer, "largest width in pixels")
            },
            Param {
                minimum: Some(1.0),
                ..setting("max_height", Kind::Integer, "largest height in pixels")
            },
        ],
        RendererKind::Code => vec![
            path(
                "path",
                "where the code is in the data (empty: the data itself)",
            ),
            setting("language", Kind::Text, "rust, python, json, …"),
            path("language_path", "where the data names its language"),
            setting(
                "line_numbers",
                Kind::Boolean,
                "number the lines (default yes)",
            ),
            setting(
                "wrap",
                Kind::Boolean,
                "wrap long lines instead of scrolling them",
            ),
        ],
        RendererKind::Json => vec![
            path("path", "the part of the data to show (empty: all of it)"),
            Param {
                minimum: Some(0.0),
                maximum: Some(10.0),
                default: Some(json!(1)),
                ..setting("open_depth", Kind::Integer, "levels open at first")
            },
        ],
        RendererKind::Chart => vec![
            required(setting(
                "kind",
                Kind::Choice(["bar", "line", "pie", "scatter"].map(|k| json!(k)).to_vec()),
                "the kind of chart",
            )),
            setting(
                "title",
                Kind::Text,
                "shown above the chart and read out with it",
            ),
            path("rows", ROWS),
            path("x", "bar, line, scatter: each row's x value"),
            setting(
                "y",
                Kind::Json,
                r#"bar, line, scatter: one path per series, ["sales", "costs"]"#,
            ),
            setting(
                "series_names",
                Kind::Json,
                r#"the series' names, ["Sales", "Costs"]"#,
            ),
            path("label", "pie: each slice's label"),
            path("value", "pie: each slice's value"),
            setting("x_label", Kind::Text, "the x axis's name"),
            setting("y_label", Kind::Text, "the y axis's name"),
        ],
    }
}

/// The settings of `kind` as inputs over `text` (the JSON settings); each change writes
/// the whole settings back through `on_text`, which checks them like the text area does.
#[component]
pub fn RendererSettings(
    id: String,
    kind: Signal<String>,
    text: RwSignal<String>,
    on_text: Callback<String>,
    #[prop(into)] fields: Signal<Vec<String>>,
) -> impl IntoView {
    let map = Memo::new(move |_| {
        text.with(|t| {
            if t.trim().is_empty() {
                Some(Map::new())
            } else {
                serde_json::from_str::<Map<String, Value>>(t).ok()
            }
        })
    });
    let list = Memo::new(move |_| {
        kind.get()
            .parse::<RendererKind>()
            .map(|k| settings(k, &fields.get()))
            .unwrap_or_default()
    });
    let id = StoredValue::new(id);
    view! {
        <div class="renderer-settings grid-2" data-testid="renderer-settings">
            <Show when=move || map.with(Option::is_none)>
                <p class="hint">"The JSON settings below do not parse: fix them there first."</p>
            </Show>
            <For each=move || list.get() key=|p| (p.name.clone(), p.type_name.clone()) let:p>
                {
                    let name = p.name.clone();
                    let dom = format!("{}-{name}", id.get_value());
                    let err_id = format!("{dom}-errors");
                    let hint_id = format!("{dom}-hint");
                    let local = RwSignal::new(Vec::<String>::new());
                    let shown = {
                        let name = name.clone();
                        Signal::derive(move || {
                            map.with(|m| m.as_ref().and_then(|m| m.get(&name)).map(text_of).unwrap_or_default())
                        })
                    };
                    let param = StoredValue::new(p.clone());
                    let commit = Callback::new(move |typed: String| {
                        let p = param.get_value();
                        let Some(mut m) = map.get_untracked() else {
                            local.set(vec!["Fix the JSON settings below first.".into()]);
                            return;
                        };
                        match value_of(&p, &typed) {
                            Ok(value) => {
                                local.set(Vec::new());
                                match value {
                                    Some(v) => m.insert(p.name.clone(), v),
                                    None => m.remove(&p.name),
                                };
                                let text = if m.is_empty() {
                                    String::new()
                                } else {
                                    serde_json::to_string_pretty(&Value::Object(m)).unwrap_or_default()
                                };
                                on_text.run(text);
                            }
                            Err(e) => local.set(vec![e]),
                        }
                    });
                    let invalid = Signal::derive(move || (!local.with(Vec::is_empty)).then_some("true"));
                    let label = format!("{}{}", p.name.replace('_', " "), if p.required { " *" } else { "" });
                    let hint = p.hint();
                    view! {
                        <div class="field" class:has-error=move || !local.with(Vec::is_empty)
                            data-testid="render-setting" data-name=name.clone()>
                            <label for=dom.clone()>{label}" "<span class="muted small">{p.type_name.clone()}</span></label>
                            <TypedInput p=p.clone() id=dom.clone() described=format!("{hint_id} {err_id}")
                                text=shown invalid commit testid="render-setting-input".to_owned() />
                            <p class="hint" id=hint_id>{hint}</p>
                            <ErrorLines messages=local id=err_id />
                        </div>
                    }
                }
            </For>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wizard_core::domain::render::Renderer;

    /// A value each kind of input could produce.
    fn sample(p: &Param) -> Value {
        match (&p.kind, p.name.as_str()) {
            (Kind::Choice(values), _) => values[0].clone(),
            (Kind::Boolean, _) => json!(false),
            (Kind::Integer | Kind::Number, _) => json!(p.minimum.unwrap_or(1.0).max(1.0) as u64),
            (Kind::Json, "columns") => json!([{"path": "name"}]),
            (Kind::Json, _) => json!(["a"]),
            (Kind::Text, _) => json!("items"),
        }
    }

    #[test]
    fn every_setting_of_every_renderer_is_one_the_renderer_reads() {
        let fields = vec!["city".to_owned()];
        for kind in RendererKind::ALL {
            let list = settings(*kind, &fields);
            assert!(!list.is_empty(), "{kind:?}");
            let all: Map<String, Value> =
                list.iter().map(|p| (p.name.clone(), sample(p))).collect();
            Renderer::parse(*kind, Value::Object(all.clone()))
                .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            // The required ones alone are enough (a chart also needs what its kind reads,
            // which its descriptions say: x and y for the first kind, bar).
            let needed: Map<String, Value> = list
                .iter()
                .filter(|p| {
                    p.required
                        || (*kind == RendererKind::Chart && ["x", "y"].contains(&p.name.as_str()))
                })
                .map(|p| (p.name.clone(), sample(p)))
                .collect();
            Renderer::parse(*kind, Value::Object(needed))
                .unwrap_or_else(|e| panic!("{kind:?}, required only: {e}"));
            // Each required one is needed.
            for p in list.iter().filter(|p| p.required) {
                let mut without = all.clone();
                without.remove(&p.name);
                assert!(
                    Renderer::parse(*kind, Value::Object(without)).is_err(),
                    "{kind:?} parses without `{}`",
                    p.name
                );
            }
        }
    }

    #[test]
    fn a_pie_chart_reads_the_settings_its_descriptions_name() {
        let names: Vec<String> = settings(RendererKind::Chart, &[])
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert!(names.contains(&"label".to_owned()) && names.contains(&"value".to_owned()));
        Renderer::parse(
            RendererKind::Chart,
            json!({"kind": "pie", "label": "name", "value": "n"}),
        )
        .expect("pie");
    }

    #[test]
    fn a_misspelled_setting_is_refused_so_the_list_cannot_drift_silently() {
        assert!(Renderer::parse(RendererKind::Table, json!({"page_sise": 3})).is_err());
    }
}
