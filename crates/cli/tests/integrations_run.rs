//! The CI integrations executed, not just parsed: the GitHub composite action's steps and the
//! GitLab job's script run in bash against a real repository with the real `vouch` binary.
//!
//! Two parts cannot run here and are replaced, each said where it happens: the install step
//! (`cargo install` of vouch itself would rebuild the workspace for minutes; the test puts the
//! binary under test where the step installs it) and the GitHub API behind `gh api` (no network:
//! a `gh` script on PATH records the call and decodes the SARIF upload it was given).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use vouch_workspace::Node;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yaml_root(path: &Path) -> Node {
    let text = std::fs::read_to_string(path).unwrap();
    let mut docs = vouch_workspace::yaml::parse_str(&text)
        .unwrap_or_else(|e| panic!("{} does not parse: {e:?}", path.display()));
    docs.remove(0).root
}

/// A service repository with a Dockerfile running as root (a high-severity failure).
fn failing_repo(root: &Path) {
    support::root_dockerfile_repo(root);
}

/// Places the binary under test where an install step puts it (`ROOT/bin/vouch`).
fn install_vouch(install_root: &Path) {
    let bin = install_root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_vouch"), bin.join("vouch")).unwrap();
}

/// Runs `script` the way GitHub runs a `shell: bash` step.
fn run_bash(script: &str, cwd: &Path, env: &BTreeMap<String, String>) -> (i32, String) {
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(cwd)
        .envs(env)
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// `key=value` lines of a `$GITHUB_OUTPUT` file.
fn read_outputs(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Evaluates the only expressions the action uses: `inputs.X`, `steps.S.outputs.X`,
/// `github.token`. Anything else fails the test: the runner below would not know it.
fn expand(
    value: &str,
    inputs: &BTreeMap<String, String>,
    steps: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expr = rest[start + 3..end].trim();
        let resolved = if let Some(name) = expr.strip_prefix("inputs.") {
            inputs.get(name).cloned().unwrap_or_default()
        } else if expr == "github.token" {
            "test-token".to_string()
        } else if let Some(path) = expr.strip_prefix("steps.") {
            let (step, output) = path.split_once(".outputs.").expect("steps.S.outputs.X");
            steps
                .get(step)
                .and_then(|o| o.get(output))
                .cloned()
                .unwrap_or_default()
        } else {
            panic!("expression the test runner does not know: {expr}");
        };
        out.push_str(&resolved);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The upload step's condition, evaluated for the two inputs it reads.
fn upload_enabled(condition: &str, inputs: &BTreeMap<String, String>) -> bool {
    assert!(
        condition.contains("inputs.upload-sarif == 'true'"),
        "the upload condition changed: {condition}"
    );
    inputs.get("upload-sarif").map(String::as_str) == Some("true")
}

/// A `gh` stand-in: records its arguments and decodes the gzipped, base64 SARIF it is sent
/// (`-F sarif=@file` reads the value from a file, as the real `gh api` does).
fn fake_gh(dir: &Path) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = r#"#!/usr/bin/env bash
set -euo pipefail
printf '%s\n' "$@" > "$FAKE_GH_DIR/args"
for a in "$@"; do
  case "$a" in
    sarif=@*) base64 -d < "${a#sarif=@}" | gunzip > "$FAKE_GH_DIR/received.sarif" ;;
    sarif=*) printf '%s' "${a#sarif=}" | base64 -d | gunzip > "$FAKE_GH_DIR/received.sarif" ;;
  esac
done
"#;
    let path = bin.join("gh");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

struct ActionRun {
    /// Exit code of each step that ran, by step name.
    exits: BTreeMap<String, i32>,
    outputs: BTreeMap<String, String>,
    runner_temp: PathBuf,
    workspace: PathBuf,
    fake_gh: PathBuf,
    log: String,
}

/// Runs every step of action.yml in order, as a composite action does: a failing step stops
/// the job unless a later step's `if: always()` says otherwise.
fn run_action(overrides: &[(&str, &str)], make_repo: fn(&Path)) -> (ActionRun, tempfile::TempDir) {
    let action = yaml_root(&repo_root().join("action.yml"));
    let dir = tempfile::tempdir().unwrap();
    let workspace = dir.path().join("workspace");
    let runner_temp = dir.path().join("runner-temp");
    let gh_dir = dir.path().join("gh");
    std::fs::create_dir_all(&workspace).unwrap();
    std::fs::create_dir_all(&runner_temp).unwrap();
    std::fs::create_dir_all(&gh_dir).unwrap();
    make_repo(&workspace);

    let mut inputs: BTreeMap<String, String> = action
        .get("inputs")
        .unwrap()
        .entries()
        .map(|(k, v)| {
            let default = v.get("default").and_then(|d| d.as_str()).unwrap_or("");
            (k.to_string(), default.to_string())
        })
        .collect();
    for (k, v) in overrides {
        assert!(inputs.contains_key(*k), "no input {k}");
        inputs.insert(k.to_string(), v.to_string());
    }

    let path = format!(
        "{}:{}",
        fake_gh(dir.path()).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output_file = runner_temp.join("github-output");
    let mut base_env: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in [
        ("PATH", path),
        ("GITHUB_ACTION_PATH", repo_root().display().to_string()),
        ("RUNNER_TEMP", runner_temp.display().to_string()),
        (
            "GITHUB_STEP_SUMMARY",
            runner_temp.join("step-summary.md").display().to_string(),
        ),
        ("GITHUB_REPOSITORY", "acme/payments".into()),
        (
            "GITHUB_SHA",
            "0123456789abcdef0123456789abcdef01234567".into(),
        ),
        ("GITHUB_REF", "refs/heads/main".into()),
        ("FAKE_GH_DIR", gh_dir.display().to_string()),
    ] {
        base_env.insert(k.to_string(), v);
    }

    let mut steps_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut exits = BTreeMap::new();
    let mut log = String::new();
    let mut failed = false;
    let steps = action.get("runs").unwrap().get("steps").unwrap().items();
    for step in steps {
        let name = step
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap()
            .to_string();
        let script = step.get("run").and_then(|r| r.as_str()).unwrap();
        if script.contains("cargo install") {
            // Replaced: see the module comment.
            assert!(script.contains("--path \"$GITHUB_ACTION_PATH/crates/cli\""));
            assert!(script.contains("--root \"$RUNNER_TEMP/vouch\""));
            install_vouch(&runner_temp.join("vouch"));
            continue;
        }
        let condition = step.get("if").and_then(|c| c.as_str());
        let runs = match condition {
            Some(c) if name.contains("SARIF") => upload_enabled(c, &inputs),
            Some(c) => panic!("condition the test runner does not know: {c}"),
            None => !failed,
        };
        if !runs {
            continue;
        }
        let mut env = base_env.clone();
        env.insert("GITHUB_OUTPUT".into(), output_file.display().to_string());
        if let Some(vars) = step.get("env") {
            for (k, v) in vars.entries() {
                env.insert(
                    k.to_string(),
                    expand(v.as_str().unwrap_or(""), &inputs, &steps_outputs),
                );
            }
        }
        let _ = std::fs::remove_file(&output_file);
        let (code, text) = run_bash(script, &workspace, &env);
        log.push_str(&format!("== {name} (exit {code})\n{text}\n"));
        if let Some(id) = step.get("id").and_then(|i| i.as_str()) {
            steps_outputs.insert(id.to_string(), read_outputs(&output_file));
        }
        exits.insert(name, code);
        failed |= code != 0;
    }
    let outputs = steps_outputs.remove("audit").unwrap_or_default();
    (
        ActionRun {
            exits,
            outputs,
            runner_temp,
            workspace,
            fake_gh: gh_dir,
            log,
        },
        dir,
    )
}

fn exit_of(run: &ActionRun, step: &str) -> i32 {
    *run.exits
        .get(step)
        .unwrap_or_else(|| panic!("step {step} did not run:\n{}", run.log))
}

#[test]
fn github_action_audits_gates_and_uploads_the_sarif_it_wrote() {
    let (run, _dir) = run_action(&[("fail-on", "high")], failing_repo);

    assert_eq!(exit_of(&run, "Audit"), 0, "{}", run.log);
    assert_eq!(
        run.outputs.get("exit-code").map(String::as_str),
        Some("1"),
        "the audit found a high failure: {}",
        run.log
    );
    // The gate step turns vouch's exit code into the job's result.
    assert_eq!(exit_of(&run, "Gate"), 1, "{}", run.log);

    let sarif_path = run.workspace.join("vouch.sarif");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sarif_path).expect("SARIF written")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "DKR001"),
        "the root Dockerfile is a result"
    );

    // The upload step ran (upload-sarif defaults to true) with what the API expects.
    assert_eq!(
        exit_of(&run, "Upload SARIF to code scanning"),
        0,
        "{}",
        run.log
    );
    let args = std::fs::read_to_string(run.fake_gh.join("args")).unwrap();
    assert!(
        args.contains("repos/acme/payments/code-scanning/sarifs"),
        "{args}"
    );
    assert!(
        args.contains("commit_sha=0123456789abcdef0123456789abcdef01234567"),
        "{args}"
    );
    assert!(args.contains("ref=refs/heads/main"), "{args}");
    let received = std::fs::read(run.fake_gh.join("received.sarif")).unwrap();
    assert_eq!(
        received,
        std::fs::read(&sarif_path).unwrap(),
        "the upload carries the SARIF file, gzipped and base64-encoded"
    );

    // The Markdown summary reached the job summary.
    let summary = std::fs::read_to_string(run.runner_temp.join("step-summary.md")).unwrap();
    assert!(summary.contains("DKR001"), "{summary}");
}

