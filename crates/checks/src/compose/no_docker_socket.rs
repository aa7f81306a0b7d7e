use super::tree::CNode;
use crate::prelude::*;

pub struct DockerSocketMount;

static META: ControlMeta = ControlMeta {
    id: "CMP009",
    slug: "no_docker_socket",
    title: "Compose services do not mount the container engine socket",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Remove the `/var/run/docker.sock` volume. If a tool truly needs the Docker API \
                  (a reverse proxy discovering containers, a CI runner), put a filtering proxy \
                  in front of it (for example a docker-socket-proxy allowing only `GET \
                  /containers`), or use the platform's API instead.",
    references: &[
        "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
        "https://www.cisecurity.org/benchmark/docker",
    ],
    concepts: &[
        "docker socket",
        "docker.sock",
        "container escape",
        "host access",
        "daemon socket",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

No service started by `docker compose up` in a deployed project mounts the Docker (or
Podman, containerd) API socket: a volume whose source is `/var/run/docker.sock`,
`/run/docker.sock`, `podman.sock`, `containerd.sock` or the Windows `docker_engine` pipe,
in short (`/var/run/docker.sock:/var/run/docker.sock:ro`) or long (`source:`) syntax. A
read-only (`:ro`) mount fails too: it only protects the socket file, not the API behind it.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

Whoever talks to the Docker socket can start a privileged container that mounts the host's
root filesystem: the socket is root on the host. A compromised reverse proxy, dashboard or
log shipper holding it turns one bug into a host takeover.

## Example

Bad:

```yaml
services:
  proxy:
    image: traefik:v3.1
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
```

Good:

```yaml
services:
  proxy:
    image: traefik:v3.1
    volumes:
      - ./traefik/dynamic.yml:/etc/traefik/dynamic.yml:ro
```

## References

- Docker docs: Docker daemon attack surface
- OWASP Docker Security Cheat Sheet, rule 1 "Do not expose the Docker daemon socket"
- CIS Docker Benchmark 5.31 "Ensure that the Docker socket is not mounted inside any containers"
"#
    ),
};

impl Check for DockerSocketMount {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(ws, None, |_, svc, v| {
            for volume in svc.get("volumes").map(|c| c.items()).unwrap_or(&[]) {
                if let Some(source) = mount_source(volume).filter(|s| is_engine_socket(s)) {
                    let at = volume.get("source").map_or(&volume.pos, |s| &s.pos);
                    v.fail(at.finding(format!(
                        "service `{}` mounts the container engine socket `{source}`: that is root \
                         on the host",
                        svc.name
                    )));
                }
            }
        })
    }
}

/// Source of a volume entry: before the first `:` of the short syntax (Windows drive letters
/// and `//` pipes kept), or `source:` of the long syntax.
fn mount_source(volume: &CNode) -> Option<String> {
    if let Some(text) = volume.text() {
        let text = text.trim();
        let drive = text.len() > 2
            && text.as_bytes()[1] == b':'
            && text.as_bytes()[0].is_ascii_alphabetic();
        let search_from = if drive { 2 } else { 0 };
        let end = text[search_from..]
            .find(':')
            .map_or(text.len(), |i| i + search_from);
        return Some(text[..end].to_string());
    }
    volume
        .get("source")
        .and_then(CNode::text)
        .map(str::to_string)
}

fn is_engine_socket(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.ends_with("docker.sock")
        || lower.ends_with("podman.sock")
        || lower.ends_with("containerd.sock")
        || lower.contains("docker_engine")
}
