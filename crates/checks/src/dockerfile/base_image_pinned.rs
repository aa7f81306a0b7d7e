use super::Review;
use super::image::{self, ImageRef};
use crate::prelude::*;
use vouch_workspace::{Dockerfile, Instruction, SourceText};

pub struct UnpinnedBaseImage;

static META: ControlMeta = ControlMeta {
    id: "DKR003",
    slug: "base_image_pinned",
    title: "Base images are pinned to a version tag or digest",
    area: Area::Deployment,
    severity: Severity::Medium,
    remediation: "Name an explicit version in every FROM (and `COPY --from=<image>`): `FROM python:3.12.4-slim`, \
                  best with its digest: `FROM python:3.12.4-slim@sha256:<digest>`. Let Dependabot or Renovate \
                  propose updates instead of pulling whatever `latest` is at build time.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
        "https://github.com/hadolint/hadolint/wiki/DL3006",
        "https://github.com/hadolint/hadolint/wiki/DL3007",
        "https://slsa.dev/spec/v1.0/requirements",
    ],
    concepts: &[
        "pinned base image",
        "image tag",
        "latest tag",
        "image digest",
        "reproducible build",
        "supply chain",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every `FROM` (in every stage) and every `COPY --from=<image>` must name an image with an
explicit version: a tag that is not `latest` or another moving channel (`edge`, `rolling`,
`nightly`, `lts`, `stable`, `current`, `mainline`, `master`, `main` without a version
number), or a digest (`@sha256:...`, the
best pin). Build arguments used in `FROM` are resolved from their defaults (`ARG
PY=3.12` then `FROM python:${PY}-slim` is pinned); an argument without a default is Unknown.
`FROM scratch` and references to earlier stages (`FROM build`) are fine.

## Why it matters in production

An unpinned base changes under you: two builds of the same commit produce different images,
a rebuild for a one-line fix silently pulls a new major version of the OS or runtime, and a
rollback is no longer a rollback. A digest pin also protects against a tag being re-pointed
to a compromised image.

## Example

Bad:

```dockerfile
FROM node
COPY . /app
```

Good:

```dockerfile
FROM node:20.11.1-bookworm-slim@sha256:<digest>
COPY . /app
```

## References

- Docker build best practices: pin base image versions
- hadolint DL3006 (always tag the image) and DL3007 (do not use latest)
- SLSA build requirements (reproducible, pinned inputs)
"#,
};

/// Tags that move to new releases by design.
const FLOATING: [&str; 11] = [
    "latest", "edge", "rolling", "nightly", "lts", "stable", "current", "master", "main",
    "unstable", "mainline",
];

impl Check for UnpinnedBaseImage {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            for stage in &df.stages {
                let instr = &df.stage_instructions(stage)[0];
                check_reference(df, src, instr, &stage.base, stage.index, "FROM ", review);
            }
            for (index, stage) in df.stages.iter().enumerate() {
                for instr in df.stage_instructions(stage) {
                    if instr.keyword != "COPY" && instr.keyword != "ADD" {
                        continue;
                    }
                    if let Some(from) = instr.flag("from") {
                        let is_index = from.chars().all(|c| c.is_ascii_digit());
                        if !is_index {
                            check_reference(df, src, instr, from, index, "COPY --from=", review);
                        }
                    }
                }
            }
        })
    }
}

fn check_reference(
    df: &Dockerfile,
    src: &SourceText,
    instr: &Instruction,
    reference: &str,
    stage_index: usize,
    what: &str,
    review: &mut Review,
) {
    if reference.eq_ignore_ascii_case("scratch") || is_stage(df, reference, stage_index) {
        return;
    }
    let resolved = match image::resolve_from(df, reference) {
        Ok(r) => r,
        Err(arg) => {
            review.unknown(format!(
                "{}:{}: `{what}{reference}` depends on `{arg}`, which has no default value",
                src.path, instr.line
            ));
            return;
        }
    };
    if resolved.eq_ignore_ascii_case("scratch") || is_stage(df, &resolved, stage_index) {
        return;
    }
    let shown = if resolved == reference {
        format!("`{what}{reference}`")
    } else {
        format!("`{what}{reference}` (`{resolved}`)")
    };
    let image = ImageRef::parse(&resolved);
    let at = |msg: String| finding_at(src, instr.line, 1, msg);
    if image.digest.is_some() {
        review.pass(at(format!("{shown} is pinned by digest")));
        return;
    }
    match image.tag.as_deref() {
        None => review.fail(at(format!(
            "{shown} has no tag, so it pulls whatever `latest` is at build time"
        ))),
        Some(tag) if tag.eq_ignore_ascii_case("latest") => {
            review.fail(at(format!("{shown} uses the moving `latest` tag")))
        }
        Some(tag) if is_floating(tag) => {
            review.fail(at(format!("{shown} uses the moving tag `{tag}`")))
        }
        Some(tag) => review.pass(at(format!("{shown} is pinned to tag `{tag}`"))),
    }
}

/// A channel tag (`lts-alpine`, `stable-slim`); a tag with a version or build number in it
/// (`main-3f2a1b9`, `stable-20240601`) is treated as pinned.
fn is_floating(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(['-', '.', '_']).collect();
    parts.iter().any(|p| FLOATING.contains(p))
        && !parts.iter().any(|p| p.chars().any(|c| c.is_ascii_digit()))
}

/// Whether `reference` names a stage defined before `stage_index` (or the current one, for
/// `COPY --from` of an earlier stage).
fn is_stage(df: &Dockerfile, reference: &str, stage_index: usize) -> bool {
    df.stages[..stage_index.min(df.stages.len())]
        .iter()
        .any(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(reference))
        })
}
