//! Widgets that few wizards use (file upload, rich text, colour picker) and views that few
//! visits need stay out of the bundle every runner downloads (issue 9; README, "Browser
//! bundle"). The server renders them like any other view, inside an inert wrapper. The
//! browser hydrates only the empty wrapper, fetches the widget's wasm chunk (a `#[lazy]`
//! function), builds the widget in place of the server's markup and makes it interactive.
//!
//! A call site passes the widget itself on the server and the lazy function's future in
//! the browser; the same expression serves both when the function is declared with
//! `#[cfg_attr(feature = "hydrate", leptos::lazy)]`.

use leptos::prelude::*;

/// The wrapper: `display: contents`, so the widget lays out as if it were not there. While
/// the widget's code is on its way the server's markup is `inert` (visible, not yet usable)
/// and `aria-busy`.
#[cfg(not(feature = "hydrate"))]
pub fn deferred(widget: AnyView) -> AnyView {
    view! { <div class="deferred" inert aria-busy="true">{widget}</div> }.into_any()
}

/// See the module documentation. Code loaded once is cached, so a second widget of the
/// same kind (another step, another run) is built without a fetch.
#[cfg(feature = "hydrate")]
pub fn deferred(load: impl std::future::Future<Output = AnyView> + 'static) -> AnyView {
    use leptos::reactive::computed::ScopedFuture;
    use leptos::tachys::view::{Mountable, Render};

    let pending = super::loading::Loading::begin();
    let slot = NodeRef::<leptos::html::Div>::new();
    // The lazy function builds the widget under this component's owner, so the widget's
    // signals and effects are disposed with the field.
    let owner = Owner::current().unwrap_or_default();
    slot.on_load(move |el| {
        let build = owner.with(|| {
            ScopedFuture::new_untracked(async move {
                let widget = load.await;
                el.set_inner_html("");
                let mut state = widget.build();
                state.mount(&el, None);
                // The mounted view lives as long as the field does.
                StoredValue::new_local(state);
                let _ = el.remove_attribute("inert");
                let _ = el.remove_attribute("aria-busy");
                pending.done();
            })
        });
        leptos::task::spawn_local(build);
    });
    view! { <div class="deferred" aria-busy="true" node_ref=slot></div> }.into_any()
}
