use super::packages::{self, Install, Manager};
use crate::prelude::*;
use vouch_workspace::Instruction;

pub struct PackageCacheLeft;

static META: ControlMeta = ControlMeta {
    id: "DKR008",
    slug: "package_cache_hygiene",
    title: "Package installs skip recommended packages and leave no caches in the image",
    area: Area::Deployment,
    severity: Severity::Low,
    remediation: "In the same RUN as the install: `apt-get install -y --no-install-recommends ... && rm -rf \
                  /var/lib/apt/lists/*`; `apk add --no-cache ...`; `dnf install -y ... && dnf clean all`; \
                  `pip install --no-cache-dir ...` (or `ENV PIP_NO_CACHE_DIR=1`). A BuildKit cache mount \
                  (`RUN --mount=type=cache,target=/var/cache/apt ...`) also keeps caches out of the layer.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#apt-get",
        "https://github.com/hadolint/hadolint/wiki/DL3009",
        "https://github.com/hadolint/hadolint/wiki/DL3015",
        "https://github.com/hadolint/hadolint/wiki/DL3019",
        "https://github.com/hadolint/hadolint/wiki/DL3042",
    ],
    concepts: &[
        "package cache",
        "no-install-recommends",
        "image size",
        "layer hygiene",
        "apt-get clean",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every package install in the final image (the last stage and the stages it is built `FROM`;
build stages are not shipped) must leave no package-manager cache in its layer and, for apt,
skip recommended packages:

- `apt-get install` / `apt install`: `--no-install-recommends` (or an earlier
  `APT::Install-Recommends "false"` setting) and `rm -rf /var/lib/apt/lists/*` in the same RUN;
- `apk add`: `--no-cache` (or `rm -rf /var/cache/apk/*` in the same RUN);
- `yum`/`dnf`/`microdnf install`: `yum clean all` / `dnf clean all` (or removing
  `/var/cache/yum`, `/var/cache/dnf`) in the same RUN;
- `pip install`: `--no-cache-dir` (or `PIP_NO_CACHE_DIR` set with ENV, or removing
  `~/.cache/pip` in the same RUN); `uv pip install`: `--no-cache` or `UV_NO_CACHE`.

A BuildKit cache mount on the cache folder (`--mount=type=cache,target=/var/cache/apt`,
`/var/lib/apt`, `/var/cache/apk`, `/root/.cache/pip`) satisfies the cleanup.

## Why it matters in production

Package lists and download caches are dead weight in every layer that keeps them: tens to
hundreds of megabytes pulled on every node at every scale-out and every recovery, for files the
service never reads. Recommended packages add software nobody chose, with its CVEs. Cleaning in
a later RUN does not help: the earlier layer still carries the files.

## Example

Bad:

```dockerfile
RUN apt-get update && apt-get install -y curl
RUN pip install -r requirements.txt
```

Good:

```dockerfile
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir -r requirements.txt
```

## References

- Docker build best practices: apt-get
- hadolint DL3009 (delete the apt lists), DL3015 (--no-install-recommends), DL3019 (apk
  --no-cache), DL3042 (pip --no-cache-dir)
"#,
};

impl Check for PackageCacheLeft {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            let chain = super::final_chain(df);
            let instructions = super::chain_instructions(df, &chain);
            let mut checked = 0;
            for (at, instr) in instructions.iter().enumerate() {
                if instr.keyword != "RUN" {
                    continue;
                }
                let earlier = &instructions[..at];
                let vars = super::variables(df, earlier);
                let run = packages::of_run(instr, &vars);
                let script = super::shell::run_script(instr);
                for install in &run.installs {
                    checked += 1;
                    for problem in problems(install, instr, &script, earlier, &vars) {
                        review.fail(super::finding_in(src, instr, needle(install), problem));
                    }
                }
            }
            if checked > 0 {
                review.pass(finding_file(
                    &src.path,
                    format!("{checked} package install(s) in the final image leave no cache"),
                ));
            }
        })
    }
}

fn needle(install: &Install) -> &'static str {
    match install.manager {
        Manager::Apt => "install",
        Manager::Apk => "add",
        Manager::Yum => "install",
        Manager::Pip => "install",
    }
}

fn problems(
    install: &Install,
    instr: &Instruction,
    script: &str,
    earlier: &[&Instruction],
    vars: &std::collections::HashMap<String, String>,
) -> Vec<String> {
    let cache_mount = |targets: &[&str]| {
        instr.flags.iter().any(|f| {
            f.starts_with("--mount=")
                && f.contains("type=cache")
                && targets.iter().any(|t| f.contains(t))
        })
    };
    let removes = |paths: &[&str]| {
        script.lines().any(|l| l.contains("rm ")) && paths.iter().any(|p| script.contains(p))
    };
    let mut out = Vec::new();
    let program = &install.program;
    match install.manager {
        Manager::Apt => {
            let no_recommends = install.has_option(&["--no-install-recommends"])
                || install
                    .options
                    .iter()
                    .any(|o| o.contains("Install-Recommends"))
                || install.packages.is_empty()
                || earlier
                    .iter()
                    .any(|i| i.keyword == "RUN" && i.args.contains("Install-Recommends"));
            if !no_recommends {
                out.push(format!(
                    "`{program} install` without --no-install-recommends pulls in packages nobody asked for"
                ));
            }
            if !(removes(&["/var/lib/apt/lists"])
                || cache_mount(&["/var/lib/apt", "/var/cache/apt"]))
            {
                out.push(format!(
                    "`{program} install` leaves the apt lists in the layer: add `&& rm -rf /var/lib/apt/lists/*` to the same RUN"
                ));
            }
        }
        Manager::Apk => {
            if !(install.has_option(&["--no-cache"])
                || removes(&["/var/cache/apk"])
                || cache_mount(&["/var/cache/apk", "/etc/apk/cache"]))
            {
                out.push(
                    "`apk add` without --no-cache leaves the package index in the layer".into(),
                );
            }
        }
        Manager::Yum => {
            let cleaned = script.contains(" clean all")
                || removes(&["/var/cache/yum", "/var/cache/dnf"])
                || cache_mount(&["/var/cache/yum", "/var/cache/dnf", "/var/cache/microdnf"]);
            if !cleaned {
                out.push(format!(
                    "`{program} install` without `{program} clean all` in the same RUN leaves the package cache in the layer"
                ));
            }
        }
        Manager::Pip => {
            let uv = program == "uv pip";
            let env_off = if uv {
                vars.contains_key("UV_NO_CACHE")
            } else {
                vars.contains_key("PIP_NO_CACHE_DIR")
            };
            let off = env_off
                || install.has_option(&["--no-cache-dir", "--no-cache"])
                || removes(&[".cache/pip", "/root/.cache", ".cache/uv"])
                || cache_mount(&[".cache/pip", ".cache/uv", "/root/.cache"]);
            if !off {
                out.push(format!(
                    "`{program} install` without {} keeps the download cache in the layer",
                    if uv { "--no-cache" } else { "--no-cache-dir" }
                ));
            }
        }
    }
    out
}
