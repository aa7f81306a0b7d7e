use super::committed;
use crate::prelude::*;
use vouch_workspace::SourceText;

pub struct ConflictMarkers;

static META: ControlMeta = ControlMeta {
    id: "SEC007",
    slug: "conflict_markers",
    title: "No unresolved merge conflicts are committed",
    area: Area::Deployment,
    severity: Severity::High,
    remediation: "Resolve the conflict (keep the intended side, delete the `<<<<<<<`, `=======` and \
                  `>>>>>>>` lines), then add a pre-commit hook or CI step that rejects conflict \
                  markers (`git diff --check`, pre-commit's `check-merge-conflict`).",
    references: &[
        "https://git-scm.com/docs/git-merge#_how_conflicts_are_presented",
        "https://git-scm.com/docs/git-diff#Documentation/git-diff.txt---check",
        "https://github.com/pre-commit/pre-commit-hooks#check-merge-conflict",
    ],
    concepts: &[
        "merge conflict",
        "conflict markers",
        "clean merge",
        "pre-commit hooks",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No committed text file contains a complete merge-conflict block: a line starting `<<<<<<<`,
later a line that is exactly `=======`, later a line starting `>>>>>>>`. A lone `=======`
(a Markdown heading underline) or `<<<<<<<` in prose is not a conflict. Conflict blocks shown
inside a fenced code block (```` ``` ```` or `~~~`, in Markdown or in Markdown embedded in doc
comments: a guide explaining conflicts) and files under test-data folders (`fixtures/`,
`testdata/`, `__snapshots__/`: a merge tool's own test inputs) are not reported.
Without git, every file in the tree counts as committed.

## Why it matters in production

A committed conflict means both versions of the code were shipped as neither: Python and
YAML fail to load, JSON and SQL fail to parse, and in configuration or shell scripts the
markers can be silently read as data. It also shows the change was never built or tested
before it merged.

## Example

Bad (`config/settings.yaml`):

```text
<<<<<<< HEAD
replicas: 3
=======
replicas: 5
>>>>>>> feature/scale-up
```

Good:

```yaml
replicas: 5
```

## References

- git-merge: how conflicts are presented
- git diff --check
- pre-commit-hooks: check-merge-conflict
"#,
};

impl Check for ConflictMarkers {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut findings = Vec::new();
        for hit in &ws.facts.conflict_markers {
            let Some(file) = ws.file(&hit.path) else {
                continue;
            };
            if !committed(file) || is_test_data(&hit.path) {
                continue;
            }
            if ws
                .text(&hit.path)
                .is_some_and(|src| in_fenced_code(&src, hit.line))
            {
                continue;
            }
            findings.push(
                Finding::new(
                    Location::at(&hit.path, hit.line, hit.column),
                    "unresolved merge conflict (`<<<<<<<` ... `=======` ... `>>>>>>>`)",
                )
                .with_snippet(hit.text.clone()),
            );
        }
        Outcome::from_findings(findings, Vec::new())
    }
}

/// Folders of test inputs, where conflict blocks may be the point of the file.
fn is_test_data(rel: &str) -> bool {
    rel.to_ascii_lowercase().split('/').any(|p| {
        matches!(
            p,
            "fixtures"
                | "__fixtures__"
                | "testdata"
                | "test-data"
                | "test_data"
                | "__snapshots__"
                | "snapshots"
        )
    })
}

/// Whether line `line` sits inside a ``` or ~~~ fence (Markdown, or Markdown in doc strings).
fn in_fenced_code(src: &SourceText, line: u32) -> bool {
    let mut fence: Option<(char, usize)> = None;
    for (n, text) in src.lines() {
        if n as u32 >= line {
            break;
        }
        let t = text.trim_start();
        let Some(c) = t.chars().next().filter(|c| *c == '`' || *c == '~') else {
            continue;
        };
        let run = t.chars().take_while(|x| *x == c).count();
        if run < 3 {
            continue;
        }
        fence = match fence {
            None => Some((c, run)),
            Some((open, len)) if open == c && run >= len && t[run..].trim().is_empty() => None,
            other => other,
        };
    }
    fence.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences() {
        let src = SourceText::new(
            "GUIDE.md",
            "# Conflicts\n\n```text\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n```\n\n<<<<<<< HEAD\n"
                .into(),
        );
        assert!(in_fenced_code(&src, 4));
        assert!(!in_fenced_code(&src, 11));
        let src = SourceText::new("a.md", "~~~~\n```\n<<<<<<< HEAD\n~~~~\n".into());
        assert!(in_fenced_code(&src, 3));
    }

    #[test]
    fn test_data_folders() {
        assert!(is_test_data("tests/fixtures/conflict.txt"));
        assert!(is_test_data("pkg/merge/testdata/a.go"));
        assert!(!is_test_data("tests/test_merge.py"));
        assert!(!is_test_data("src/app.py"));
    }
}
