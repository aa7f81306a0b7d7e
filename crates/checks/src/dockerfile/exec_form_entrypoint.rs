use super::shell::is_shell;
use crate::prelude::*;
use vouch_workspace::Instruction;

pub struct ShellFormEntrypoint;

static META: ControlMeta = ControlMeta {
    id: "DKR012",
    slug: "exec_form_entrypoint",
    title: "ENTRYPOINT and CMD use exec form so the process receives stop signals",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Write `CMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]` instead of `CMD gunicorn -b \
                  0.0.0.0:8000 app:app`. When a shell is needed (variable expansion), end with `exec`: \
                  `CMD exec gunicorn -b 0.0.0.0:$PORT app:app`, or run an init such as tini: \
                  `ENTRYPOINT [\"tini\", \"--\"]`.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#entrypoint",
        "https://docs.docker.com/reference/build-checks/json-args-recommended/",
        "https://github.com/hadolint/hadolint/wiki/DL3025",
        "https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/",
    ],
    concepts: &[
        "graceful shutdown",
        "exec form",
        "SIGTERM",
        "signal handling",
        "PID 1",
        "init process",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The final image's effective `ENTRYPOINT` and `CMD` (the last ones in the final stage or the
stages it is built `FROM`) must start the service as PID 1 or under an init:

- exec form (`CMD ["node", "server.js"]`) passes;
- shell form (`CMD node server.js`) fails, unless it starts with `exec`;
- exec form that only wraps a shell (`["sh", "-c", "node server.js"]`) fails unless the script
  starts with `exec`;
- a JSON-looking form that is not valid JSON (`CMD ["node" "server.js"]`, single quotes) is run
  by Docker as a shell command and fails;
- an `ENTRYPOINT` running tini, dumb-init, catatonit or s6 (`/init`) makes any CMD fine.

A final image with neither keeps its base image's command and passes.

## Why it matters in production

With the shell form Docker runs `/bin/sh -c "node server.js"`: the shell is PID 1 and does not
forward SIGTERM. On every deploy, scale-in or node drain the service never hears the stop
request, cannot finish in-flight requests or close connections, and is killed with SIGKILL
after the grace period — dropped requests and slow rollouts, every time.

## Example

Bad:

```dockerfile
CMD python -m uvicorn app.main:app --host 0.0.0.0
```

Good:

```dockerfile
CMD ["python", "-m", "uvicorn", "app.main:app", "--host", "0.0.0.0"]
```

## References

- Dockerfile reference: ENTRYPOINT (exec and shell forms)
- Docker build check JSONArgsRecommended
- hadolint DL3025
- Kubernetes: container termination and signals
"#,
};

const INITS: [&str; 6] = [
    "tini",
    "dumb-init",
    "catatonit",
    "docker-init",
    "init",
    "s6-svscan",
];

impl Check for ShellFormEntrypoint {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            let chain = super::final_chain(df);
            let last = |keyword: &str| {
                chain.iter().enumerate().rev().find_map(|(n, s)| {
                    df.stage_instructions(s)
                        .iter()
                        .rev()
                        .find(|i| i.keyword == keyword)
                        .map(|i| (n, i))
                })
            };
            let entrypoint = last("ENTRYPOINT");
            // An ENTRYPOINT resets a CMD inherited from an earlier stage.
            let cmd = last("CMD").filter(|(n, _)| entrypoint.is_none_or(|(e, _)| *n >= e));
            let (entrypoint, cmd) = (entrypoint.map(|(_, i)| i), cmd.map(|(_, i)| i));
            if entrypoint.is_none() && cmd.is_none() {
                return;
            }
            if let Some(e) = entrypoint {
                match problem(e) {
                    Some(p) => {
                        review.fail(finding_at(src, e.line, 1, p));
                        return;
                    }
                    None if runs_init(e) => {
                        review.pass(finding_at(
                            src,
                            e.line,
                            1,
                            "ENTRYPOINT runs an init that forwards signals",
                        ));
                        return;
                    }
                    None => review.pass(finding_at(
                        src,
                        e.line,
                        1,
                        "ENTRYPOINT passes stop signals to the service",
                    )),
                }
            }
            if let Some(c) = cmd {
                match problem(c) {
                    Some(p) => review.fail(finding_at(src, c.line, 1, p)),
                    None => review.pass(finding_at(
                        src,
                        c.line,
                        1,
                        "CMD passes stop signals to the service",
                    )),
                }
            }
        })
    }
}

/// Why this CMD/ENTRYPOINT keeps signals from the service, if it does.
fn problem(i: &Instruction) -> Option<String> {
    let k = &i.keyword;
    let args = i.args.trim();
    match i.exec_args() {
        Some(words) => {
            let wraps_shell = words.first().is_some_and(|w| is_shell(w))
                && words
                    .get(1)
                    .is_some_and(|f| f.starts_with('-') && f.ends_with('c'));
            let script = words.get(2).map(|s| s.trim_start()).unwrap_or("");
            (wraps_shell && !script.starts_with("exec ")).then(|| {
                format!(
                    "{k} runs `{} -c` without `exec`: the shell, not the service, receives SIGTERM",
                    words[0]
                )
            })
        }
        None if args.starts_with('[') => Some(format!(
            "{k} looks like exec form but is not valid JSON (double quotes and commas), so Docker runs it through /bin/sh"
        )),
        None if args.starts_with("exec ") => None,
        None => Some(format!(
            "{k} uses shell form: /bin/sh becomes PID 1 and does not forward SIGTERM to the service"
        )),
    }
}

fn runs_init(i: &Instruction) -> bool {
    i.exec_args()
        .and_then(|w| w.first().cloned())
        .map(|p| p.rsplit('/').next().unwrap_or(&p).to_string())
        .is_some_and(|p| INITS.contains(&p.as_str()) || p.starts_with("tini"))
}
