//! Property tests for the condition language and the wizard wire format.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use uuid::Uuid;
use wizard_core::domain::condition::{Answers, Condition, FieldCatalog, FieldInfo, Leaf, Operator};
use wizard_core::domain::*;

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

/// A small key pool so conditions and answers actually meet.
const KEYS: [&str; 5] = ["a", "b", "c", "d", "e"];

fn key(s: &str) -> FieldKey {
    FieldKey::try_from(s).unwrap()
}

fn arb_key() -> impl Strategy<Value = FieldKey> {
    prop::sample::select(&KEYS[..]).prop_map(key)
}

fn arb_slug() -> impl Strategy<Value = FieldKey> {
    "[a-z][a-z0-9_]{0,12}".prop_map(|s| key(&s))
}

/// Floats that survive a JSON round trip exactly.
fn nice_f64() -> impl Strategy<Value = f64> {
    (-400i32..400).prop_map(|i| f64::from(i) / 4.0)
}

fn arb_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..5).prop_map(|i| json!(i)),
        nice_f64().prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "",
            "x",
            "abc",
            "hello world",
            "fr",
            "de",
            "2024-01-01",
            "2024-01-02",
            "2023-12-31",
            "09:00",
            "09:00:00",
            "17:30",
            "2024-01-01T09:00",
            "2024-01-01T09:00:30",
            "#ff0000",
        ])
        .prop_map(|s| json!(s)),
        "[a-z ]{0,6}".prop_map(Value::String),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    arb_scalar().prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-c]", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_op() -> impl Strategy<Value = Operator> {
    prop::sample::select(&Operator::ALL[..])
}

fn arb_leaf() -> impl Strategy<Value = Condition> {
    (arb_key(), arb_op(), prop::option::of(arb_json()))
        .prop_map(|(field, op, value)| Condition::Leaf(Leaf { field, op, value }))
}

fn arb_condition() -> impl Strategy<Value = Condition> {
    arb_leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Condition::All),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Condition::Any),
            inner.prop_map(|c| Condition::Not(Box::new(c))),
        ]
    })
}

fn arb_answers() -> impl Strategy<Value = Answers> {
    prop::collection::btree_map(prop::sample::select(&KEYS[..]), arb_json(), 0..5).prop_map(|m| {
        m.into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Map<_, _>>()
    })
}

// ---------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn not_negates(c in arb_condition(), a in arb_answers()) {
        prop_assert_eq!((!c.clone()).evaluate(&a), !c.evaluate(&a));
    }

    #[test]
    fn singleton_groups_are_identity(c in arb_condition(), a in arb_answers()) {
        let v = c.evaluate(&a);
        prop_assert_eq!(Condition::all(vec![c.clone()]).evaluate(&a), v);
        prop_assert_eq!(Condition::any(vec![c]).evaluate(&a), v);
    }

    #[test]
    fn de_morgan(x in arb_condition(), y in arb_condition(), a in arb_answers()) {
        let not_all = !Condition::all(vec![x.clone(), y.clone()]);
        let any_not = Condition::any(vec![!x.clone(), !y.clone()]);
        prop_assert_eq!(not_all.evaluate(&a), any_not.evaluate(&a));
        let not_any = !Condition::any(vec![x.clone(), y.clone()]);
        let all_not = Condition::all(vec![!x, !y]);
        prop_assert_eq!(not_any.evaluate(&a), all_not.evaluate(&a));
    }

    #[test]
    fn eq_and_ne_are_complements(
        k in arb_key(), v in prop::option::of(arb_json()), a in arb_answers()
    ) {
        let eq = Condition::leaf(k.clone(), Operator::Eq, v.clone());
        let ne = Condition::leaf(k, Operator::Ne, v);
        prop_assert_eq!(eq.evaluate(&a), !ne.evaluate(&a));
    }

    #[test]
    fn empty_and_not_empty_are_complements(k in arb_key(), a in arb_answers()) {
        let e = Condition::leaf(k.clone(), Operator::Empty, None);
        let ne = Condition::leaf(k, Operator::NotEmpty, None);
        prop_assert_eq!(e.evaluate(&a), !ne.evaluate(&a));
    }

    #[test]
    fn in_is_any_eq(k in arb_key(), xs in prop::collection::vec(arb_json(), 0..5),
                    a in arb_answers()) {
        let is_in = Condition::leaf(k.clone(), Operator::In, Some(Value::Array(xs.clone())));
        let not_in = Condition::leaf(k.clone(), Operator::NotIn, Some(Value::Array(xs.clone())));
        let any_eq = Condition::any(
            xs.into_iter().map(|x| Condition::leaf(k.clone(), Operator::Eq, Some(x))).collect(),
        );
        prop_assert_eq!(is_in.evaluate(&a), any_eq.evaluate(&a));
        prop_assert_eq!(not_in.evaluate(&a), !is_in.evaluate(&a));
    }

    #[test]
    fn number_ordering_is_total(x in nice_f64(), y in nice_f64(), int in any::<bool>()) {
        let (x, y) = if int { (json!(x.trunc() as i64), json!(y.trunc() as i64)) }
                     else { (json!(x), json!(y)) };
        let a: Answers = [("a".to_owned(), x)].into_iter().collect();
        let test = |op| Condition::leaf(key("a"), op, Some(y.clone())).evaluate(&a);
        let (gt, gte, lt, lte, eq) = (test(Operator::Gt), test(Operator::Gte),
            test(Operator::Lt), test(Operator::Lte), test(Operator::Eq));
        prop_assert_eq!(gte, gt || eq);
        prop_assert_eq!(lte, lt || eq);
        prop_assert_eq!(lt, !gte);
        prop_assert_eq!(gt, !lte);
    }

    #[test]
    fn serde_round_trip_preserves_tree_and_meaning(c in arb_condition(), a in arb_answers()) {
        let text = serde_json::to_string(&c).unwrap();
        let back: Condition = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.evaluate(&a), c.evaluate(&a));
        let via_value: Condition =
            serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        prop_assert_eq!(via_value, c);
    }

    #[test]
    fn arbitrary_json_never_panics_the_parser(v in arb_json()) {
        let _ = serde_json::from_value::<Condition>(v);
    }

    #[test]
    fn check_never_panics(c in arb_condition(), catalog in arb_catalog()) {
        let _ = c.check(&catalog.0, "c");
    }

    #[test]
    fn generated_valid_conditions_pass_check(
        catalog in arb_catalog(),
        tree in arb_seed_tree(),
        a in arb_answers(),
    ) {
        let c = build(&catalog, &tree);
        let errors = c.check(&catalog.0, "c");
        prop_assert!(errors.is_empty(), "{:?}\n{}", errors, serde_json::to_string(&c).unwrap());
        // and it evaluates without panicking on arbitrary answers
        let _ = c.evaluate(&a);
    }
}

