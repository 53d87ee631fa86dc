//! The seeded gallery templates (`seed/templates/*.json`): each imports cleanly, together
//! they show every selection type and condition kind, and playing them behaves as a runner
//! would expect (conditions reveal fields, skip steps and make fields required).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use serde_json::{Value, json};
use uuid::Uuid;
use wizard_core::domain::answer::REQUIRED_MESSAGE;
use wizard_core::domain::condition::{Answers, Condition};
use wizard_core::domain::transfer::{export, import};
use wizard_core::domain::*;

fn seed_dir() -> PathBuf {
    crate_dir().join("seed/templates")
}

/// Every seed file as `(slug, document)`, sorted by slug.
fn documents() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(seed_dir()).expect("seed/templates exists") {
        let path = entry.expect("readable directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let slug = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name")
            .to_owned();
        let text = std::fs::read_to_string(&path).expect("readable seed");
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{slug}.json is not JSON: {e}"));
        out.push((slug, doc));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn load(slug: &str) -> Wizard {
    let (_, doc) = documents()
        .into_iter()
        .find(|(s, _)| s == slug)
        .unwrap_or_else(|| panic!("no seed named {slug}"));
    import(&doc).unwrap_or_else(|e| panic!("{slug} does not import: {e:#?}"))
}

fn answers(v: Value) -> Answers {
    match v {
        Value::Object(m) => m,
        other => panic!("answers must be an object, not {other}"),
    }
}

fn titles<'a>(w: &'a Wizard, a: &Answers) -> Vec<&'a str> {
    w.visible_steps(a)
        .iter()
        .map(|s| s.title.as_str())
        .collect()
}

fn field<'a>(w: &'a Wizard, key: &str) -> &'a OptionSet {
    w.option_set(key)
        .unwrap_or_else(|| panic!("no field `{key}`"))
}

fn step<'a>(w: &'a Wizard, title: &str) -> &'a Step {
    w.steps
        .iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no step `{title}`"))
}

fn problems(errors: Vec<wizard_core::domain::problem::FieldError>) -> Vec<(String, String)> {
    errors.into_iter().map(|e| (e.field, e.message)).collect()
}

fn required(key: &str) -> (String, String) {
    (format!("answers.{key}"), REQUIRED_MESSAGE.to_owned())
}

fn file(name: &str, content_type: &str, size: u64) -> Value {
    json!({"id": Uuid::from_u128(u128::from(size) + name.len() as u128),
           "name": name, "content_type": content_type, "size": size})
}

// ---------------------------------------------------------------------------------------
// Every template
// ---------------------------------------------------------------------------------------

#[test]
fn every_seed_imports_cleanly_with_fixed_ids() {
    let docs = documents();
    assert!(
        docs.len() >= 5,
        "at least five templates, found {}",
        docs.len()
    );
    let mut ids: HashMap<Uuid, String> = HashMap::new();
    for (slug, doc) in &docs {
        assert_eq!(doc["schema_version"], json!(1), "{slug}");
        let w = import(doc).unwrap_or_else(|e| panic!("{slug} does not import: {e:#?}"));
        assert_eq!(w.check(), vec![], "{slug}");
        assert!(
            w.category.as_deref().is_some_and(|c| !c.trim().is_empty()),
            "{slug} needs a category"
        );
        assert!(w.description.len() > 40, "{slug} needs a real description");
        assert!(w.steps.len() >= 3, "{slug} is a wizard, not a form");
        // Fixed, unique ids (across templates too) keep seeds stable between start-ups.
        let mut see = |id: Uuid, what: String| {
            assert!(!id.is_nil(), "{what} has no fixed id");
            if let Some(first) = ids.insert(id, what.clone()) {
                panic!("{what} reuses the id of {first}");
            }
        };
        for (i, s) in w.steps.iter().enumerate() {
            see(s.id, format!("{slug} steps[{i}]"));
            for (j, os) in s.option_sets.iter().enumerate() {
                see(os.id, format!("{slug} steps[{i}].option_sets[{j}]"));
                for (k, o) in os.options.iter().enumerate() {
                    see(
                        o.id,
                        format!("{slug} steps[{i}].option_sets[{j}].options[{k}]"),
                    );
                }
            }
        }
        // export → import is lossless, and export is stable
        let exported = export(&w);
        let again = import(&exported).unwrap_or_else(|e| panic!("{slug} re-import: {e:#?}"));
        assert_eq!(again, w, "{slug}");
        assert_eq!(
            serde_json::to_string(&export(&again)).ok(),
            serde_json::to_string(&exported).ok(),
            "{slug}"
        );
    }
}

