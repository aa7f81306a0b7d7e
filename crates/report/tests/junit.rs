//! JUnit from the sample report: well-formed XML, one suite per area, one case per control.

mod sample;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use std::collections::HashMap;

#[derive(Debug, Default)]
struct Case {
    suite: String,
    name: String,
    outcome: String,
    message: String,
    body: String,
}

/// Parses the document fully (any XML error fails the test) into its test cases.
fn cases(xml: &str) -> (Vec<Case>, HashMap<String, HashMap<String, String>>) {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<Case> = Vec::new();
    let mut suites = HashMap::new();
    let mut suite = String::new();
    let attrs = |e: &quick_xml::events::BytesStart| -> HashMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(XmlVersion::Implicit1_0)
                        .expect("escaped value")
                        .into_owned(),
                )
            })
            .collect()
    };
    let mut in_outcome = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testsuite" => {
                let a = attrs(&e);
                suite = a["name"].clone();
                suites.insert(suite.clone(), a);
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testcase" => {
                out.push(Case {
                    suite: suite.clone(),
                    name: attrs(&e)["name"].clone(),
                    outcome: "pass".into(),
                    ..Default::default()
                });
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), "failure" | "skipped" | "error") =>
            {
                let case = out.last_mut().expect("outcome inside a test case");
                case.outcome = e.name().as_ref().to_string();
                case.message = attrs(&e).get("message").cloned().unwrap_or_default();
                in_outcome = true;
            }
            Event::Text(t) if in_outcome => {
                let case = out.last_mut().unwrap();
                case.body.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_outcome => {
                let case = out.last_mut().unwrap();
                let name = r.as_ref().to_string();
                case.body.push_str(match name.as_str() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" | "#39" => "'",
                    other => panic!("unexpected entity {other}"),
                });
            }
            Event::End(e) if matches!(e.name().as_ref(), "failure" | "skipped" | "error") => {
                in_outcome = false;
            }
            _ => {}
        }
    }
    (out, suites)
}

#[test]
fn one_case_per_control_grouped_by_area() {
    let report = sample::sample_report();
    let xml = vouch_report::render_junit(&report);
    let (cases, suites) = cases(&xml);
    assert_eq!(cases.len(), report.results.len());
    let by_id = |id: &str| cases.iter().find(|c| c.name.starts_with(id)).unwrap();

    let dkr = by_id("DKR001");
    assert_eq!(
        (dkr.suite.as_str(), dkr.outcome.as_str()),
        ("security", "failure")
    );
    assert!(
        dkr.body.contains("Dockerfile:1:1: final stage has no USER"),
        "{}",
        dkr.body
    );
    assert!(
        dkr.body.contains("fix: Create an unprivileged user"),
        "{}",
        dkr.body
    );

    // The suppressed compose finding is not part of the failure.
    let cmp = by_id("CMP002");
    assert_eq!(cmp.suite, "resilience");
    assert!(cmp.message.starts_with("1 finding(s)"), "{}", cmp.message);
    assert!(!cmp.body.contains("worker"), "{}", cmp.body);

    // Markup in evidence survives as text.
    let sec = by_id("SEC001");
    assert!(
        sec.body
            .contains("<script>alert('token=sk_live_****')</script>"),
        "{}",
        sec.body
    );
    assert!(
        sec.body.contains("also at static/app.js:2:9"),
        "{}",
        sec.body
    );

    assert_eq!(by_id("TST001").outcome, "skipped");
    assert!(by_id("TST001").message.starts_with("unknown:"));
    assert_eq!(by_id("OBS001").outcome, "skipped");
    assert!(by_id("OBS001").message.starts_with("not applicable:"));
    assert_eq!(by_id("DATA001").outcome, "error");
    assert_eq!(by_id("CI001").outcome, "pass");

    let security = &suites["security"];
    assert_eq!(security["tests"], "3");
    assert_eq!(security["failures"], "2");
    assert_eq!(suites["testing"]["skipped"], "1");
    assert!(
        !suites.contains_key("scalability"),
        "empty areas have no suite"
    );
}
