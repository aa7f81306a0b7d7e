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
        "https://github.com/GoogleContainerTools/distroless#how-do-i-use-distroless-images",
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
explicit version, or a digest (`@sha256:...`, the best pin). What counts as a version tag:

- a tag with a version or build number in it: `3.12-slim`, `20-alpine`, `1.27.0`,
  `main-3f2a1b9`, `stable-20240601` (a major-only tag such as `node:20` is accepted as the
  conventional pin of a release line, as are Node's LTS codenames, `node:iron`);
- a distribution codename for the distribution images `debian`, `ubuntu` and
  `buildpack-deps` (`debian:bookworm-slim`, `ubuntu:noble`): the codename is the release.

Moving tags are reported: `latest` and channels (`edge`, `rolling`, `nightly`, `lts`,
`stable`, `current`, `mainline`, `master`, `main`, `unstable`, `testing`, `sid`, `devel`,
`rawhide`, `canary`, also combined: `lts-alpine`); a Docker Hub official image tagged with
variant words only (`python:slim`, `node:alpine`, `php:fpm-alpine`, `golang:bookworm`), which
follows the newest release of that variant; and every tag of the distroless images
(`gcr.io/distroless/...:nonroot`, `debug`, `debug-nonroot`, `latest`), which publish no version
tags, so only a digest pins them (likewise Chainguard's `cgr.dev/...:latest`/`latest-dev`).
Architecture suffixes (`-amd64`, `-arm64`) are not version numbers. Build arguments used in `FROM` are resolved from their defaults (`ARG
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
- distroless: how to use the images (tags and digests)
"#,
};

/// Tags that move to new releases by design.
const FLOATING: [&str; 16] = [
    "latest", "edge", "rolling", "nightly", "lts", "stable", "current", "master", "main",
    "unstable", "mainline", "testing", "sid", "devel", "rawhide", "canary",
];

/// Variant words of Docker Hub official images (`python:slim`, `node:alpine`, `php:fpm`,
/// `golang:bookworm`): a tag made only of them is the newest release in that variant.
const VARIANTS: [&str; 22] = [
    "alpine", "slim", "bookworm", "bullseye", "buster", "trixie", "stretch", "jammy", "noble",
    "focal", "bionic", "cli", "fpm", "apache", "zts", "jdk", "jre", "perl", "otel", "musl",
    "glibc", "uclibc",
];

/// Official images whose version is the distribution release itself, so a release codename
/// (`debian:bookworm`, `ubuntu:noble-20240605`) is a version pin.
const DISTRIBUTIONS: [&str; 3] = ["debian", "ubuntu", "buildpack-deps"];

/// Architecture suffixes (`latest-amd64`, `nonroot-arm64`): their digits are not a version.
const ARCHES: [&str; 10] = [
    "amd64", "arm64", "arm64v8", "arm32v5", "arm32v6", "arm32v7", "i386", "ppc64le", "s390x",
    "riscv64",
];

/// Distroless tags: the project publishes no version tags, so they all move.
const DISTROLESS_TAGS: [&str; 3] = ["latest", "nonroot", "debug"];

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
    let Some(tag) = image.tag.as_deref() else {
        review.fail(at(format!(
            "{shown} has no tag, so it pulls whatever `latest` is at build time"
        )));
        return;
    };
    match moving_tag(&image, tag) {
        Some(why) => review.fail(at(format!("{shown} {why}"))),
        None => review.pass(at(format!("{shown} is pinned to tag `{tag}`"))),
    }
}

/// Why `tag` of `image` moves to new releases, or None when it names a version. A tag with a
/// version or build number in it (`3.12-slim`, `main-3f2a1b9`, `stable-20240601`) is pinned.
fn moving_tag(image: &ImageRef, tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let parts: Vec<&str> = lower
        .split(['-', '.', '_'])
        .filter(|p| !ARCHES.contains(p))
        .collect();
    if parts.iter().any(|p| p.chars().any(|c| c.is_ascii_digit())) {
        return None;
    }
    if image.registry.as_deref() == Some("gcr.io")
        && image.repo.starts_with("distroless/")
        && parts.iter().all(|p| DISTROLESS_TAGS.contains(p))
    {
        return Some(format!(
            "uses the moving tag `{tag}`: distroless images have no version tags, only a digest pins them"
        ));
    }
    if parts.contains(&"latest") {
        let hint = if image.registry.as_deref() == Some("cgr.dev") {
            ": Chainguard's free images have no version tags, only a digest pins them"
        } else {
            ""
        };
        return Some(if lower == "latest" {
            format!("uses the moving `latest` tag{hint}")
        } else {
            format!("uses the moving tag `{tag}`{hint}")
        });
    }
    if parts.iter().any(|p| FLOATING.contains(p)) {
        return Some(format!("uses the moving tag `{tag}`"));
    }
    let variant_only = parts.iter().all(|p| VARIANTS.contains(p));
    (image.is_official_library() && variant_only && !DISTRIBUTIONS.contains(&image.repo.as_str()))
        .then(|| {
            format!(
                "uses the tag `{tag}`, which names a variant but no version: it follows the newest `{}` release",
                image.repo
            )
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn moves(reference: &str) -> bool {
        let image = ImageRef::parse(reference);
        moving_tag(&image, image.tag.as_deref().unwrap()).is_some()
    }

    #[test]
    fn moving_and_pinned_tags() {
        for r in [
            "node:latest",
            "node:lts-alpine",
            "nginx:stable-alpine",
            "alpine:edge",
            "debian:stable-slim",
            "debian:sid",
            "gcr.io/distroless/static-debian12:nonroot",
            "gcr.io/distroless/base-debian12:debug-nonroot",
            "gcr.io/distroless/static-debian12:latest-amd64",
            "cgr.dev/chainguard/python:latest-dev",
            "python:slim",
            "python:slim-bookworm",
            "node:alpine",
            "php:fpm-alpine",
            "golang:bookworm",
            "docker.io/library/redis:alpine",
        ] {
            assert!(moves(r), "{r} should move");
        }
        for r in [
            "python:3.12-slim",
            "node:20-alpine",
            "node:iron-alpine",
            "debian:bookworm",
            "debian:bookworm-slim",
            "ubuntu:jammy",
            "ubuntu:noble-20240605",
            "buildpack-deps:bookworm-curl",
            "nginx:1.27-alpine",
            "alpine:3.20",
            "ghcr.io/acme/base:alpine",
            "cgr.dev/chainguard/python:3.12",
            "ghcr.io/acme/api:main-3f2a1b9",
            "golang:1.22-bookworm",
        ] {
            assert!(!moves(r), "{r} should be pinned");
        }
    }
}
