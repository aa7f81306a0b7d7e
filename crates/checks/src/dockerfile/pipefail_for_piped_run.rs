use super::shell::{Command, commands, run_script};
use crate::prelude::*;

pub struct PipeWithoutPipefail;

static META: ControlMeta = ControlMeta {
    id: "DKR017",
    slug: "pipefail_for_piped_run",
    title: "RUN pipelines fail the build when any command in them fails (pipefail)",
    area: Area::Deployment,
    severity: Severity::Low,
    remediation: "Set the shell once per stage: `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (Alpine: \
                  `SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]`), or start the RUN with `set -o pipefail &&`. \
                  Debian's /bin/sh (dash) has no pipefail, hence bash.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#using-pipes",
        "https://github.com/hadolint/hadolint/wiki/DL4006",
        "https://www.gnu.org/software/bash/manual/html_node/Pipelines.html",
    ],
    concepts: &[
        "pipefail",
        "build failure",
        "silent failure",
        "SHELL instruction",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A shell-form RUN (any stage) with a pipe (`curl -fsSL ... | tar -xz`) must run with
`pipefail`: a `SHELL` instruction earlier in the stage (or in a stage it is built `FROM`) with
`-o pipefail`, or `set -o pipefail` (`set -euo pipefail`, `set -eo pipefail`) at the start of
the RUN or its heredoc script. Pipes whose left side cannot fail meaningfully (`echo`,
`printf`, `yes`, `true`) are fine, and so are exec-form RUNs and stages whose SHELL is
PowerShell or cmd.

## Why it matters in production

Without pipefail a pipeline's status is that of its last command: `curl https://... | tar -xz`
succeeds when the download fails (tar happily extracts nothing), `wget -O- ... | gpg --dearmor
> key.gpg` writes an empty key. The build goes green and the image ships without the tool or
with a broken keyring, which surfaces only in production.

## Example

Bad:

```dockerfile
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
```

Good:

```dockerfile
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
```

## References

- Docker build best practices: using pipes
- hadolint DL4006
- GNU Bash manual: pipelines
"#,
};

const HARMLESS: [&str; 4] = ["echo", "printf", "yes", "true"];

impl Check for PipeWithoutPipefail {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            for stage in &df.stages {
                let chain = super::stage_chain(df, stage);
                let inherited: Vec<_> = chain[..chain.len() - 1]
                    .iter()
                    .flat_map(|s| df.stage_instructions(s).iter())
                    .collect();
                let mut shell = inherited
                    .iter()
                    .rev()
                    .find(|i| i.keyword == "SHELL")
                    .map(|i| i.args.clone());
                for instr in df.stage_instructions(stage) {
                    if instr.keyword == "SHELL" {
                        shell = Some(instr.args.clone());
                        continue;
                    }
                    if instr.keyword != "RUN" || instr.exec_args().is_some() {
                        continue;
                    }
                    let shell_text = shell.as_deref().unwrap_or("").to_ascii_lowercase();
                    if shell_text.contains("powershell")
                        || shell_text.contains("pwsh")
                        || shell_text.contains("cmd")
                    {
                        continue;
                    }
                    if shell_text.contains("pipefail") {
                        continue;
                    }
                    let script = run_script(instr);
                    let cmds = commands(&script);
                    if let Some((left, right)) = unguarded_pipe(&cmds) {
                        review.fail(super::finding_in(
                            src,
                            instr,
                            &left,
                            format!("RUN pipes `{left}` into `{right}` without pipefail: a failure of `{left}` does not fail the build"),
                        ));
                    }
                }
            }
        })
    }
}

/// The first pipeline whose left side can fail unnoticed (no `set -o pipefail` before it):
/// (failing program, last program).
fn unguarded_pipe(cmds: &[Command]) -> Option<(String, String)> {
    let mut pipefail = false;
    let mut i = 0;
    while i < cmds.len() {
        let c = &cmds[i];
        if c.program() == "set"
            && c.words
                .windows(2)
                .any(|w| w[1] == "pipefail" && w[0].starts_with('-') && w[0].ends_with('o'))
        {
            pipefail = true;
        }
        let mut end = i;
        while end + 1 < cmds.len() && cmds[end + 1].piped {
            end += 1;
        }
        if end > i
            && !pipefail
            && let Some(risky) = cmds[i..end]
                .iter()
                .find(|c| !HARMLESS.contains(&c.program()))
        {
            return Some((risky.program().to_string(), cmds[end].program().to_string()));
        }
        i = end + 1;
    }
    None
}
