//! The `table` renderer: sortable headings (`aria-sort`), a search box, pages (never more
//! than one page of rows in the DOM) and CSV download of the rows shown or of all rows.

use leptos::prelude::*;
use std::sync::Arc;
use wizard_core::domain::render::table::{SortDirection, TableView};

pub(super) fn table(t: TableView, slot: &str) -> impl IntoView {
    let t = Arc::new(t);
    let query = RwSignal::new(String::new());
    let sort = RwSignal::new(None::<(usize, SortDirection)>);
    let page = RwSignal::new(0usize);
    let visible = Memo::new({
        let t = t.clone();
        move |_| t.visible(&query.get(), sort.get())
    });
    let pages = {
        let t = t.clone();
        move || t.page_count(visible.with(Vec::len))
    };
    let headings = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let label = h.label.clone();
            let numeric = matches!(
                h.format,
                wizard_core::domain::render::table::ColumnFormat::Number
            );
            let aria = move || match sort.get() {
                Some((c, d)) if c == i => d.as_str(),
                _ => "none",
            };
            let arrow = move || match sort.get() {
                Some((c, SortDirection::Ascending)) if c == i => " ▲",
                Some((c, SortDirection::Descending)) if c == i => " ▼",
                _ => "",
            };
            let click = move |_| {
                sort.update(|s| {
                    *s = match *s {
                        Some((c, SortDirection::Ascending)) if c == i => {
                            Some((i, SortDirection::Descending))
                        }
                        Some((c, SortDirection::Descending)) if c == i => None,
                        _ => Some((i, SortDirection::Ascending)),
                    }
                });
                page.set(0);
            };
            view! {
                <th scope="col" aria-sort=aria class:num=numeric>
                    <button type="button" class="th-sort" on:click=click>
                        {label}<span aria-hidden="true">{arrow}</span>
                    </button>
                </th>
            }
        })
        .collect_view();
    let rows = {
        let t = t.clone();
        move || {
            let t = t.clone();
            visible.with(|v| {
                t.page(v, page.get())
                    .iter()
                    .map(|&i| {
                        t.rows[i]
                            .iter()
                            .zip(&t.columns)
                            .map(|(c, h)| {
                                let numeric = matches!(
                                    h.format,
                                    wizard_core::domain::render::table::ColumnFormat::Number
                                );
                                match &c.href {
                                    Some(href) => view! {
                                        <td><a href=href.clone() rel="noopener noreferrer nofollow" target="_blank">{c.text.clone()}</a></td>
                                    }
                                    .into_any(),
                                    None => view! { <td class:num=numeric>{c.text.clone()}</td> }.into_any(),
                                }
                            })
                            .collect_view()
                    })
                    .map(|cells| view! { <tr>{cells}</tr> })
                    .collect_view()
            })
        }
    };
    let download = {
        let t = t.clone();
        move |all: bool| {
            let indexes: Vec<usize> = if all {
                (0..t.rows.len()).collect()
            } else {
                visible.get_untracked()
            };
            let csv = t.to_csv(&indexes);
            #[cfg(feature = "hydrate")]
            crate::components::browser::download_text("table.csv", "text/csv;charset=utf-8", &csv);
            #[cfg(not(feature = "hydrate"))]
            let _ = csv;
        }
    };
    let download_all = download.clone();
    let count = t.rows.len();
    let columns = t.columns.len();
    let searchable = t.searchable;
    let search_id = format!("{slot}-search");
    view! {
        <div class="table-render" data-testid="table-render">
            <div class="table-tools">
                {searchable.then(|| view! {
                    <label class="sr-only" for=search_id.clone()>"Search the table"</label>
                    <input
                        type="search"
                        id=search_id.clone()
                        placeholder="Search…"
                        data-testid="table-search"
                        prop:value=move || query.get()
                        on:input=move |ev| { query.set(event_target_value(&ev)); page.set(0); }
                    />
                })}
                <button type="button" class="btn btn-quiet btn-small" data-testid="csv-shown" on:click=move |_| download(false)>"CSV (shown rows)"</button>
                <button type="button" class="btn btn-quiet btn-small" data-testid="csv-all" on:click=move |_| download_all(true)>"CSV (all rows)"</button>
            </div>
            <div class="table-scroll">
                <table>
                    <thead><tr>{headings}</tr></thead>
                    <tbody>
                        {rows}
                        {move || visible.with(Vec::is_empty).then(|| view! {
                            <tr><td class="muted" colspan=columns.max(1).to_string()>
                                {if count == 0 { "No rows." } else { "No row matches the search." }}
                            </td></tr>
                        })}
                    </tbody>
                </table>
            </div>
            <nav class="table-pages" aria-label="Table pages">
                <button type="button" class="btn btn-quiet btn-small" data-testid="page-prev"
                    disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                <span aria-live="polite" data-testid="page-status">
                    {let pages = pages.clone(); move || format!("Page {} of {} · {} rows", page.get().min(pages() - 1) + 1, pages(), visible.with(Vec::len))}
                </span>
                <button type="button" class="btn btn-quiet btn-small" data-testid="page-next"
                    disabled={let pages = pages.clone(); move || page.get() + 1 >= pages()}
                    on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
            </nav>
        </div>
    }
}
