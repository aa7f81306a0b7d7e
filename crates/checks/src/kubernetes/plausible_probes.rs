use super::objects::{Field, Object, Text};
use super::scan::{Which, each_workload};
use super::workloads::Container;
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;
use vouch_workspace::FileKind;

pub struct ImplausibleProbes;

static META: ControlMeta = ControlMeta {
    id: "K8S004",
    slug: "plausible_probes",
    title: "Probes check something real",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Point the readiness probe at the application's readiness endpoint (one that checks \
                  its dependencies) and the liveness probe at a cheap liveness endpoint; replace \
                  `exec: [true]`-style commands with a real check; make named probe ports match a \
                  declared container port.",
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/reference/using-api/health-checks/",
        "https://srcco.de/posts/kubernetes-liveness-probes-are-dangerous.html",
    ],
    concepts: &[
        "health check endpoint",
        "readiness endpoint",
        "liveness endpoint",
        "meaningful healthcheck",
        "probe configuration",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every probe of every container must be able to tell a healthy container from a broken one:

- an `exec` probe must not be a command that always succeeds (`true`, `/bin/true`, `exit 0`,
  `sh -c "echo ok"`, `:`, `ls /`, `date`);
- a probe on a *named* port (`port: http`) must name a port the container declares — otherwise
  the probe can never succeed;
- the liveness and readiness probes must not call the same HTTP path and port when the
  application has a separate readiness endpoint (a route such as `/readyz`, `/ready`,
  `/health/ready` or `/readiness` appears in the source code).

Templated probe fields are skipped (Unknown when nothing else can be judged).

## Why it matters in production

A probe that always passes is worse than none: dashboards show green while the container is
wedged. A probe on an undeclared named port fails forever, so the pod never becomes ready or is
restarted in a loop. And when readiness reuses the liveness endpoint although the service has a
readiness check, a database outage makes Kubernetes restart every replica (liveness failing)
instead of just taking them out of rotation.

## Example

Bad:

```yaml
livenessProbe:
  exec:
    command: ["true"]
readinessProbe:
  httpGet: { path: /healthz, port: web }   # the container declares `http`, not `web`
```

Good:

```yaml
livenessProbe:
  httpGet: { path: /healthz, port: http }
readinessProbe:
  httpGet: { path: /readyz, port: http }
```

## References

- Kubernetes: Liveness, Readiness, and Startup Probes
- Kubernetes API health endpoints (`/livez`, `/readyz`)
- Henning Jacobs: Kubernetes Liveness Probes are Dangerous
"#,
};

const PROBES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];

impl Check for ImplausibleProbes {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut readiness_route: Option<Option<String>> = None;
        each_workload(
            ws,
            Which::All,
            |w, v| {
                let obj = w.obj;
                for c in &w.containers {
                    let mut judged = false;
                    for key in PROBES {
                        let probe = match obj.field(c.node, key) {
                            Field::Present(p) => p,
                            Field::Unknown(at) => {
                                v.unknown(obj.unknown_reason(at, &format!("the {key}")));
                                continue;
                            }
                            Field::Absent => continue,
                        };
                        judged = true;
                        judge_probe(obj, c, key, probe, v);
                    }
                    if let Some((path, node)) = same_http_target(obj, c.node) {
                        let route = readiness_route
                            .get_or_insert_with(|| find_readiness_route(ws))
                            .clone();
                        if let Some(route) = route {
                            let why = if route == path {
                                "the readiness endpoint: a dependency outage makes the liveness probe restart every replica".to_string()
                            } else {
                                format!(
                                    "but the application serves a separate readiness endpoint (`{route}`)"
                                )
                            };
                            v.fail(obj.finding(
                                node,
                                format!(
                                    "liveness and readiness probes of {} in {} both call `{path}`, {why}",
                                    c.label(),
                                    obj.display()
                                ),
                            ));
                        }
                    }
                    if judged {
                        v.pass(obj.finding(
                            c.node,
                            format!(
                                "probes of {} in {} check real endpoints",
                                c.label(),
                                obj.display()
                            ),
                        ));
                    }
                }
            },
            "no probe is defined in the Kubernetes workloads of the repository",
        )
    }
}

