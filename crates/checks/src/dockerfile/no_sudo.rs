use super::packages;
use super::shell::{commands, run_script};
use crate::prelude::*;

pub struct SudoInImage;

static META: ControlMeta = ControlMeta {
    id: "DKR013",
    slug: "no_sudo",
    title: "Images neither use nor install sudo",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Run privileged build steps before `USER` switches away from root (RUN already runs as root \
                  by default), then switch to the unprivileged user. If a step must run as another user, use \
                  `USER` around it or `gosu`/`su-exec` in an entrypoint; do not ship sudo in the image.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#user",
        "https://github.com/hadolint/hadolint/wiki/DL3004",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "sudo",
        "privilege escalation",
        "least privilege",
        "non-root",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No RUN instruction in any stage runs `sudo` as a command (`sudo apt-get install ...`,
`curl ... | sudo bash`), and the final image (the last stage and the stages it is built
`FROM`) does not install the `sudo` package with apt, apk, yum or dnf. The word sudo in
strings, comments or file contents (`echo "app ALL=..." > /etc/sudoers.d/app` without the
package) is not a finding by itself.

## Why it matters in production

Build steps already run as root, so `sudo` in a RUN means the Dockerfile switched to a user and
then escalates back: the image ships sudo and a sudoers rule, and an attacker who gets code
execution as the "unprivileged" user becomes root with one command. sudo also behaves badly as
PID 1 or in a TTY-less container (signals, environment).

## Example

Bad:

```dockerfile
USER app
RUN sudo apt-get update && sudo apt-get install -y curl
```

Good:

```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
USER app
```

## References

- Docker build best practices: USER (avoid sudo)
- hadolint DL3004
- OWASP Docker Security Cheat Sheet
"#,
};

impl Check for SudoInImage {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            for instr in df.instructions.iter().filter(|i| i.keyword == "RUN") {
                let uses = commands(&run_script(instr)).iter().any(|c| {
                    c.words
                        .first()
                        .is_some_and(|w| w == "sudo" || w.ends_with("/sudo"))
                });
                if uses {
                    review.fail(super::finding_in(
                        src,
                        instr,
                        "sudo",
                        "RUN uses sudo: build steps already run as root, and the image ships a privilege-escalation path",
                    ));
                }
            }
            let chain = super::final_chain(df);
            let instructions = super::chain_instructions(df, &chain);
            for (at, instr) in instructions.iter().enumerate() {
                if instr.keyword != "RUN" {
                    continue;
                }
                let vars = super::variables(df, &instructions[..at]);
                let run = packages::of_run(instr, &vars);
                let (removed, _) = run.removed(&vars);
                let installs = run.installs.iter().any(|i| {
                    i.manager != packages::Manager::Pip
                        && i.packages.iter().any(|p| packages::base_name(p) == "sudo")
                });
                if installs && !removed.contains("sudo") {
                    review.fail(super::finding_in(
                        src,
                        instr,
                        "sudo",
                        "the final image installs the sudo package",
                    ));
                }
            }
        })
    }
}
