//! One module per page.

/// Declares `$route`, a lazily loaded route that renders `$page`. `cargo leptos build --split`
/// moves the page's code out of the main browser bundle into a chunk fetched on the first
/// visit, so a runner's phone loads the player without the builder, the gallery or the
/// admin pages (README, "Browser bundle"). The server renders these routes as before.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        ///
        /// Until the page's chunk has arrived and hydrated, the page counts as loading
        /// (`components/loading.rs`).
        #[derive(Clone)]
        pub struct $route($crate::components::loading::Pending);

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self($crate::components::loading::Loading::begin())
            }
            fn view(this: Self) -> leptos::prelude::AnyView {
                let pending = this.0;
                leptos::prelude::Effect::new(move |_| pending.done());
                leptos::prelude::view! { <$page /> }.into_any()
            }
        }
    };
}

pub mod admin;
pub mod auth;
pub mod builder;
pub mod gallery;
pub mod library;
pub mod player;
pub mod runs;
pub mod store;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use wizard_core::domain::user::UserView;

use crate::session::use_session;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <section class="empty-state">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <a class="btn" href="/">"Go to the gallery"</a>
        </section>
    }
    .into_any()
}

/// Renders `children` with the signed-in user, or a sign-in prompt that returns here.
#[component]
pub fn RequireUser<F, V>(children: F) -> impl IntoView
where
    F: FnOnce(UserView) -> V,
    V: IntoView + 'static,
{
    match use_session().0 {
        Some(user) => children(user).into_any(),
        None => {
            let next = use_location().pathname.get_untracked();
            let href = format!("/login?next={}", urlencode(&next));
            view! {
                <section class="empty-state">
                    <h1>"Sign in to continue"</h1>
                    <p>"This page shows your own work, so we need to know who you are."</p>
                    <a class="btn" href=href>"Sign in"</a>
                </section>
            }
            .into_any()
        }
    }
}

/// Percent-encodes a path for a query parameter (paths here are ASCII routes).
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
