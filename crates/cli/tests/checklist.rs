//! End-to-end: `vouch checklist verify`, `--write`/`--diff`/`--annotate`, `checklist init`,
//! `keygen` and `signoff` on a small service (fixtures/checklist-service) whose launch
//! checklist ticks claims the repository does not meet, and some it does.

mod support;

use std::path::Path;
use support::{json, vouch};

const CHECKLIST: &str = "launch.md";

/// A git repository holding a copy of the fixture service.
fn service_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checklist-service");
    copy_dir(&fixture, dir.path());
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "pantry"]);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn item<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in items: {report:#}"))
}

fn verdict(report: &serde_json::Value, id: &str) -> String {
    item(report, id)["verdict"].as_str().unwrap().to_string()
}

/// (control, "path:line") of every evidence entry of an item.
fn evidence(report: &serde_json::Value, id: &str) -> Vec<(String, String)> {
    item(report, id)["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let place = match e["line"].as_u64() {
                Some(line) => format!("{}:{line}", e["path"].as_str().unwrap()),
                None => e["path"].as_str().unwrap().to_string(),
            };
            (e["control"].as_str().unwrap().to_string(), place)
        })
        .collect()
}

fn verify_json(repo: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["checklist", "verify", CHECKLIST, "--format", "json"];
    args.extend_from_slice(extra);
    let out = vouch(&args, repo);
    (out.status.code(), json(&out))
}

#[test]
fn verify_finds_each_false_claim_with_its_evidence() {
    let repo = service_repo();
    let (code, report) = verify_json(repo.path(), &[]);
    assert_eq!(code, Some(1), "a ticked claim fails");

    assert_eq!(verdict(&report, "PA-001"), "claimed_but_failing");
    assert!(
        evidence(&report, "PA-001").contains(&("DKR001".into(), "Dockerfile:1".into())),
        "{:?}",
        evidence(&report, "PA-001")
    );
    assert_eq!(verdict(&report, "PA-002"), "claimed_but_failing");
    assert!(
        evidence(&report, "PA-002").contains(&("CMP006".into(), "docker-compose.yml:21".into())),
        "{:?}",
        evidence(&report, "PA-002")
    );
    assert_eq!(verdict(&report, "PA-003"), "claimed_but_failing");
    assert_eq!(
        evidence(&report, "PA-003"),
        [("CODE007".to_string(), "app/main.py:35".to_string())]
    );
    assert_eq!(item(&report, "PA-003")["mapping"], "explicit");

    // Not claimed, not met; claimed and met; met but not ticked.
    assert_eq!(verdict(&report, "PA-004"), "not_done");
    assert!(
        evidence(&report, "PA-004")
            .iter()
            .any(|(c, _)| c == "CODE020")
    );
    assert_eq!(verdict(&report, "PA-005"), "done");
    assert_eq!(verdict(&report, "PA-010"), "done");
    assert_eq!(verdict(&report, "PA-011"), "done_but_unticked");

    // A numeric target without a measurement, and items no control covers.
    assert_eq!(verdict(&report, "PA-012"), "manual");
    let reason = item(&report, "PA-012")["reason"].as_str().unwrap();
    assert!(reason.contains("200"), "the target is shown: {reason}");
    assert_eq!(verdict(&report, "PA-020"), "manual");
    assert_eq!(verdict(&report, "PA-021"), "manual");

    let summary = &report["summary"];
    assert_eq!(summary["claimed_but_failing"], 3);
    assert_eq!(summary["total"], 10);
    assert_eq!(report["schema"], "vouch.checklist/v1");
    assert_eq!(
        report["target"]["commit"].as_str().map(str::len),
        Some(40),
        "the audited commit is named"
    );
}

#[test]
fn json_output_validates_against_the_schema() {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/vouch.checklist.v1.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");

    let repo = service_repo();
    sign_stage_3(repo.path());
    let (_, report) = verify_json(repo.path(), &["--url", "http://127.0.0.1:9"]);
    assert!(!report["signoffs"].as_array().unwrap().is_empty());
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );

    // A wrong document is rejected, so the test can fail.
    let mut broken = report.clone();
    broken["items"][0]["verdict"] = serde_json::json!("probably");
    assert!(!validator.is_valid(&broken));
    let mut unsupported = report;
    let first_done = unsupported["items"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i["verdict"] == "done")
        .unwrap();
    unsupported["items"][first_done]["verdict"] = serde_json::json!("claimed_but_failing");
    unsupported["items"][first_done]["evidence"] = serde_json::json!([]);
    assert!(
        !validator.is_valid(&unsupported),
        "a failing claim needs evidence"
    );
}

