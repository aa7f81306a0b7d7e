use super::shell::{commands, run_script};
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

pub struct PipeToShell;

static META: ControlMeta = ControlMeta {
    id: "DKR010",
    slug: "no_pipe_to_shell",
    title: "Remote scripts are not piped into a shell during the build",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Download the script or binary to a file, verify it against a published checksum or \
                  signature, then run it: `curl -fsSLo install.sh https://... && echo \"<sha256>  install.sh\" | \
                  sha256sum -c - && sh install.sh`. Better, install from the distribution's package manager or \
                  copy the tool from its official image (`COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/`).",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#run",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
        "https://slsa.dev/spec/v1.0/threats",
        "https://cwe.mitre.org/data/definitions/494.html",
    ],
    concepts: &[
        "curl pipe to shell",
        "curl | sh",
        "remote script execution",
        "download integrity",
        "supply chain",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No RUN in any stage pipes a download into an interpreter: `curl ... | sh`, `wget -qO- ... |
bash`, `curl ... | sudo bash -s -- -y`, `curl ... | python3`, nor runs a download directly
with `sh -c "$(curl ...)"`, `bash <(curl ...)` or `. <(wget -O- ...)`. Downloads piped into
`sha256sum`, `gpg`, `tar` or `jq` are fine, and heredoc bodies that are data (`RUN cat <<EOF
> file`) are not read as commands.

## Why it matters in production

The build runs whatever the server returns, as root, without a checksum: a compromised
download host, a hijacked domain or a man-in-the-middle becomes code execution in your image,
and nothing in the build would notice. The script also changes under you between builds, so
two builds of the same commit can differ.

## Example

Bad:

```dockerfile
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
```

Good:

```dockerfile
COPY --from=node:20.11-bookworm-slim /usr/local/bin/node /usr/local/bin/node
```

## References

- Docker build best practices: RUN
- OWASP Docker Security Cheat Sheet
- SLSA threats: compromised source and dependencies
- CWE-494: Download of Code Without Integrity Check
"#,
};

const INTERPRETERS: [&str; 13] = [
    "sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node", "php",
    "pwsh",
];
const DOWNLOADERS: [&str; 3] = ["curl", "wget", "fetch"];

static SUBSTITUTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:\b(?:sh|bash|zsh|ash|dash|eval)\s+(?:-\w+\s+)*["']?\$\(|(?:\b(?:sh|bash|zsh|source)|(?:^|[;&|]\s*)\.)\s+<\()\s*(?:curl|wget)\b"#)
        .expect("static regex")
});

impl Check for PipeToShell {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            for instr in df.instructions.iter().filter(|i| i.keyword == "RUN") {
                let script = run_script(instr);
                let cmds = commands(&script);
                let mut found = None;
                for (i, c) in cmds.iter().enumerate() {
                    let interpreter = c.program();
                    let is_interpreter =
                        INTERPRETERS.contains(&interpreter) || interpreter.starts_with("python3.");
                    if !(c.piped && is_interpreter) {
                        continue;
                    }
                    // Walk back through the pipeline to its first command.
                    let mut j = i;
                    while j > 0 && cmds[j].piped {
                        j -= 1;
                        if DOWNLOADERS.contains(&cmds[j].program()) {
                            found = Some((cmds[j].program().to_string(), interpreter.to_string()));
                            break;
                        }
                    }
                    if found.is_some() {
                        break;
                    }
                }
                if let Some((downloader, interpreter)) = found {
                    let line = (instr.line..=instr.end_line)
                        .find(|&n| {
                            let l = src.line(n as usize);
                            l.contains(&downloader) && l.contains('|')
                        })
                        .or_else(|| {
                            (instr.line..=instr.end_line).find(|&n| {
                                src.line(n as usize).contains(&format!("| {interpreter}"))
                            })
                        })
                        .unwrap_or_else(|| super::line_of(src, instr, &downloader));
                    review.fail(finding_at(
                        src,
                        line,
                        1,
                        format!("`{downloader}` output is piped into `{interpreter}`: the build runs an unverified remote script"),
                    ));
                } else if let Some(m) = SUBSTITUTED.find(&script) {
                    let text = m.as_str();
                    let downloader = if text.contains("wget") {
                        "wget"
                    } else {
                        "curl"
                    };
                    review.fail(super::finding_in(
                        src,
                        instr,
                        downloader,
                        format!(
                            "the build runs a downloaded script directly (`{}...`)",
                            text.trim()
                        ),
                    ));
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_forms() {
        assert!(SUBSTITUTED.is_match(r#"sh -c "$(curl -fsSL https://x/i.sh)""#));
        assert!(SUBSTITUTED.is_match("bash <(curl -s https://x/i.sh)"));
        assert!(SUBSTITUTED.is_match("true && . <(wget -qO- https://x/env)"));
        assert!(!SUBSTITUTED.is_match("VERSION=\"$(curl -s https://x/v.txt)\""));
    }
}
