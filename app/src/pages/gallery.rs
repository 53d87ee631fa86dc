//! The template gallery: published templates with search and a category filter.
//!
//! Search and filter are a GET form (`?q=…&category=…`), so results render on the server,
//! can be linked to, and work without JavaScript. Run starts the template's wizard; Clone
//! (builders and admins) copies it into a new draft of the user's own.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;
use wizard_core::domain::draft::TemplateSummary;
use wizard_core::domain::user::Role;

use super::runs::StartButton;
use crate::fns::runs::{clone_template, gallery};
use crate::session::use_session;

lazy_page!(
    /// `/` and `/gallery`: the templates anyone may browse.
    GalleryRoute => GalleryPage
);

#[component]
pub fn GalleryPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.read().get(k).filter(|v| !v.trim().is_empty());
    let q = move || param("q");
    let category = move || param("category");
    let data = Resource::new(move || (q(), category()), |(q, c)| gallery(q, c));
    view! {
        <Title text="Gallery" />
        <div class="page-head">
            <h1>"Template gallery"</h1>
            <p class="muted">"Start from a published template, clone it, and make it yours."</p>
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <div class="alert" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(g) => {
                        let filtering = q().is_some() || category().is_some();
                        view! {
                            <SearchForm q=q().unwrap_or_default() category=category() categories=g.categories.clone() />
                            {if g.templates.is_empty() {
                                view! {
                                    <section class="empty-state" data-testid="gallery-empty">
                                        <div class="empty-icon" aria-hidden="true">"◇"</div>
                                        {if filtering {
                                            view! {
                                                <h2>"No template matches"</h2>
                                                <p>"Try other words or another category."</p>
                                                <a class="btn btn-quiet" href="/gallery">"Show all templates"</a>
                                            }.into_any()
                                        } else {
                                            view! {
                                                <h2>"No templates yet"</h2>
                                                <p>"Published templates will appear here with their category and description."</p>
                                            }.into_any()
                                        }}
                                    </section>
                                }.into_any()
                            } else {
                                let count = g.templates.len();
                                view! {
                                    <p class="muted small" role="status">
                                        {if count == 1 { "1 template".to_owned() } else { format!("{count} templates") }}
                                    </p>
                                    <div class="card-grid">
                                        {g.templates.into_iter().map(|t| view! { <TemplateCard t /> }).collect_view()}
                                    </div>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }.into_any()
}

#[component]
fn SearchForm(q: String, category: Option<String>, categories: Vec<String>) -> impl IntoView {
    view! {
        <form class="gallery-search" method="get" action="/gallery" role="search">
            <div class="field">
                <label for="gallery-q">"Search"</label>
                <input
                    id="gallery-q"
                    type="search"
                    name="q"
                    value=q
                    placeholder="Name or description"
                    data-testid="gallery-search"
                />
            </div>
            <div class="field">
                <label for="gallery-category">"Category"</label>
                <select id="gallery-category" name="category" data-testid="gallery-category">
                    <option value="" selected=category.is_none()>"All categories"</option>
                    {categories.into_iter().map(|c| {
                        let selected = category.as_deref() == Some(c.as_str());
                        view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="btn">"Search"</button>
        </form>
    }
    .into_any()
}

#[component]
fn TemplateCard(t: TemplateSummary) -> impl IntoView {
    let session = use_session();
    let signed_in = session.0.is_some();
    let can_clone = session.0.as_ref().is_some_and(|u| u.role >= Role::Builder);
    let counts = format!(
        "{} · {}",
        plural(t.step_count, "step"),
        plural(t.field_count, "field")
    );
    let heading_id = format!("tpl-{}", t.wizard_id);
    let labelled_by = heading_id.clone();
    view! {
        <article class="template-card" data-testid="template-card" aria-labelledby=labelled_by>
            <div class="card-top">
                {t.category.clone().map(|c| view! { <span class="tag">{c}</span> })}
                <span class="muted small">"v" {t.version_number}</span>
            </div>
            <h2 id=heading_id>{t.name.clone()}</h2>
            <p class="card-desc">{t.description.clone()}</p>
            <p class="muted small">{counts} " · by " {t.owner_name.clone()}</p>
            <div class="card-actions">
                {if signed_in {
                    view! { <StartButton wizard_id=t.wizard_id name=t.name.clone() label="Run" /> }.into_any()
                } else {
                    view! { <a class="btn btn-small" href="/login?next=/gallery">"Sign in to run"</a> }.into_any()
                }}
                {can_clone.then(|| view! { <CloneButton wizard_id=t.wizard_id name=t.name.clone() /> })}
            </div>
        </article>
    }.into_any()
}

#[component]
fn CloneButton(wizard_id: Uuid, name: String) -> impl IntoView {
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let clone = move |_| {
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match clone_template(wizard_id).await {
                Ok(id) => navigate(&format!("/wizards/{id}"), Default::default()),
                Err(e) => {
                    error.set(Some(e.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <button
            type="button"
            class="btn btn-quiet btn-small"
            aria-label=format!("Clone {name}")
            data-testid="clone-template"
            disabled=move || busy.get()
            on:click=clone
        >
            {move || if busy.get() { "Cloning…" } else { "Clone" }}
        </button>
        {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
    }
    .into_any()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
