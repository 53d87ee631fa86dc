//! Sign-in and registration. Plain HTML forms posting to `/auth/*`, so they work before
//! (or without) hydration; errors come back in the query string and show per field.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn query(key: &'static str) -> impl Fn() -> Option<String> + Send + Sync + Copy + 'static {
    let q = use_query_map();
    move || q.read().get(key).filter(|v| !v.is_empty())
}

/// An input with its label and, when the server refused it, its message.
#[component]
fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(default = true)] required: bool,
    #[prop(optional)] keep_value: bool,
) -> impl IntoView {
    let error = query(match name {
        "email" => "err_email",
        "password" => "err_password",
        _ => "err_display_name",
    });
    let value = query(name);
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let err_id = err_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if !hint.is_empty() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=move || if keep_value { value() } else { None }
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=described
            />
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=hint_id>{hint}</p> })}
            {move || error().map(|e| view! { <p class="field-error" id=err_id.clone()>{e}</p> })}
        </div>
    }
    .into_any()
}

#[component]
fn FormError() -> impl IntoView {
    let error = query("error");
    move || {
        error()
            .map(|e| view! { <div class="alert" role="alert" data-testid="form-error">{e}</div> })
    }
}

lazy_page!(
    /// `/login`.
    LoginRoute => LoginPage
);

#[component]
pub fn LoginPage() -> impl IntoView {
    let next = query("next");
    view! {
        <Title text="Sign in" />
        <section class="auth-card">
            <h1>"Sign in"</h1>
            <FormError />
            <form method="post" action="/auth/login" novalidate>
                <input type="hidden" name="next" value=move || next().unwrap_or_default() />
                <Field name="email" label="Email" kind="email" autocomplete="username" keep_value=true />
                <Field name="password" label="Password" kind="password" autocomplete="current-password" />
                <button type="submit" class="btn btn-wide">"Sign in"</button>
            </form>
            <p class="muted">"New here? " <a href="/register">"Create an account"</a></p>
        </section>
    }.into_any()
}

lazy_page!(
    /// `/register`.
    RegisterRoute => RegisterPage
);

#[component]
pub fn RegisterPage() -> impl IntoView {
    let next = query("next");
    view! {
        <Title text="Register" />
        <section class="auth-card">
            <h1>"Create an account"</h1>
            <FormError />
            <form method="post" action="/auth/register" novalidate>
                <input type="hidden" name="next" value=move || next().unwrap_or_default() />
                <Field name="email" label="Email" kind="email" autocomplete="email" keep_value=true />
                <Field
                    name="display_name"
                    label="Name"
                    autocomplete="name"
                    required=false
                    keep_value=true
                    hint="Shown to others. Defaults to the start of your email."
                />
                <Field
                    name="password"
                    label="Password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 10 characters."
                />
                <button type="submit" class="btn btn-wide">"Create account"</button>
            </form>
            <p class="muted">"Already registered? " <a href="/login">"Sign in"</a></p>
        </section>
    }.into_any()
}