// ---------------------------------------------------------------------------------------
// Valid conditions over a generated catalog
// ---------------------------------------------------------------------------------------

/// A catalog plus, per key, the selection type and static options used to build values.
#[derive(Debug, Clone)]
struct Catalog(
    FieldCatalog,
    Vec<(FieldKey, SelectionType, Option<Vec<String>>)>,
);

fn arb_catalog() -> impl Strategy<Value = Catalog> {
    prop::collection::vec(
        (
            prop::sample::select(&SelectionType::ALL[..]),
            prop::option::of(prop::collection::vec("[a-z]{1,4}", 1..4)),
        ),
        0..6,
    )
    .prop_map(|fields| {
        let mut entries = Vec::new();
        for (i, (t, options)) in fields.into_iter().enumerate() {
            let options = if t.takes_options() { options } else { None };
            entries.push((key(&format!("f{i}")), t, options));
        }
        let catalog = entries
            .iter()
            .map(|(k, t, o)| {
                let info = FieldInfo::new(*t);
                let info = match o {
                    Some(o) => info.with_options(o.clone()),
                    None => info,
                };
                (k.clone(), info)
            })
            .collect();
        Catalog(catalog, entries)
    })
}

/// The shape of a tree, with numbers that [`build`] turns into a well-typed leaf.
#[derive(Debug, Clone)]
enum Seed {
    Leaf(usize, usize, u32, Vec<u32>),
    All(Vec<Seed>),
    Any(Vec<Seed>),
    Not(Box<Seed>),
}

fn arb_seed_tree() -> impl Strategy<Value = Seed> {
    (
        any::<usize>(),
        any::<usize>(),
        any::<u32>(),
        prop::collection::vec(any::<u32>(), 0..4),
    )
        .prop_map(|(k, o, v, vs)| Seed::Leaf(k, o, v, vs))
        .prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Seed::All),
                prop::collection::vec(inner.clone(), 0..4).prop_map(Seed::Any),
                inner.prop_map(|s| Seed::Not(Box::new(s))),
            ]
        })
}