#[test]
fn seeds_cover_every_type_and_condition_kind() {
    let mut types = BTreeSet::new();
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut groups = BTreeSet::new();
    let mut step_show_if = 0;
    fn walk(c: &Condition, groups: &mut BTreeSet<&'static str>) {
        match c {
            Condition::All(cs) => {
                groups.insert("all");
                cs.iter().for_each(|c| walk(c, groups));
            }
            Condition::Any(cs) => {
                groups.insert("any");
                cs.iter().for_each(|c| walk(c, groups));
            }
            Condition::Not(c) => {
                groups.insert("not");
                walk(c, groups);
            }
            Condition::Leaf(_) => {}
        }
    }
    for (_, doc) in documents() {
        let w = import(&doc).expect("imports");
        for s in &w.steps {
            if let Some(c) = &s.show_if {
                step_show_if += 1;
                walk(c, &mut groups);
            }
        }
        for os in w.option_sets() {
            types.insert(os.selection_type());
            for (name, c) in os.conditions() {
                *kinds.entry(name).or_default() += 1;
                walk(c, &mut groups);
            }
        }
    }
    let twelve: BTreeSet<SelectionType> = SelectionType::ALL
        .into_iter()
        .filter(|t| !t.is_action_driven())
        .collect();
    assert_eq!(twelve.len(), 12);
    let missing: Vec<_> = twelve.difference(&types).collect();
    assert!(missing.is_empty(), "no seed uses {missing:?}");
    for kind in ["show_if", "hide_if", "disable_if", "require_if"] {
        assert!(
            kinds.get(kind).is_some_and(|n| *n > 0),
            "no seed uses {kind}"
        );
    }
    assert_eq!(groups, BTreeSet::from(["all", "any", "not"]));
    assert!(
        step_show_if >= 3,
        "steps that can be skipped: {step_show_if}"
    );
}

// ---------------------------------------------------------------------------------------
// Playing the templates
// ---------------------------------------------------------------------------------------

