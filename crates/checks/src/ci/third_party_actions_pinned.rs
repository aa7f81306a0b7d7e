use super::pinning::evaluate;
use crate::prelude::*;

pub struct ThirdPartyActionsPinned;

static META: ControlMeta = ControlMeta {
    id: "CI014",
    slug: "third_party_actions_pinned",
    title: "Third-party GitHub Actions are pinned to a full commit SHA",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Replace `uses: owner/action@v3` with `uses: owner/action@<40-character commit SHA> # v3.1.2` and \
                  let Dependabot (`package-ecosystem: github-actions`) or Renovate keep the SHAs current.",
    references: &[
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
        "https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies",
        "https://www.cisa.gov/news-events/alerts/2025/03/18/supply-chain-compromise-third-party-tj-actionschanged-files-cve-2025-30066-and-reviewdogaction-setup-cve-2025-30154",
    ],
    concepts: &[
        "pinned actions",
        "action pinning",
        "commit SHA",
        "supply chain",
        "third-party actions",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every `uses:` of a GitHub workflow (steps, reusable-workflow calls, and the steps of local
composite actions) that refers to an action outside the `actions/` and `github/` organisations
is pinned to a full 40-hex commit SHA. Tags (`@v4`), branches (`@main`), short SHAs and
missing refs are reported, as are `docker://image:tag` references (pin `@sha256:`). Local
actions (`uses: ./.github/actions/x`) are part of the repository and need no pin. GitHub-owned
actions are checked separately by CI015 at a lower severity. Steps with `if: false` are ignored.

## Why it matters in production

A tag is a mutable pointer: whoever controls the action's repository (or steals its
credentials) can move `v3` to malicious code, which then runs in your pipeline with your
secrets and your deploy permissions. This happened to `tj-actions/changed-files` and
`reviewdog/action-setup` in March 2025. A commit SHA cannot be moved.

## Example

Bad:

```yaml
      - uses: docker/login-action@v3
```

Good:

```yaml
      - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772 # v3.4.0
```

## References

- GitHub: security hardening, using third-party actions
- OpenSSF Scorecard: Pinned-Dependencies
- CISA alert on the tj-actions/changed-files compromise (CVE-2025-30066)
"#,
};

impl Check for ThirdPartyActionsPinned {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        evaluate(ws, false, "no third-party action is used")
    }
}
