use super::gate::{at_cmd, blind_spots, blocks, deployable, model};
use super::model::Cmd;
use crate::prelude::*;

pub struct LoadTests;

static META: ControlMeta = ControlMeta {
    id: "CI017",
    slug: "load_tests",
    title: "CI runs load or performance tests with pass/fail thresholds",
    area: Area::Scalability,
    severity: Severity::Medium,
    remediation: "Run a load test in CI that fails on regressions: k6 with `thresholds` in the script options \
                  (`http_req_duration: ['p(95)<300']`), locust `--headless` with `--exit-code-on-error 1` or a \
                  fail-ratio check, artillery with `ensure`, or Gatling assertions.",
    references: &[
        "https://grafana.com/docs/k6/latest/using-k6/thresholds/",
        "https://docs.locust.io/en/stable/configuration.html",
        "https://www.artillery.io/docs/reference/extensions/ensure",
        "https://docs.gatling.io/reference/script/core/assertions/",
    ],
    concepts: &[
        "load test",
        "performance test",
        "stress test",
        "k6",
        "locust",
        "latency budget",
        "performance regression",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For a repository that deploys a service, a pipeline step runs a load test that can fail:

- `k6 run script.js` (or `grafana/k6-action`/`run-k6-action`) whose script defines
  `thresholds` (the script is read);
- `locust --headless` with `--exit-code-on-error` (non-zero), `--check-fail-ratio`/
  `--check-avg-response-time`/`--check-rps`, or a locustfile that sets `process_exit_code`;
- `artillery run` with a script that uses `ensure`;
- Gatling (`mvn gatling:test`, `gradle gatlingRun`) with `assertions(` in a simulation;
- `vegeta attack` whose results are compared in the same script (`jq -e`, `awk`, `test`);
- JMeter through `jmeter-maven-plugin` with its `results` goal; Taurus (`bzt`) with `passfail`.

Load generators without thresholds (`hey`, `wrk`, `ab`, `bombardier`, plain `jmeter -n`, a k6
script without thresholds) are reported: they produce numbers nobody gates on. NotApplicable
for repositories that deploy nothing.

## Why it matters in production

Performance regressions are invisible to functional tests: an N+1 query or a missing index
passes every unit test and doubles p95 latency. A load test with thresholds turns the latency
budget into a build failure before users see it.

## Example

Bad: `k6 run load/smoke.js` where `smoke.js` has no `thresholds`.

Good:

```js
export const options = {
  vus: 20, duration: '1m',
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(95)<300'] },
};
```

## References

- k6 thresholds; Locust configuration; Artillery `ensure`; Gatling assertions
"#,
};

enum Verdict {
    Threshold(String),
    Missing(String),
    Unreadable(String),
}

/// Finds `needle` in the repository file `rel`: Some(line) / None; Err when unreadable.
fn find_in(ws: &Workspace, rel: &str, needles: &[&str]) -> Result<Option<u32>, String> {
    let text = ws
        .text(rel)
        .ok_or_else(|| format!("`{rel}` is not in the repository"))?;
    Ok(text
        .lines()
        .find(|(_, l)| {
            let t = l.trim_start();
            !t.starts_with("//") && !t.starts_with('#') && needles.iter().any(|n| l.contains(n))
        })
        .map(|(n, _)| n as u32))
}

fn script_verdict(
    ws: &Workspace,
    c: &Cmd,
    script: Option<&str>,
    needles: &[&str],
    tool: &str,
) -> Verdict {
    let Some(script) = script else {
        return Verdict::Unreadable(format!("{tool} script not named on the command line"));
    };
    let rel = super::model::join_path(&c.cwd, script);
    match find_in(ws, &rel, needles) {
        Ok(Some(line)) => Verdict::Threshold(format!("{} at {rel}:{line}", needles[0])),
        Ok(None) => Verdict::Missing(format!("{rel} defines no `{}`", needles[0])),
        Err(why) => Verdict::Unreadable(why),
    }
}

fn load_run(ws: &Workspace, c: &Cmd, block: &[&Cmd]) -> Option<(&'static str, Verdict)> {
    let p = c.prog();
    let ends = |o: &&str, exts: &[&str]| exts.iter().any(|e| o.ends_with(e));
    Some(match p {
        "k6" if matches!(c.sub(), Some("run" | "cloud")) => {
            let script = c
                .operands()
                .skip(1)
                .find(|o| ends(o, &[".js", ".ts", ".mjs", ".cjs"]));
            let config = c.flag_value("--config").or_else(|| c.flag_value("-c"));
            let v = match config
                .map(|cfg| find_in(ws, &super::model::join_path(&c.cwd, cfg), &["thresholds"]))
            {
                Some(Ok(Some(line))) => Verdict::Threshold(format!(
                    "thresholds at {}:{line}",
                    config.unwrap_or_default()
                )),
                _ => script_verdict(ws, c, script, &["thresholds"], "k6"),
            };
            ("k6", v)
        }
        "locust" => {
            let code = c
                .flag_value("--exit-code-on-error")
                .is_some_and(|v| v != "0");
            let checks = [
                "--check-fail-ratio",
                "--check-avg-response-time",
                "--check-rps",
            ]
            .iter()
            .any(|f| c.has_flag(f));
            let v = if code || checks {
                Verdict::Threshold("pass/fail options on the command line".into())
            } else {
                let file = c
                    .flag_value("-f")
                    .or_else(|| c.flag_value("--locustfile"))
                    .unwrap_or("locustfile.py");
                match script_verdict(ws, c, Some(file), &["process_exit_code"], "locust") {
                    Verdict::Missing(_) => Verdict::Missing("no `--exit-code-on-error`, `--check-fail-ratio` or `process_exit_code` in the locustfile".into()),
                    other => other,
                }
            };
            ("locust", v)
        }
        "artillery" if c.sub().is_some_and(|s| s.starts_with("run")) => {
            let script = c
                .operands()
                .skip(1)
                .find(|o| ends(o, &[".yml", ".yaml", ".json"]));
            (
                "artillery",
                script_verdict(ws, c, script, &["ensure"], "artillery"),
            )
        }
        "vegeta" if c.sub() == Some("attack") => {
            let compared = block.iter().any(|b| {
                (b.prog() == "jq" && b.has_flag("-e"))
                    || matches!(b.prog(), "awk" | "test" | "[" | "[[") && b.line_text.contains('<')
                    || b.line_text.contains(" -gt ")
                    || b.line_text.contains(" -lt ")
            });
            let v = if compared {
                Verdict::Threshold("results compared in the same script".into())
            } else {
                Verdict::Missing("results are never compared to a threshold".into())
            };
            ("vegeta", v)
        }
        "mvn" | "gradle" | "gatling.sh" | "gatling"
            if p.starts_with("gatling")
                || c.operands()
                    .any(|o| o.contains("gatling:test") || o.starts_with("gatlingRun")) =>
        {
            let found = ws
                .files
                .iter()
                .filter(|f| f.rel.contains("Simulation") || f.rel.contains("gatling"))
                .find_map(|f| {
                    find_in(ws, &f.rel, &["assertions("])
                        .ok()
                        .flatten()
                        .map(|l| format!("assertions at {}:{l}", f.rel))
                });
            let v = match found {
                Some(at) => Verdict::Threshold(at),
                None => Verdict::Missing("no simulation declares `assertions(`".into()),
            };
            ("Gatling", v)
        }
        "mvn" if c.operands().any(|o| o.contains("jmeter:jmeter")) => {
            let v = if c.operands().any(|o| o.contains("jmeter:results")) {
                Verdict::Threshold("jmeter:results fails on errors".into())
            } else {
                Verdict::Missing("no `jmeter:results` goal".into())
            };
            ("JMeter", v)
        }
        "bzt" => {
            let cfg = c.operands().find(|o| ends(o, &[".yml", ".yaml", ".json"]));
            (
                "Taurus",
                script_verdict(ws, c, cfg, &["passfail"], "Taurus"),
            )
        }
        "jmeter" if c.has_flag("-n") => (
            "JMeter",
            Verdict::Missing(
                "JMeter in CLI mode does not fail on assertion or latency failures".into(),
            ),
        ),
        "hey" | "wrk" | "ab" | "bombardier" | "autocannon" | "oha" | "siege" => (
            "load generator",
            Verdict::Missing(format!("`{p}` has no pass/fail thresholds")),
        ),
        _ => return None,
    })
}

impl Check for LoadTests {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let Some(service) = deployable(ws) else {
            return Outcome::not_applicable(
                "no deployable service (no Dockerfile, compose file, Kubernetes manifest or API spec)",
            );
        };
        let m = model(ws);
        if m.files.is_empty() {
            return Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    format!(
                        "the repository deploys a service ({service}), but there is no CI pipeline, so no load or performance test runs"
                    ),
                )],
            };
        }
        let blocks = blocks(&m);
        let (mut evidence, mut findings, mut unreadable) = (Vec::new(), Vec::new(), Vec::new());
        for c in m.gate_cmds() {
            let block = blocks.get(&c.block).map(Vec::as_slice).unwrap_or(&[]);
            let Some((tool, verdict)) = load_run(ws, c, block) else {
                continue;
            };
            match verdict {
                Verdict::Threshold(at) => evidence.push(at_cmd(
                    c,
                    format!("{tool} load test with thresholds ({at}): {}", c.describe()),
                )),
                Verdict::Missing(why) => findings.push(at_cmd(
                    c,
                    format!("{tool} runs without pass/fail thresholds: {why}"),
                )),
                Verdict::Unreadable(why) => {
                    unreadable.push(format!("{}:{}: {why}", c.path, c.line))
                }
            }
        }
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        if !unreadable.is_empty() {
            return Outcome::unknown(format!(
                "a load test runs but its thresholds cannot be read: {}",
                unreadable.join("; ")
            ));
        }
        if findings.is_empty() {
            if let Some(blind) = blind_spots(&m) {
                return Outcome::unknown(format!(
                    "no load test found in the readable part of the pipeline; vouch cannot read {blind}"
                ));
            }
            findings.push(finding_file(".", format!("the repository deploys a service ({service}), but no CI step runs a load or performance test with thresholds (k6, locust, artillery, Gatling)")));
        }
        Outcome::Fail { findings }
    }
}
