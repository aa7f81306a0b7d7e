//! GitHub Actions workflows: jobs, steps (`run:` with matrix values substituted, `uses:`),
//! `if: false`, `continue-on-error`, working directories, local composite actions and reusable
//! workflows.

use super::actions::{action_argv, action_name};
use super::shell::ShellState;
use super::{Builder, Origin, Place, Tolerance, UsesKind, inputs_of, never_runs};
use regex::Regex;
use std::sync::{Arc, LazyLock};
use vouch_workspace::{Node, SourceText, YamlDoc};

pub fn build(b: &mut Builder<'_>, file: usize, docs: &[YamlDoc]) {
    let src = b.model.files[file].text.clone();
    let path = b.model.files[file].path.clone();
    for doc in docs {
        let root = &doc.root;
        if docs_only_triggers(root) {
            b.model.files[file].docs_only = true;
        }
        let default_dir = working_dir(root);
        for (_, job) in root
            .get("jobs")
            .map(|j| j.entries().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            b.model.files[file].jobs += 1;
            if job.get("if").is_some_and(never_runs) {
                continue;
            }
            if let Some(u) = job.get("uses") {
                reusable_workflow(b, file, &path, u, job);
                continue;
            }
            for key in ["container", "services"] {
                images(b, file, &path, job.get(key));
            }
            let job_soft = soft_fail(&path, job);
            let job_dir = working_dir(job).or_else(|| default_dir.clone());
            let matrix = job.path(&["strategy", "matrix"]);
            for step in job.get("steps").map(Node::items).unwrap_or(&[]) {
                if step.get("if").is_some_and(never_runs) {
                    continue;
                }
                let soft = soft_fail(&path, step).or_else(|| job_soft.clone());
                let s = b.add_step(file, step.line, soft);
                let origin = Origin::new(file, &path, Some(s));
                let dir = step
                    .get("working-directory")
                    .and_then(Node::as_str)
                    .map(String::from)
                    .or_else(|| job_dir.clone())
                    .unwrap_or_default();
                step_body(b, &origin, &src, step, matrix, &dir, 0);
            }
        }
    }
}

/// A step's `run:` or `uses:`.
fn step_body(
    b: &mut Builder<'_>,
    origin: &Origin,
    src: &Arc<SourceText>,
    step: &Node,
    matrix: Option<&Node>,
    dir: &str,
    depth: u8,
) {
    if let Some(run) = step.get("run") {
        let Some(script) = run.as_str() else {
            return;
        };
        // `shell: python` runs the text as a Python program, not as shell commands.
        let shell = step.get("shell").and_then(Node::as_str).unwrap_or("");
        if shell.starts_with("python") || shell.starts_with("node") || shell.starts_with("perl") {
            return;
        }
        let block = b.new_block();
        for variant in expand_matrix(script, matrix) {
            let mut cwd = super::expand::join("", dir);
            let mut state = ShellState::default();
            let place = Place::Yaml {
                line: run.line,
                column: run.column,
            };
            b.script(origin, src, place, &variant, &mut cwd, &mut state, block);
        }
        return;
    }
    let Some(uses) = step.get("uses") else {
        return;
    };
    let Some(reference) = uses.as_str() else {
        return;
    };
    let path = src.path.clone();
    b.add_uses(
        origin.file,
        UsesKind::Action,
        reference,
        &path,
        uses.line,
        uses.column,
    );
    if reference.starts_with("./") {
        composite_action(b, origin, reference, uses, depth);
        return;
    }
    if reference.starts_with("docker://") {
        return;
    }
    let inputs = inputs_of(step.get("with"));
    let name = action_name(reference);
    let argv = if name == "pre-commit/action" {
        let extra = inputs
            .iter()
            .find(|(k, _)| k == "extra_args")
            .map_or("--all-files", |(_, v)| v.as_str());
        let mut argv = vec!["pre-commit".to_string(), "run".to_string()];
        argv.extend(extra.split_whitespace().map(String::from));
        Some(argv)
    } else {
        action_argv(&name, &inputs)
    };
    if let Some(argv) = argv {
        b.synthetic(origin, &path, uses.line, uses.column, argv, inputs);
    }
}

