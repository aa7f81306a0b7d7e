use super::packages::{self, Manager};
use crate::prelude::*;

pub struct StaleAptLists;

static META: ControlMeta = ControlMeta {
    id: "DKR018",
    slug: "apt_update_with_install",
    title: "apt-get update runs in the same RUN as apt-get install",
    area: Area::Deployment,
    severity: Severity::Low,
    remediation: "Combine them: `RUN apt-get update && apt-get install -y --no-install-recommends <pkgs> && rm \
                  -rf /var/lib/apt/lists/*`. Never leave `RUN apt-get update` on its own line.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#apt-get",
        "https://docs.docker.com/build/cache/",
    ],
    concepts: &[
        "apt-get update",
        "build cache",
        "stale package index",
        "reproducible build",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every RUN (any stage) that installs packages with `apt-get install` or `apt install` must
also run `apt-get update` (or `apt update`) itself, before the install. An install that
relies on an `apt-get update` from an earlier RUN fails.

## Why it matters in production

Docker caches each RUN as a layer. When `apt-get update` sits in its own RUN, its layer stays
cached for months while the install line changes: the install then works from a stale package
index and either fails with 404s for versions the mirror no longer has (a broken build on the
day of an urgent fix) or installs old, unpatched versions without any warning. Docker's own
guide calls this out as the classic cache-busting mistake.

## Example

Bad:

```dockerfile
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
```

Good:

```dockerfile
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```

## References

- Docker build best practices: apt-get ("always combine apt-get update with apt-get install")
- Docker build cache
"#,
};

impl Check for StaleAptLists {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            for stage in &df.stages {
                let instrs: Vec<_> = df.stage_instructions(stage).iter().collect();
                for (at, instr) in instrs.iter().enumerate() {
                    if instr.keyword != "RUN" {
                        continue;
                    }
                    let vars = super::variables(df, &instrs[..at]);
                    let run = packages::of_run(instr, &vars);
                    if !run
                        .installs
                        .iter()
                        .any(|i| i.manager == Manager::Apt && i.program != "aptitude")
                    {
                        continue;
                    }
                    let updates = run.commands.iter().any(|c| {
                        matches!(c.program(), "apt-get" | "apt")
                            && c.program_words().iter().skip(1).any(|w| w == "update")
                    });
                    if updates {
                        review.pass(super::finding_in(
                            src,
                            instr,
                            "update",
                            "apt-get update and install run in the same RUN",
                        ));
                    } else {
                        review.fail(super::finding_in(
                            src,
                            instr,
                            "install",
                            "apt install without `apt-get update` in the same RUN uses a package index from a cached earlier layer",
                        ));
                    }
                }
            }
        })
    }
}