fn judge_probe(
    obj: &Object,
    c: &Container<'_>,
    key: &str,
    probe: &Node,
    v: &mut super::verdict::Verdict,
) {
    if let Some(cmd) = probe.path(&["exec", "command"]) {
        let words: Vec<&str> = cmd.items().iter().filter_map(Node::as_str).collect();
        if trivially_true(&words) {
            v.fail(obj.finding(
                cmd,
                format!(
                    "the {key} of {} in {} runs `{}`, which always succeeds",
                    c.label(),
                    obj.display(),
                    words.join(" ")
                ),
            ));
        }
    }
    for handler in ["httpGet", "tcpSocket", "grpc"] {
        let Some(port) = probe.path(&[handler, "port"]) else {
            continue;
        };
        let Text::Known(name) = obj.text(port) else {
            continue;
        };
        if name.parse::<u32>().is_ok() {
            continue;
        }
        let declared = match obj.field(c.node, "ports") {
            Field::Present(p) => p.items(),
            Field::Absent => &[],
            Field::Unknown(_) => continue,
        };
        if declared.iter().any(|p| {
            super::objects::is_hole(p)
                || p.get("name").is_some_and(|n| obj.text(n) == Text::Unknown)
        }) {
            continue;
        }
        if !declared
            .iter()
            .any(|p| p.get("name").and_then(Node::as_str) == Some(name))
        {
            v.fail(obj.finding(
                port,
                format!(
                    "the {key} of {} in {} targets port `{name}`, which the container does not declare: the probe can never succeed",
                    c.label(),
                    obj.display()
                ),
            ));
        }
    }
}

/// Commands that exit 0 whatever the container's state.
fn trivially_true(words: &[&str]) -> bool {
    let script = match words {
        [shell, flag, script]
            if is_shell(shell) && flag.starts_with('-') && flag.ends_with('c') =>
        {
            script.trim()
        }
        _ => &words.join(" "),
    };
    let script = script.trim().trim_end_matches(';').trim();
    let always = [
        "true",
        "/bin/true",
        "/usr/bin/true",
        ":",
        "exit 0",
        "",
        "echo",
        "ls",
        "ls /",
        "pwd",
        "date",
        "whoami",
        "hostname",
        "id",
        "uptime",
    ];
    always.contains(&script)
        || script.starts_with("echo ") && !script.contains(['|', '&', ';', '>', '$', '`'])
}

fn is_shell(word: &str) -> bool {
    matches!(
        word.rsplit('/').next().unwrap_or(word),
        "sh" | "bash" | "ash" | "dash" | "zsh"
    )
}

/// When liveness and readiness are HTTP probes on the same path and port: the path, and the
/// readiness path node.
fn same_http_target<'a>(obj: &Object, container: &'a Node) -> Option<(String, &'a Node)> {
    let target = |key: &str| -> Option<(&'a Node, &'a Node)> {
        let get = container.path(&[key, "httpGet"])?;
        Some((get.get("path")?, get.get("port")?))
    };
    let (lp, lport) = target("livenessProbe")?;
    let (rp, rport) = target("readinessProbe")?;
    let (Text::Known(l), Text::Known(r)) = (obj.text(lp), obj.text(rp)) else {
        return None;
    };
    let (Text::Known(a), Text::Known(b)) = (obj.text(lport), obj.text(rport)) else {
        return None;
    };
    (l == r && a == b).then(|| (l.to_string(), rp))
}

static READY_ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"["'`](/(?:[A-Za-z0-9_.-]+/)*(?:readyz|ready|readiness)(?:/[A-Za-z0-9_.-]*)?)["'`]"#,
    )
    .expect("static regex")
});

/// Source files read at most when looking for a readiness route.
const MAX_SOURCES: usize = 5_000;
const MAX_SOURCE_BYTES: u64 = 1 << 20;

/// A readiness route literal in the application's (non-test) source code.
fn find_readiness_route(ws: &Workspace) -> Option<String> {
    ws.files
        .iter()
        .filter(|f| {
            matches!(f.kind, FileKind::Source(_)) && !f.binary && f.size <= MAX_SOURCE_BYTES
        })
        .filter(|f| !f.class.test())
        .take(MAX_SOURCES)
        .find_map(|f| {
            let text = ws.text(&f.rel)?;
            READY_ROUTE.captures(&text.text).map(|c| c[1].to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_commands() {
        assert!(trivially_true(&["true"]));
        assert!(trivially_true(&["/bin/sh", "-c", "exit 0"]));
        assert!(trivially_true(&["sh", "-c", "echo ok"]));
        assert!(!trivially_true(&["sh", "-c", "pg_isready -U app"]));
        assert!(!trivially_true(&["/app/worker", "healthcheck"]));
        assert!(!trivially_true(&[
            "sh",
            "-c",
            "echo ping | nc localhost 6379"
        ]));
    }

    #[test]
    fn readiness_routes() {
        let m = |s: &str| READY_ROUTE.captures(s).map(|c| c[1].to_string());
        assert_eq!(
            m(r#"app.get("/readyz", ready)"#).as_deref(),
            Some("/readyz")
        );
        assert_eq!(
            m(r#"@app.get('/health/ready')"#).as_deref(),
            Some("/health/ready")
        );
        assert_eq!(m(r#"r.HandleFunc("/healthz", h)"#), None);
        assert_eq!(m(r#"log("already done")"#), None);
    }
}