#[test]
fn github_action_without_a_gate_passes_and_can_skip_the_upload() {
    let (run, _dir) = run_action(&[("upload-sarif", "false")], failing_repo);
    assert_eq!(run.outputs.get("exit-code").map(String::as_str), Some("0"));
    assert_eq!(exit_of(&run, "Gate"), 0, "{}", run.log);
    assert!(
        !run.exits.contains_key("Upload SARIF to code scanning"),
        "upload skipped: {}",
        run.log
    );
    assert!(!run.fake_gh.join("args").exists());
}

#[test]
fn github_action_inputs_cannot_inject_shell() {
    // An input with shell syntax reaches vouch as data: vouch rejects the path, nothing runs.
    let (run, dir) = run_action(
        &[("path", "x; touch INJECTED"), ("upload-sarif", "false")],
        failing_repo,
    );
    assert_eq!(
        run.outputs.get("exit-code").map(String::as_str),
        Some("2"),
        "{}",
        run.log
    );
    assert!(!run.workspace.join("INJECTED").exists());
    assert!(!dir.path().join("INJECTED").exists());
}

#[test]
fn gitlab_job_script_writes_every_artifact_it_declares() {
    let path = repo_root().join("integrations/gitlab/vouch.gitlab-ci.yml");
    let root = yaml_root(&path);
    let job = root.get("vouch").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    failing_repo(&project);

    let mut env: BTreeMap<String, String> = root
        .get("variables")
        .unwrap()
        .entries()
        .map(|(k, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
        .collect();
    env.insert(
        "VOUCH_GIT".into(),
        "https://git.example.com/vouch.git".into(),
    );
    env.insert("VOUCH_FAIL_ON".into(), "high".into());
    env.insert("CI_PROJECT_DIR".into(), project.display().to_string());
    env.insert("PATH".into(), std::env::var("PATH").unwrap_or_default());

    let mut last = (0, String::new());
    for line in job.get("script").unwrap().items() {
        let script = line.as_str().unwrap();
        if script.contains("cargo install") {
            // Replaced: see the module comment.
            assert!(script.contains("vouch-cli"));
            assert!(script.contains("--root \"$CI_PROJECT_DIR/.vouch-bin\""));
            install_vouch(&project.join(".vouch-bin"));
            continue;
        }
        // GitLab runs the entries in order and stops at the first one that fails.
        last = run_bash(script, &project, &env);
        if last.0 != 0 {
            break;
        }
    }
    assert_eq!(last.0, 1, "the high failure fails the job: {}", last.1);

    let junit = std::fs::read_to_string(project.join("vouch-junit.xml")).unwrap();
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(junit.contains("DKR001"));
    for artifact in job.get("artifacts").unwrap().get("paths").unwrap().items() {
        let name = artifact.as_str().unwrap();
        let meta = std::fs::metadata(project.join(name))
            .unwrap_or_else(|e| panic!("artifact {name} missing: {e}"));
        assert!(meta.len() > 0, "artifact {name} is empty");
    }
}

#[test]
fn gitlab_job_stops_with_a_message_when_the_vouch_repository_is_not_set() {
    let root = yaml_root(&repo_root().join("integrations/gitlab/vouch.gitlab-ci.yml"));
    let first = root.get("vouch").unwrap().get("script").unwrap().items()[0]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let env = BTreeMap::from([
        ("VOUCH_GIT".to_string(), String::new()),
        (
            "PATH".to_string(),
            std::env::var("PATH").unwrap_or_default(),
        ),
    ]);
    let (code, text) = run_bash(&first, dir.path(), &env);
    assert_eq!(code, 2);
    assert!(text.contains("set VOUCH_GIT"), "{text}");
}

#[test]
fn expressions_the_runner_evaluates_are_the_ones_the_action_uses() {
    let inputs = BTreeMap::from([("path".to_string(), "src".to_string())]);
    let steps = BTreeMap::from([(
        "audit".to_string(),
        BTreeMap::from([("exit-code".to_string(), "1".to_string())]),
    )]);
    assert_eq!(
        expand(
            "${{ inputs.path }}:${{ steps.audit.outputs.exit-code }}",
            &inputs,
            &steps
        ),
        "src:1"
    );
    assert_eq!(expand("${{ inputs.missing }}", &inputs, &steps), "");
}
