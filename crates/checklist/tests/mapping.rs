//! Quality of the item→control mapper over a labelled set of checklist phrasings
//! (`mapping_set.tsv`): precision and recall over (item, label) pairs, where an item's labels
//! are its expected control IDs or `manual`. A manual item mapped to nothing is a correct
//! `manual` label; a manual item mapped to controls counts every control as a false positive
//! and the `manual` label as missed. Both figures must be at least 0.9.

use std::collections::BTreeSet;
use vouch_checklist::mapping::Mapper;

const MIN_PRECISION: f64 = 0.9;
const MIN_RECALL: f64 = 0.9;

struct Case {
    line: usize,
    expected: BTreeSet<String>,
    section: Vec<String>,
    text: String,
}

fn load_set() -> Vec<Case> {
    let source = include_str!("mapping_set.tsv");
    let mut cases = Vec::new();
    for (i, line) in source.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            fields.len(),
            3,
            "line {}: want 3 tab-separated fields",
            i + 1
        );
        let expected = fields[0].split(',').map(|s| s.trim().to_string()).collect();
        let section = fields[1]
            .split(" > ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        cases.push(Case {
            line: i + 1,
            expected,
            section,
            text: fields[2].to_string(),
        });
    }
    cases
}

#[derive(Default)]
struct Tally {
    true_pos: usize,
    false_pos: usize,
    false_neg: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        self.true_pos as f64 / (self.true_pos + self.false_pos).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.true_pos as f64 / (self.true_pos + self.false_neg).max(1) as f64
    }
}

#[test]
fn precision_and_recall_over_the_labelled_set() {
    let mapper = Mapper::standard();
    let cases = load_set();
    assert!(cases.len() >= 200, "the set needs at least 200 items");
    let manual_cases = cases
        .iter()
        .filter(|c| c.expected.contains("manual"))
        .count();
    assert!(manual_cases >= 30, "the set needs at least 30 manual items");

    let mut all = Tally::default();
    let mut controls_only = Tally::default();
    let mut misses = Vec::new();
    for case in &cases {
        let mapping = mapper.map(&case.text, &case.section);
        let mut got: BTreeSet<String> = mapping.controls.iter().map(|c| c.id.to_string()).collect();
        if got.is_empty() {
            got.insert("manual".to_string());
        }
        for label in got.union(&case.expected) {
            let is_control = label != "manual";
            let (in_got, in_expected) = (got.contains(label), case.expected.contains(label));
            for tally in [Some(&mut all), is_control.then_some(&mut controls_only)]
                .into_iter()
                .flatten()
            {
                match (in_got, in_expected) {
                    (true, true) => tally.true_pos += 1,
                    (true, false) => tally.false_pos += 1,
                    (false, true) => tally.false_neg += 1,
                    (false, false) => {}
                }
            }
        }
        if got != case.expected {
            let detail: Vec<String> = mapping
                .controls
                .iter()
                .map(|c| format!("{} {:.2} {:?}", c.id, c.confidence, c.matched))
                .collect();
            misses.push(format!(
                "line {}: {:?}\n    expected {:?}, got {:?} {}",
                case.line,
                case.text,
                case.expected,
                got,
                detail.join("; ")
            ));
        }
    }

    println!(
        "mapping misses ({} of {} items):",
        misses.len(),
        cases.len()
    );
    for m in &misses {
        println!("  {m}");
    }
    println!(
        "all labels:    precision {:.3}  recall {:.3}  (tp {} fp {} fn {})",
        all.precision(),
        all.recall(),
        all.true_pos,
        all.false_pos,
        all.false_neg
    );
    println!(
        "controls only: precision {:.3}  recall {:.3}  (tp {} fp {} fn {})",
        controls_only.precision(),
        controls_only.recall(),
        controls_only.true_pos,
        controls_only.false_pos,
        controls_only.false_neg
    );
    for (name, tally) in [("all labels", &all), ("controls only", &controls_only)] {
        assert!(
            tally.precision() >= MIN_PRECISION,
            "{name}: precision {:.3} below {MIN_PRECISION}",
            tally.precision()
        );
        assert!(
            tally.recall() >= MIN_RECALL,
            "{name}: recall {:.3} below {MIN_RECALL}",
            tally.recall()
        );
    }
}

