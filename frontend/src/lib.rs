//! The browser entry point: hydrate the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy`: the builder and admin routes are split into chunks loaded on demand.
    leptos::mount::hydrate_lazy(app::App);
}
