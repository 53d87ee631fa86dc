//! One component per output renderer behind one dispatch ([`RenderSlot`]), for the player,
//! the no-JavaScript page and the read-only views (ARCHITECTURE.md, "Renderers").
//!
//! Each shapes the render's data with the core's `Renderer::shape` (the same code on the
//! server and in the browser) and shows the shaping message when the data has the wrong
//! shape, a notice when it was cut. Markup made on the server (a document's sanitized HTML)
//! is inserted as it came; nothing else is ever inserted as HTML.

mod cards;
mod chart;
mod code;
mod document;
mod dropdown;
mod image;
mod json;
mod list;
mod table;

use leptos::prelude::*;
use serde_json::Value;
use wizard_core::domain::event::Render;
use wizard_core::domain::render::SlotView;

/// A `dynamic_table` whose rows the person picks (its settings and answer).
#[derive(Clone)]
pub struct RowPick {
    pub multiple: bool,
    /// Where each row's value is.
    pub value_path: String,
    /// The field's answer: one row's value, or a list of them.
    pub chosen: Signal<Option<Value>>,
    /// Writes the new answer (`null` clears it).
    pub on_pick: Callback<Value>,
}

/// Shows `render`. `on_pick` receives `(field, value)` when a dropdown renderer writes a
/// field; without it (read-only views) the dropdown is disabled. `rows` makes a table's
/// rows pickable.
#[component]
pub fn RenderSlot(
    /// The slot's field key: element ids inside derive from it.
    #[prop(into)]
    field_key: String,
    render: Render,
    #[prop(optional, into)] on_pick: Option<Callback<(String, Value)>>,
    #[prop(optional)] rows: Option<RowPick>,
) -> impl IntoView {
    // Parsed here, in the renderers' lazy chunk, not where the render was decoded.
    let typed = render
        .typed()
        .map_err(wizard_core::domain::render::ShapeError);
    let pick = match (&typed, rows) {
        (Ok(wizard_core::domain::render::Renderer::Table(c)), Some(rows)) => {
            let values = rows
                .value_path
                .parse()
                .map(|path| wizard_core::domain::render::table::row_values(&render.data, c, &path))
                .unwrap_or_default();
            Some((rows, values))
        }
        _ => None,
    };
    let shaped = typed.and_then(|r| r.shape(&render.data));
    let shaped = match shaped {
        Err(e) => {
            return view! {
                <p class="render-error" role="alert" data-testid="render-error">{e.0}</p>
            }
            .into_any();
        }
        Ok(s) => s,
    };
    let notice = shaped
        .notice
        .map(|n| view! { <p class="render-notice muted" data-testid="render-notice">{n}</p> });
    let body = match shaped.view {
        SlotView::Table(t) => table::table(t, &field_key, pick).into_any(),
        SlotView::Dropdown(d) => dropdown::dropdown(d, on_pick).into_any(),
        SlotView::CardGrid { cards } => cards::cards(cards).into_any(),
        SlotView::List(l) => list::list(l).into_any(),
        SlotView::Document { markdown } => document::document(render.markup, markdown).into_any(),
        SlotView::Image(i) => image::images(i).into_any(),
        SlotView::Code(c) => code::code(c, render.markup).into_any(),
        SlotView::Json { value, open_depth } => json::tree(value, open_depth).into_any(),
        SlotView::Chart(c) => chart::chart(c, render.markup, &field_key).into_any(),
    };
    view! {
        <div class="render" data-renderer=render.renderer.as_str() data-testid=format!("render-{field_key}")>
            {notice}
            {body}
        </div>
    }
    .into_any()
}

/// Copies `text` to the clipboard (browser only; a no-op while rendering on the server).
fn copy_text(text: String) {
    #[cfg(feature = "hydrate")]
    crate::components::browser::copy_text(&text);
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