#[test]
fn table_leads_with_the_false_claims() {
    let repo = service_repo();
    let out = vouch(&["checklist", "verify", CHECKLIST], repo.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let order: Vec<usize> = [
        "CLAIMED BUT FAILING (3)",
        "NOT DONE",
        "MANUAL",
        "DONE BUT UNTICKED (1)",
        "\nDONE (",
    ]
    .iter()
    .map(|h| {
        text.find(h)
            .unwrap_or_else(|| panic!("{h} missing:\n{text}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("Dockerfile:1"), "{text}");
    assert!(text.contains("app/main.py:35"), "{text}");
    let md = vouch(
        &["checklist", "verify", CHECKLIST, "--format", "markdown"],
        repo.path(),
    );
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("### Claimed but failing (3)"), "{md}");
    assert!(md.contains("`app/main.py:35`"), "{md}");
}

/// The fixture checklist with the markers `--write` must change: the three false claims
/// unticked, the met-but-unticked healthcheck item ticked. Nothing else.
fn expected_after_write(original: &str) -> String {
    let replacements = [
        ("- [x] **PA-001**", "- [ ] **PA-001**"),
        ("- [x] **PA-002**", "- [ ] **PA-002**"),
        ("- [x] **PA-003**", "- [ ] **PA-003**"),
        ("- [ ] **PA-011**", "- [x] **PA-011**"),
    ];
    let mut text = original.to_string();
    for (from, to) in replacements {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replace(from, to);
    }
    text
}

#[test]
fn write_changes_exactly_the_contradicted_markers() {
    let repo = service_repo();
    let path = repo.path().join(CHECKLIST);
    let original = std::fs::read_to_string(&path).unwrap();

    let out = vouch(&["checklist", "verify", CHECKLIST, "--write"], repo.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "the verdicts are still reported"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        expected_after_write(&original)
    );

    // The document now agrees with the evidence: no false claim is left.
    let (code, report) = verify_json(repo.path(), &[]);
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["claimed_but_failing"], 0);
    assert_eq!(verdict(&report, "PA-001"), "not_done");
    assert_eq!(verdict(&report, "PA-011"), "done");
}

#[test]
fn diff_prints_the_changes_and_writes_nothing() {
    let repo = service_repo();
    let path = repo.path().join(CHECKLIST);
    let original = std::fs::read(&path).unwrap();
    let out = vouch(&["checklist", "verify", CHECKLIST, "--diff"], repo.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        original,
        "--diff writes nothing"
    );
    let diff = String::from_utf8_lossy(&out.stdout);
    let removed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert_eq!(removed.len(), 4, "{diff}");
    assert_eq!(added.len(), 4, "{diff}");
    assert!(
        removed.iter().any(|l| l.contains("[x] **PA-001**")),
        "{diff}"
    );
    assert!(added.iter().any(|l| l.contains("[ ] **PA-001**")), "{diff}");
    assert!(added.iter().any(|l| l.contains("[x] **PA-011**")), "{diff}");
}

#[test]
fn annotate_pins_the_controls_with_an_evidence_note() {
    let repo = service_repo();
    let path = repo.path().join(CHECKLIST);
    let out = vouch(
        &["checklist", "verify", CHECKLIST, "--write", "--annotate"],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().find(|l| l.contains("**PA-003**")).unwrap();
    assert!(line.starts_with("- [ ] **PA-003**"), "{line}");
    assert!(
        line.contains("CODE007") && line.contains("app/main.py:35"),
        "{line}"
    );
    let manual = text.lines().find(|l| l.contains("**PA-021**")).unwrap();
    assert!(
        !manual.contains("vouch:"),
        "manual items get no note: {manual}"
    );

    // The next run reads the annotation back as an explicit mapping, with the same verdicts.
    let (_, report) = verify_json(repo.path(), &[]);
    assert_eq!(item(&report, "PA-001")["mapping"], "explicit");
    assert_eq!(verdict(&report, "PA-001"), "not_done");
    assert!(evidence(&report, "PA-001").contains(&("DKR001".into(), "Dockerfile:1".into())));
}

/// Makes a key pair outside the repository and signs the "Stage 3" section with it.
fn sign_stage_3(repo: &Path) {
    let keys = tempfile::tempdir().unwrap();
    let out = vouch(&["keygen", "--out", keys.path().to_str().unwrap()], repo);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = keys.path().join("vouch-signoff.key");
    let out = vouch(
        &[
            "signoff",
            CHECKLIST,
            "--section",
            "Stage 3",
            "--as",
            "Ada Lovelace",
            "--key",
            key.to_str().unwrap(),
        ],
        repo,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn signoff_round_trip_valid_then_stale_after_an_edit() {
    let repo = service_repo();
    sign_stage_3(repo.path());
    assert!(repo.path().join(".vouch/signoffs.json").is_file());

    let (_, report) = verify_json(repo.path(), &[]);
    let signoff = &report["signoffs"][0];
    assert_eq!(signoff["valid"], true);
    assert_eq!(signoff["stale"], false, "{signoff}");
    assert_eq!(signoff["name"], "Ada Lovelace");
    for id in ["PA-020", "PA-021"] {
        assert_eq!(verdict(&report, id), "manual");
        assert_eq!(item(&report, id)["signed_off_by"]["name"], "Ada Lovelace");
    }
    assert!(item(&report, "PA-001").get("signed_off_by").is_none());
    assert_eq!(report["summary"]["signed_off"], 2);

    // Editing a signed item makes the sign-off stale; it no longer covers the items.
    let path = repo.path().join(CHECKLIST);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("staffed for launch week", "not staffed yet"),
    )
    .unwrap();
    let (_, report) = verify_json(repo.path(), &[]);
    let signoff = &report["signoffs"][0];
    assert_eq!(signoff["valid"], true);
    assert_eq!(signoff["stale"], true);
    assert_eq!(signoff["problems"][0], "item PA-020 text changed");
    assert!(item(&report, "PA-020").get("signed_off_by").is_none());
    assert_eq!(report["summary"]["stale_signoffs"], 1);
}

#[test]
fn tampered_signoff_is_reported_invalid_and_fails_ci() {
    let repo = service_repo();
    sign_stage_3(repo.path());
    let store = repo.path().join(".vouch/signoffs.json");
    let text = std::fs::read_to_string(&store).unwrap();
    std::fs::write(&store, text.replace("Ada Lovelace", "Mallory")).unwrap();
    // Fix the false claims so only the signature can fail the run.
    vouch(&["checklist", "verify", CHECKLIST, "--write"], repo.path());
    let (code, report) = verify_json(repo.path(), &[]);
    assert_eq!(report["summary"]["claimed_but_failing"], 0);
    assert_eq!(report["signoffs"][0]["valid"], false);
    assert!(
        report["signoffs"][0]["problems"][0]
            .as_str()
            .unwrap()
            .contains("does not match")
    );
    assert_eq!(code, Some(1));

    // A second sign-off is appended; the first stays recorded.
    sign_stage_3(repo.path());
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&store).unwrap()).unwrap();
    assert_eq!(stored["signoffs"].as_array().unwrap().len(), 2);
}

#[test]
fn init_writes_a_checklist_that_verifies_against_its_own_controls() {
    let repo = service_repo();
    let out = vouch(
        &[
            "checklist",
            "init",
            "--profile",
            "web-service",
            "-o",
            "ready.md",
        ],
        repo.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = vouch(
        &[
            "checklist",
            "init",
            "--profile",
            "library",
            "-o",
            "ready.md",
        ],
        repo.path(),
    );
    assert_eq!(again.status.code(), Some(2), "no overwrite without --force");
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    let out = vouch(
        &["checklist", "verify", "ready.md", "--format", "json"],
        repo.path(),
    );
    let report = json(&out);
    let items = report["items"].as_array().unwrap();
    assert!(items.len() > 100, "{}", items.len());
    for item in items {
        assert_eq!(item["mapping"], "explicit", "{item}");
        assert_eq!(item["controls"].as_array().unwrap().len(), 1, "{item}");
        assert_ne!(item["verdict"], "claimed_but_failing", "nothing is ticked");
    }
    // The service runs as root: the generated item for it is not done.
    let root = items
        .iter()
        .find(|i| i["controls"][0]["id"] == "DKR001")
        .unwrap();
    assert_eq!(root["verdict"], "not_done");
}

#[test]
fn usage_and_input_errors_exit_2() {
    let repo = service_repo();
    let missing = vouch(&["checklist", "verify", "nope.md"], repo.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.md"));
    let annotate = vouch(
        &["checklist", "verify", CHECKLIST, "--annotate"],
        repo.path(),
    );
    assert_eq!(annotate.status.code(), Some(2));
    let bad_url = vouch(
        &["checklist", "verify", CHECKLIST, "--url", "localhost"],
        repo.path(),
    );
    assert_eq!(bad_url.status.code(), Some(2));
    let bad_key = vouch(
        &[
            "signoff",
            CHECKLIST,
            "--section",
            "Stage 3",
            "--as",
            "Ada",
            "--key",
            CHECKLIST,
        ],
        repo.path(),
    );
    assert_eq!(bad_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_key.stderr).contains("not a vouch private key"));
}