fn build(catalog: &Catalog, seed: &Seed) -> Condition {
    match seed {
        Seed::All(xs) => Condition::all(xs.iter().map(|s| build(catalog, s)).collect()),
        Seed::Any(xs) => Condition::any(xs.iter().map(|s| build(catalog, s)).collect()),
        Seed::Not(s) => !build(catalog, s),
        Seed::Leaf(k, o, v, vs) => {
            let usable: Vec<_> = catalog
                .1
                .iter()
                .filter(|(_, t, _)| t.value_kind() != ValueKind::None)
                .collect();
            if usable.is_empty() {
                return Condition::all(vec![]);
            }
            let (key, t, options) = usable[k % usable.len()];
            let kind = t.value_kind();
            let ops = Operator::for_kind(kind);
            let op = ops[o % ops.len()];
            let one = |n: u32| scalar(kind, options.as_deref(), n);
            let value = match op {
                Operator::Empty | Operator::NotEmpty => None,
                Operator::In | Operator::NotIn => {
                    Some(Value::Array(vs.iter().map(|n| one(*n)).collect()))
                }
                Operator::Matches => {
                    let patterns = ["^a", "b$", "[0-9]+", "(?i)hello", "^#ff"];
                    Some(json!(patterns[*v as usize % patterns.len()]))
                }
                Operator::Contains => Some(scalar(ValueKind::Text, options.as_deref(), *v)),
                Operator::Eq | Operator::Ne if kind == ValueKind::List => Some(Value::Array(
                    vs.iter()
                        .map(|n| scalar(ValueKind::Text, options.as_deref(), *n))
                        .collect(),
                )),
                _ => Some(one(*v)),
            };
            Condition::leaf(key.clone(), op, value)
        }
    }
}

/// A value of `kind` (one of `options` when there are some).
fn scalar(kind: ValueKind, options: Option<&[String]>, n: u32) -> Value {
    match kind {
        ValueKind::Text | ValueKind::List => match options {
            Some(o) if !o.is_empty() => json!(o[n as usize % o.len()]),
            _ => json!(format!("text{n}")),
        },
        ValueKind::Number => {
            if n.is_multiple_of(2) {
                json!(n % 1000)
            } else {
                json!(f64::from(n % 1000) / 8.0)
            }
        }
        ValueKind::Date => json!(format!("2024-{:02}-{:02}", n % 12 + 1, n % 28 + 1)),
        ValueKind::Time => json!(format!("{:02}:{:02}", n % 24, n % 60)),
        ValueKind::DateTime => json!(format!(
            "2024-01-{:02}T{:02}:{:02}:00",
            n % 28 + 1,
            n % 24,
            n % 60
        )),
        ValueKind::Color => json!(format!("#{:06x}", n % 0x100_0000)),
        ValueKind::File | ValueKind::None => Value::Null,
    }
}

// ---------------------------------------------------------------------------------------
// Wizard wire format
// ---------------------------------------------------------------------------------------

fn arb_uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

fn arb_text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

fn arb_date() -> impl Strategy<Value = chrono::NaiveDate> {
    (0i64..20_000).prop_map(|d| {
        chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(d)
    })
}

fn arb_time() -> impl Strategy<Value = chrono::NaiveTime> {
    (0u32..86_400, prop_oneof![Just(0u32), 0u32..1_000_000_000]).prop_map(|(s, nanos)| {
        chrono::NaiveTime::from_num_seconds_from_midnight_opt(s, nanos).unwrap()
    })
}

