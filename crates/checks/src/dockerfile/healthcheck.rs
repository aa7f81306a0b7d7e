use super::image::ImageRef;
use super::orchestrators::{self, Usage};
use crate::prelude::*;
use vouch_workspace::DockerfileEntry;

pub struct MissingHealthcheck;

static META: ControlMeta = ControlMeta {
    id: "DKR005",
    slug: "healthcheck",
    title: "Service images declare a health check (HEALTHCHECK or an orchestrator probe)",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Add `HEALTHCHECK --interval=30s --timeout=3s CMD [\"/app/healthcheck\"]` (or `curl -fsS \
                  http://localhost:8080/healthz`) to the final stage, or declare the check where the image runs: a \
                  compose `healthcheck:` on the service that builds it, or Kubernetes liveness/readiness probes. \
                  Do not disable it with `HEALTHCHECK NONE`.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#healthcheck",
        "https://docs.docker.com/reference/compose-file/services/#healthcheck",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://www.cisecurity.org/benchmark/docker",
    ],
    concepts: &[
        "healthcheck",
        "health check",
        "liveness probe",
        "readiness probe",
        "self-healing",
        "HEALTHCHECK instruction",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every Dockerfile whose final image runs something (it has `CMD`, `ENTRYPOINT` or `EXPOSE`)
must come with a health check, in any of these places:

- a `HEALTHCHECK CMD ...` in the final stage (or a stage it is built `FROM`);
- a compose `healthcheck:` on a service whose `build:` uses this Dockerfile (override files of
  the same folder are merged; `disable: true` and `test: ["NONE"]` do not count);
- a Kubernetes container with a `livenessProbe` or `readinessProbe` whose image name matches
  the Dockerfile (its folder name, its `Dockerfile.<name>` suffix, or the compose `image:` of
  the service that builds it), or any probed project image when the repository has a single
  Dockerfile (official, vendor and compose-pulled images do not count).

`HEALTHCHECK NONE` fails: it switches off the check a base image may provide. When the only
probes are in a Helm chart and the repository has several Dockerfiles, vouch cannot tell which
image they belong to and answers Unknown.

## Why it matters in production

Without a health check the orchestrator only knows whether the process exists. A service that
is deadlocked, lost its database connection or is stuck in a crash loop inside the runtime keeps
receiving traffic and is never restarted; rolling deployments promote broken versions because
"the container started".

## Example

Bad:

```dockerfile
FROM python:3.12-slim
COPY . /app
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
```

Good:

```dockerfile
FROM python:3.12-slim
COPY . /app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
```

## References

- Dockerfile reference: HEALTHCHECK
- Compose file reference: healthcheck
- Kubernetes: configure liveness, readiness and startup probes
- CIS Docker Benchmark 4.6 "Ensure that HEALTHCHECK instructions have been added"
"#,
};

impl Check for MissingHealthcheck {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let usage = orchestrators::usage(ws);
        let single = ws
            .dockerfiles
            .iter()
            .filter(|d| super::in_scope(&d.path))
            .count()
            == 1;
        let root_name = ws
            .root
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase());
        super::each_dockerfile(ws, |df, src, review| {
            let chain = super::final_chain(df);
            let instructions = super::chain_instructions(df, &chain);
            let Some(stage) = chain.last() else {
                return;
            };
            if let Some(hc) = instructions
                .iter()
                .rev()
                .find(|i| i.keyword == "HEALTHCHECK")
            {
                if hc.args.trim().eq_ignore_ascii_case("NONE") {
                    review.fail(finding_at(
                        src,
                        hc.line,
                        1,
                        "`HEALTHCHECK NONE` switches the container's health check off",
                    ));
                } else {
                    review.pass(finding_at(
                        src,
                        hc.line,
                        1,
                        "final image declares a HEALTHCHECK",
                    ));
                }
                return;
            }
            let runs_something = instructions
                .iter()
                .any(|i| matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT" | "EXPOSE"));
            if !runs_something {
                return;
            }
            let entry = ws.dockerfiles.iter().find(|e| e.path == src.path);
            match entry.map(|e| probe_for(e, &usage, single, root_name.as_deref())) {
                Some(Probe::Found(f)) => review.pass(*f),
                Some(Probe::Ambiguous(chart)) => review.unknown(format!(
                    "{}: no HEALTHCHECK; the Helm chart `{chart}` declares probes but vouch cannot tell whether they apply to this image",
                    src.path
                )),
                _ => {
                    let services: Vec<&str> = usage
                        .builds
                        .iter()
                        .filter(|b| b.dockerfile == src.path)
                        .map(|b| b.service.as_str())
                        .collect();
                    let message = if services.is_empty() {
                        "the final image has no HEALTHCHECK and no compose healthcheck or Kubernetes probe covers it".to_string()
                    } else {
                        format!(
                            "the final image has no HEALTHCHECK, and compose service `{}` builds it without a healthcheck",
                            services.join("`, `")
                        )
                    };
                    review.fail(finding_at(src, stage.line, 1, message))
                }
            }
        })
    }
}

