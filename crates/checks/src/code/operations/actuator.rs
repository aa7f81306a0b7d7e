//! Spring Boot Actuator serves health (and, when exposed, Prometheus) endpoints without any
//! route in the application's code: they are read from the declared dependencies and the
//! `application*.properties`/`.yml` exposure settings.

use super::served::ServedPath;
use vouch_workspace::Workspace;

const ACTUATOR: &str = "org.springframework.boot:spring-boot-starter-actuator";
const PROMETHEUS_REGISTRY: &str = "io.micrometer:micrometer-registry-prometheus";

/// Paths the Actuator serves, located at the dependency declaration. The health groups
/// `liveness`/`readiness` are enabled automatically on Kubernetes (Spring Boot 2.3+); a custom
/// `management.endpoints.web.base-path` or management port is not followed.
pub fn actuator_paths(ws: &Workspace) -> Vec<ServedPath> {
    let declared = |name: &str| ws.dependencies.iter().find(|d| d.name == name && !d.dev);
    let Some(actuator) = declared(ACTUATOR) else {
        return Vec::new();
    };
    let at = |pattern: &str, dep: &vouch_workspace::Dependency, what: &str| ServedPath {
        pattern: pattern.into(),
        file: dep.path.clone(),
        line: dep.line,
        column: 1,
        what: what.into(),
    };
    let mut paths: Vec<ServedPath> = [
        "/actuator/health",
        "/actuator/health/liveness",
        "/actuator/health/readiness",
    ]
    .into_iter()
    .map(|p| at(p, actuator, "Spring Boot Actuator endpoint"))
    .collect();
    if let Some(registry) = declared(PROMETHEUS_REGISTRY)
        && prometheus_exposed(ws)
    {
        paths.push(at("/actuator/prometheus", registry, "metrics endpoint"));
    }
    paths
}

/// Whether an `application*` configuration exposes the `prometheus` endpoint over the web
/// (`management.endpoints.web.exposure.include=health,prometheus` or `*`).
fn prometheus_exposed(ws: &Workspace) -> bool {
    ws.files
        .iter()
        .filter(|f| {
            let name = f.name();
            name.starts_with("application")
                && (name.ends_with(".properties")
                    || name.ends_with(".yml")
                    || name.ends_with(".yaml"))
                && !f.class.test()
        })
        .filter_map(|f| ws.text(&f.rel))
        .any(|src| {
            let text = &src.text;
            text.contains("exposure")
                && text.lines().any(|l| {
                    let l = l.trim();
                    !l.starts_with('#')
                        && l.contains("include")
                        && (l.contains("prometheus") || l.contains('*'))
                })
        })
}