/// `uses: ./.github/actions/setup`: the steps of a local composite action.
fn composite_action(b: &mut Builder<'_>, origin: &Origin, reference: &str, uses: &Node, depth: u8) {
    let dir = super::expand::join("", reference);
    let found = ["action.yml", "action.yaml"]
        .iter()
        .map(|n| format!("{dir}/{n}"))
        .find(|p| b.ws.file(p).is_some());
    let Some(action_path) = found else {
        b.opaque(
            &origin.path,
            uses.line,
            format!("local action `{reference}` has no action.yml"),
        );
        return;
    };
    let Some(src) = b.ws.text(&action_path) else {
        return;
    };
    let Ok(docs) = vouch_workspace::yaml::parse_str(&src.text) else {
        b.opaque(
            &origin.path,
            uses.line,
            format!("{action_path} does not parse"),
        );
        return;
    };
    if depth > 1 {
        return;
    }
    let mut child = origin.clone();
    child.via.push(super::Hop {
        path: origin.path.clone(),
        line: uses.line,
        text: format!("uses: {reference}"),
    });
    child.path = action_path.clone();
    for doc in &docs {
        for step in doc
            .root
            .path(&["runs", "steps"])
            .map(Node::items)
            .unwrap_or(&[])
        {
            if step.get("if").is_some_and(never_runs) {
                continue;
            }
            let dir = step
                .get("working-directory")
                .and_then(Node::as_str)
                .unwrap_or("");
            step_body(b, &child, &src, step, None, dir, depth + 1);
        }
    }
}

/// A job that calls a reusable workflow: local ones are modelled as their own file; remote ones
/// cannot be read.
fn reusable_workflow(b: &mut Builder<'_>, file: usize, path: &str, uses: &Node, job: &Node) {
    let Some(reference) = uses.as_str() else {
        return;
    };
    b.add_uses(
        file,
        UsesKind::ReusableWorkflow,
        reference,
        path,
        uses.line,
        uses.column,
    );
    if reference.starts_with("./") {
        return;
    }
    let s = b.add_step(file, uses.line, None);
    let origin = Origin::new(file, path, Some(s));
    let inputs = inputs_of(job.get("with"));
    match action_argv(&action_name(reference), &inputs) {
        Some(argv) => b.synthetic(&origin, path, uses.line, uses.column, argv, inputs),
        None => b.opaque(
            path,
            uses.line,
            format!("reusable workflow `{reference}` is not in this repository"),
        ),
    }
}

fn images(b: &mut Builder<'_>, file: usize, path: &str, node: Option<&Node>) {
    let Some(node) = node else {
        return;
    };
    let mut add = |n: &Node| {
        if let Some(image) = n.as_str().or_else(|| n.get("image").and_then(Node::as_str)) {
            b.add_uses(file, UsesKind::Image, image, path, n.line, n.column);
        }
    };
    if node.as_str().is_some() || node.get("image").is_some() {
        add(node);
    } else {
        for (_, svc) in node.entries() {
            add(svc);
        }
    }
}

/// `continue-on-error: true` (literal; expressions such as `${{ matrix.experimental }}` are not).
fn soft_fail(path: &str, node: &Node) -> Option<Tolerance> {
    let (key, value) = node
        .as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some("continue-on-error"))?;
    (value.as_bool() == Some(true)).then(|| Tolerance {
        path: path.to_string(),
        line: key.line,
        column: key.column,
        what: "continue-on-error: true".to_string(),
    })
}

fn working_dir(node: &Node) -> Option<String> {
    node.path(&["defaults", "run", "working-directory"])
        .and_then(Node::as_str)
        .map(String::from)
}

static MATRIX_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}").expect("static regex")
});

