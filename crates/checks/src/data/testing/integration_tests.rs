use crate::data::support::database::{BackingServices, image_engine};
use crate::data::support::paths::{file_name, is_evidence_path, is_fixture_path};
use crate::data::support::test_files::{Marker, TestFiles};
use crate::data::support::with_message;
use crate::prelude::*;
use vouch_workspace::{CiSystem, YamlFile, YamlRole};

pub struct IntegrationTests;

static META: ControlMeta = ControlMeta {
    id: "TST002",
    slug: "integration_tests",
    title: "Integration tests run against real backing services",
    area: Area::Testing,
    severity: Severity::Medium,
    remediation: "Test the code that talks to the database, cache or queue against a real \
                  instance: Testcontainers in the tests, a compose test stack \
                  (`docker-compose.test.yml`) started by CI, or CI service containers \
                  (`services:` in GitHub Actions or GitLab CI). Mocks alone do not catch SQL \
                  errors, migrations that fail, or driver behaviour.",
    references: &[
        "https://testcontainers.com/guides/introducing-testcontainers/",
        "https://docs.github.com/en/actions/use-cases-and-examples/using-containerized-services/about-service-containers",
        "https://docs.gitlab.com/ee/ci/services/",
        "https://martinfowler.com/bliki/IntegrationTest.html",
    ],
    concepts: &[
        "integration tests",
        "testcontainers",
        "service containers",
        "test database",
        "docker compose test",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the service uses a backing service (database, cache, queue, search engine, object store),
some tests must run against a real instance of it:

- test files using Testcontainers (any language), dockertest, gnomock, pytest-docker,
  pytest-postgresql or embedded-postgres;
- a compose test stack: a compose file named for tests or CI (`docker-compose.test.yml`,
  `compose.ci.yaml`, `docker-compose.integration.yml`) or kept under a test folder, that runs a
  backing service image;
- CI service containers: `services:` of a GitHub Actions job or of GitLab CI, CircleCI
  secondary images.

Unknown when integration tests exist (`tests/integration/`, `*IT.java`, ...) but nothing shows
what they run against. NotApplicable when the service uses no backing service.

## Why it matters in production

Unit tests with mocked repositories cannot catch the bugs that take services down: SQL that
only fails on PostgreSQL, a migration that locks a table, a Redis command missing in the server
version, serialisation that the real broker rejects. Only a test against the real thing does.

## Example

Bad: the repository layer is only ever tested with an in-memory fake.

Good: `.github/workflows/ci.yml`

```yaml
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports: ["5432:5432"]
    steps:
      - run: pytest tests/integration
```

## References

- Testcontainers; GitHub Actions service containers; GitLab CI services
- Martin Fowler, "IntegrationTest"
"#,
};

impl Check for IntegrationTests {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut evidence = Vec::new();
        let tests = TestFiles::get(ws);
        for t in &tests.files {
            if let Some((Marker::RealServices(lib), line, col)) = t
                .markers
                .iter()
                .find(|(m, _, _)| matches!(m, Marker::RealServices(_)))
            {
                evidence.push(t.finding(
                    *line,
                    *col,
                    format!("test starts real services with {lib}"),
                ));
            }
        }
        for file in ws.yaml_with_role(YamlRole::Compose) {
            if is_test_compose(&file.path) && is_evidence_path(&file.path) {
                evidence.extend(compose_services(file));
            }
        }
        for file in ws.yaml.iter().filter(|y| !is_fixture_path(&y.path)) {
            if let YamlRole::Ci(system) = file.role {
                evidence.extend(ci_services(file, system));
            }
        }
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        let services = BackingServices::get(ws);
        let Some(backing) = services.found.first() else {
            return match &services.incomplete {
                Some(why) => Outcome::unknown(format!(
                    "could not tell whether the service uses a backing service: {why}"
                )),
                None => Outcome::not_applicable(
                    "the service uses no database, cache, queue or other backing service to integrate with",
                ),
            };
        };
        if let Some(t) = tests.with_tests().find(|t| {
            t.rel.to_ascii_lowercase().contains("integration") || t.rel.ends_with("IT.java")
        }) {
            return Outcome::unknown(format!(
                "integration tests exist ({}) but nothing shows they run against real services \
                 (no Testcontainers, compose test stack or CI service container)",
                t.rel
            ));
        }
        Outcome::Fail {
            findings: vec![with_message(
                &backing.finding,
                format!(
                    "{}, but no test runs against a real instance (no Testcontainers, compose test stack or CI service container)",
                    backing.finding.message
                ),
            )],
        }
    }
}

fn is_test_compose(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = file_name(&lower);
    ["test", ".ci.", "-ci.", "integration", "e2e"]
        .iter()
        .any(|w| name.contains(w))
        || lower
            .split('/')
            .any(|d| matches!(d, "test" | "tests" | "integration" | "e2e" | "ci"))
}

fn compose_services(file: &YamlFile) -> Vec<Finding> {
    let mut out = Vec::new();
    for doc in file.docs() {
        for (name, svc) in doc
            .root
            .get("services")
            .map_or_else(Vec::new, |s| s.entries().collect())
        {
            let Some(image) = svc.get("image") else {
                continue;
            };
            if let Some((engine, _)) = image.as_str().and_then(image_engine) {
                out.push(finding_node(
                    &file.text,
                    image,
                    format!("compose test stack runs {engine} (service `{name}`)"),
                ));
            }
        }
    }
    out
}

fn ci_services(file: &YamlFile, system: CiSystem) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |image: &Node, job: &str| {
        let shown = image.as_str().unwrap_or("?");
        out.push(finding_node(
            &file.text,
            image,
            format!(
                "{} job `{job}` runs service container `{shown}`",
                system.name()
            ),
        ));
    };
    for doc in file.docs() {
        match system {
            CiSystem::GithubActions => {
                for (job, spec) in doc
                    .root
                    .get("jobs")
                    .map_or_else(Vec::new, |j| j.entries().collect())
                {
                    for (_, svc) in spec
                        .get("services")
                        .map_or_else(Vec::new, |s| s.entries().collect())
                    {
                        if let Some(image) = svc.get("image") {
                            push(image, job);
                        } else if svc.as_str().is_some() {
                            push(svc, job);
                        }
                    }
                }
            }
            CiSystem::GitlabCi => {
                let top = doc.root.get("services").map(|s| ("(all jobs)", s));
                let jobs = doc
                    .root
                    .entries()
                    .filter_map(|(job, spec)| spec.get("services").map(|s| (job, s)));
                for (job, services) in top.into_iter().chain(jobs) {
                    for svc in services.items() {
                        let image = svc.get("name").unwrap_or(svc);
                        if image.as_str().is_some() {
                            push(image, job);
                        }
                    }
                }
            }
            CiSystem::CircleCi => {
                for (job, spec) in doc
                    .root
                    .get("jobs")
                    .map_or_else(Vec::new, |j| j.entries().collect())
                {
                    for secondary in spec
                        .get("docker")
                        .map_or(&[][..], Node::items)
                        .iter()
                        .skip(1)
                    {
                        if let Some(image) = secondary.get("image") {
                            push(image, job);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}
