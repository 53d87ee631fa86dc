//! The `table` renderer: sortable headings (`aria-sort`), a search box, pages (never more
//! than one page of rows in the DOM) and CSV download of the rows shown or of all rows.

use leptos::prelude::*;
use serde_json::Value;
use std::sync::Arc;
use wizard_core::domain::render::table::{SortDirection, TableView};

use super::RowPick;

/// `pick`: a `dynamic_table` whose rows the person picks, with the value of each row
/// (`TableView::rows` order; `None` for a row that cannot be picked).
pub(super) fn table(
    t: TableView,
    slot: &str,
    pick: Option<(RowPick, Vec<Option<Value>>)>,
) -> impl IntoView {
    let t = Arc::new(t);
    let pick = pick.map(Arc::new);
    let group = format!("{slot}-pick");
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
    let pick_heading = pick
        .is_some()
        .then(|| view! { <th scope="col"><span class="sr-only">"Pick"</span></th> });
    let rows = {
        let t = t.clone();
        let pick = pick.clone();
        let group = group.clone();
        move || {
            let t = t.clone();
            let pick = pick.clone();
            let group = group.clone();
            visible.with(|v| {
                t.page(v, page.get())
                    .iter()
                    .map(|&i| {
                        let picker = pick.as_ref().map(|p| {
                            let name = t.rows[i].first().map_or(String::new(), |c| c.text.clone());
                            pick_cell(&p.0, p.1.get(i).cloned().flatten(), group.clone(), i, name)
                        });
                        let cells = t.rows[i]
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
                            .collect_view();
                        view! { <tr>{picker}{cells}</tr> }
                    })
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
    let columns = t.columns.len() + usize::from(pick.is_some());
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
                    <thead><tr>{pick_heading}{headings}</tr></thead>
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

/// The radio (one row) or checkbox (several) that picks row `i`, whose value is `value`.
fn pick_cell(
    pick: &RowPick,
    value: Option<Value>,
    group: String,
    i: usize,
    name: String,
) -> AnyView {
    let Some(value) = value else {
        return view! { <td></td> }.into_any();
    };
    let multiple = pick.multiple;
    let chosen = pick.chosen;
    let on_pick = pick.on_pick;
    let label = if name.is_empty() {
        format!("Pick row {}", i + 1)
    } else {
        format!("Pick {name}")
    };
    let is_chosen = {
        let value = value.clone();
        move || {
            chosen.with(|c| match c {
                Some(Value::Array(items)) => items.contains(&value),
                Some(v) => *v == value,
                None => false,
            })
        }
    };
    let toggle = move |_| {
        let next = if multiple {
            let mut items = match chosen.get_untracked() {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            match items.iter().position(|v| *v == value) {
                Some(at) => {
                    items.remove(at);
                }
                None => items.push(value.clone()),
            }
            if items.is_empty() {
                Value::Null
            } else {
                Value::Array(items)
            }
        } else {
            value.clone()
        };
        on_pick.run(next);
    };
    view! {
        <td class="pick">
            <input
                type=if multiple { "checkbox" } else { "radio" }
                name=group
                aria-label=label
                prop:checked=is_chosen
                on:change=toggle
            />
        </td>
    }
    .into_any()
}
