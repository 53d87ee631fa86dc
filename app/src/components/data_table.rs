//! The list pages' table (My Runs, the Store): a scrolling wrapper so a narrow screen
//! scrolls the table, not the page; column headings with `scope`; and a last, visually
//! hidden "Actions" column for each row's buttons.

use leptos::prelude::*;

#[component]
pub fn DataTable(
    /// `data-testid` of the table.
    testid: &'static str,
    /// The visible column headings, in order.
    columns: &'static [&'static str],
    /// The rows (`<tr>`s).
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data" data-testid=testid>
                <thead>
                    <tr>
                        {columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
    .into_any()
}
