use super::pinning::evaluate;
use crate::prelude::*;

pub struct GithubActionsPinned;

static META: ControlMeta = ControlMeta {
    id: "CI015",
    slug: "github_actions_pinned",
    title: "GitHub-owned actions are pinned to a full commit SHA",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Pin `actions/*` and `github/*` actions to a commit SHA too (`actions/checkout@<sha> # v4.2.2`) and \
                  let Dependabot or Renovate update them.",
    references: &[
        "https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies",
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
    ],
    concepts: &[
        "pinned actions",
        "action pinning",
        "commit SHA",
        "supply chain",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every `uses:` of an action owned by GitHub (`actions/checkout`, `actions/setup-python`,
`github/codeql-action/...`) is pinned to a full 40-hex commit SHA, as the OpenSSF Scorecard
Pinned-Dependencies check requires.

Decision: Scorecard's rule is followed (every action pinned), but GitHub-owned actions are a
separate control with Low severity, because their publisher is the platform itself, already
trusted with the runner and the token; third-party actions (CI014) carry the real supply-chain
risk and are High.

## Why it matters in production

Tags of GitHub's own actions are moved on every release; pinning makes each workflow run
reproducible and keeps a compromised or buggy release from reaching the pipeline unreviewed.

## Example

Bad:

```yaml
      - uses: actions/checkout@v4
```

Good:

```yaml
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
```

## References

- OpenSSF Scorecard: Pinned-Dependencies
- GitHub: security hardening for GitHub Actions
"#,
};

impl Check for GithubActionsPinned {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        evaluate(ws, true, "no GitHub-owned action is used")
    }
}
