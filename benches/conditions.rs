//! What the player recomputes on every answer change, on a large wizard (200 steps × 20
//! fields, every selection type, conditions on earlier fields, some nested), against a
//! baseline measured in the same run: a plain JSON parse of the same wizard.
//!
//! Run: `cargo bench -p wizard-core --bench conditions -- --warm-up-time 1 --measurement-time 3`.
//! After criterion's report it prints the re-evaluation time against the 1 ms target and
//! its ratio to the JSON parse.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use serde_json::{Value, json};
use uuid::Uuid;
use wizard_core::domain::Wizard;
use wizard_core::domain::condition::Answers;

const STEPS: usize = 200;
const FIELDS: usize = 20;
/// The step the runner is on when the answer changes.
const CURRENT: usize = STEPS / 2;

fn key(step: usize, field: usize) -> String {
    format!("f{step}_{field}")
}

/// One field of type `field % 12`, with conditions on the previous step's fields.
fn field(s: usize, i: usize, next_id: &mut impl FnMut() -> Uuid) -> Value {
    let mut f = match i % 12 {
        0 => json!({"selection_type": "single_select", "options": [
            {"id": next_id(), "label": "A", "value": "a"},
            {"id": next_id(), "label": "B", "value": "b"},
            {"id": next_id(), "label": "C", "value": "c"}]}),
        1 => json!({"selection_type": "multiple_select", "settings": {"max_selected": 3},
            "options": [
            {"id": next_id(), "label": "X", "value": "x"},
            {"id": next_id(), "label": "Y", "value": "y"},
            {"id": next_id(), "label": "Z", "value": "z"},
            {"id": next_id(), "label": "W", "value": "w"}]}),
        2 => json!({"selection_type": "text_input",
            "settings": {"max_length": 80, "pattern": "[a-z0-9.]+@[a-z]+\\.com"}}),
        3 => json!({"selection_type": "number_input",
            "settings": {"min": 0, "max": 1000, "step": 1, "decimals": 0}}),
        4 => json!({"selection_type": "date_input", "settings": {"min": "2024-01-01"}}),
        5 => json!({"selection_type": "time_input", "settings": {"min": "08:00", "max": "18:00"}}),
        6 => json!({"selection_type": "datetime_input", "settings": {"min": "2024-01-01T00:00"}}),
        7 => json!({"selection_type": "rating", "settings": {"max": 5}}),
        8 => json!({"selection_type": "slider", "settings": {"min": 0, "max": 100, "step": 5}}),
        9 => json!({"selection_type": "color_picker"}),
        10 => json!({"selection_type": "file_upload",
            "settings": {"accepted_types": ["image/*", ".pdf"], "max_files": 3}}),
        _ => json!({"selection_type": "rich_text", "settings": {"max_length": 5000}}),
    };
    f["id"] = json!(next_id());
    f["key"] = json!(key(s, i));
    f["label"] = json!(format!("Field {i} of step {s}"));
    f["required"] = json!(i.is_multiple_of(3));
    if s > 0 {
        let p = s - 1;
        match i % 4 {
            1 => f["show_if"] = json!({"field": key(p, 0), "op": "eq", "value": "a"}),
            2 => {
                f["require_if"] = json!({"all": [
                    {"field": key(p, 3), "op": "gte", "value": 10},
                    {"not": {"field": key(p, 2), "op": "empty"}}
                ]})
            }
            3 => {
                // `matches` first so the `any` cannot short-circuit past the regex
                f["hide_if"] = json!({"any": [
                    {"field": key(p, 2), "op": "matches", "value": "^admin@"},
                    {"field": key(p, 7), "op": "lte", "value": 1},
                    {"field": key(p, 1), "op": "contains", "value": "w"}
                ]})
            }
            _ => {}
        }
        if i.is_multiple_of(8) && i > 0 {
            f["disable_if"] = json!({"field": key(p, 4), "op": "lt", "value": "2024-03-01"});
        }
    }
    f
}

fn big_wizard() -> Value {
    let mut n: u128 = 0;
    let mut next_id = || {
        n += 1;
        Uuid::from_u128(n)
    };
    let steps: Vec<Value> = (0..STEPS)
        .map(|s| {
            let fields: Vec<Value> = (0..FIELDS).map(|i| field(s, i, &mut next_id)).collect();
            let mut step = json!({"id": next_id(), "title": format!("Step {s}"),
                                  "option_sets": fields});
            if s % 5 == 4 {
                step["show_if"] = json!({"any": [
                    {"field": key(s - 1, 12), "op": "ne", "value": "c"},
                    {"field": key(s - 1, 15), "op": "gt", "value": 500}
                ]});
            }
            step
        })
        .collect();
    json!({"name": "Benchmark wizard", "description": "200 steps × 20 fields", "steps": steps})
}

/// A complete, valid set of answers.
fn full_answers() -> Answers {
    let mut a = Answers::new();
    for s in 0..STEPS {
        for i in 0..FIELDS {
            let v = match i % 12 {
                0 => json!(if s % 2 == 0 { "a" } else { "b" }),
                1 => json!(["x", "y"]),
                2 => json!(format!("user{s}@example.com")),
                3 => json!(s * 3),
                4 => json!(format!("2024-{:02}-15", 1 + s % 12)),
                5 => json!("09:30"),
                6 => json!("2024-05-01T10:00"),
                7 => json!(1 + s % 5),
                8 => json!(50),
                9 => json!("#336699"),
                10 => json!([{"id": Uuid::from_u128(1_000_000 + s as u128), "name": "scan.pdf",
                              "content_type": "application/pdf", "size": 1234}]),
                _ => json!("<p>Hello</p>"),
            };
            a.insert(key(s, i), v);
        }
    }
    a
}

