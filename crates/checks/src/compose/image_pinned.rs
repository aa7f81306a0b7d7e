use super::images::ImageRef;
use super::interpolate::{OPAQUE, Resolution, mask_unresolved};
use crate::prelude::*;

pub struct UnpinnedImage;

static META: ControlMeta = ControlMeta {
    id: "CMP012",
    slug: "image_pinned",
    title: "Compose images are pinned to a version",
    area: Area::Deployment,
    severity: Severity::Medium,
    remediation: "Pin every image to a version tag (`postgres:16.3`, `redis:7.2.5-alpine`), \
                  ideally with its digest (`postgres:16.3@sha256:...`), and update it \
                  deliberately (Dependabot and Renovate understand compose files). For your own \
                  images, deploy an immutable tag such as the commit SHA (`app:${GIT_SHA}`).",
    references: &[
        "https://docs.docker.com/reference/compose-file/services/#image",
        "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "image pinning",
        "pinned versions",
        "latest tag",
        "reproducible deployment",
        "image digest",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

Every service started by `docker compose up` in a deployed project that pulls an image must
name a tag other than `latest`, or a digest. An image without a tag (`redis`) is `latest`.
Services with `build:` are not checked (their `image:` names the built result). A tag set
at deploy time by a variable without a default (`ghcr.io/acme/web:${TAG}`) passes; one that
falls back to `latest` (`${TAG:-latest}`) fails; an image name that is entirely a variable
is unknown.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

`latest` is whatever was pushed last: a `docker compose pull` on a Tuesday can bring a new
major version of PostgreSQL or Redis that refuses the existing data directory, and two hosts
deployed a day apart run different software. A pinned version makes deployments
reproducible, reviews meaningful, and rollbacks possible.

## Example

Bad:

```yaml
services:
  cache:
    image: redis
  proxy:
    image: nginx:latest
```

Good:

```yaml
services:
  cache:
    image: redis:7.2.5-alpine
  proxy:
    image: nginx:1.27.0@sha256:98f8ec75657d21b924fe4f69b6b9bff2f6550ea48838af479d8894a852000e40
```

## References

- Compose file reference: `image`
- Docker build best practices: pin base image versions
- OWASP Docker Security Cheat Sheet
"#
    ),
};

impl Check for UnpinnedImage {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(ws, Some("no service pulls an image"), |_, svc, v| {
            if svc.has_build() {
                return;
            }
            let Some(image) = svc.image() else {
                return;
            };
            let Some(scalar) = image.scalar() else {
                return;
            };
            let name = &svc.name;
            let masked = mask_unresolved(scalar.text());
            let reference = ImageRef::parse(&masked);
            let shown = scalar.raw.trim();
            if reference.digest.is_some() {
                v.pass(image.pos.finding(format!("service `{name}` pins a digest")));
                return;
            }
            match reference.tag.as_deref() {
                Some(tag) if tag.contains(OPAQUE) => v.pass(image.pos.finding(format!(
                    "service `{name}` gets its tag at deploy time (`{shown}`)"
                ))),
                None if masked.ends_with(OPAQUE) => v.unknown(format!(
                    "{}:{}: the image of `{name}` comes from an unset variable",
                    image.pos.path(),
                    image.pos.line
                )),
                None => v.fail(image.pos.finding(format!(
                    "service `{name}` uses `{shown}` without a tag, which means `latest`"
                ))),
                Some(tag) if tag.eq_ignore_ascii_case("latest") => {
                    let fallback = scalar
                        .refs()
                        .iter()
                        .any(|r| r.resolution == Resolution::Default);
                    let how = if fallback {
                        "falls back to the `latest` tag"
                    } else {
                        "uses the `latest` tag"
                    };
                    v.fail(image.pos.finding(format!("service `{name}` {how}")));
                }
                Some(_) => v.pass(
                    image
                        .pos
                        .finding(format!("service `{name}` pins `{}`", scalar.text())),
                ),
            }
        })
    }
}