#[test]
fn configurator_choices_reveal_fields_and_skip_steps() {
    let w = load("laptop-configurator");
    let air = answers(json!({"model": "air13", "use_cases": ["office"], "buyer": "private"}));
    assert!(field(&w, "cpu_air").is_visible(&air));
    assert!(!field(&w, "cpu_pro").is_visible(&air));
    assert_eq!(titles(&w, &air), ["Model", "Performance", "Finish"]);
    // the player's next button skips the Pro step and the invoicing step
    let performance = step(&w, "Performance").id;
    assert_eq!(
        w.next_step(performance, &air).map(|s| s.title.as_str()),
        Some("Finish")
    );
    assert_eq!(w.next_step(step(&w, "Finish").id, &air), None);

    let pro = answers(json!({"model": "pro16", "use_cases": ["video"], "buyer": "business"}));
    assert!(!field(&w, "cpu_air").is_visible(&pro));
    assert!(field(&w, "cpu_pro").is_required(&pro));
    assert!(field(&w, "gpu_boost").is_visible(&pro));
    assert_eq!(
        titles(&w, &pro),
        ["Model", "Performance", "Pro extras", "Finish", "Invoicing"]
    );
    let pro14 = answers(json!({"model": "pro14", "use_cases": ["video"]}));
    assert!(
        !field(&w, "gpu_boost").is_visible(&pro14),
        "the dock is for the 16\" only"
    );

    // video with too little memory asks for an acknowledgement
    let mut a = pro.clone();
    a.insert("cpu_pro".into(), json!("m_max"));
    a.insert("storage".into(), json!("2048"));
    a.insert("memory_gb".into(), json!(16));
    let perf = step(&w, "Performance");
    assert_eq!(
        problems(w.check_step_answers(perf, &a)),
        [required("memory_warning_ack")]
    );
    a.insert("memory_gb".into(), json!(36));
    assert_eq!(
        problems(w.check_step_answers(perf, &a)),
        [(
            "answers.memory_gb".into(),
            "must be 8 plus a multiple of 8".into()
        )]
    );
    a.insert("memory_gb".into(), json!(32));
    assert_eq!(w.check_step_answers(perf, &a), vec![]);
    // an Air processor is not a Pro processor
    a.insert("cpu_pro".into(), json!("m_base"));
    assert_eq!(
        problems(w.check_step_answers(perf, &a)),
        [("answers.cpu_pro".into(), "choose one of the options".into())]
    );
}

#[test]
fn configurator_complete_run() {
    let w = load("laptop-configurator");
    let a = answers(json!({
        "model": "air13", "use_cases": ["office", "development"], "buyer": "private",
        "cpu_air": "m_base_plus", "memory_gb": 24, "storage": "1024",
        "finish": "custom", "custom_color": "#2E8B57", "engraving": "Ada's laptop",
        "engraving_font": "serif", "warranty": "two",
        // typed while a Pro model was chosen, then abandoned
        "cpu_pro": "m_max", "display": "nano", "company": "ACME"
    }));
    assert_eq!(w.check_all_answers(&a), vec![]);
    let submitted = w.visible_answers(&a);
    for dropped in ["cpu_pro", "display", "company"] {
        assert!(!submitted.contains_key(dropped), "{dropped} is hidden");
    }
    assert_eq!(submitted.len(), 11);
    // a custom finish without a color, and an engraving with a stray character
    let mut bad = a.clone();
    bad.remove("custom_color");
    bad.insert("engraving".into(), json!("Ada <3"));
    assert_eq!(
        problems(w.check_all_answers(&bad)),
        [
            required("custom_color"),
            (
                "answers.engraving".into(),
                "is not in the expected format".into()
            ),
        ]
    );
}

#[test]
fn bug_report_severity_drives_requirements_and_the_incident_step() {
    let w = load("bug-report");
    let minor = answers(json!({
        "title": "Export to CSV drops the last row", "severity": "minor", "component": "reports",
        "has_workaround": "no",
        "steps_to_reproduce": "<ol><li>Open a report</li><li>Export</li></ol>",
        "expected": "All rows", "actual": "One row missing", "platform": "linux",
        "browsers": ["firefox"]
    }));
    assert_eq!(w.check_all_answers(&minor), vec![]);
    assert!(!titles(&w, &minor).contains(&"Incident"));
    // the workaround box is disabled (and so not required) without a workaround
    assert!(field(&w, "workaround").is_disabled(&minor));

    let mut major = minor.clone();
    major.insert("severity".into(), json!("major"));
    major.insert("regression".into(), json!("yes"));
    major.insert("has_workaround".into(), json!("yes"));
    major.insert("component".into(), json!("Search indexer"));
    assert_eq!(
        problems(w.check_all_answers(&major)),
        [
            required("workaround"),
            required("attachments"),
            required("last_good_version")
        ]
    );
    major.insert("workaround".into(), json!("Export twice"));
    major.insert(
        "attachments".into(),
        json!([file("export.har", "application/json", 20_000)]),
    );
    major.insert("last_good_version".into(), json!("2.14"));
    assert_eq!(w.check_all_answers(&major), vec![]);
    major.insert(
        "attachments".into(),
        json!([file("report.exe", "application/x-msdownload", 10)]),
    );
    assert_eq!(
        problems(w.check_all_answers(&major))[0].0,
        "answers.attachments"
    );

    let mut critical = major.clone();
    critical.insert("severity".into(), json!("critical"));
    critical.insert(
        "attachments".into(),
        json!([file("trace.log", "text/plain", 1)]),
    );
    assert_eq!(titles(&w, &critical).last(), Some(&"Incident"));
    assert_eq!(
        problems(w.check_all_answers(&critical)),
        [
            required("customers_affected"),
            required("on_call_paged"),
            required("incident_started")
        ]
    );
    // mobile platforms hide the browser question
    let mut mobile = minor.clone();
    mobile.insert("platform".into(), json!("ios"));
    assert!(!field(&w, "browsers").is_visible(&mobile));
    assert!(!w.visible_answers(&mobile).contains_key("browsers"));
}

