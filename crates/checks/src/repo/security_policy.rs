use super::committed;
use crate::prelude::*;

pub struct SecurityPolicy;

static META: ControlMeta = ControlMeta {
    id: "SEC008",
    slug: "security_policy",
    title: "A security policy tells people how to report vulnerabilities",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Add `SECURITY.md` (at the root, in `.github/` or in `docs/`) that says which \
                  versions get fixes and how to report a vulnerability privately (a security \
                  e-mail address or the platform's private vulnerability reporting), and what \
                  response time to expect.",
    references: &[
        "https://docs.github.com/en/code-security/getting-started/adding-a-security-policy-to-your-repository",
        "https://github.com/ossf/scorecard/blob/main/docs/checks.md#security-policy",
        "https://cheatsheetseries.owasp.org/cheatsheets/Vulnerability_Disclosure_Cheat_Sheet.html",
    ],
    concepts: &[
        "security policy",
        "SECURITY.md",
        "vulnerability disclosure",
        "responsible disclosure",
        "security contact",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A non-empty security policy is committed: `SECURITY.md` (or `SECURITY.rst`, `SECURITY.txt`,
`SECURITY`, any case) at the repository root, in `.github/` or in `docs/` — the places GitHub and
GitLab look for it. A file with only whitespace or a heading does not count. Without git, every
file in the tree counts as committed.

## Why it matters in production

Someone who finds a vulnerability in the service needs a private channel to report it. Without
one, reports arrive as public issues (disclosing the flaw to everyone) or not at all. The policy
also tells the team itself who handles security reports and how fast.

## Example

Bad: no `SECURITY.md` anywhere.

Good (`SECURITY.md`):

```markdown
# Security policy

Please report vulnerabilities privately to security@example.com or through
GitHub's "Report a vulnerability" button. We answer within 2 working days.
Only the latest release receives security fixes.
```

## References

- GitHub: adding a security policy to your repository
- OpenSSF Scorecard: Security-Policy check
- OWASP Vulnerability Disclosure Cheat Sheet
"#,
};

const NAMES: [&str; 4] = ["security.md", "security.rst", "security.txt", "security"];
const DIRS: [&str; 3] = ["", ".github/", "docs/"];

impl Check for SecurityPolicy {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let candidates = ws.files.iter().filter(|f| {
            let lower = f.rel.to_ascii_lowercase();
            committed(f)
                && DIRS.iter().any(|d| {
                    lower
                        .strip_prefix(d)
                        .is_some_and(|name| NAMES.contains(&name))
                })
        });
        let mut findings = Vec::new();
        for f in candidates {
            let substantive = ws.text(&f.rel).is_some_and(|t| has_content(&t.text));
            if substantive {
                return Outcome::pass_with(vec![finding_file(&f.rel, "security policy")]);
            }
            findings.push(finding_file(
                &f.rel,
                "the security policy is empty: it does not say how to report a vulnerability",
            ));
        }
        if findings.is_empty() {
            findings.push(finding_file(
                ".",
                "no SECURITY.md at the root, in .github/ or in docs/",
            ));
        }
        Outcome::Fail { findings }
    }
}

/// More than blank lines and headings (`# Title` or a `Title` / `=====` pair).
fn has_content(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let is_underline = |l: &str| !l.is_empty() && l.chars().all(|c| c == '=' || c == '-');
    lines.iter().enumerate().any(|(i, l)| {
        !l.is_empty()
            && !l.starts_with('#')
            && !is_underline(l)
            && !lines.get(i + 1).is_some_and(|next| is_underline(next))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content() {
        assert!(!has_content("# Security\n\n"));
        assert!(!has_content("Security\n========\n"));
        assert!(has_content("# Security\nMail security@example.com\n"));
    }
}
