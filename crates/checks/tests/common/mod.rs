//! Shared by the fixture tests: load a fixture repository as a real git repository and run
//! one control on it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use vouch_checks::{Check, EngineOptions};
use vouch_core::{Config, ControlResult};

pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Copies `fixture` into a temporary directory, renames `_gitignore`/`_dockerignore` files to
/// their dotted names (a real `.gitignore` inside vouch's own tree would hide fixture files from
/// vouch's repository), then `git init` + `git add -A` so tracked state is deterministic.
/// Files listed in `_force-add` are added with `git add -f` (tracked despite .gitignore).
pub fn materialise(fixture: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(fixture, dir.path());
    let force = dir.path().join("_force-add");
    let forced = std::fs::read_to_string(&force).unwrap_or_default();
    let _ = std::fs::remove_file(&force);
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args([
                "-c",
                "user.email=t@example.invalid",
                "-c",
                "user.name=t",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    for path in forced.lines().map(str::trim).filter(|l| !l.is_empty()) {
        git(&["add", "-f", path]);
    }
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let target_name = match name.as_str() {
            "_gitignore" => ".gitignore".to_string(),
            "_dockerignore" => ".dockerignore".to_string(),
            _ => name,
        };
        let target = to.join(target_name);
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Loads `root` and evaluates `check` with the default configuration.
pub fn evaluate(root: &Path, check: &'static dyn Check) -> ControlResult {
    let ws = vouch_workspace::load(root, &vouch_workspace::LoadOptions::default())
        .expect("load fixture");
    let config = Config::default();
    let options = EngineOptions {
        config: &config,
        today: time::macros::date!(2026 - 11 - 22),
        on_check_done: None,
    };
    let mut out = vouch_checks::run(&ws, &[check], &options);
    out.results.remove(0)
}

/// Renders a result for a snapshot: outcome, then each finding with location and snippet.
pub fn render(result: &ControlResult) -> String {
    let mut out = format!("{} {}\n", result.control.id, result.outcome.as_str());
    if let Some(reason) = &result.reason {
        out.push_str(&format!("reason: {reason}\n"));
    }
    for f in &result.findings {
        out.push_str(&format!("{}: {}\n", f.location.display(), f.message));
        if let Some(s) = &f.snippet {
            out.push_str(&format!("    | {s}\n"));
        }
    }
    out
}
