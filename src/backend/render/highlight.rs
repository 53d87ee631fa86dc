//! Code highlighting with syntect on the server (its grammars would double the wasm
//! bundle): HTML spans with `hl-` classes that the stylesheet colours, so a theme change is
//! CSS only and no inline style reaches the page.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Longest text highlighted; longer code is shown plain (highlighting is linear but not free).
const MAX_HIGHLIGHTED: usize = 256 * 1024;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// `code` as highlighted HTML in the grammar of `language` (a name or file extension:
/// `rust`, `py`, `json`…); `None` when the language is unknown or the code too long, and
/// the page shows it plain.
pub fn html(code: &str, language: Option<&str>) -> Option<String> {
    if code.len() > MAX_HIGHLIGHTED {
        return None;
    }
    let set = syntaxes();
    let token = language?.trim().to_ascii_lowercase();
    let syntax = set
        .find_syntax_by_token(&token)
        .or_else(|| set.find_syntax_by_name(&token))?;
    let mut html_gen = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        html_gen
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(html_gen.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_and_text_stays_escaped() {
        let out = html("fn main() { let s = \"<b>\"; }\n", Some("rust")).expect("rust");
        assert!(
            out.contains("hl-keyword") || out.contains("hl-storage"),
            "{out}"
        );
        assert!(out.contains("&lt;b&gt;"), "text is escaped: {out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(html("{\"a\": 1}", Some("json")).is_some());
        assert!(html("x = 1", Some("py")).is_some(), "extensions work too");
        assert_eq!(html("x", Some("no-such-language")), None);
        assert_eq!(html("x", None), None);
    }
}
