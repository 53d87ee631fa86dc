//! User-supplied regular expressions, compiled with limits: one rule for `matches`
//! conditions and the `pattern` setting of text inputs, so both accept the same patterns.

use std::cell::RefCell;
use std::collections::HashMap;

/// Longest regular expression accepted, in bytes.
pub const MAX_PATTERN_LEN: usize = 1_000;
/// Compiled-size cap for regular expressions, so a pattern cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Nesting cap inside a regular expression.
const REGEX_NEST_LIMIT: u32 = 64;

/// Compiles a user-supplied regular expression with size limits. Shared by `matches`
/// conditions and the `pattern` setting of text inputs so both accept the same patterns.
///
/// regex-lite never backtracks exponentially, so matching is linear-ish in the input.
pub fn compile_regex(pattern: &str) -> Result<regex_lite::Regex, String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "the pattern is longer than {MAX_PATTERN_LEN} characters"
        ));
    }
    regex_lite::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// Distinct patterns kept compiled per thread; past this the cache starts over, so a stream
/// of distinct patterns cannot grow it without bound.
const REGEX_CACHE_CAP: usize = 256;

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Option<regex_lite::Regex>>> =
        RefCell::new(HashMap::new());
}

/// Whether `pattern` (compiled as by [`compile_regex`]) matches somewhere in `text`;
/// `None` when the pattern is invalid.
///
/// Each distinct pattern is compiled once per thread (the browser has one): conditions are
/// re-evaluated on every answer change, and compiling dominated that cost on big wizards.
pub fn regex_is_match(pattern: &str, text: &str) -> Option<bool> {
    REGEX_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(compiled) = cache.get(pattern) {
            return compiled.as_ref().map(|re| re.is_match(text));
        }
        if cache.len() >= REGEX_CACHE_CAP {
            cache.clear();
        }
        let compiled = compile_regex(pattern).ok();
        let result = compiled.as_ref().map(|re| re.is_match(text));
        cache.insert(pattern.to_owned(), compiled);
        result
    })
}