#[test]
fn every_expected_id_is_a_registered_control() {
    let known: BTreeSet<&str> = vouch_checklist::mapping::catalogue()
        .into_iter()
        .map(|m| m.id)
        .collect();
    for case in load_set() {
        for id in &case.expected {
            assert!(
                id == "manual" || known.contains(id.as_str()),
                "line {}: unknown control {id}",
                case.line
            );
        }
    }
}

#[test]
fn negative_phrasing_maps_like_positive_phrasing() {
    let mapper = Mapper::standard();
    let negative = mapper.map("Remove hardcoded credentials from docker-compose.yml", &[]);
    let positive = mapper.map(
        "Compose services get credentials from ${VAR} references instead of literal values",
        &[],
    );
    assert!(negative.negative);
    assert!(!positive.negative);
    let ids = |m: &vouch_checklist::mapping::Mapping| -> Vec<&str> {
        m.controls.iter().map(|c| c.id).collect()
    };
    assert_eq!(ids(&negative), ["CMP006"]);
    assert_eq!(ids(&negative), ids(&positive));
    assert_eq!(negative.scope, ["docker-compose.yml"]);
}

#[test]
fn scope_narrows_to_the_named_component() {
    let mapper = Mapper::standard();
    let m = mapper.map("Fix SQL injection in the payments adapter", &[]);
    assert!(m.negative);
    assert_eq!(m.scope, ["payments"]);
    assert_eq!(
        m.controls.iter().map(|c| c.id).collect::<Vec<_>>(),
        ["CODE001"]
    );
}

#[test]
fn compound_items_need_every_named_control() {
    let mapper = Mapper::standard();
    let m = mapper.map(
        "Add API rate limiting, request size limits, and strict CORS",
        &[],
    );
    let ids: Vec<&str> = m.controls.iter().map(|c| c.id).collect();
    // The rate-limit and CORS probes check the same claims on the running service.
    assert_eq!(
        ids,
        [
            "CODE002", "CODE020", "CODE021", "HTTP017", "HTTP019", "HTTP027"
        ]
    );
    let weakest = m.controls.iter().map(|c| c.confidence).fold(1.0, f32::min);
    assert_eq!(m.confidence, weakest);
    assert!(m.controls.iter().all(|c| !c.matched.is_empty()));
}

#[test]
fn process_items_and_measurements_are_manual_with_a_reason() {
    let mapper = Mapper::standard();
    let meeting = mapper.map("Schedule the launch review meeting", &[]);
    assert!(meeting.controls.is_empty());
    assert_eq!(meeting.confidence, 0.0);
    assert!(
        meeting
            .manual_reason
            .as_deref()
            .unwrap()
            .contains("process")
    );

    let uptime = mapper.map("99.9% uptime over the last 30 days", &[]);
    assert!(uptime.controls.is_empty());
    assert!(
        uptime
            .manual_reason
            .as_deref()
            .unwrap()
            .contains("99.9% uptime")
    );

    let empty = mapper.map("", &[]);
    assert!(empty.controls.is_empty());
    assert!(empty.manual_reason.is_some());
}

#[test]
fn measured_targets_map_to_the_load_gate_for_their_metric() {
    let mapper = Mapper::standard();
    let m = mapper.map("p95 latency < 80ms at 800 req/s", &[]);
    let ids: Vec<&str> = m.controls.iter().map(|c| c.id).collect();
    assert_eq!(ids, ["LOAD001", "LOAD003"]);
    assert_eq!(m.controls[0].matched, ["p95 latency < 80ms"]);
    assert_eq!(m.controls[1].matched, ["at 800 req/s"]);
    assert!(m.manual_reason.is_none());
    // A target that configures something is not a measurement.
    let alert = mapper.map("Alert when the error rate > 2% for 10 minutes", &[]);
    assert!(alert.controls.iter().all(|c| !c.id.starts_with("LOAD")));
}

#[test]
fn mapping_is_deterministic() {
    let mapper = Mapper::standard();
    for case in load_set().iter().take(60) {
        assert_eq!(
            mapper.map(&case.text, &case.section),
            Mapper::standard().map(&case.text, &case.section)
        );
    }
}