enum Probe {
    Found(Box<Finding>),
    Ambiguous(String),
    None,
}

/// A health check declared outside the Dockerfile for the image it builds.
fn probe_for(entry: &DockerfileEntry, usage: &Usage, single: bool, root: Option<&str>) -> Probe {
    let builds: Vec<_> = usage
        .builds
        .iter()
        .filter(|b| b.dockerfile == entry.path)
        .collect();
    for b in &builds {
        if let Some((file, line, true)) = &b.healthcheck {
            return Probe::Found(Box::new(Finding::new(
                Location::at(file, *line, 1),
                format!(
                    "compose service `{}` builds this Dockerfile and has a healthcheck",
                    b.service
                ),
            )));
        }
    }
    let mut names = image_names(&entry.path, root);
    for b in &builds {
        names.push(b.service.to_ascii_lowercase());
        if let Some(image) = &b.image {
            names.push(ImageRef::parse(image).basename().to_string());
        }
    }
    for c in &usage.probed {
        let image = ImageRef::parse(&c.image);
        let matches =
            names.iter().any(|n| n == image.basename()) || single && !third_party(&image, usage);
        if matches {
            return Probe::Found(Box::new(Finding::new(
                Location::at(&c.path, c.line, 1),
                format!("Kubernetes container `{}` declares a probe", c.image),
            )));
        }
    }
    match usage.helm_probes.first() {
        Some(chart) if single => Probe::Found(Box::new(Finding::new(
            Location::file(chart),
            "the Helm chart declares liveness/readiness probes",
        ))),
        Some(chart) => Probe::Ambiguous(chart.clone()),
        None => Probe::None,
    }
}

/// Vendor namespaces whose images a project deploys but does not build.
const VENDORS: [&str; 16] = [
    "bitnami",
    "grafana",
    "prom",
    "prometheus",
    "jaegertracing",
    "otel",
    "openzipkin",
    "confluentinc",
    "elastic",
    "hashicorp",
    "minio",
    "nginxinc",
    "envoyproxy",
    "istio",
    "library",
    "docker",
];

/// An image the repository runs but does not build: a Docker Hub official image, a known
/// vendor's image, or an image a compose service pulls instead of building.
fn third_party(image: &ImageRef, usage: &Usage) -> bool {
    let namespace = image.repo.split('/').next().unwrap_or("");
    image.is_official_library()
        || VENDORS.contains(&namespace)
        || image.registry.as_deref().is_some_and(|r| {
            [
                "quay.io",
                "docker.elastic.co",
                "registry.k8s.io",
                "mcr.microsoft.com",
            ]
            .contains(&r)
        })
        || usage
            .pulled
            .iter()
            .any(|p| ImageRef::parse(p).repo == image.repo)
}

/// Names an image built from this Dockerfile is likely to carry: its folder
/// (`services/api/Dockerfile` → `api`), its name suffix (`Dockerfile.api`, `api.Dockerfile`),
/// or the repository's folder name for a root Dockerfile.
fn image_names(path: &str, root: Option<&str>) -> Vec<String> {
    let lower = path.to_ascii_lowercase();
    let (dir, file) = lower.rsplit_once('/').unwrap_or(("", &lower));
    let mut names = Vec::new();
    if let Some(d) = dir.rsplit('/').next().filter(|d| !d.is_empty()) {
        names.push(d.to_string());
    } else if let Some(r) = root {
        names.push(r.to_string());
    }
    for part in [
        file.strip_prefix("dockerfile."),
        file.strip_suffix(".dockerfile"),
    ]
    .into_iter()
    .flatten()
    {
        names.push(part.to_string());
    }
    names
}
