//! Property tests for answer validation of the 12 selection types: generated valid answers
//! are accepted, generated invalid ones refused, and no JSON at all makes the checks panic.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;
use wizard_core::domain::*;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn options(values: &[String]) -> Vec<WizardOption> {
    values
        .iter()
        .map(|v| WizardOption {
            id: Uuid::nil(),
            label: v.clone(),
            value: v.clone(),
            description: String::new(),
        })
        .collect()
}

/// Distinct option values.
fn arb_option_values(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set("[a-z][a-z0-9_]{0,7}", 1..=max)
        .prop_map(|s| s.into_iter().collect::<Vec<_>>())
}

/// Settings that a saved wizard could hold; the properties are about those.
fn assert_settings_ok(field: &Field) -> Result<(), TestCaseError> {
    let problems = field.check_settings("p");
    prop_assert!(
        problems.is_empty(),
        "generated settings are invalid: {problems:?}"
    );
    Ok(())
}

fn accepted(field: &Field, value: &Value, opts: &[WizardOption]) -> Result<(), TestCaseError> {
    assert_settings_ok(field)?;
    prop_assert_eq!(
        field.check_answer(value, opts),
        Ok(()),
        "{} by {:?}",
        value,
        field
    );
    prop_assert_eq!(field.check_draft_answer(value), Ok(()), "draft {}", value);
    Ok(())
}

fn refused(field: &Field, value: &Value, opts: &[WizardOption]) -> Result<(), TestCaseError> {
    assert_settings_ok(field)?;
    let result = field.check_answer(value, opts);
    prop_assert!(
        result.is_err(),
        "{} should be refused by {:?}",
        value,
        field
    );
    if let Err(m) = result {
        prop_assert!(!m.trim().is_empty(), "refusals explain themselves");
    }
    Ok(())
}

/// Any JSON value of a different kind than `keep` (for wrong-kind refusals).
fn arb_wrong_kind(keep: &'static str) -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-1000i64..1000).prop_map(|i| json!(i)),
        "[a-z#0-9 :-]{0,12}".prop_map(Value::String),
        Just(json!([1, "a"])),
        Just(json!({"value": "x"})),
    ]
    .prop_filter("a different JSON kind", move |v| {
        let kind = match v {
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            _ => "object",
        };
        kind != keep
    })
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "#1e90ff",
            "#1e90ff80",
            "2024-02-29",
            "09:30",
            "2024-01-01T09:00",
            "a",
            "",
        ])
        .prop_map(|s| json!(s)),
        Just(json!({"id": Uuid::nil(), "name": "a.png", "content_type": "image/png", "size": 1})),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A field of any of the 15 types with plausible (not always valid) settings.
fn arb_field() -> impl Strategy<Value = Field> {
    prop_oneof![
        (any::<bool>(), any::<bool>()).prop_map(|(allow_other, dynamic_options)| {
            Field::SingleSelect(SingleSelectSettings {
                allow_other,
                dynamic_options,
                ..Default::default()
            })
        }),
        (
            prop::option::of(0u32..4),
            prop::option::of(0u32..6),
            any::<bool>()
        )
            .prop_map(|(min_selected, max_selected, allow_other)| {
                Field::MultipleSelect(SelectSettings {
                    min_selected,
                    max_selected,
                    allow_other,
                    dynamic_options: false,
                })
            }),
        (
            prop::option::of(0u32..5),
            prop::option::of(0u32..20),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(min_length, max_length, pattern, multiline)| {
                Field::TextInput(TextSettings {
                    min_length,
                    max_length,
                    pattern: pattern.then(|| "[a-z]+|x(y".to_owned()),
                    placeholder: None,
                    multiline,
                })
            }),
        (
            prop::option::of(-10.0f64..10.0),
            prop::option::of(-10.0f64..10.0),
            prop::option::of(prop_oneof![Just(0.0), Just(-1.0), Just(0.1), Just(2.5)]),
            prop::option::of(0u8..12)
        )
            .prop_map(|(min, max, step, decimals)| {
                Field::NumberInput(NumberSettings {
                    min,
                    max,
                    step,
                    decimals,
                })
            }),
        Just(Field::DateInput(DateSettings {
            min: parse_date("2024-01-01"),
            max: parse_date("2023-01-01"),
        })),
        Just(Field::TimeInput(TimeSettings::default())),
        Just(Field::DatetimeInput(DateTimeSettings {
            min: parse_datetime("2024-01-01T00:00"),
            max: None,
        })),
        (0u8..12, any::<bool>())
            .prop_map(|(max, allow_half)| Field::Rating(RatingSettings { max, allow_half })),
        (
            -5.0f64..5.0,
            -5.0f64..5.0,
            prop_oneof![Just(0.0), Just(0.3), Just(1.0)]
        )
            .prop_map(|(min, max, step)| Field::Slider(SliderSettings { min, max, step })),
        any::<bool>().prop_map(|allow_alpha| Field::ColorPicker(ColorSettings { allow_alpha })),
        (prop::option::of(0u64..10), prop::option::of(0u32..3)).prop_map(
            |(max_size_bytes, max_files)| Field::FileUpload(FileSettings {
                max_size_bytes,
                accepted_types: vec!["image/*".into(), ".pdf".into()],
                max_files,
            })
        ),
        prop::option::of(0u32..10)
            .prop_map(|max_length| Field::RichText(RichTextSettings { max_length })),
        Just(Field::new(SelectionType::DynamicTable)),
        Just(Field::new(SelectionType::ApplyButton)),
        Just(Field::new(SelectionType::Output)),
    ]
}

