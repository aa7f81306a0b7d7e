use super::packages::{self, Manager};
use crate::prelude::*;

pub struct SshServerInImage;

static META: ControlMeta = ControlMeta {
    id: "DKR014",
    slug: "no_ssh_server",
    title: "Images do not run an SSH server or expose port 22",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Remove openssh-server/dropbear and `EXPOSE 22`. Debug running containers with `docker exec`, \
                  `kubectl exec` or `kubectl debug`, which go through the orchestrator's authentication and \
                  audit log. An SSH client (`openssh-client`) for git or scp is fine.",
    references: &[
        "https://www.cisecurity.org/benchmark/docker",
        "https://docs.docker.com/reference/cli/docker/container/exec/",
        "https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    concepts: &["ssh", "sshd", "port 22", "remote access", "attack surface"],
    since: "0.1.0",
    doc: r#"## What it checks

The final image (the last stage and the stages it is built `FROM`) must not:

- `EXPOSE 22` (also `22/tcp`, a range that contains 22, or a build argument whose default is
  22);
- install an SSH server: `openssh-server`, `dropbear` (apt, apk, yum, dnf) or apk's
  `openssh` (which includes sshd); the `openssh-client` package is fine;
- start `sshd` from `CMD` or `ENTRYPOINT`.

## Why it matters in production

An SSH daemon in a container is a second way in that bypasses the orchestrator: its own keys
or passwords to manage and rotate, no audit trail in the cluster, and one more network service
to patch. It also means the container runs more than one process, so the real service is no
longer PID 1. `kubectl exec` and `docker exec` cover the debugging use case.

## Example

Bad:

```dockerfile
RUN apt-get update && apt-get install -y openssh-server
EXPOSE 22 8080
CMD ["/usr/sbin/sshd", "-D"]
```

Good:

```dockerfile
EXPOSE 8080
CMD ["/app/server"]
```

## References

- CIS Docker Benchmark 5.6 "Ensure sshd is not run within containers"
- Docker CLI: docker exec
- Kubernetes: debug running pods
- OWASP Docker Security Cheat Sheet
"#,
};

impl Check for SshServerInImage {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            let chain = super::final_chain(df);
            let instructions = super::chain_instructions(df, &chain);
            for (at, instr) in instructions.iter().enumerate() {
                let vars = super::variables(df, &instructions[..at]);
                match instr.keyword.as_str() {
                    "EXPOSE" => {
                        for port in instr.args.split_whitespace() {
                            let port = super::shell::expand_word(port, &[], &vars)
                                .unwrap_or_else(|| port.to_string());
                            if exposes_22(&port) {
                                review.fail(finding_at(
                                    src,
                                    instr.line,
                                    1,
                                    format!("the image exposes the SSH port (`EXPOSE {port}`)"),
                                ));
                            }
                        }
                    }
                    "RUN" => {
                        let run = packages::of_run(instr, &vars);
                        for install in &run.installs {
                            let server = install.packages.iter().find(|p| {
                                let n = packages::base_name(p);
                                n == "openssh-server"
                                    || n == "dropbear"
                                    || n == "openssh" && install.manager == Manager::Apk
                            });
                            if let Some(server) = server {
                                review.fail(super::finding_in(
                                    src,
                                    instr,
                                    server,
                                    format!("the final image installs the SSH server `{server}`"),
                                ));
                            }
                        }
                    }
                    "CMD" | "ENTRYPOINT" => {
                        let words = instr.exec_args().unwrap_or_else(|| {
                            instr.args.split_whitespace().map(str::to_string).collect()
                        });
                        if words.iter().any(|w| w.rsplit('/').next() == Some("sshd")) {
                            review.fail(finding_at(
                                src,
                                instr.line,
                                1,
                                format!("{} starts sshd", instr.keyword),
                            ));
                        }
                    }
                    _ => {}
                }
            }
        })
    }
}

/// `22`, `22/tcp`, or a range such as `20-25/tcp` containing 22.
fn exposes_22(port: &str) -> bool {
    let number = port.split('/').next().unwrap_or(port);
    let proto_tcp = port
        .split('/')
        .nth(1)
        .is_none_or(|p| p.eq_ignore_ascii_case("tcp"));
    let range = match number.split_once('-') {
        Some((a, b)) => (a.parse::<u32>().ok(), b.parse::<u32>().ok()),
        None => (number.parse().ok(), number.parse().ok()),
    };
    proto_tcp && matches!(range, (Some(a), Some(b)) if a <= 22 && 22 <= b)
}