#[test]
fn event_registration_by_ticket_and_attendance() {
    let w = load("event-registration");
    let base = json!({
        "attendee_name": "Grace Hopper", "email": "grace@example.org", "ticket": "standard",
        "attendance": "in_person", "days": ["day1", "day3"], "needs_hotel": "yes",
        "check_in": "2026-09-13", "nights": 3, "room": "single", "arrival_time": "08:45",
        "dietary": ["vegetarian", "no mushrooms"], "t_shirt": "m"
    });
    let a = answers(base.clone());
    assert_eq!(w.check_all_answers(&a), vec![]);
    assert_eq!(
        titles(&w, &a),
        ["Attendee", "Sessions", "Hotel", "Food and merchandise"]
    );
    assert!(field(&w, "workshops").is_visible(&a));

    // online: no hotel step, hotel question disabled and not required, no food step fields
    let mut online = a.clone();
    online.insert("attendance".into(), json!("online"));
    online.remove("needs_hotel");
    assert_eq!(
        titles(&w, &online),
        ["Attendee", "Sessions", "Food and merchandise"]
    );
    assert!(field(&w, "needs_hotel").is_disabled(&online));
    assert!(!field(&w, "needs_hotel").is_required(&online));
    assert!(!field(&w, "dietary").is_visible(&online));
    assert_eq!(w.check_all_answers(&online), vec![]);
    let submitted = w.visible_answers(&online);
    assert!(!submitted.contains_key("check_in") && !submitted.contains_key("dietary"));

    // tickets reveal their own fields
    let mut student = a.clone();
    student.insert("ticket".into(), json!("student"));
    assert_eq!(
        problems(w.check_step_answers(step(&w, "Attendee"), &student)),
        [required("student_card")]
    );
    student.insert(
        "student_card".into(),
        json!([file("card.jpg", "image/jpeg", 300_000)]),
    );
    assert_eq!(w.check_all_answers(&student), vec![]);
    let mut sponsor = a.clone();
    sponsor.insert("ticket".into(), json!("sponsor"));
    assert!(field(&w, "booth_color").is_visible(&sponsor));
    sponsor.insert("booth_color".into(), json!("teal"));
    assert_eq!(
        problems(w.check_all_answers(&sponsor)),
        [(
            "answers.booth_color".into(),
            "must be a color like #1e90ff".into()
        )]
    );

    // a twin room needs a roommate; check-in outside the event window is refused
    let mut twin = a.clone();
    twin.insert("room".into(), json!("twin"));
    twin.insert("check_in".into(), json!("2026-10-01"));
    twin.insert("arrival_time".into(), json!("06:00"));
    assert_eq!(
        problems(w.check_all_answers(&twin)),
        [
            (
                "answers.arrival_time".into(),
                "must be at or after 07:30".into()
            ),
            (
                "answers.check_in".into(),
                "must be on or before 2026-09-16".into()
            ),
            required("roommate"),
        ]
    );
}

