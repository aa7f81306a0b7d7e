//! End-to-end: report formats and outputs, baselines, integrations (GitHub action, GitLab
//! template, pre-commit hooks), completions, the man page, `vouch init` and `vouch doctor`.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{json, root_dockerfile_repo, vouch, write};

fn git_init(dir: &Path) {
    let ok = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .expect("git runs")
        .success();
    assert!(ok);
}

fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn validator(schema_file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("schemas").join(schema_file)).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn several_outputs_in_one_run_and_sarif_is_schema_valid() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let out = vouch(
        &[
            "audit",
            ".",
            "--format",
            "table",
            "--json",
            "r.json",
            "--sarif",
            "r.sarif",
            "--junit",
            "r.xml",
            "--markdown",
            "r.md",
            "--html",
            "r.html",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("passed ·"), "table on stdout: {table}");

    let report: Value = serde_json::from_str(&read(dir.path(), "r.json")).unwrap();
    let evaluated = report["results"].as_array().unwrap().len();
    let fails: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "fail")
        .collect();
    assert!(!fails.is_empty());

    let sarif: Value = serde_json::from_str(&read(dir.path(), "r.sarif")).unwrap();
    assert_valid(&validator("sarif-schema-2.1.0.json"), &sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let findings: usize = fails
        .iter()
        .map(|r| r["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(results.len(), findings);
    let dkr = results.iter().find(|r| r["ruleId"] == "DKR001").unwrap();
    assert_eq!(
        dkr["partialFingerprints"]["vouch/v1"],
        support::result(&report, "DKR001")["findings"][0]["fingerprint"]
    );
    // Rules carry the real control docs.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == "DKR001").unwrap();
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why it matters in production")
    );

    let junit = read(dir.path(), "r.xml");
    assert!(junit.starts_with("<?xml"));
    assert_eq!(junit.matches("<testcase ").count(), evaluated);
    assert_eq!(
        junit.matches("<failure ").count(),
        fails.len(),
        "one failure per failing control"
    );

    let md = read(dir.path(), "r.md");
    assert!(md.starts_with("## vouch production-readiness: "), "{md}");
    assert!(md.contains("[DKR001](docs/controls/DKR001.md)"), "{md}");

    let html = read(dir.path(), "r.html");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("id=\"findings-table\""));
}

