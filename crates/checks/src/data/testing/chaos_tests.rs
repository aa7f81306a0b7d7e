use crate::data::support::deployable::deployment_artifact;
use crate::data::support::paths::{file_name, is_docs_or_example, is_product_path, is_vendored};
use crate::data::support::terraform::Terraform;
use crate::data::support::test_files::{Marker, TestFiles};
use crate::data::support::with_message;
use crate::data::support::yaml_files::for_each_yaml;
use crate::prelude::*;
use vouch_workspace::{FileKind, YamlRole};

pub struct ChaosTests;

static META: ControlMeta = ControlMeta {
    id: "TST005",
    slug: "chaos_tests",
    title: "Failure modes are exercised by chaos or fault-injection tests",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Inject the failures you expect and check the service survives them: Chaos \
                  Mesh or Litmus experiments (pod kill, network delay, partition), Chaos Toolkit \
                  experiments with a steady-state hypothesis, Toxiproxy in integration tests \
                  (slow or dropped database connections), Istio fault injection, or AWS FIS \
                  experiment templates.",
    references: &[
        "https://principlesofchaos.org/",
        "https://chaos-mesh.org/docs/",
        "https://litmuschaos.io/",
        "https://github.com/Shopify/toxiproxy",
        "https://chaostoolkit.org/reference/api/experiment/",
    ],
    concepts: &[
        "chaos engineering",
        "chaos testing",
        "fault injection",
        "resilience testing",
        "game day",
        "toxiproxy",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A deployed service must have at least one chaos or fault-injection test: Chaos Mesh resources
(`chaos-mesh.org`), Litmus resources (`litmuschaos.io`), Chaos Toolkit experiments (JSON or
YAML with `steady-state-hypothesis` and `method`), Toxiproxy or failpoints used in tests or run
in a compose file, Pumba, Istio `VirtualService` routes with a `fault` block, or AWS FIS and
Azure Chaos Studio experiments in Terraform. Examples and vendored copies do not count.
NotApplicable when nothing is deployed from the repository.

## Why it matters in production

Timeouts, retries, circuit breakers and failover are code paths that never run until the day
they are needed. Without exercising them, a dependency that slows down (rather than failing
cleanly) exhausts every worker, a zone loss turns into a full outage, and the retry policy
becomes a self-inflicted denial of service.

## Example

Bad: resilience settings that have never been exercised.

Good: `chaos/orders-db-latency.yaml`

```yaml
apiVersion: chaos-mesh.org/v1alpha1
kind: NetworkChaos
metadata:
  name: orders-db-latency
spec:
  action: delay
  mode: all
  selector:
    labelSelectors:
      app: orders-db
  delay:
    latency: 500ms
  duration: 10m
```

## References

- Principles of Chaos Engineering
- Chaos Mesh, LitmusChaos, Toxiproxy and Chaos Toolkit documentation
"#,
};

impl Check for ChaosTests {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let artifact = match deployment_artifact(ws) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let mut evidence = Vec::new();
        for doc in ws.k8s_docs().filter(|d| is_product_path(&d.file.path)) {
            let group = doc.api_version.split('/').next().unwrap_or("");
            let at = doc.root.get("kind").unwrap_or(doc.root);
            let name = doc.name().unwrap_or("?");
            if group == "chaos-mesh.org" || group == "litmuschaos.io" {
                let tool = if group == "chaos-mesh.org" {
                    "Chaos Mesh"
                } else {
                    "Litmus"
                };
                evidence.push(finding_node(
                    &doc.file.text,
                    at,
                    format!("{tool} {} `{name}`", doc.kind),
                ));
            } else if doc.kind == "VirtualService" {
                let routes = doc
                    .root
                    .path(&["spec", "http"])
                    .map_or(&[][..], Node::items);
                if let Some(fault) = routes.iter().find_map(|r| r.get_key("fault")) {
                    evidence.push(finding_node(
                        &doc.file.text,
                        fault,
                        format!("Istio fault injection in VirtualService `{name}`"),
                    ));
                }
            }
        }
        for t in &TestFiles::get(ws).files {
            if let Some((Marker::Fault(tool), line, col)) = t
                .markers
                .iter()
                .find(|(m, _, _)| matches!(m, Marker::Fault(_)))
            {
                evidence.push(t.finding(*line, *col, format!("{tool} fault injection in tests")));
            }
        }
        evidence.extend(compose_tools(ws));
        evidence.extend(chaos_toolkit(ws));
        for block in Terraform::get(ws).resources(&[
            "aws_fis_experiment_template",
            "azurerm_chaos_studio_experiment",
        ]) {
            evidence.push(finding_at(
                &block.src,
                block.line,
                1,
                format!(
                    "fault-injection experiment `{}.{}`",
                    block.rtype, block.name
                ),
            ));
        }
        if !evidence.is_empty() {
            evidence.truncate(5);
            return Outcome::pass_with(evidence);
        }
        Outcome::Fail {
            findings: vec![with_message(
                &artifact,
                format!(
                    "the repository deploys a service ({}), but no chaos or fault-injection test exists (Chaos Mesh, Litmus, Chaos Toolkit, Toxiproxy, Istio faults, AWS FIS)",
                    artifact.message
                ),
            )],
        }
    }
}

/// Toxiproxy or Pumba containers in compose files.
fn compose_tools(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for file in ws.yaml_with_role(YamlRole::Compose) {
        if is_vendored(&file.path) || is_docs_or_example(&file.path) {
            continue;
        }
        for doc in file.docs() {
            for (name, svc) in doc
                .root
                .get("services")
                .map_or_else(Vec::new, |s| s.entries().collect())
            {
                let Some(image) = svc.get("image") else {
                    continue;
                };
                let repo = image.as_str().unwrap_or("").split(':').next().unwrap_or("");
                let tool = match file_name(repo) {
                    "toxiproxy" => "Toxiproxy",
                    "pumba" => "Pumba",
                    _ => continue,
                };
                out.push(finding_node(
                    &file.text,
                    image,
                    format!("{tool} runs in compose service `{name}`"),
                ));
            }
        }
    }
    out
}

/// Chaos Toolkit experiments (JSON or YAML).
fn chaos_toolkit(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for_each_yaml(ws, &["steady-state-hypothesis"], |y| {
        if is_vendored(y.path()) || is_docs_or_example(y.path()) {
            return;
        }
        if let Some(at) = y.docs().iter().find_map(|d| {
            d.root.get("method")?;
            d.root.get_key("steady-state-hypothesis")
        }) {
            out.push(finding_node(y.text, at, "Chaos Toolkit experiment"));
        }
    });
    for f in ws.files_of(FileKind::Json) {
        if f.class.vendored() || f.class.docs_or_example() {
            continue;
        }
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        if !src.text.contains("\"steady-state-hypothesis\"") {
            continue;
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&src.text) else {
            continue;
        };
        if value.get("method").is_some() && value.get("steady-state-hypothesis").is_some() {
            let line = src
                .lines()
                .find(|(_, l)| l.contains("\"steady-state-hypothesis\""))
                .map_or(1, |(n, _)| n as u32);
            out.push(finding_at(&src, line, 1, "Chaos Toolkit experiment"));
        }
    }
    out
}
