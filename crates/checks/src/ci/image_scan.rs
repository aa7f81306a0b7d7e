use super::gate::{at_cmd, blind_spots, model};
use super::model::Cmd;
use super::tools::image_scan;
use crate::prelude::*;
use vouch_workspace::{is_docs_or_example_path, is_test_path};

pub struct ImageScan;

static META: ControlMeta = ControlMeta {
    id: "CI010",
    slug: "image_scan",
    title: "CI scans container images for vulnerabilities",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Scan the image you build before pushing it: `trivy image --exit-code 1 --severity HIGH,CRITICAL \
                  app:${GITHUB_SHA}`, `grype app:tag --fail-on high`, `docker scout cves --exit-code`, \
                  `snyk container test`, or the GitLab Container Scanning template.",
    references: &[
        "https://aquasecurity.github.io/trivy/latest/docs/target/container_image/",
        "https://www.cisecurity.org/benchmark/docker",
        "https://csrc.nist.gov/pubs/sp/800/190/final",
        "https://docs.gitlab.com/ee/user/application_security/container_scanning/",
    ],
    concepts: &[
        "container scanning",
        "image scanning",
        "image vulnerability scan",
        "trivy",
        "grype",
        "docker scout",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the repository builds container images (a Dockerfile, or a CI step that builds one:
`docker build`, `docker/build-push-action`, `ko build`, `pack build`, Jib), a pipeline step scans
an image: `trivy image` (also through `aquasecurity/trivy-action` with an `image-ref`),
`grype <image>`, `docker scout cves`/`quickview`, `snyk container test`, GitLab Container
Scanning, Clair, twistcli, JFrog Xray. `trivy fs` and `grype dir:.` scan the source tree, not
the image. NotApplicable when no image is built.

## Why it matters in production

The base image and the OS packages it brings are most of what runs in production, and they are
invisible to language-level dependency audits. NIST SP 800-190 calls image vulnerabilities the
first container risk to manage.

## Example

Bad: the workflow builds and pushes `ghcr.io/acme/api` without scanning it.

Good:

```yaml
      - run: docker build -t api:${{ github.sha }} .
      - run: trivy image --exit-code 1 --severity HIGH,CRITICAL api:${{ github.sha }}
```

## References

- Trivy: container image scanning
- CIS Docker Benchmark; NIST SP 800-190 Application Container Security Guide
- GitLab Container Scanning
"#,
};

fn builds_image(c: &Cmd) -> bool {
    match c.prog() {
        "docker" | "podman" => {
            matches!(c.sub(), Some("build" | "buildx")) || c.is(c.prog(), &["compose", "build"])
        }
        "buildah" => matches!(c.sub(), Some("bud" | "build")),
        "ko" | "pack" => c.sub() == Some("build"),
        "kaniko" | "executor" => c.has_flag("--dockerfile") || c.has_flag("--destination"),
        "mvn" => c
            .operands()
            .any(|o| o.starts_with("jib:") || o.contains("jib-maven-plugin")),
        "gradle" => c.operands().any(|o| o.starts_with("jib")),
        _ => false,
    }
}

const BUILD_ACTIONS: [&str; 3] = [
    "docker/build-push-action",
    "redhat-actions/buildah-build",
    "mr-smithers-excellent/docker-build-push",
];

impl Check for ImageScan {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let m = model(ws);
        let dockerfile = ws
            .dockerfiles
            .iter()
            .find(|d| !is_test_path(&d.path) && !is_docs_or_example_path(&d.path))
            .map(|d| d.path.clone());
        let build_cmd = m.gate_cmds().find(|c| builds_image(c));
        let build_action = m.uses.iter().find(|u| {
            let r = u.reference.to_ascii_lowercase();
            BUILD_ACTIONS.iter().any(|a| r.starts_with(a))
        });
        if dockerfile.is_none() && build_cmd.is_none() && build_action.is_none() {
            return Outcome::not_applicable("no Dockerfile and no container image build");
        }
        if m.files.is_empty() {
            let path = dockerfile.unwrap_or_else(|| ".".into());
            return Outcome::Fail {
                findings: vec![finding_file(
                    &path,
                    "a container image is built from this Dockerfile, but there is no CI pipeline to scan it",
                )],
            };
        }
        let evidence: Vec<Finding> = m
            .gate_cmds()
            .filter_map(|c| {
                image_scan(c)
                    .map(|h| at_cmd(c, format!("{} scans an image: {}", h.tool, c.describe())))
            })
            .take(5)
            .collect();
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        if let Some(blind) = blind_spots(&m) {
            return Outcome::unknown(format!(
                "no image scan found in the readable part of the pipeline; vouch cannot read {blind}"
            ));
        }
        let finding = match (&dockerfile, build_cmd, build_action) {
            (_, Some(c), _) => at_cmd(
                c,
                format!(
                    "CI builds an image with {} but never scans it for vulnerabilities (no trivy image, grype, docker scout or snyk container step)",
                    c.describe()
                ),
            ),
            (_, None, Some(u)) => Finding::new(
                Location::at(&u.path, u.line, u.column),
                format!(
                    "CI builds an image with `{}` but never scans it for vulnerabilities",
                    u.reference.split('@').next().unwrap_or(&u.reference)
                ),
            )
            .with_snippet(
                ws.text(&u.path)
                    .map(|t| t.line(u.line as usize).trim().to_string())
                    .unwrap_or_default(),
            ),
            (Some(path), None, None) => finding_file(
                path,
                "the image built from this Dockerfile is never scanned for vulnerabilities in CI (no trivy image, grype, docker scout or snyk container step)",
            ),
            (None, None, None) => unreachable!("checked above"),
        };
        Outcome::Fail {
            findings: vec![finding],
        }
    }
}
