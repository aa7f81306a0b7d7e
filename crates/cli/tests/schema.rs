//! Real `vouch audit --format json` output validates against schemas/report.v1.json.

mod support;

use support::{root_dockerfile_repo, vouch, write};

#[test]
fn report_matches_json_schema() {
    let schema_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/report.v1.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");

    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    // Exercise optional parts: a suppression, an expired one, an input error.
    write(
        dir.path(),
        "vouch.toml",
        "[[suppress]]\nid = \"DKR001\"\nreason = \"accepted\"\nowner = \"team\"\n[[suppress]]\nid = \"CMP\"\nreason = \"old\"\nexpires = 2001-01-01\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
    assert!(
        std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir.path())
            .status()
            .unwrap()
            .success()
    );

    let out = vouch(&["audit", ".", "--format", "json"], dir.path());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
    assert!(
        !report["expired_suppressions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(!report["input_errors"].as_array().unwrap().is_empty());

    // And a wrong document is rejected, so the test can fail.
    let mut broken = report.clone();
    broken["results"][0]["outcome"] = serde_json::json!("maybe");
    assert!(!validator.is_valid(&broken));
}
