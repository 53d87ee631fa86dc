//! Line numbers beside a code text area (a script, a JavaScript transform, a JSON body).
//! The sandbox names the line of a compile or run error ("(line 3, column 5)"), so the
//! gutter marks the lines the errors name and the number is right where the code is.

use leptos::prelude::*;
use leptos::web_sys;

/// The number column for a code area; `scroll` is the area's scroll offset, kept in step
/// by the area's `on:scroll`.
#[component]
pub fn LineGutter(
    #[prop(into)] lines: Signal<usize>,
    #[prop(into)] errors: Signal<Vec<String>>,
    scroll: RwSignal<i32>,
) -> impl IntoView {
    let marked = Memo::new(move |_| {
        errors.with(|e| e.iter().filter_map(|m| error_line(m)).collect::<Vec<_>>())
    });
    view! {
        <div class="gutter-clip" aria-hidden="true">
        <div class="gutter" data-testid="code-gutter"
            style:margin-top=move || format!("-{}px", scroll.get())>
            {move || {
                (1..=lines.get().max(1))
                    .map(|n| {
                        let bad = marked.with(|m| m.contains(&n));
                        view! { <span class:error-line=bad>{n}</span> }
                    })
                    .collect_view()
            }}
        </div>
        </div>
    }
    .into_any()
}

/// The scroll offset of the area a scroll event came from.
pub fn scrolled(ev: &web_sys::Event) -> i32 {
    event_target::<web_sys::Element>(ev).scroll_top()
}

/// How many lines `text` has (an empty text still shows line 1).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The line an error message names, as the sandbox writes it: `(line N, column M)`.
fn error_line(message: &str) -> Option<usize> {
    let rest = &message[message.rfind("(line ")? + "(line ".len()..];
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_of_a_sandbox_error_is_read() {
        assert_eq!(
            error_line("SyntaxError: unexpected token (line 3, column 5)"),
            Some(3)
        );
        assert_eq!(error_line("the script threw: nope"), None);
        assert_eq!(error_line("(line x)"), None);
    }

    #[test]
    fn lines_are_counted_as_the_editor_shows_them() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a\nb"), 2);
        assert_eq!(line_count("a\n"), 2);
    }
}
