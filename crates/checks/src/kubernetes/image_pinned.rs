use super::image_ref;
use super::objects::{Field, Text};
use super::scan::each_container;
use crate::prelude::*;

pub struct ImageNotPinned;

static META: ControlMeta = ControlMeta {
    id: "K8S010",
    slug: "image_pinned",
    title: "Container images are pinned to a version or digest",
    area: Area::Deployment,
    severity: Severity::High,
    remediation: "Reference every image by an immutable version tag (`ghcr.io/acme/api:1.4.2`) or, \
                  better, a digest (`@sha256:...`), set by your release pipeline (Helm \
                  `image.tag`, Kustomize `images:`), never `latest` or a branch name.",
    references: &[
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "https://kubernetes.io/docs/concepts/configuration/overview/#container-images",
        "https://cheatsheetseries.owasp.org/cheatsheets/Kubernetes_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "image pinning",
        "pinned image",
        "image tag",
        "latest tag",
        "image digest",
        "immutable image",
        "reproducible deployment",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every container image (init containers included) names a tag or a digest, and the tag is not a
moving one (`latest`, `main`, `master`, `dev`, `edge`, `nightly`, `stable`, ...). Kustomize
`images:` overrides and Helm values (`image.tag`, defaulting to the chart's `appVersion`) are
applied first. An image whose tag is filled in at deploy time (`${IMAGE_TAG}`, a Helm value
that is not in values.yaml) is Unknown.

## Why it matters in production

A moving tag means the image that runs depends on when a node pulled it: two replicas of the
same Deployment can run different code, a node replacement silently upgrades, and a rollback
to "the previous manifest" rolls back nothing. A missing tag is `latest` plus
`imagePullPolicy: Always`, so every restart can change the code.

## Example

Bad:

```yaml
image: ghcr.io/acme/api:latest
```

Good:

```yaml
image: ghcr.io/acme/api:1.4.2@sha256:4b1e0c5c1f4f0f0d1e8a3c9b2f7e6d5c4b3a29181706f5e4d3c2b1a0f9e8d7c6
```

## References

- Kubernetes: Images (image names, tags and digests)
- Kubernetes: Configuration best practices (container images)
- OWASP Kubernetes Security Cheat Sheet
"#,
};

/// Tags that name a moving target rather than a release.
const MOVING_TAGS: [&str; 13] = [
    "latest",
    "main",
    "master",
    "dev",
    "develop",
    "development",
    "edge",
    "nightly",
    "snapshot",
    "head",
    "trunk",
    "stable",
    "current",
];

impl Check for ImageNotPinned {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        each_container(
            ws,
            |_, _| true,
            |w, c, v| {
                let obj = w.obj;
                let who = format!("{} of {}", c.label(), obj.display());
                let image = match obj.field(c.node, "image") {
                    Field::Present(n) => n,
                    Field::Unknown(at) => {
                        v.unknown(obj.unknown_reason(at, "the image"));
                        return;
                    }
                    Field::Absent => return,
                };
                let text = match obj.text(image) {
                    Text::Known(t) => t,
                    _ => {
                        v.unknown(obj.unknown_reason(image, "the image"));
                        return;
                    }
                };
                if ["${", "$(", "#{", "%{", "<%"]
                    .iter()
                    .any(|m| text.contains(m))
                {
                    v.unknown(format!(
                        "{}: the image of {who} is substituted at deploy time (`{text}`)",
                        obj.at(image)
                    ));
                    return;
                }
                let r = image_ref::parse(text);
                match (r.tag, r.digest) {
                    (_, Some(_)) => {
                        v.pass(obj.finding(image, format!("{who} pins its image by digest")))
                    }
                    (None, None) => v.fail(obj.finding(
                        image,
                        format!(
                            "{who} uses image `{text}` without a tag, which means `latest`{}",
                            obj.values_note(image)
                        ),
                    )),
                    (Some(tag), None)
                        if MOVING_TAGS.contains(&tag.to_ascii_lowercase().as_str()) =>
                    {
                        v.fail(obj.finding(
                            image,
                            format!(
                                "{who} uses the moving tag `{tag}` (`{text}`){}",
                                obj.values_note(image)
                            ),
                        ))
                    }
                    (Some(tag), None) => {
                        v.pass(obj.finding(image, format!("{who} pins its image to `{tag}`")))
                    }
                }
            },
        )
    }
}
