//! The Wizard Platform UI. Pages render on the server and hydrate in the browser; data
//! comes from server functions that call `wizard-core` services (never SQL).

pub mod builder;
pub mod components;
pub mod fns;
pub mod layout;
pub mod pages;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
    .into_any()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    session::provide_session();
    view! {
        <Stylesheet id="leptos" href="/pkg/wizard-platform.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Wizard Platform".to_owned() } else { format!("{page} · Wizard Platform") }
        } />
        <Router>
            <layout::Layout>
                // Every page but the player is a lazily loaded route (pages::lazy_page).
                // Async SSR on the data pages: the whole page arrives rendered, so search,
                // filters and read-only runs work without JavaScript (streamed fragments
                // would need it to be moved into place).
                <Routes fallback=pages::NotFound>
                    <Route path=path!("") view={Lazy::<pages::gallery::GalleryRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/gallery") view={Lazy::<pages::gallery::GalleryRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login") view={Lazy::<pages::auth::LoginRoute>::new()} />
                    <Route path=path!("/register") view={Lazy::<pages::auth::RegisterRoute>::new()} />
                    <Route path=path!("/wizards") view={Lazy::<pages::builder::MyWizardsRoute>::new()} />
                    <Route path=path!("/wizards/:id") view={Lazy::<pages::builder::BuilderRoute>::new()} />
                    <Route path=path!("/runs") view={Lazy::<pages::runs::MyRunsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/runs/:id") view=pages::player::RunPage ssr=SsrMode::Async />
                    <Route path=path!("/store") view={Lazy::<pages::store::StoreRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/library") view={Lazy::<pages::library::LibraryRoute>::new()} />
                    <Route path=path!("/admin") view={Lazy::<pages::admin::AdminRoute>::new()} />
                </Routes>
            </layout::Layout>
        </Router>
    }.into_any()
}