fn file(id: u128, name: &str, content_type: &str, size: u64) -> Value {
    json!({"id": Uuid::from_u128(id), "name": name, "content_type": content_type, "size": size})
}

fn day(base: NaiveDate, days: i64) -> NaiveDate {
    base + Duration::days(days)
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn single_select(
        values in arb_option_values(6),
        pick in any::<prop::sample::Index>(),
        stranger in "[A-Z]{1,8}",
        wrong in arb_wrong_kind("string"),
    ) {
        let opts = options(&values);
        let f = Field::SingleSelect(SingleSelectSettings::default());
        accepted(&f, &json!(pick.get(&values)), &opts)?;
        refused(&f, &json!(stranger), &opts)?;
        refused(&f, &wrong, &opts)?;
        // "other" accepts the stranger, but not blank or overlong text
        let other = Field::SingleSelect(SingleSelectSettings { allow_other: true, ..Default::default() });
        accepted(&other, &json!(stranger), &opts)?;
        refused(&other, &json!(" "), &opts)?;
        refused(&other, &json!(stranger.repeat(501)), &opts)?;
    }

    #[test]
    fn multiple_select(
        values in arb_option_values(8),
        seed in any::<u64>(),
        lo in 0usize..4,
        span in 0usize..4,
    ) {
        let n = values.len();
        let min = lo.min(n);
        let max = (min + span).clamp(1, n);
        let min = min.min(max);
        let f = Field::MultipleSelect(SelectSettings {
            min_selected: Some(min as u32),
            max_selected: Some(max as u32),
            ..Default::default()
        });
        let opts = options(&values);
        let count = min + (seed as usize % (max - min + 1));
        // a rotation of the values picks `count` distinct ones
        let start = (seed >> 8) as usize % n;
        let chosen: Vec<&String> = values.iter().cycle().skip(start).take(count).collect();
        if count > 0 {
            accepted(&f, &json!(chosen), &opts)?;
        }
        if min > 1 {
            refused(&f, &json!(&chosen[..min - 1]), &opts)?;
        }
        if max < n {
            let too_many: Vec<&String> = values.iter().take(max + 1).collect();
            refused(&f, &json!(too_many), &opts)?;
        }
        refused(&f, &json!([&values[0], &values[0]]), &opts)?;
        refused(&f, &json!(["NOT-AN-OPTION"]), &opts)?;
        refused(&f, &json!(values[0]), &opts)?;
        refused(&f, &json!([1, 2]), &opts)?;
    }

    #[test]
    fn text_input(
        min in 0u32..8,
        extra in 0u32..20,
        text in "[a-zé]{0,30}",
        multiline in any::<bool>(),
        wrong in arb_wrong_kind("string"),
    ) {
        let max = min + extra + 1;
        let f = Field::TextInput(TextSettings {
            min_length: Some(min),
            max_length: Some(max),
            pattern: Some("[a-zé]*".into()),
            placeholder: None,
            multiline,
        });
        let len = text.chars().count() as u32;
        if (min..=max).contains(&len) {
            accepted(&f, &json!(text), &[])?;
            // a digit breaks the pattern, which must match the whole value
            refused(&f, &json!(format!("{text}1")), &[])?;
            refused(&f, &json!(format!("1{text}")), &[])?;
        } else {
            refused(&f, &json!(text), &[])?;
        }
        let long: String = "a".repeat(max as usize + 1);
        refused(&f, &json!(long), &[])?;
        if min > 0 {
            refused(&f, &json!("a".repeat(min as usize - 1)), &[])?;
        }
        // line breaks only where the field is multiline (checked without a pattern, which
        // would refuse them anyway)
        let lines = Field::TextInput(TextSettings {
            min_length: Some(min),
            max_length: Some(max),
            pattern: None,
            placeholder: None,
            multiline,
        });
        let two_lines = format!("{}\r\n{}", "a".repeat(min as usize), "b");
        if u32::try_from(two_lines.chars().count()).is_ok_and(|l| l <= max) {
            if multiline {
                accepted(&lines, &json!(two_lines), &[])?;
            } else {
                refused(&lines, &json!(two_lines), &[])?;
            }
        }
        refused(&f, &wrong, &[])?;
    }

    #[test]
    fn number_input(
        // in hundredths, so every generated value is exactly what a person would type
        min_h in -100_000i64..100_000,
        step_h in prop::sample::select(vec![1i64, 5, 25, 50, 100, 250, 1000]),
        steps in 1i64..200,
        k in 0i64..200,
        wrong in arb_wrong_kind("number"),
    ) {
        let h = |x: i64| x as f64 / 100.0;
        let max_h = min_h + steps * step_h;
        let f = Field::NumberInput(NumberSettings {
            min: Some(h(min_h)),
            max: Some(h(max_h)),
            step: Some(h(step_h)),
            decimals: Some(2),
        });
        let k = k % (steps + 1);
        accepted(&f, &json!(h(min_h + k * step_h)), &[])?;
        refused(&f, &json!(h(min_h - step_h)), &[])?;
        refused(&f, &json!(h(max_h + step_h)), &[])?;
        if step_h > 1 && k < steps {
            // between two steps (hundredths, so decimals are still fine)
            refused(&f, &json!(h(min_h + k * step_h + 1)), &[])?;
        }
        // too many decimals, inside the range
        let unconstrained = Field::NumberInput(NumberSettings {
            min: Some(h(min_h)),
            max: Some(h(max_h)),
            step: None,
            decimals: Some(2),
        });
        accepted(&unconstrained, &json!(h(min_h + k * step_h)), &[])?;
        refused(&unconstrained, &json!(h(min_h) + 0.005), &[])?;
        refused(&f, &wrong, &[])?;
    }

    #[test]
    fn date_input(start in 0i64..40_000, span in 0i64..400, k in 0i64..400) {
        let base = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default();
        let (min, max) = (day(base, start), day(base, start + span));
        let f = Field::DateInput(DateSettings { min: Some(min), max: Some(max) });
        let d = day(min, k % (span + 1));
        accepted(&f, &json!(d.format("%Y-%m-%d").to_string()), &[])?;
        refused(&f, &json!(day(min, -1).format("%Y-%m-%d").to_string()), &[])?;
        refused(&f, &json!(day(max, 1).format("%Y-%m-%d").to_string()), &[])?;
        refused(&f, &json!(d.format("%Y-%-m-%-d 00").to_string()), &[])?;
        refused(&f, &json!(d.format("%d/%m/%Y").to_string()), &[])?;
        refused(&f, &json!(d.format("%Y-%m-%dT10:00").to_string()), &[])?;
        refused(&f, &json!(20240101), &[])?;
    }

    #[test]
    fn time_input(start in 0u32..1100, span in 0u32..239, k in 0u32..240, seconds in any::<bool>()) {
        let t = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or_default();
        let (lo, hi) = (start + 1, start + 1 + span);
        let f = Field::TimeInput(TimeSettings { min: Some(t(lo)), max: Some(t(hi)) });
        let fmt = if seconds { "%H:%M:%S" } else { "%H:%M" };
        let at = t(lo + k % (span + 1));
        accepted(&f, &json!(at.format(fmt).to_string()), &[])?;
        refused(&f, &json!(t(lo - 1).format(fmt).to_string()), &[])?;
        refused(&f, &json!(t(hi + 1).format(fmt).to_string()), &[])?;
        refused(&f, &json!(at.format("%-H:%M %p").to_string()), &[])?;
        refused(&f, &json!(format!("{}:00", lo / 60 + 24)), &[])?;
        refused(&f, &json!(lo), &[])?;
    }

    #[test]
    fn datetime_input(start in 0i64..1_000_000, span in 0i64..10_000, k in 0i64..10_000) {
        let base = NaiveDate::from_ymd_opt(2000, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default();
        let at = |m: i64| -> NaiveDateTime { base + Duration::minutes(m) };
        let show = |d: NaiveDateTime| d.format("%Y-%m-%dT%H:%M").to_string();
        let f = Field::DatetimeInput(DateTimeSettings {
            min: Some(at(start)),
            max: Some(at(start + span)),
        });
        let v = at(start + k % (span + 1));
        accepted(&f, &json!(show(v)), &[])?;
        accepted(&f, &json!(v.format("%Y-%m-%d %H:%M:%S").to_string()), &[])?;
        refused(&f, &json!(show(at(start - 1))), &[])?;
        refused(&f, &json!(show(at(start + span + 1))), &[])?;
        refused(&f, &json!(v.format("%Y-%m-%d").to_string()), &[])?;
        refused(&f, &json!(format!("{}Z", show(v))), &[])?;
    }

    #[test]
    fn rating(max in 1u8..=10, allow_half in any::<bool>(), k in 1u8..=10, wrong in arb_wrong_kind("number")) {
        let f = Field::Rating(RatingSettings { max, allow_half });
        let k = 1 + (k - 1) % max;
        accepted(&f, &json!(k), &[])?;
        refused(&f, &json!(0), &[])?;
        refused(&f, &json!(max + 1), &[])?;
        refused(&f, &json!(f64::from(k) + 0.25), &[])?;
        if k < max {
            let half = json!(f64::from(k) + 0.5);
            if allow_half { accepted(&f, &half, &[])?; } else { refused(&f, &half, &[])?; }
        }
        refused(&f, &wrong, &[])?;
    }

    #[test]
    fn slider(
        // in quarters, which binary floats hold exactly
        min_q in -400i64..400,
        step_q in prop::sample::select(vec![1i64, 2, 4, 8, 20, 40]),
        steps in 1i64..100,
        k in 0i64..100,
        wrong in arb_wrong_kind("number"),
    ) {
        let q = |x: i64| x as f64 / 4.0;
        let max_q = min_q + steps * step_q;
        let f = Field::Slider(SliderSettings { min: q(min_q), max: q(max_q), step: q(step_q) });
        let k = k % (steps + 1);
        accepted(&f, &json!(q(min_q + k * step_q)), &[])?;
        refused(&f, &json!(q(min_q - step_q)), &[])?;
        refused(&f, &json!(q(max_q + step_q)), &[])?;
        if k < steps {
            refused(&f, &json!(q(min_q + k * step_q) + q(step_q) / 2.0), &[])?;
        }
        refused(&f, &wrong, &[])?;
    }

    #[test]
    fn color_picker(
        rgb in "[0-9a-fA-F]{6}",
        alpha in "[0-9a-fA-F]{2}",
        allow_alpha in any::<bool>(),
        bad in prop_oneof![
            "[0-9a-f]{3}".prop_map(|h| format!("#{h}")),
            "[0-9a-f]{5}".prop_map(|h| format!("#{h}")),
            "[0-9a-f]{7}".prop_map(|h| format!("#{h}")),
            "[0-9a-f]{6}",
            "[g-z]{6}".prop_map(|h| format!("#{h}")),
            "[0-9a-f]{6}".prop_map(|h| format!("# {h}")),
            "[0-9a-f]{6}".prop_map(|h| format!("#{h} ")),
        ],
    ) {
        let f = Field::ColorPicker(ColorSettings { allow_alpha });
        accepted(&f, &json!(format!("#{rgb}")), &[])?;
        let with_alpha = json!(format!("#{rgb}{alpha}"));
        if allow_alpha { accepted(&f, &with_alpha, &[])?; } else { refused(&f, &with_alpha, &[])?; }
        refused(&f, &json!(bad), &[])?;
        refused(&f, &json!(0x1e90ff), &[])?;
    }

    #[test]
    fn file_upload(
        max_files in 1u32..5,
        max_size in 1u64..10_000,
        count in 1usize..5,
        sizes in prop::collection::vec(0u64..10_000, 5),
        kind in prop::sample::select(vec![
            ("photo.PNG", "image/png"), ("scan.jpeg", "image/jpeg"), ("doc.pdf", "application/pdf"),
            ("DOC.PDF", "application/octet-stream"),
        ]),
    ) {
        let f = Field::FileUpload(FileSettings {
            max_size_bytes: Some(max_size),
            accepted_types: vec!["image/*".into(), ".pdf".into()],
            max_files: Some(max_files),
        });
        let count = 1 + (count - 1) % max_files as usize;
        let files: Vec<Value> = (0..count)
            .map(|i| file(i as u128 + 1, kind.0, kind.1, sizes[i] % (max_size + 1)))
            .collect();
        accepted(&f, &json!(files), &[])?;
        let too_many: Vec<Value> = (0..=max_files as usize)
            .map(|i| file(i as u128 + 1, kind.0, kind.1, 1))
            .collect();
        refused(&f, &json!(too_many), &[])?;
        refused(&f, &json!([file(1, kind.0, kind.1, max_size + 1)]), &[])?;
        refused(&f, &json!([file(1, "notes.txt", "text/plain", 1)]), &[])?;
        refused(&f, &json!([file(1, "x.png", "image/png", 1), file(1, "x.png", "image/png", 1)]), &[])?;
        refused(&f, &json!([]), &[])?;
        refused(&f, &json!([{"name": kind.0, "size": 1}]), &[])?;
        refused(&f, &json!(kind.0), &[])?;
    }

    #[test]
    fn rich_text(max in 1u32..200, html in "<p>[a-z ]{0,250}</p>", wrong in arb_wrong_kind("string")) {
        let f = Field::RichText(RichTextSettings { max_length: Some(max) });
        if html.chars().count() as u32 <= max {
            accepted(&f, &json!(html), &[])?;
        } else {
            refused(&f, &json!(html), &[])?;
        }
        refused(&f, &json!("x".repeat(max as usize + 1)), &[])?;
        refused(&f, &wrong, &[])?;
    }

    /// Totality, and "a complete answer always saves": whatever `check_answer` accepts,
    /// `check_draft_answer` accepts too; neither panics on any JSON.
    #[test]
    fn checks_are_total_and_nested(field in arb_field(), value in arb_json(), values in arb_option_values(4)) {
        let opts = options(&values);
        let full = field.check_answer(&value, &opts);
        let draft = field.check_draft_answer(&value);
        if full.is_ok() {
            prop_assert_eq!(draft, Ok(()), "{} accepted in full but not as a draft by {:?}", value, field);
        }
        prop_assert_eq!(field.check_draft_answer(&Value::Null), Ok(()));
    }

    /// The same on values shaped like real answers (so the rules beyond the kind run).
    #[test]
    fn full_implies_draft_on_plausible_answers(
        field in arb_field(),
        values in arb_option_values(4),
        value in prop_oneof![
            (-20.0f64..20.0).prop_map(|x| json!(x)),
            (-20i64..20).prop_map(|x| json!(x)),
            "[a-z0-9é \n]{0,30}".prop_map(Value::String),
            prop::collection::vec("[a-z]{1,3}", 0..6).prop_map(|v| json!(v)),
            prop::collection::vec((0u64..20, prop::sample::select(vec!["a.png", "b.pdf", "c.txt"])), 0..4)
                .prop_map(|v| json!(v.into_iter().enumerate()
                    .map(|(i, (size, name))| file(i as u128, name, "image/png", size))
                    .collect::<Vec<_>>())),
        ],
    ) {
        let opts = options(&values);
        if field.check_answer(&value, &opts).is_ok() {
            prop_assert_eq!(field.check_draft_answer(&value), Ok(()));
        }
    }
}
