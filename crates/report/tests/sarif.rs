//! SARIF from the sample report: valid against the official 2.1.0 schema, and carrying what
//! code scanning needs (rules from metadata, fingerprints, suppressions, locations).

mod sample;

use sample::{catalog, sample_report};
use serde_json::Value;

fn sarif() -> Value {
    let text = vouch_report::render_sarif(&sample_report(), &catalog(), "docs/controls");
    serde_json::from_str(&text).expect("SARIF is JSON")
}

pub fn sarif_validator() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema file")).unwrap();
    jsonschema::validator_for(&schema).expect("SARIF schema compiles")
}

#[test]
fn sample_validates_against_the_sarif_schema() {
    let validator = sarif_validator();
    let log = sarif();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    // The validator does reject a broken log, so the assertion above means something.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("catastrophic");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn rules_come_from_control_metadata() {
    let log = sarif();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "CI001", "CMP002", "DATA001", "DKR001", "OBS001", "SEC001", "TST001"
        ]
    );
    let dkr = &rules[3];
    assert_eq!(dkr["name"], "NonRootUser");
    assert_eq!(
        dkr["shortDescription"]["text"],
        "Containers run as a non-root user"
    );
    assert_eq!(
        dkr["fullDescription"]["text"],
        "The final stage of every Dockerfile switches to a user other than root."
    );
    let help = dkr["help"]["markdown"].as_str().unwrap();
    assert!(help.contains("## Why it matters in production"), "{help}");
    assert!(
        help.contains("## Remediation\n\nCreate an unprivileged user"),
        "{help}"
    );
    assert_eq!(dkr["properties"]["security-severity"], "8.0");
    assert_eq!(dkr["defaultConfiguration"]["level"], "error");
    let tags: Vec<&str> = dkr["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        tags.contains(&"security") && tags.contains(&"dkr"),
        "{tags:?}"
    );
    // A relative docs URL is not a valid helpUri; it is left out.
    assert!(dkr.get("helpUri").is_none());
    // Without docs in the catalog the rule still has its title and remediation.
    assert_eq!(rules[6]["fullDescription"]["text"], "Tests run in CI");
    assert_eq!(rules[6]["properties"]["tags"][0], "testing");
}

#[test]
fn results_have_locations_fingerprints_and_suppressions() {
    let log = sarif();
    let report = sample_report();
    let results = log["runs"][0]["results"].as_array().unwrap();
    // Four findings: DKR001, two CMP002 (one suppressed), SEC001.
    assert_eq!(results.len(), 4);
    let dkr = results.iter().find(|r| r["ruleId"] == "DKR001").unwrap();
    let expected_fp = &report.results[3].findings[0].fingerprint;
    assert_eq!(dkr["partialFingerprints"]["vouch/v1"], *expected_fp);
    let region = &dkr["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["snippet"]["text"], "FROM python:3.12-slim");
    assert_eq!(
        dkr["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Dockerfile"
    );
    // ruleIndex points at the rule with that ID.
    let index = dkr["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][index]["id"],
        "DKR001"
    );

    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "local development stack, never deployed"
    );

    let secret = results.iter().find(|r| r["ruleId"] == "SEC001").unwrap();
    assert_eq!(
        secret["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "static/app.js"
    );
}

#[test]
fn undecided_controls_and_input_errors_are_notifications_not_results() {
    let log = sarif();
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let texts: Vec<&str> = notes
        .iter()
        .map(|n| n["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("TST001 could not be decided"))
    );
    assert!(texts.iter().any(|t| t.starts_with("DATA001 errored")));
    assert!(texts.iter().any(|t| t.starts_with("big.bin was not read")));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("DKR004") && t.contains("expired"))
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["ruleId"] != "TST001"));
}
