use super::committed;
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;
use vouch_workspace::SourceText;

pub struct Codeowners;

static META: ControlMeta = ControlMeta {
    id: "SEC009",
    slug: "codeowners",
    title: "A CODEOWNERS file assigns owners who review changes",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Add `.github/CODEOWNERS` (or `CODEOWNERS`, `docs/CODEOWNERS`, \
                  `.gitlab/CODEOWNERS`) with a catch-all rule and owners for sensitive paths, \
                  e.g. `* @acme/backend` and `/deploy/ @acme/platform`, and require code-owner \
                  review in branch protection.",
    references: &[
        "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners",
        "https://docs.gitlab.com/ee/user/project/codeowners/",
        "https://github.com/ossf/scorecard/blob/main/docs/checks.md#code-review",
    ],
    concepts: &[
        "CODEOWNERS",
        "code owners",
        "ownership",
        "code review",
        "required reviewers",
        "service owner",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A CODEOWNERS file exists where GitHub or GitLab reads it and assigns owners. The file used is
the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`, `.gitlab/CODEOWNERS`. It
must have at least one rule with an owner, and every owner must look like `@user`,
`@org/team` (GitLab: `@group/subgroup`) or an e-mail address: GitHub ignores a line with an
invalid owner, so that path silently has no owner. Rules without owners (which deliberately
clear ownership) and GitLab sections (`[Docs] @docs-team`, `^[Optional]`) are understood.
Whether the owners exist and have write access cannot be checked offline.

## Why it matters in production

Ownership answers "who must look at this change" and "who do we page about this code". With
required code-owner review, changes to deployment manifests, CI pipelines or authentication code
cannot merge without the people who understand them.

## Example

Bad (`CODEOWNERS`): owners without `@`, so GitHub ignores the lines:

```text
*           backend-team
/deploy/    platform
```

Good:

```text
*           @acme/backend
/deploy/    @acme/platform
/.github/   @acme/platform security@acme.example
```

## References

- GitHub: about code owners
- GitLab: code owners
- OpenSSF Scorecard: Code-Review check
"#,
};

const LOCATIONS: [&str; 4] = [
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

static OWNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:@[A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9][A-Za-z0-9_./-]*)?|[^@\s]+@[^@\s]+\.[^@\s]+)$")
        .expect("static regex")
});
static SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\^?\[[^\]]+\](?:\[\d+\])?(.*)$").expect("static regex"));

impl Check for Codeowners {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let Some(path) = LOCATIONS.iter().find(|p| ws.file(p).is_some_and(committed)) else {
            return Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    "no CODEOWNERS in .github/, the root, docs/ or .gitlab/",
                )],
            };
        };
        let Some(src) = ws.text(path) else {
            return Outcome::unknown(format!("{path} could not be read"));
        };
        let review = review(&src);
        if !review.invalid.is_empty() {
            return Outcome::Fail {
                findings: review.invalid,
            };
        }
        match review.first_owned {
            Some(line) => Outcome::pass_with(vec![finding_at(
                &src,
                line,
                1,
                format!("{} rule(s) with owners", review.owned_rules),
            )]),
            None => Outcome::Fail {
                findings: vec![finding_file(path, "CODEOWNERS assigns no owners")],
            },
        }
    }
}

struct Review {
    owned_rules: usize,
    first_owned: Option<u32>,
    invalid: Vec<Finding>,
}

fn review(src: &SourceText) -> Review {
    let mut out = Review {
        owned_rules: 0,
        first_owned: None,
        invalid: Vec::new(),
    };
    for (n, raw) in src.lines() {
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let owners: Vec<&str> = match SECTION.captures(line) {
            Some(caps) => caps
                .get(1)
                .map_or("", |m| m.as_str())
                .split_whitespace()
                .collect(),
            None => split_unescaped(line).into_iter().skip(1).collect(),
        };
        if owners.is_empty() {
            continue;
        }
        let bad: Vec<&str> = owners
            .iter()
            .copied()
            .filter(|o| !OWNER.is_match(o))
            .collect();
        if bad.is_empty() {
            out.owned_rules += 1;
            out.first_owned.get_or_insert(n as u32);
        } else {
            out.invalid.push(finding_at(
                src,
                n as u32,
                1,
                format!(
                    "`{}` is not a valid owner (use @user, @org/team or an e-mail): the platform ignores this line",
                    bad.join(" ")
                ),
            ));
        }
    }
    out
}

/// Drops a `#` comment (a `\#` in a pattern is literal).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1] != b'\\') {
            return &line[..i];
        }
    }
    line
}

/// Splits on whitespace that is not escaped (`docs/my\ file.md @a`).
fn split_unescaped(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = None;
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let space = b.is_ascii_whitespace() && (i == 0 || bytes[i - 1] != b'\\');
        match (space, start) {
            (true, Some(s)) => {
                parts.push(&line[s..i]);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        parts.push(&line[s..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> Review {
        review(&SourceText::new("CODEOWNERS", text.into()))
    }

    #[test]
    fn github_and_gitlab_syntax() {
        let ok =
            r("# owners\n* @acme/backend\n/docs/my\\ file.md @alice bob@acme.example\n/vendor/\n");
        assert_eq!(
            (ok.owned_rules, ok.first_owned, ok.invalid.len()),
            (2, Some(2), 0)
        );
        let gitlab = r("[Documentation] @docs-team\ndocs/\n^[Optional][2] @acme/group/sub\n*.rb\n");
        assert_eq!((gitlab.owned_rules, gitlab.invalid.len()), (2, 0));
        let bad = r("*  backend-team\n/deploy/ @acme/platform\n");
        assert_eq!((bad.owned_rules, bad.invalid.len()), (1, 1));
        let none = r("# TODO: add owners\n*\n");
        assert_eq!((none.owned_rules, none.invalid.len()), (0, 0));
    }
}
