//! The frame around every page: skip link, header with navigation, and the account menu.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::loading::Loading;
use crate::session::use_session;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    // Effects run only in the browser: the marker tells tests (and curious users of dev
    // tools) that hydration finished and every part of the page has its code, so the page
    // is interactive (components/loading.rs).
    let loading = Loading::provide();
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                " Wizard Platform"
            </a>
            <Nav />
        </header>
        <main
            id="main"
            class="content"
            tabindex="-1"
            data-hydrated=move || (hydrated.get() && loading.idle()).then_some("true")
        >
            {children()}
        </main>
    }
    .into_any()
}

#[component]
fn Nav() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let link = move |href: &'static str, label: &'static str| {
        let current = move || {
            let path = location.pathname.get();
            if path == href || (href == "/" && path == "/gallery") {
                Some("page")
            } else {
                None
            }
        };
        view! { <li><a href=href aria-current=current>{label}</a></li> }
    };
    view! {
        <nav class="mainnav" aria-label="Main">
            <ul>
                {link("/", "Gallery")}
                {link("/wizards", "My Wizards")}
                {link("/runs", "My Runs")}
                {link("/store", "Store")}
                {session.is_builder().then(|| link("/library", "Library"))}
                {session.is_admin().then(|| link("/admin", "Admin"))}
            </ul>
        </nav>
        <div class="account">
            {match session.0 {
                Some(user) => view! {
                    <span class="whoami" data-testid="whoami">
                        {user.display_name}
                        <span class="role-badge">{user.role.as_str()}</span>
                    </span>
                    <form method="post" action="/auth/logout" class="inline">
                        <button type="submit" class="btn btn-quiet">"Sign out"</button>
                    </form>
                }.into_any(),
                None => view! {
                    <a class="btn btn-quiet" href="/login">"Sign in"</a>
                    <a class="btn" href="/register">"Register"</a>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}
