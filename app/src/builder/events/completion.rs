//! `{{` completion in templated inputs: the paths a template may read at that point (the
//! wizard's field keys, `run.*`, `wizard.id`, `step.id`, `event.*`, and the output of the
//! actions that run *before* this one: the server's rule, `domain::template::check`), and
//! the text edits that offer and insert them. Pure, so it is unit-tested; the input that
//! shows the list is `inputs::TextSetting`.

use wizard_core::domain::Wizard;
use wizard_core::domain::event::Event;
use wizard_core::domain::template::FIXED_PATHS;

use super::model::value_fields;

/// At most this many suggestions are listed at once.
pub const MAX_SUGGESTIONS: usize = 8;

/// Every path a template of the action at `position` in `event` may read.
pub fn paths(w: &Wizard, event: &Event, position: usize) -> Vec<String> {
    let mut out: Vec<String> = value_fields(w)
        .into_iter()
        .map(|(key, _)| format!("fields.{key}"))
        .collect();
    out.extend(FIXED_PATHS.iter().map(|p| (*p).to_owned()));
    out.push("event.value".to_owned());
    out.extend(
        event
            .actions
            .iter()
            .take(position)
            .map(|a| format!("actions.{}.output", a.name.as_str())),
    );
    out
}

/// Where the path being typed starts, if the text before the caret ends inside an open
/// `{{` (after its spaces): `"Hi {{ fie"` → the index of `fie`.
pub fn open_template(before: &str) -> Option<usize> {
    let open = before.rfind("{{")?;
    if before[open..].contains("}}") {
        return None;
    }
    let inner = &before[open + 2..];
    let start = open + 2 + (inner.len() - inner.trim_start().len());
    // Past the path (a filter, an operator): nothing to complete.
    let typed = &before[start..];
    let is_path = typed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    is_path.then_some(start)
}

/// The paths matching what is typed: those starting with it first, then those containing it.
pub fn suggestions(paths: &[String], typed: &str) -> Vec<String> {
    let mut starts: Vec<&String> = paths.iter().filter(|p| p.starts_with(typed)).collect();
    let contains = paths
        .iter()
        .filter(|p| !p.starts_with(typed) && p.contains(typed));
    starts.extend(contains);
    starts
        .into_iter()
        .filter(|p| p.as_str() != typed)
        .take(MAX_SUGGESTIONS)
        .cloned()
        .collect()
}

/// The text with `path` put in place of what was typed since `start` (before the caret),
/// closing the template unless it is already closed; and the caret after the insertion.
pub fn accept(before: &str, after: &str, start: usize, path: &str) -> (String, usize) {
    let closed = after.trim_start().starts_with("}}");
    let insert = match (closed, after.starts_with(char::is_whitespace)) {
        (true, true) => path.to_owned(),
        (true, false) => format!("{path} "),
        (false, _) => format!("{path} }}}}"),
    };
    let head = &before[..start];
    let caret = head.len() + insert.len();
    (format!("{head}{insert}{after}"), caret)
}

/// The byte index in `s` of a caret the browser gives in UTF-16 code units.
pub fn byte_index(s: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    s.len()
}

/// The caret as the browser counts it (UTF-16 code units) for a byte index in `s`.
pub fn utf16_index(s: &str, byte: usize) -> usize {
    s[..byte.min(s.len())].encode_utf16().count()
}

#[cfg(test)]
mod tests {
    #[test]
    fn carets_convert_between_utf16_and_bytes() {
        let s = "é {{ x";
        assert_eq!(byte_index(s, 2), 3);
        assert_eq!(utf16_index(s, 3), 2);
        assert_eq!(byte_index(s, 99), s.len());
    }

    use super::*;

    #[test]
    fn an_open_template_is_found_only_while_a_path_is_typed() {
        assert_eq!(open_template("Hi {{ fie"), Some(6));
        assert_eq!(open_template("Hi {{"), Some(5));
        assert_eq!(open_template("Hi {{fields.na"), Some(5));
        assert_eq!(open_template("Hi {{ x }} and"), None);
        assert_eq!(open_template("Hi {{ x | up"), None);
        assert_eq!(open_template("no template"), None);
    }

    #[test]
    fn suggestions_put_prefix_matches_first_and_skip_the_exact_one() {
        let paths: Vec<String> = [
            "fields.name",
            "fields.surname",
            "run.id",
            "actions.a.output",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(suggestions(&paths, "fields.n"), ["fields.name"]);
        assert_eq!(
            suggestions(&paths, "name"),
            ["fields.name", "fields.surname"]
        );
        assert_eq!(suggestions(&paths, "").len(), 4);
        assert!(suggestions(&paths, "run.id").is_empty());
    }

    #[test]
    fn accepting_replaces_the_typed_part_and_closes_the_template() {
        let before = "Hi {{ fie";
        let start = open_template(before).expect("open");
        assert_eq!(
            accept(before, "!", start, "fields.name"),
            ("Hi {{ fields.name }}!".to_owned(), 20)
        );
        assert_eq!(
            accept("Hi {{ fie", " }}!", start, "fields.name").0,
            "Hi {{ fields.name }}!"
        );
    }

    #[test]
    fn only_earlier_actions_are_offered() {
        let w: Wizard = serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::from_u128(1), "name": "W",
            "steps": [{"id": uuid::Uuid::from_u128(2), "title": "S", "option_sets": [
                {"id": uuid::Uuid::from_u128(3), "key": "name", "label": "Name", "selection_type": "text_input"},
                {"id": uuid::Uuid::from_u128(4), "key": "out", "label": "Out", "selection_type": "output"}
            ]}]
        }))
        .expect("a wizard");
        let event: Event = serde_json::from_value(serde_json::json!({
            "name": "e", "trigger": "wizard.onStart",
            "actions": [
                {"name": "first", "action_type": "show_message", "config": {"text": "a"}},
                {"name": "second", "action_type": "show_message", "config": {"text": "b"}}
            ]
        }))
        .expect("an event");
        let at_second = paths(&w, &event, 1);
        assert!(at_second.contains(&"fields.name".to_owned()));
        assert!(
            !at_second.contains(&"fields.out".to_owned()),
            "an output holds no answer"
        );
        assert!(at_second.contains(&"actions.first.output".to_owned()));
        assert!(!at_second.iter().any(|p| p.contains("second")));
        assert!(at_second.contains(&"run.user.email".to_owned()));
    }
}
