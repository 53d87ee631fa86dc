//! Markup the server makes for renderers whose libraries stay out of the browser bundle
//! (ARCHITECTURE.md, "Renderers"): a document's Markdown becomes sanitized HTML, code
//! becomes highlighted HTML and a chart becomes SVG here, once, when the action runs, and travels and is stored with the
//! render.

pub mod chart;
pub mod highlight;

use std::collections::HashSet;

use pulldown_cmark::{Options, Parser};
use serde_json::Value;

use crate::domain::event::Render;
use crate::domain::render::{Renderer, document};

/// The render of `data` by `renderer`, with its markup made. Data of the wrong shape gets
/// no markup: the slot shows the shaping message instead.
pub fn render(renderer: Renderer, data: Value) -> Render {
    let markup = match &renderer {
        Renderer::Document(c) => document::shape(&data, c)
            .ok()
            .map(|doc| markdown_html(&doc.view)),
        Renderer::Chart(c) => {
            crate::domain::render::chart::shape(&data, c)
                .ok()
                .and_then(|shaped| match chart::svg(&shaped.view) {
                    Ok(svg) => Some(svg),
                    Err(e) => {
                        tracing::warn!(error = %e, "a chart could not be drawn");
                        None
                    }
                })
        }
        Renderer::Code(c) => crate::domain::render::code::shape(&data, c)
            .ok()
            .and_then(|shaped| highlight::html(&shaped.view.text, shaped.view.language.as_deref())),
        _ => None,
    };
    Render::new(renderer, data, markup)
}

/// Markdown (CommonMark with tables, strikethrough and task lists) as HTML that is safe to
/// insert into the page: ammonia removes scripts, event-handler attributes, styles and any
/// URL that is not `http(s)` or `mailto` (pulldown-cmark passes `javascript:` links through,
/// and `data:` URLs are refused too). Links open without referrer or opener.
pub fn markdown_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn markdown_keeps_structure_and_loses_everything_active() {
        let md = "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\n\
                  ![cat](https://x.org/cat.png) ~~old~~\n\n\
                  <script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n\
                  [click](javascript:alert(3)) [data](data:text/html,hi) [rel](/admin) [ok](https://x.org)\n\n\
                  <a href=\"https://x.org\" onclick=\"alert(4)\" style=\"color:red\">styled</a>";
        let html = markdown_html(md);
        for kept in [
            "<h1>Title</h1>",
            "<table>",
            "<td>1</td>",
            "<pre><code",
            "fn main() {}",
            "<img src=\"https://x.org/cat.png\" alt=\"cat\">",
            "<del>old</del>",
            "href=\"https://x.org\"",
        ] {
            assert!(html.contains(kept), "{kept} missing from {html}");
        }
        for gone in [
            "<script",
            "alert(1)",
            "onerror",
            "javascript:",
            "data:text",
            "/admin",
            "onclick",
            "style=",
        ] {
            assert!(!html.contains(gone), "{gone} survived in {html}");
        }
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }

    #[test]
    fn only_documents_get_markup_and_bad_shapes_get_none() {
        let doc: Renderer =
            serde_json::from_value(json!({"renderer": "document"})).expect("renderer");
        let r = render(doc.clone(), json!("*hi*"));
        assert_eq!(r.markup.as_deref(), Some("<p><em>hi</em></p>\n"));
        assert_eq!(render(doc, json!(42)).markup, None);
        let table: Renderer =
            serde_json::from_value(json!({"renderer": "table"})).expect("renderer");
        assert_eq!(render(table, json!([])).markup, None);
    }
}
