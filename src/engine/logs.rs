//! Execution logs: one row per event run, action attempt and call, linked by
//! `parent_log_id` into a trace tree; inputs redacted, outputs truncated.
//!
//! OWNER: engine helper (issue 4).