/// The script once per value of the matrix keys it references (capped), so
/// `run: ${{ matrix.tool }} check .` with `tool: [ruff, mypy]` yields both commands.
fn expand_matrix(script: &str, matrix: Option<&Node>) -> Vec<String> {
    let keys: Vec<String> = MATRIX_REF
        .captures_iter(script)
        .map(|c| c[1].to_string())
        .fold(Vec::new(), |mut acc, k| {
            if !acc.contains(&k) {
                acc.push(k);
            }
            acc
        });
    let Some(matrix) = matrix.filter(|_| !keys.is_empty()) else {
        return vec![script.to_string()];
    };
    let mut variants = vec![script.to_string()];
    for key in &keys {
        let mut values: Vec<String> = matrix
            .get(key)
            .map(|n| {
                n.items()
                    .iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        for row in matrix.get("include").map(Node::items).unwrap_or(&[]) {
            if let Some(val) = row.get(key).and_then(Node::as_str)
                && !values.iter().any(|v| v == val)
            {
                values.push(val.to_string());
            }
        }
        if values.is_empty() {
            continue;
        }
        let pattern = Regex::new(&format!(
            r"\$\{{\{{\s*matrix\.{}\s*\}}\}}",
            regex::escape(key)
        ))
        .expect("escaped key");
        variants = variants
            .iter()
            .flat_map(|s| {
                values
                    .iter()
                    .map(|v| pattern.replace_all(s, v.as_str()).into_owned())
                    .collect::<Vec<_>>()
            })
            .take(32)
            .collect();
    }
    variants.dedup();
    variants
}

/// Every code-change trigger (`push`, `pull_request`...) filters on paths that are all docs.
fn docs_only_triggers(root: &Node) -> bool {
    let Some(on) = root.get("on") else {
        return false;
    };
    let code_events = ["push", "pull_request", "pull_request_target", "merge_group"];
    let entries: Vec<(&str, &Node)> = on.entries().collect();
    if entries.is_empty() {
        return false;
    }
    let mut saw_filter = false;
    for (event, cfg) in entries {
        if !code_events.contains(&event) {
            if event == "workflow_dispatch" {
                continue;
            }
            return false;
        }
        let Some(paths) = cfg.get("paths") else {
            return false;
        };
        let patterns: Vec<&str> = paths.items().iter().filter_map(Node::as_str).collect();
        if patterns.is_empty() || !patterns.iter().all(|p| is_docs_pattern(p)) {
            return false;
        }
        saw_filter = true;
    }
    saw_filter
}

fn is_docs_pattern(p: &str) -> bool {
    let p = p.trim_start_matches('!').to_ascii_lowercase();
    p.starts_with("docs/")
        || p.starts_with("doc/")
        || p.starts_with("website/")
        || p.ends_with(".md")
        || p.ends_with(".rst")
        || p.ends_with(".mdx")
        || p.starts_with("mkdocs.y")
        || p.contains("readme")
        || p == ".github/workflows/docs.yml"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_substitution() {
        let doc = vouch_workspace::yaml::parse_str(
            "tool: [ruff, mypy]\ninclude:\n  - tool: pyright\n    os: x\n",
        )
        .unwrap();
        let out = expand_matrix("${{ matrix.tool }} check .", Some(&doc[0].root));
        assert_eq!(out, vec!["ruff check .", "mypy check .", "pyright check ."]);
        assert_eq!(expand_matrix("pytest", Some(&doc[0].root)), vec!["pytest"]);
    }

    #[test]
    fn docs_triggers() {
        let d = vouch_workspace::yaml::parse_str(
            "on:\n  push:\n    paths: ['docs/**', '*.md']\n  workflow_dispatch:\n",
        )
        .unwrap();
        assert!(docs_only_triggers(&d[0].root));
        let d = vouch_workspace::yaml::parse_str("on:\n  push:\n    paths: ['src/**']\n").unwrap();
        assert!(!docs_only_triggers(&d[0].root));
        let d = vouch_workspace::yaml::parse_str("on: [push]\n").unwrap();
        assert!(!docs_only_triggers(&d[0].root));
    }
}
