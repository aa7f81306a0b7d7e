use super::gate::{model, stacks};
use super::model::stacks::Stack;
use crate::prelude::*;
use vouch_workspace::{Node, YamlRole};

pub struct DependencyUpdates;

static META: ControlMeta = ControlMeta {
    id: "CI013",
    slug: "dependency_updates",
    title: "Dependency updates are automated (Dependabot or Renovate)",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Add `.github/dependabot.yml` with an `updates:` entry for each package ecosystem (`pip`, `npm`, \
                  `gomod`, `cargo`, `maven`/`gradle`, ...), or a Renovate configuration (`renovate.json`).",
    references: &[
        "https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference",
        "https://docs.renovatebot.com/configuration-options/",
        "https://github.com/ossf/scorecard/blob/main/docs/checks.md#dependency-update-tool",
    ],
    concepts: &[
        "dependabot",
        "renovate",
        "dependency updates",
        "automated dependency updates",
        "patch management",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Renovate is configured (`renovate.json`, `renovate.json5`, `.renovaterc`, `.renovaterc.json`,
`.github/renovate.json`, `.gitlab/renovate.json`, or a `renovate` key in `package.json`, and
not `"enabled": false`), or Dependabot is: `.github/dependabot.yml` parses and its `updates:`
list has a `package-ecosystem` for every language stack of the repository (`pip`/`uv`/`poetry`
for Python, `npm`/`bun` for JavaScript, `gomod`, `cargo`, `maven`/`gradle`, `bundler`,
`composer`, `nuget`). A Dependabot file that only updates GitHub Actions while the service is a
Go module is reported for Go. NotApplicable when the repository has no dependencies to update
(no language stack, no Dockerfile, no workflow).

## Why it matters in production

Vulnerability audits say what is wrong; update automation is what fixes it continuously.
Without it, dependencies fall years behind and the eventual upgrade becomes a risky project
instead of a weekly routine (OpenSSF Scorecard "Dependency-Update-Tool").

## Example

Bad: `.github/dependabot.yml` updates only `github-actions` in a Python service.

Good:

```yaml
version: 2
updates:
  - package-ecosystem: pip
    directory: /
    schedule: { interval: weekly }
  - package-ecosystem: github-actions
    directory: /
    schedule: { interval: weekly }
```

## References

- Dependabot options reference; Renovate configuration options
- OpenSSF Scorecard: Dependency-Update-Tool
"#,
};

const RENOVATE_FILES: [&str; 10] = [
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
    ".renovaterc.yaml",
];

fn ecosystems(stack: Stack) -> &'static [&'static str] {
    match stack {
        Stack::Python => &["pip", "pipenv", "poetry", "uv"],
        Stack::Node => &["npm", "bun", "yarn", "pnpm"],
        Stack::Go => &["gomod"],
        Stack::Rust => &["cargo"],
        Stack::Jvm => &["maven", "gradle"],
        Stack::Ruby => &["bundler"],
        Stack::Php => &["composer"],
        Stack::Dotnet => &["nuget", "dotnet-sdk"],
    }
}

/// A Renovate configuration: Ok(evidence) when enabled, Err(finding) when disabled.
fn renovate(ws: &Workspace) -> Option<Result<Finding, Finding>> {
    for path in RENOVATE_FILES {
        let Some(text) = ws.text(path) else {
            continue;
        };
        let disabled = serde_json::from_str::<serde_json::Value>(&text.text)
            .ok()
            .and_then(|v| v.get("enabled").and_then(serde_json::Value::as_bool))
            == Some(false);
        if disabled {
            let line = text
                .lines()
                .find(|(_, l)| l.contains("\"enabled\""))
                .map_or(1, |(n, _)| n as u32);
            let msg =
                "Renovate is disabled (`\"enabled\": false`), so dependency updates are manual";
            return Some(Err(finding_at(&text, line, 1, msg)));
        }
        return Some(Ok(finding_file(path, "Renovate is configured")));
    }
    let text = ws.text("package.json")?;
    let json: serde_json::Value = serde_json::from_str(&text.text).ok()?;
    json.get("renovate")?;
    let line = text
        .lines()
        .find(|(_, l)| l.contains("\"renovate\""))
        .map_or(1, |(n, _)| n as u32);
    Some(Ok(finding_at(
        &text,
        line,
        1,
        "Renovate is configured in package.json",
    )))
}

impl Check for DependencyUpdates {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let renovate = renovate(ws);
        if let Some(Ok(evidence)) = renovate {
            return Outcome::pass_with(vec![evidence]);
        }
        let st = stacks(ws);
        let files: Vec<_> = ws.yaml_with_role(YamlRole::Dependabot).collect();
        if let (true, Some(Err(disabled))) = (files.is_empty(), renovate) {
            return Outcome::Fail {
                findings: vec![disabled],
            };
        }
        if files.is_empty() {
            let has_deps =
                !st.0.is_empty() || !ws.dockerfiles.is_empty() || !model(ws).files.is_empty();
            if !has_deps {
                return Outcome::not_applicable("no dependencies to update");
            }
            return Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    "no Dependabot (.github/dependabot.yml) or Renovate configuration: dependency updates are manual",
                )],
            };
        }
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        for f in files {
            let docs = match &f.docs {
                Ok(d) => d,
                Err(e) => {
                    findings.push(finding_at(
                        &f.text,
                        e.line,
                        e.column,
                        format!("Dependabot configuration does not parse: {}", e.message),
                    ));
                    continue;
                }
            };
            let updates = docs.iter().find_map(|d| d.root.get("updates"));
            let updates_key = docs.iter().find_map(|d| d.root.get_key("updates"));
            let Some(updates) = updates.filter(|u| !u.items().is_empty()) else {
                findings.push(finding_at(
                    &f.text,
                    1,
                    1,
                    "Dependabot configuration has no `updates:` entry, so it updates nothing",
                ));
                continue;
            };
            let configured: Vec<(&str, &Node)> = updates
                .items()
                .iter()
                .filter_map(|u| {
                    let n = u.get("package-ecosystem")?;
                    Some((n.as_str()?, n))
                })
                .collect();
            for s in &st.0 {
                match configured.iter().find(|(e, _)| ecosystems(s.stack).contains(e)) {
                    Some((e, n)) => evidence.push(finding_node(&f.text, n, format!("Dependabot updates {} dependencies (`{e}`)", s.stack.name()))),
                    None => findings.push(finding_node(
                        &f.text,
                        updates_key.unwrap_or(updates),
                        format!(
                            "Dependabot does not update {} dependencies ({}): no `package-ecosystem: {}` entry",
                            s.stack.name(),
                            s.evidence,
                            ecosystems(s.stack)[0]
                        ),
                    )),
                }
            }
            if st.0.is_empty() {
                evidence.push(finding_node(&f.text, updates, "Dependabot is configured"));
            }
        }
        Outcome::from_findings(findings, evidence)
    }
}