#[test]
fn output_flag_writes_every_format_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    for (format, starts) in [
        ("table", "vouch "),
        ("json", "{"),
        ("sarif", "{"),
        ("junit", "<?xml"),
        ("markdown", "## vouch"),
        ("html", "<!doctype html>"),
    ] {
        let file = format!("out.{format}");
        let out = vouch(
            &[
                "audit", ".", "--select", "DKR001", "--format", format, "--output", &file,
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(out.stdout.is_empty(), "{format}: nothing on stdout");
        let text = read(dir.path(), &file);
        assert!(
            text.starts_with(starts),
            "{format}: {}",
            &text[..text.len().min(80)]
        );
        assert!(
            !text.contains("\u{1b}["),
            "{format}: no colour codes in files"
        );
    }
}

#[test]
fn unwritable_output_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let out = vouch(
        &["audit", ".", "--sarif", "missing/dir/r.sarif"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write missing/dir/r.sarif"));
}

#[test]
fn baseline_classifies_findings_and_fail_on_new_gates_only_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let first = vouch(
        &["audit", ".", "--format", "json", "--output", "base.json"],
        dir.path(),
    );
    assert_eq!(first.status.code(), Some(0));

    // Nothing changed: the old DKR001 failure no longer fails the gate.
    let same = vouch(
        &[
            "audit",
            ".",
            "--fail-on",
            "high",
            "--baseline",
            "base.json",
            "--fail-on-new",
        ],
        dir.path(),
    );
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stdout)
    );
    let text = String::from_utf8_lossy(&same.stdout);
    assert!(
        text.contains("baseline base.json: 0 new · 0 fixed"),
        "{text}"
    );
    // Without --fail-on-new the same run fails on the known finding.
    let gated = vouch(
        &["audit", ".", "--fail-on", "high", "--baseline", "base.json"],
        dir.path(),
    );
    assert_eq!(gated.status.code(), Some(1));

    // A compose file with a hardcoded password: new findings; the gate fails.
    write(
        dir.path(),
        "compose.yml",
        "services:\n  db:\n    image: postgres:16.3\n    environment:\n      POSTGRES_PASSWORD: hunter2hunter2\n",
    );
    let out = vouch(
        &[
            "audit",
            ".",
            "--format",
            "json",
            "--baseline",
            "base.json",
            "--fail-on-new",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_valid(&validator("report.v1.json"), &report);
    let base = &report["baseline"];
    assert_eq!(base["source"], "base.json");
    assert_eq!(base["fail_on_new"], true);
    assert!(base["counts"]["new"].as_u64().unwrap() >= 1);
    assert!(
        base["new"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["path"] == "compose.yml")
    );
    assert!(
        base["unchanged"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["control"] == "DKR001")
    );
    assert_eq!(report["gate"]["failed"], true);

    // Fixing the Dockerfile shows up as fixed.
    write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.12-slim\nRUN useradd -r app\nUSER app\nCMD [\"python\", \"app.py\"]\n",
    );
    let report = json(&vouch(
        &["audit", ".", "--format", "json", "--baseline", "base.json"],
        dir.path(),
    ));
    assert!(
        report["baseline"]["fixed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["control"] == "DKR001"),
        "{}",
        report["baseline"]
    );

    // The Markdown summary tags findings too.
    let md = vouch(
        &[
            "audit",
            ".",
            "--format",
            "markdown",
            "--baseline",
            "base.json",
        ],
        dir.path(),
    );
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("**Baseline** `base.json`:"), "{md}");
    assert!(md.contains("**new**"), "{md}");
}

#[test]
fn bad_baselines_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    write(dir.path(), "not-a-report.json", "{\"hello\": 1}");
    let out = vouch(
        &["audit", ".", "--baseline", "not-a-report.json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a vouch.report/v1 report"));
    let out = vouch(&["audit", ".", "--baseline", "missing.json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = vouch(&["audit", ".", "--fail-on-new"], dir.path());
    assert_eq!(out.status.code(), Some(2), "--fail-on-new needs --baseline");
}

#[test]
fn completions_are_generated_from_the_cli_definition() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = vouch(&["completions", shell], dir.path());
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        // (fish lists long options without their dashes)
        for word in ["audit", "doctor", "sarif", "fail-on-new"] {
            assert!(text.contains(word), "{shell} completions lack {word}");
        }
    }
    // The bash script is valid bash.
    let script = dir.path().join("vouch.bash");
    std::fs::write(&script, vouch(&["completions", "bash"], dir.path()).stdout).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    assert_eq!(
        vouch(&["completions", "tcsh"], dir.path()).status.code(),
        Some(2)
    );
}