fn arb_field() -> impl Strategy<Value = Field> {
    prop_oneof![
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(allow_other, dd, dynamic_options)| {
                Field::SingleSelect(SingleSelectSettings {
                    allow_other,
                    display: if dd {
                        SelectDisplay::Dropdown
                    } else {
                        SelectDisplay::Radio
                    },
                    dynamic_options,
                })
            }
        ),
        (opt(0u32..10), opt(0u32..10), any::<bool>(), any::<bool>()).prop_map(
            |(min_selected, max_selected, allow_other, dynamic_options)| {
                Field::MultipleSelect(SelectSettings {
                    min_selected,
                    max_selected,
                    allow_other,
                    dynamic_options,
                })
            }
        ),
        (
            opt(0u32..500),
            opt(0u32..500),
            opt(arb_text()),
            opt(arb_text()),
            any::<bool>()
        )
            .prop_map(
                |(min_length, max_length, pattern, placeholder, multiline)| {
                    Field::TextInput(TextSettings {
                        min_length,
                        max_length,
                        pattern,
                        placeholder,
                        multiline,
                    })
                }
            ),
        (
            opt(nice_f64()),
            opt(nice_f64()),
            opt(nice_f64()),
            opt(0u8..12)
        )
            .prop_map(
                |(min, max, step, decimals)| Field::NumberInput(NumberSettings {
                    min,
                    max,
                    step,
                    decimals
                })
            ),
        (opt(arb_date()), opt(arb_date()))
            .prop_map(|(min, max)| Field::DateInput(DateSettings { min, max })),
        (opt(arb_time()), opt(arb_time()))
            .prop_map(|(min, max)| Field::TimeInput(TimeSettings { min, max })),
        (opt((arb_date(), arb_time())), opt((arb_date(), arb_time()))).prop_map(|(min, max)| {
            Field::DatetimeInput(DateTimeSettings {
                min: min.map(|(d, t)| d.and_time(t)),
                max: max.map(|(d, t)| d.and_time(t)),
            })
        }),
        (any::<u8>(), any::<bool>())
            .prop_map(|(max, allow_half)| Field::Rating(RatingSettings { max, allow_half })),
        (nice_f64(), nice_f64(), nice_f64())
            .prop_map(|(min, max, step)| Field::Slider(SliderSettings { min, max, step })),
        any::<bool>().prop_map(|allow_alpha| Field::ColorPicker(ColorSettings { allow_alpha })),
        (
            opt(any::<u64>()),
            prop::collection::vec(arb_text(), 0..3),
            opt(any::<u32>())
        )
            .prop_map(|(max_size_bytes, accepted_types, max_files)| {
                Field::FileUpload(FileSettings {
                    max_size_bytes,
                    accepted_types,
                    max_files,
                })
            }),
        opt(any::<u32>()).prop_map(|max_length| Field::RichText(RichTextSettings { max_length })),
        (
            prop::collection::vec((arb_text(), arb_text()), 0..3),
            prop::sample::select(vec![
                RowSelection::None,
                RowSelection::Single,
                RowSelection::Multiple,
            ]),
            opt(arb_text()),
        )
            .prop_map(|(cols, selection, value_path)| {
                Field::DynamicTable(DynamicTableSettings {
                    columns: cols
                        .into_iter()
                        .map(|(key, label)| TableColumn { key, label })
                        .collect(),
                    selection,
                    value_path,
                })
            }),
        Just(Field::ApplyButton(ApplyButtonSettings {})),
        Just(Field::Output(OutputSettings {})),
    ]
}

fn arb_option() -> impl Strategy<Value = WizardOption> {
    (arb_uuid(), arb_text(), arb_text(), arb_text()).prop_map(|(id, label, value, description)| {
        WizardOption {
            id,
            label,
            value,
            description,
        }
    })
}

fn arb_option_set() -> impl Strategy<Value = OptionSet> {
    (
        (
            arb_uuid(),
            arb_slug(),
            arb_text(),
            arb_text(),
            any::<bool>(),
            arb_field(),
        ),
        (
            opt(arb_condition()),
            opt(arb_condition()),
            opt(arb_condition()),
            opt(arb_condition()),
        ),
        prop::collection::vec(arb_option(), 0..3),
    )
        .prop_map(
            |(
                (id, key, label, help_text, required, field),
                (show_if, hide_if, disable_if, require_if),
                options,
            )| {
                OptionSet {
                    id,
                    key,
                    label,
                    help_text,
                    required,
                    field,
                    show_if,
                    hide_if,
                    disable_if,
                    require_if,
                    options,
                }
            },
        )
}

fn arb_wizard() -> impl Strategy<Value = Wizard> {
    (
        arb_uuid(),
        arb_text(),
        arb_text(),
        opt(arb_text()),
        prop::collection::vec(
            (
                arb_uuid(),
                arb_text(),
                arb_text(),
                opt(arb_condition()),
                prop::collection::vec(arb_option_set(), 0..4),
            )
                .prop_map(|(id, title, description, show_if, option_sets)| Step {
                    id,
                    title,
                    description,
                    show_if,
                    option_sets,
                }),
            0..3,
        ),
    )
        .prop_map(|(id, name, description, category, steps)| Wizard {
            id,
            name,
            description,
            category,
            steps,
            events: Vec::new(),
            api_configs: Vec::new(),
            mcp_configs: Vec::new(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn wizard_json_round_trips(w in arb_wizard()) {
        let text = serde_json::to_string(&w).unwrap();
        let back: Wizard = serde_json::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &w);
        let via_value: Wizard = serde_json::from_value(serde_json::to_value(&w).unwrap()).unwrap();
        prop_assert_eq!(via_value, w);
    }

    #[test]
    fn wizard_check_and_visibility_never_panic(w in arb_wizard(), a in arb_answers()) {
        let _ = w.check();
        let _ = w.visible_steps(&a);
        for os in w.option_sets() {
            let _ = (os.is_visible(&a), os.is_required(&a), os.is_disabled(&a));
            prop_assert!(!os.is_required(&a) || os.is_visible(&a));
        }
    }
}