#[test]
fn onboarding_contractors_skip_equipment() {
    let w = load("onboarding-checklist");
    let a = answers(json!({
        "full_name": "Alan Turing", "work_email": "alan@example.com", "start_date": "2026-03-02",
        "employment_type": "contractor", "department": "engineering",
        "systems": ["email", "github"], "welcome_meeting": "2026-03-02T09:30",
        "laptop": "thinkpad"
    }));
    assert_eq!(
        titles(&w, &a),
        ["New hire", "Accounts and access", "First week"]
    );
    assert_eq!(
        problems(w.check_all_answers(&a)),
        [required("github_username")]
    );
    let mut a = a;
    a.insert("github_username".into(), json!("-alan"));
    assert_eq!(
        problems(w.check_all_answers(&a)),
        [(
            "answers.github_username".into(),
            "is not in the expected format".into()
        )]
    );
    a.insert("github_username".into(), json!("aturing"));
    assert_eq!(w.check_all_answers(&a), vec![]);
    assert!(
        !w.visible_answers(&a).contains_key("laptop"),
        "contractors' equipment answers are not submitted"
    );

    // part-timers must give their hours, and employees get the equipment step
    let mut part = a.clone();
    part.insert("employment_type".into(), json!("part_time"));
    assert!(titles(&w, &part).contains(&"Equipment"));
    assert_eq!(
        problems(w.check_all_answers(&part)),
        [required("weekly_hours"), required("shipping_address")]
    );
    part.insert("weekly_hours".into(), json!(20.25));
    part.insert("laptop".into(), json!("none"));
    assert_eq!(
        problems(w.check_all_answers(&part)),
        [(
            "answers.weekly_hours".into(),
            "must be 4 plus a multiple of 0.5".into()
        )]
    );
    part.insert("weekly_hours".into(), json!(20.5));
    assert!(field(&w, "shipping_address").is_disabled(&part));
    assert_eq!(w.check_all_answers(&part), vec![]);
}

#[test]
fn survey_follow_up_step_for_unhappy_customers() {
    let w = load("satisfaction-survey");
    let happy = answers(json!({"overall": 5, "recommend": 9, "agent_rating": 4.5,
                                "liked": ["speed"], "comments": "<p>Great!</p>",
                                "testimonial_ok": "yes"}));
    assert_eq!(titles(&w, &happy), ["Your experience", "Anything else?"]);
    assert_eq!(w.check_all_answers(&happy), vec![]);
    assert!(!field(&w, "testimonial_ok").is_disabled(&happy));

    let unhappy = answers(json!({"overall": 2, "recommend": 8, "liked": ["speed"]}));
    assert_eq!(
        titles(&w, &unhappy),
        ["Your experience", "What went wrong", "Anything else?"]
    );
    assert_eq!(
        problems(w.check_all_answers(&unhappy)),
        [required("problems"), required("callback")]
    );
    assert!(!w.visible_answers(&unhappy).contains_key("liked"));
    // a detractor score (6) gets the follow-up even with a good rating
    let passive = answers(json!({"overall": 4, "recommend": 6}));
    assert!(titles(&w, &passive).contains(&"What went wrong"));
    // half stars for the agent, not for the overall rating
    let halves = answers(json!({"overall": 4.5, "recommend": 10, "agent_rating": 3.5}));
    assert_eq!(
        problems(w.check_all_answers(&halves)),
        [(
            "answers.overall".into(),
            "must be a whole number of stars".into()
        )]
    );
    // no comment: the testimonial question is disabled
    let silent = answers(json!({"overall": 5, "recommend": 10}));
    assert!(field(&w, "testimonial_ok").is_disabled(&silent));
}

/// The crate's directory, read when the test runs: CI keeps one target directory for every
/// fresh clone, so a test binary built from an earlier clone (and still fresh to cargo)
/// must not look into that clone's path, which `env!` would have baked in.
fn crate_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