#[test]
fn man_pages_are_generated_from_the_cli_definition() {
    let dir = tempfile::tempdir().unwrap();
    let out = vouch(&["man"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH vouch"), "{page}");
    assert!(page.contains("audit"));
    let out = vouch(&["man", "--output", "man"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let audit = read(&dir.path().join("man"), "vouch-audit.1");
    assert!(audit.contains(".TH vouch-audit"), "{audit}");
    assert!(audit.contains("fail\\-on\\-new"), "{audit}");
}

/// A service repository with Python code, GitLab CI, compose and a Kubernetes deployment.
fn gitlab_service_repo(root: &Path) {
    root_dockerfile_repo(root);
    write(
        root,
        ".gitlab-ci.yml",
        "test:\n  image: python:3.12\n  script:\n    - pytest\n",
    );
    write(root, "compose.yml", "services:\n  web:\n    build: .\n");
    write(
        root,
        "k8s/deployment.yml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1.0.0\n",
    );
    std::fs::create_dir_all(root.join("vendor")).unwrap();
}

#[test]
fn init_detects_the_stack_and_writes_a_valid_commented_config() {
    let dir = tempfile::tempdir().unwrap();
    gitlab_service_repo(dir.path());
    let out = vouch(&["init", "."], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("languages Python"), "{stderr}");
    assert!(stderr.contains("CI gitlab"), "{stderr}");
    assert!(
        stderr.contains("1 compose file(s), 1 Kubernetes object(s)"),
        "{stderr}"
    );
    // The GitLab snippet is offered on stdout (no terminal: no question asked).
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("# ci/vouch.gitlab-ci.yml"), "{stdout}");
    assert!(
        stdout.contains("reports:\n      junit: vouch-junit.xml"),
        "{stdout}"
    );

    let config = read(dir.path(), "vouch.toml");
    assert!(config.contains("#   languages: Python"), "{config}");
    assert!(config.contains("exclude = [\"vendor\"]"), "{config}");
    // The written config is accepted by the audit.
    let audit = vouch(&["audit", ".", "--no-progress"], dir.path());
    assert_ne!(
        audit.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );

    // Never overwritten without --force.
    std::fs::write(dir.path().join("vouch.toml"), "# mine\n").unwrap();
    let again = vouch(&["init", "."], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("use --force"));
    assert_eq!(read(dir.path(), "vouch.toml"), "# mine\n");
    let forced = vouch(&["init", ".", "--force", "--write-ci"], dir.path());
    assert_eq!(forced.status.code(), Some(0));
    assert!(read(dir.path(), "vouch.toml").starts_with("# vouch configuration"));
    assert!(read(dir.path(), "ci/vouch.gitlab-ci.yml").contains("vouch:\n  stage: test"));
}

#[test]
fn init_offers_the_github_workflow_for_github_repositories() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "name: ci\non: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n",
    );
    let out = vouch(&["init", ".", "--write-ci"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let workflow = read(dir.path(), ".github/workflows/vouch.yml");
    assert!(workflow.contains("security-events: write"), "{workflow}");
    assert!(
        workflow.contains("uses: vouch-dev/vouch@main"),
        "{workflow}"
    );
    let none = tempfile::tempdir().unwrap();
    root_dockerfile_repo(none.path());
    let out = vouch(&["init", ".", "--ci", "none"], none.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn doctor_reports_what_to_fix_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    git_init(dir.path());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let live = format!("http://{}/health", listener.local_addr().unwrap());
    let out = vouch(
        &[
            "doctor",
            ".",
            "--url",
            &live,
            "--database-url",
            "sqlite:vouch.db",
        ],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for line in [
        "ok    git",
        "ok    repository",
        "ok    config",
        "ok    files",
        "ok    target",
        "ok    database",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }

    // A closed port, a bad config and an unsupported database each fail and say what to do.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    write(dir.path(), "vouch.toml", "selct = [\"DKR\"]\n");
    let out = vouch(
        &[
            "doctor",
            ".",
            "--url",
            &format!("http://{closed}/"),
            "--database-url",
            "mysql://db/x",
            "--timeout",
            "1",
        ],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL  config"), "{text}");
    assert!(text.contains("vouch.toml"), "{text}");
    assert!(text.contains("FAIL  target"), "{text}");
    assert!(text.contains("fix: start the service"), "{text}");
    assert!(text.contains("FAIL  database"), "{text}");
    assert!(text.contains("3 failed"), "{text}");

    // Outside a repository: a warning, not a failure.
    let plain = tempfile::tempdir().unwrap();
    root_dockerfile_repo(plain.path());
    let out = vouch(&["doctor", "."], plain.path());
    let text = String::from_utf8_lossy(&out.stdout);
    if !text.contains("ok    repository") {
        // (tempdirs live outside any work tree on CI; when nested in one, git says so)
        assert!(text.contains("warn  repository"), "{text}");
        assert!(text.contains("git init"), "{text}");
    }
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(
        vouch(&["doctor", "missing"], plain.path()).status.code(),
        Some(1)
    );
}

fn yaml_root(path: &Path) -> vouch_workspace::Node {
    let text = std::fs::read_to_string(path).unwrap();
    let mut docs = vouch_workspace::yaml::parse_str(&text)
        .unwrap_or_else(|e| panic!("{} does not parse: {e:?}", path.display()));
    assert_eq!(docs.len(), 1);
    docs.remove(0).root
}

#[test]
fn github_action_is_a_valid_composite_action_that_passes_vouchs_ci_controls() {
    let action_path = repo_root().join("action.yml");
    let action = yaml_root(&action_path);
    assert_eq!(
        action
            .get("runs")
            .and_then(|r| r.get("using"))
            .and_then(|u| u.as_str()),
        Some("composite")
    );
    let steps = action
        .get("runs")
        .and_then(|r| r.get("steps"))
        .unwrap()
        .items();
    let scripts: Vec<&str> = steps
        .iter()
        .filter_map(|s| s.get("run").and_then(|r| r.as_str()))
        .collect();
    assert!(
        scripts.iter().any(|s| s.contains("cargo install --locked")),
        "installs vouch"
    );
    assert!(
        scripts.iter().any(|s| s.contains("--sarif")),
        "writes SARIF"
    );
    assert!(
        scripts.iter().any(|s| s.contains("code-scanning/sarifs")),
        "uploads SARIF"
    );
    // No template expansion inside scripts: inputs arrive through env (no shell injection).
    for s in &scripts {
        assert!(!s.contains("${{"), "expression inside a run script: {s}");
    }
    // Every step names its shell (required for composite actions).
    assert!(
        steps
            .iter()
            .all(|s| s.get("run").is_none() || s.get("shell").is_some())
    );
    // Every input the scripts read is declared.
    let inputs: Vec<&str> = action
        .get("inputs")
        .unwrap()
        .entries()
        .map(|(k, _)| k)
        .collect();
    let text = std::fs::read_to_string(&action_path).unwrap();
    for used in text.split("inputs.").skip(1) {
        let name: String = used
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(inputs.contains(&name.as_str()), "undeclared input {name}");
    }

    // vouch's own CI controls on a repository that uses the action from a workflow.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&action_path, dir.path().join("action.yml")).unwrap();
    write(
        dir.path(),
        ".github/workflows/vouch.yml",
        "name: vouch\non: [push]\npermissions:\n  contents: read\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      security-events: write\n    steps:\n      - uses: ./\n        with:\n          fail-on: high\n",
    );
    let report = json(&vouch(
        &[
            "audit",
            ".",
            "--format",
            "json",
            "--select",
            "CI002,CI014,CI015,CI016",
        ],
        dir.path(),
    ));
    for r in report["results"].as_array().unwrap() {
        assert_ne!(r["outcome"], "fail", "{}", r);
        assert_ne!(r["outcome"], "error", "{}", r);
    }
    assert_eq!(support::result(&report, "CI002")["outcome"], "pass");
}

#[test]
fn gitlab_template_is_a_valid_pipeline() {
    let path = repo_root().join("integrations/gitlab/vouch.gitlab-ci.yml");
    let root = yaml_root(&path);
    let job = root.get("vouch").expect("a vouch job");
    assert_eq!(
        job.get("artifacts")
            .and_then(|a| a.get("reports"))
            .and_then(|r| r.get("junit"))
            .and_then(|j| j.as_str()),
        Some("vouch-junit.xml")
    );
    let script: Vec<&str> = job
        .get("script")
        .unwrap()
        .items()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(script.iter().any(|s| s.contains("--junit vouch-junit.xml")));
    // vouch parses it as GitLab CI and finds it valid.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&path, dir.path().join(".gitlab-ci.yml")).unwrap();
    let report = json(&vouch(
        &["audit", ".", "--format", "json", "--select", "CI001,CI002"],
        dir.path(),
    ));
    assert_eq!(
        support::result(&report, "CI002")["outcome"],
        "pass",
        "{report}"
    );
    assert_eq!(
        support::result(&report, "CI001")["outcome"],
        "pass",
        "{report}"
    );
}

#[test]
fn pre_commit_hooks_run_real_vouch_commands() {
    let root = yaml_root(&repo_root().join(".pre-commit-hooks.yaml"));
    let hooks = root.items();
    assert!(!hooks.is_empty());
    let dir = tempfile::tempdir().unwrap();
    for hook in hooks {
        let entry = hook.get("entry").and_then(|e| e.as_str()).unwrap();
        assert!(hook.get("id").and_then(|i| i.as_str()).is_some());
        let mut words = entry.split_whitespace();
        assert_eq!(words.next(), Some("vouch"));
        let args: Vec<&str> = words.collect();
        // The command line the hook runs is accepted by the real CLI.
        let mut help = args.clone();
        help.push("--help");
        let out = vouch(&help, dir.path());
        assert_eq!(
            out.status.code(),
            Some(0),
            "`{entry}`: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