/// Everything the player recomputes after one answer changes: the visible steps (progress
/// and navigation) and the visible / required / disabled flags of every field.
fn reevaluate(w: &Wizard, answers: &Answers) -> usize {
    let mut n = w.visible_steps(answers).len();
    for os in w.option_sets() {
        n += usize::from(os.is_visible(answers))
            + usize::from(os.is_required(answers))
            + usize::from(os.is_disabled(answers));
    }
    n
}

/// The same for the current step's fields only (what the page redraws).
fn reevaluate_current(w: &Wizard, answers: &Answers) -> usize {
    let mut n = w.visible_steps(answers).len();
    for os in &w.steps[CURRENT].option_sets {
        n += usize::from(os.is_visible(answers))
            + usize::from(os.is_required(answers))
            + usize::from(os.is_disabled(answers));
    }
    n
}

/// Saving one answer: the draft check of the request, the merge, and the JSON written.
fn save_one(w: &Wizard, answers: &mut Answers, key: &str, value: &Value) -> usize {
    let mut req = Answers::new();
    req.insert(key.to_owned(), value.clone());
    assert!(w.check_draft_answers(&req).is_empty());
    answers.insert(key.to_owned(), value.clone());
    serde_json::to_string(answers).map_or(0, |s| s.len())
}

struct Fixture {
    json: String,
    wizard: Wizard,
    answers: Answers,
}

fn fixture() -> Fixture {
    let json = serde_json::to_string(&big_wizard()).expect("serializable");
    let wizard: Wizard = serde_json::from_str(&json).expect("the benchmark wizard parses");
    let problems = wizard.check();
    assert!(
        problems.is_empty(),
        "the benchmark wizard is invalid: {problems:?}"
    );
    let answers = full_answers();
    let errors = wizard.check_all_answers(&answers);
    assert!(errors.is_empty(), "the answers are invalid: {errors:?}");
    Fixture {
        json,
        wizard,
        answers,
    }
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let mut changed = f.answers.clone();
    let toggle = ["a", "b"];
    let mut turn = 0usize;

    c.bench_function("a_parse_json_value", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&f.json)))
    });
    c.bench_function("b_parse_wizard", |b| {
        b.iter(|| serde_json::from_str::<Wizard>(black_box(&f.json)))
    });
    c.bench_function("c_answer_change_all_fields", |b| {
        b.iter(|| {
            turn += 1;
            changed.insert(key(0, 0), json!(toggle[turn % 2]));
            reevaluate(black_box(&f.wizard), black_box(&changed))
        })
    });
    c.bench_function("c2_answer_change_current_step", |b| {
        b.iter(|| {
            turn += 1;
            changed.insert(key(CURRENT - 1, 0), json!(toggle[turn % 2]));
            reevaluate_current(black_box(&f.wizard), black_box(&changed))
        })
    });
    c.bench_function("d_check_step_answers", |b| {
        let step = &f.wizard.steps[CURRENT];
        b.iter(|| {
            f.wizard
                .check_step_answers(black_box(step), black_box(&f.answers))
        })
    });
    c.bench_function("e_check_all_answers", |b| {
        b.iter(|| f.wizard.check_all_answers(black_box(&f.answers)))
    });
    let mut saved = f.answers.clone();
    c.bench_function("f_save_one_answer", |b| {
        b.iter(|| {
            turn += 1;
            save_one(&f.wizard, &mut saved, &key(CURRENT, 3), &json!(turn % 1000))
        })
    });
}

/// Median time of one call of `run`, over batches long enough for the clock.
fn median(mut run: impl FnMut()) -> Duration {
    let mut per_call = Vec::new();
    for _ in 0..15 {
        let mut n = 0u32;
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(20) {
            run();
            n += 1;
        }
        per_call.push(start.elapsed() / n);
    }
    per_call.sort();
    per_call[per_call.len() / 2]
}

/// The ratio and the target, measured together so machine load affects both alike.
fn report() {
    let f = fixture();
    let mut changed = f.answers.clone();
    let mut turn = 0usize;
    let parse = median(|| {
        black_box(serde_json::from_str::<Value>(black_box(&f.json)).is_ok());
    });
    let change = median(|| {
        turn += 1;
        changed.insert(
            key(0, 0),
            json!(if turn.is_multiple_of(2) { "a" } else { "b" }),
        );
        black_box(reevaluate(black_box(&f.wizard), black_box(&changed)));
    });
    let current = median(|| {
        turn += 1;
        changed.insert(
            key(CURRENT - 1, 0),
            json!(if turn.is_multiple_of(2) { "a" } else { "b" }),
        );
        black_box(reevaluate_current(
            black_box(&f.wizard),
            black_box(&changed),
        ));
    });
    let target = Duration::from_millis(1);
    let verdict = |d: Duration| if d < target { "under" } else { "OVER" };
    println!();
    println!(
        "wizard: {STEPS} steps × {FIELDS} fields, {} KiB of JSON",
        f.json.len() / 1024
    );
    println!("plain JSON parse (baseline):                 {parse:>10.2?}");
    println!(
        "answer change, all {} fields re-evaluated: {change:>10.2?}  ({} the 1 ms target)",
        STEPS * FIELDS,
        verdict(change)
    );
    println!(
        "answer change, current step's fields:       {current:>10.2?}  ({} the 1 ms target)",
        verdict(current)
    );
    println!(
        "ratio re-evaluation / JSON parse:           {:>10.3}  (current step only: {:.4})",
        change.as_secs_f64() / parse.as_secs_f64(),
        current.as_secs_f64() / parse.as_secs_f64()
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report();
}
