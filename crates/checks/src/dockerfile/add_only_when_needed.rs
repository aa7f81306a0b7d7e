use crate::prelude::*;
use vouch_workspace::dockerfile::split_words;

pub struct AddWhereCopyDoes;

static META: ControlMeta = ControlMeta {
    id: "DKR007",
    slug: "add_only_when_needed",
    title: "ADD is used only where COPY cannot do the job",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Use `COPY` for local files and folders. Download remote files with a verified checksum: \
                  `ADD --checksum=sha256:<hash> https://... /dst` or `curl -fsSLo f https://... && echo \"<hash>  f\" \
                  | sha256sum -c -`. Keep `ADD` for local tar archives that should be extracted, and pin git \
                  sources to a commit (`ADD https://github.com/org/repo.git#<commit-sha> /src`).",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#add-or-copy",
        "https://docs.docker.com/reference/dockerfile/#add",
        "https://github.com/hadolint/hadolint/wiki/DL3020",
        "https://www.cisecurity.org/benchmark/docker",
    ],
    concepts: &[
        "COPY instead of ADD",
        "ADD instruction",
        "remote download checksum",
        "build integrity",
        "supply chain",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every `ADD` must need one of ADD's extra features:

- a local tar archive (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`, `.tar.zst`...) that ADD
  extracts: fine;
- a remote URL: fine only with `--checksum=sha256:...`, which makes the build verify the
  download;
- a git repository URL: fine when pinned to a commit (`#<40-hex sha>`) or with `--checksum`.

`ADD` of ordinary local files and folders (`ADD . /app`, `ADD config.yml /etc/app/`) fails:
`COPY` does the same without the surprises. Sources from build arguments are resolved from
their defaults; a source that cannot be resolved is Unknown.

## Why it matters in production

`ADD` silently extracts archives and fetches URLs. A remote file fetched without a checksum
is whatever the server (or anyone in between) returns at build time, with no integrity check
and no reproducibility; a local `ADD` of a file that happens to be an archive unpacks it where
a copy was expected. COPY states the intent, and reviewers can trust it.

## Example

Bad:

```dockerfile
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
ADD . /app
```

Good:

```dockerfile
ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
    https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
COPY . /app
ADD vendor/geoip.tar.gz /usr/share/GeoIP/
```

## References

- Docker build best practices: ADD or COPY
- Dockerfile reference: ADD (`--checksum`)
- hadolint DL3020
- CIS Docker Benchmark 4.9 "Ensure that COPY is used instead of ADD"
"#,
};

const ARCHIVES: [&str; 12] = [
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz",
    ".tar.lzma",
];

impl Check for AddWhereCopyDoes {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            for stage in &df.stages {
                let stage_instrs: Vec<_> = df.stage_instructions(stage).iter().collect();
                for (at, instr) in stage_instrs.iter().enumerate() {
                    if instr.keyword != "ADD" {
                        continue;
                    }
                    let mut words = instr
                        .exec_args()
                        .unwrap_or_else(|| split_words(&instr.args));
                    words.pop(); // destination
                    let checksum = instr.flag("checksum").is_some();
                    if instr.heredoc.is_some() {
                        review.fail(finding_at(
                            src,
                            instr.line,
                            1,
                            "`ADD <<EOF` writes an inline file: `COPY <<EOF` does the same",
                        ));
                        continue;
                    }
                    let vars = super::variables(df, &stage_instrs[..at]);
                    for source in words {
                        let Some(source) = super::shell::expand_word(&source, &[], &vars) else {
                            review.unknown(format!(
                                "{}:{}: ADD source `{source}` comes from a build argument without a default",
                                src.path, instr.line
                            ));
                            continue;
                        };
                        let line = super::line_of(src, instr, "ADD");
                        let at = |msg: String| finding_at(src, line, 1, msg);
                        match kind(&source) {
                            Source::Git { pinned } if pinned || checksum => {
                                review.pass(at(format!("`ADD {source}` fetches a pinned git source")))
                            }
                            Source::Git { .. } => review.fail(at(format!(
                                "`ADD {source}` fetches a git branch or tag that can move: pin a commit SHA"
                            ))),
                            Source::Url if checksum => review.pass(at(format!(
                                "`ADD {source}` verifies the download with --checksum"
                            ))),
                            Source::Url => review.fail(at(format!(
                                "`ADD {source}` downloads without verifying a checksum"
                            ))),
                            Source::Archive => review.pass(at(format!(
                                "`ADD {source}` extracts a local archive"
                            ))),
                            Source::Local => review.fail(at(format!(
                                "`ADD {source}` copies a local path: use COPY"
                            ))),
                        }
                    }
                }
            }
        })
    }
}

enum Source {
    Git { pinned: bool },
    Url,
    Archive,
    Local,
}

fn kind(source: &str) -> Source {
    let lower = source.to_ascii_lowercase();
    let remote = ["http://", "https://", "ftp://", "git@", "git://", "ssh://"]
        .iter()
        .any(|p| lower.starts_with(p));
    if remote {
        let (url, fragment) = lower.split_once('#').unwrap_or((&lower, ""));
        let is_git =
            url.ends_with(".git") || lower.starts_with("git@") || lower.starts_with("git://");
        if is_git {
            let commit = fragment.split(':').next().unwrap_or("");
            let pinned = commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit());
            return Source::Git { pinned };
        }
        return Source::Url;
    }
    if ARCHIVES.iter().any(|a| lower.ends_with(a)) {
        Source::Archive
    } else {
        Source::Local
    }
}
