use crate::prelude::*;
use vouch_workspace::{YamlFile, YamlRole, is_docs_or_example_path, is_test_path};

pub struct ComposeFilesParse;

static META: ControlMeta = ControlMeta {
    id: "CMP001",
    slug: "compose_files_parse",
    title: "Compose files are valid YAML with a well-formed structure",
    area: Area::Deployment,
    severity: Severity::High,
    remediation: "Fix the reported line: resolve merge-conflict markers (`<<<<<<<`, `=======`, \
                  `>>>>>>>`), fix indentation or quoting, and keep `services:` a mapping of \
                  service names to mappings. `docker compose config` validates the result.",
    references: &[
        "https://docs.docker.com/reference/compose-file/",
        "https://docs.docker.com/reference/cli/docker/compose/config/",
        "https://yaml.org/spec/1.2.2/",
    ],
    concepts: &[
        "compose file valid",
        "docker compose config",
        "valid yaml",
        "merge conflict",
        "deployment configuration parses",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every compose file (`docker-compose*.yml`, `compose*.yaml`, and YAML files shaped like one)
outside test and documentation folders must parse as YAML, hold no merge-conflict markers,
and have the structure compose expects: a mapping at the top, `services:` a mapping, each
service a mapping. The finding points at the line the parser stopped on.

## Why it matters in production

A compose file that does not parse stops the deployment (`docker compose up` refuses it),
usually at the worst moment: after a merge, on the server. Conflict markers are the classic
cause: a merge resolved in a hurry leaves `<<<<<<< HEAD` in the file, and every other review
of that file (healthchecks, limits, credentials) is blind until it is fixed.

## Example

Bad:

```yaml
services:
  web:
<<<<<<< HEAD
    image: ghcr.io/acme/web:1.4.0
=======
    image: ghcr.io/acme/web:1.5.0
>>>>>>> release/1.5
```

Good:

```yaml
services:
  web:
    image: ghcr.io/acme/web:1.5.0
```

## References

- Compose file reference
- `docker compose config` (validates and prints the merged configuration)
- YAML 1.2 specification
"#,
};

impl Check for ComposeFilesParse {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let files: Vec<&YamlFile> = ws
            .yaml_with_role(YamlRole::Compose)
            .filter(|f| !is_test_path(&f.path) && !is_docs_or_example_path(&f.path))
            .collect();
        if files.is_empty() {
            return Outcome::not_applicable("no compose file in the repository");
        }
        let (mut findings, mut evidence) = (Vec::new(), Vec::new());
        for file in files {
            let before = findings.len();
            let markers: Vec<_> = ws
                .facts
                .conflict_markers
                .iter()
                .filter(|h| h.path == file.path)
                .collect();
            for hit in &markers {
                findings.push(finding_at(
                    &file.text,
                    hit.line,
                    hit.column,
                    "merge-conflict markers: the conflict was never resolved",
                ));
            }
            match &file.docs {
                // The markers are why it does not parse; the parser's message adds nothing.
                Err(_) if !markers.is_empty() => {}
                Err(e) => findings.push(finding_at(
                    &file.text,
                    e.line.max(1),
                    e.column,
                    format!("invalid YAML: {}", e.message),
                )),
                Ok(docs) => {
                    for doc in docs {
                        structure_problems(file, &doc.root, &mut findings);
                    }
                }
            }
            if findings.len() == before {
                let services = file
                    .docs()
                    .first()
                    .and_then(|d| d.root.get("services"))
                    .map_or(0, |s| s.entries().count());
                evidence.push(finding_file(
                    &file.path,
                    format!("parses ({services} services)"),
                ));
            }
        }
        Outcome::from_findings(findings, evidence)
    }
}

fn structure_problems(file: &YamlFile, root: &Node, findings: &mut Vec<Finding>) {
    if root.is_null() {
        return;
    }
    if root.as_map().is_none() {
        findings.push(finding_node(
            &file.text,
            root,
            "the top level is not a mapping: compose expects keys such as `services:`",
        ));
        return;
    }
    let Some(services) = root.get("services") else {
        return;
    };
    if services.is_null() {
        return;
    }
    if services.as_map().is_none() {
        findings.push(finding_node(
            &file.text,
            services,
            "`services:` must map service names to their definitions",
        ));
        return;
    }
    for (key, svc) in services.as_map().unwrap_or(&[]) {
        if svc.as_map().is_none() {
            let name = key.as_str().unwrap_or("?");
            findings.push(finding_node(
                &file.text,
                key,
                format!("service `{name}` is not a mapping"),
            ));
        }
    }
}
