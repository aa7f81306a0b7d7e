use crate::data::support::deployable::deployment_artifact;
use crate::data::support::paths::{is_docs_or_example, is_vendored};
use crate::data::support::text::{column_of, is_comment, read_head};
use crate::data::support::with_message;
use crate::data::support::yaml_files::for_each_yaml;
use crate::prelude::*;
use vouch_workspace::{FileKind, Lang, YamlRole};

pub struct LoadTestScripts;

static META: ControlMeta = ControlMeta {
    id: "TST004",
    slug: "load_test_scripts",
    title: "Load tests are scripted in the repository",
    area: Area::Scalability,
    severity: Severity::Medium,
    remediation: "Script a load test next to the code and run it before releases: a k6 script \
                  (`import http from 'k6/http'` with thresholds), a `locustfile.py`, an \
                  Artillery YAML scenario, a Gatling simulation, a JMeter plan, or a Vegeta \
                  attack in CI. Target a staging environment, never production by accident.",
    references: &[
        "https://grafana.com/docs/k6/latest/",
        "https://docs.locust.io/en/stable/",
        "https://www.artillery.io/docs",
        "https://docs.gatling.io/",
    ],
    concepts: &[
        "load testing",
        "performance testing",
        "stress test",
        "k6",
        "locust",
        "capacity test",
        "soak test",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A deployed service must have a load-test script: a k6 script (JavaScript/TypeScript importing
`k6` or `k6/http`), a Locust file (`from locust import`), an Artillery scenario (YAML with
`config.target` and `scenarios`), a Gatling simulation (`extends Simulation`), a JMeter test plan
(`*.jmx`), a Taurus configuration, or a load generator invoked from a script, Makefile or CI
pipeline (`k6 run`, `locust -f`, `artillery run`, `vegeta attack`, `wrk`, `hey`, `ghz`).
Copies inside `node_modules/` or `vendor/` and examples in documentation do not count.
NotApplicable when nothing is deployed from the repository.

## Why it matters in production

Capacity problems show up at the worst time: a launch, a sale, a retry storm. Without a
repeatable load test nobody knows the service's limits, whether the last release made
latency worse, or how many replicas the next traffic peak needs.

## Example

Bad: "we tested it with a few curl loops once".

Good: `load/checkout.js`

```js
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  vus: 50,
  duration: '5m',
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<400'] },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/products`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
```

## References

- Grafana k6, Locust, Artillery and Gatling documentation
"#,
};

/// Path words under which load-test scripts live; other JavaScript is not read.
const LOAD_WORDS: [&str; 9] = [
    "k6", "load", "perf", "stress", "soak", "spike", "bench", "locust", "gatling",
];

/// Commands that generate load, in scripts, Makefiles and CI pipelines.
const COMMANDS: [(&str, &str); 9] = [
    ("k6 run", "k6"),
    ("locust -f", "Locust"),
    ("locust --", "Locust"),
    ("artillery run", "Artillery"),
    ("vegeta attack", "Vegeta"),
    ("wrk -", "wrk"),
    ("hey -", "hey"),
    ("ghz ", "ghz"),
    ("gatling:test", "Gatling"),
];

impl Check for LoadTestScripts {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let artifact = match deployment_artifact(ws) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let mut evidence = scripts(ws);
        evidence.extend(artillery(ws));
        evidence.extend(commands(ws));
        if !evidence.is_empty() {
            evidence.truncate(5);
            return Outcome::pass_with(evidence);
        }
        Outcome::Fail {
            findings: vec![with_message(
                &artifact,
                format!(
                    "the repository deploys a service ({}), but has no load-test script (k6, Locust, Artillery, Gatling, JMeter, Vegeta)",
                    artifact.message
                ),
            )],
        }
    }
}

fn candidate(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    LOAD_WORDS.iter().any(|w| lower.contains(w))
}

/// k6, Locust, Gatling and JMeter files.
fn scripts(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in &ws.files {
        if f.binary {
            continue;
        }
        let name = f.lowercase_name();
        let (needles, what): (&[&str], &str) = match f.kind {
            FileKind::Source(Lang::JavaScript | Lang::TypeScript) if candidate(&f.rel) => (
                &["from 'k6", "from \"k6", "require('k6", "require(\"k6"],
                "k6 script",
            ),
            FileKind::Source(Lang::Python) if name == "locustfile.py" || candidate(&f.rel) => {
                (&["from locust import", "import locust"], "Locust file")
            }
            _ if name.ends_with(".jmx") => (&["<jmeterTestPlan"], "JMeter test plan"),
            _ if (name.ends_with(".scala") || name.ends_with(".java") || name.ends_with(".kt"))
                && candidate(&f.rel) =>
            {
                (&["extends Simulation", "io.gatling"], "Gatling simulation")
            }
            _ => continue,
        };
        if f.class.vendored() || f.class.docs_or_example() {
            continue;
        }
        let Some(head) = read_head(ws, &f.rel, 16 * 1024) else {
            continue;
        };
        // Path words such as `load` match many files (`payload.ts`): one search of the whole
        // head rules out most of them before any line is looked at.
        if !needles.iter().any(|needle| head.contains(needle)) {
            continue;
        }
        let hit = head.lines().enumerate().find_map(|(n, l)| {
            if is_comment(&f.rel, l) {
                return None;
            }
            needles
                .iter()
                .find_map(|needle| l.find(needle).map(|at| (n, column_of(l, at))))
        });
        if let (Some((n, col)), Some(src)) = (hit, ws.text(&f.rel)) {
            out.push(finding_at(
                &src,
                n as u32 + 1,
                col,
                format!("{what} `{}`", f.rel),
            ));
        }
    }
    out
}

/// Artillery scenarios and Taurus configurations (YAML).
fn artillery(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for_each_yaml(ws, &["scenarios"], |y| {
        if is_vendored(y.path()) || is_docs_or_example(y.path()) {
            return;
        }
        for doc in y.docs() {
            let root = &doc.root;
            let Some(scenarios) = root.get_key("scenarios") else {
                continue;
            };
            if root.path(&["config", "target"]).is_some() {
                out.push(finding_node(y.text, scenarios, "Artillery scenario"));
            } else if root.get("execution").is_some() {
                out.push(finding_node(
                    y.text,
                    scenarios,
                    "Taurus load-test configuration",
                ));
            }
        }
    });
    out
}

/// Load generators run from scripts, Makefiles and CI pipelines.
fn commands(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in &ws.files {
        let name = f.name();
        // `ws.yaml` is sorted by path: a binary search, not a scan per file.
        let ci = || {
            f.kind == FileKind::Yaml
                && ws
                    .yaml
                    .binary_search_by(|y| y.path.as_str().cmp(&f.rel))
                    .is_ok_and(|i| matches!(ws.yaml[i].role, YamlRole::Ci(_)))
        };
        let runnable =
            f.kind == FileKind::Shell || name == "Makefile" || name == "Justfile" || ci();
        if !runnable || f.class.vendored() || f.class.docs_or_example() {
            continue;
        }
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        let hit = src.lines().find_map(|(n, l)| {
            if is_comment(&f.rel, l) {
                return None;
            }
            COMMANDS.iter().find_map(|(cmd, tool)| {
                let at = l.find(cmd)?;
                let starts_word = at == 0 || !l.as_bytes()[at - 1].is_ascii_alphanumeric();
                starts_word.then(|| (n, column_of(l, at), *tool))
            })
        });
        if let Some((n, col, tool)) = hit {
            out.push(finding_at(
                &src,
                n as u32,
                col,
                format!("{tool} load test run from `{}`", f.rel),
            ));
        }
    }
    out
}
