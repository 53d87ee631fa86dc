//! A rich-text editor whose HTML the server sanitises (loaded on demand).

use super::*;

/// A small contenteditable editor (bold, italic, list, link). Its value is HTML, which the
/// server sanitizes on every save; the editor's starting content is the stored answer.
#[component]
pub(super) fn RichText(ctx: Ctx) -> impl IntoView {
    let editor = NodeRef::<leptos::html::Div>::new();
    let initial = ctx.value.with_untracked(as_text);
    let set = ctx.set;
    let check = ctx.check;
    let disabled = ctx.disabled;
    let read = move || {
        #[cfg(feature = "hydrate")]
        if let Some(el) = editor.get_untracked() {
            let html = el.inner_html();
            let text = el.text_content().unwrap_or_default();
            set.run((
                if text.trim().is_empty() && !html.contains("<img") {
                    Value::Null
                } else {
                    Value::String(html)
                },
                false,
            ));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = set;
    };
    let command = move |cmd: &'static str| {
        move |_| {
            if disabled.get_untracked() {
                return;
            }
            #[cfg(feature = "hydrate")]
            {
                if let Some(el) = editor.get_untracked() {
                    let _ = el.focus();
                }
                if cmd == "createLink" {
                    match crate::components::browser::prompt_link() {
                        Some(url) => crate::components::browser::exec_command(cmd, Some(&url)),
                        None => return,
                    }
                } else {
                    crate::components::browser::exec_command(cmd, None);
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = cmd;
            read();
        }
    };
    let label_id = format!("{}-label", ctx.id);
    let tool = move |cmd: &'static str, label: &'static str, glyph: &'static str| {
        view! {
            <button
                type="button"
                class=format!("rte-btn rte-{cmd}")
                aria-label=label
                title=label
                disabled=move || disabled.get()
                on:mousedown=|ev| ev.prevent_default()
                on:click=command(cmd)
            >
                {glyph}
            </button>
        }
    };
    view! {
        <div class="rte" class:is-disabled=move || disabled.get()>
            <div class="rte-toolbar" role="toolbar" aria-label="Formatting" aria-controls=ctx.id.clone()>
                {tool("bold", "Bold", "B")}
                {tool("italic", "Italic", "I")}
                {tool("insertUnorderedList", "Bulleted list", "• List")}
                {tool("createLink", "Link", "Link")}
            </div>
            <div
                class="rte-area"
                id=ctx.id.clone()
                node_ref=editor
                role="textbox"
                aria-multiline="true"
                aria-labelledby=label_id
                aria-invalid=ctx.aria_invalid()
                aria-required=ctx.aria_required()
                aria-describedby=ctx.described.clone()
                aria-disabled=move || disabled.get().then_some("true")
                contenteditable=move || if disabled.get() { "false" } else { "true" }
                tabindex="0"
                inner_html=initial
                on:input=move |_| read()
                on:blur=move |_| check.run(())
            ></div>
        </div>
    }.into_any()
}
