use super::images::{ImageRef, datastore_of};
use super::interpolate::{OPAQUE, mask_unresolved};
use super::tree::CNode;
use crate::prelude::*;

pub struct PublicDatastorePort;

static META: ControlMeta = ControlMeta {
    id: "CMP010",
    slug: "datastore_ports_not_public",
    title: "Datastore ports are not published on all interfaces",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Remove the `ports:` entry of the database (services reach it by name on the \
                  compose network; `expose:` documents the port), or bind it to loopback for \
                  local tools: `\"127.0.0.1:5432:5432\"`. Avoid `network_mode: host` for \
                  datastores.",
    references: &[
        "https://docs.docker.com/reference/compose-file/services/#ports",
        "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
        "https://www.cisecurity.org/benchmark/docker",
    ],
    concepts: &[
        "database exposed",
        "port exposure",
        "network exposure",
        "bind to localhost",
        "attack surface",
        "127.0.0.1",
        "ports bound to localhost",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

Services of a deployed project that run a datastore (PostgreSQL, MySQL/MariaDB, MongoDB,
Redis/Valkey, Memcached, Elasticsearch/OpenSearch, RabbitMQ, Cassandra/Scylla, Neo4j,
CouchDB, InfluxDB, ClickHouse, SQL Server, Kafka, ZooKeeper, etcd, MinIO, NATS,
CockroachDB, recognised by image) and start with `docker compose up` must not publish a port
on every interface: `"5432:5432"`, `"5432"`, `"0.0.0.0:5432:5432"` and long-syntax ports
without `host_ip` fail, as does `network_mode: host`. `"127.0.0.1:5432:5432"`,
`"[::1]:6379:6379"`, a specific interface address, and `expose:` pass. Not applicable when no
datastore is deployed.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

A published port is reachable from every network the host is on, and Docker's own iptables
rules bypass host firewalls such as ufw. Exposed databases are found by internet-wide scanners
within hours; unauthenticated Redis, MongoDB and Elasticsearch instances are routinely wiped
and held for ransom.

## Example

Bad:

```yaml
services:
  db:
    image: postgres:16.3
    ports:
      - "5432:5432"
```

Good:

```yaml
services:
  db:
    image: postgres:16.3
    expose: ["5432"]
    ports:
      - "127.0.0.1:5432:5432"   # local psql only
```

## References

- Compose file reference: `ports`
- Docker docs: packet filtering and firewalls (published ports bypass ufw)
- CIS Docker Benchmark 5.14 "Ensure that incoming container traffic is bound to a specific host interface"
"#
    ),
};

impl Check for PublicDatastorePort {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(ws, Some("no datastore service is deployed"), |_, svc, v| {
            let Some(image) = svc.image() else {
                return;
            };
            let Some(store) = datastore_of(&ImageRef::parse(image.text().unwrap_or(""))) else {
                return;
            };
            let (name, kind) = (&svc.name, store.name());
            if let Some(mode) = svc.get("network_mode")
                && mode.text() == Some("host")
            {
                v.fail(mode.pos.finding(format!(
                    "{kind} service `{name}` uses the host network: every port it opens is on \
                     every interface"
                )));
                return;
            }
            let ports = svc.get("ports").map(|p| p.items()).unwrap_or(&[]);
            if ports.is_empty() {
                v.pass(
                    svc.at
                        .finding(format!("{kind} service `{name}` publishes no port")),
                );
            }
            for port in ports {
                match host_ip(port) {
                    HostIp::All => v.fail(port.pos.finding(format!(
                        "{kind} service `{name}` publishes a port on all interfaces"
                    ))),
                    HostIp::Unknown => v.unknown(format!(
                        "{}:{}: the interface `{name}` publishes on comes from an unset variable",
                        port.pos.path(),
                        port.pos.line
                    )),
                    HostIp::Specific(ip) => v.pass(
                        port.pos
                            .finding(format!("{kind} service `{name}` publishes only on {ip}")),
                    ),
                }
            }
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
enum HostIp {
    All,
    Specific(String),
    Unknown,
}

fn host_ip(port: &CNode) -> HostIp {
    if port.is_map() {
        return match port.get("host_ip").and_then(CNode::text) {
            None => HostIp::All,
            Some(ip) => classify_ip(ip),
        };
    }
    let Some(text) = port.text() else {
        return HostIp::Unknown;
    };
    short_syntax_host_ip(&mask_unresolved(text))
}

/// `[ip:]host:container[/proto]`, `[::1]:h:c`, or a bare container port (published on a random
/// host port of every interface).
fn short_syntax_host_ip(spec: &str) -> HostIp {
    let spec = spec.trim();
    let spec = spec.split('/').next().unwrap_or(spec);
    if let Some(rest) = spec.strip_prefix('[') {
        let Some((ip, _)) = rest.split_once(']') else {
            return HostIp::Unknown;
        };
        return classify_ip(ip);
    }
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() <= 2 {
        return HostIp::All;
    }
    classify_ip(&parts[..parts.len() - 2].join(":"))
}

fn classify_ip(ip: &str) -> HostIp {
    let ip = ip.trim();
    if ip.contains(OPAQUE) || ip.contains("${") {
        return HostIp::Unknown;
    }
    match ip {
        "" | "0.0.0.0" | "::" | "[::]" | "*" => HostIp::All,
        ip => HostIp::Specific(ip.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_syntax() {
        let ip = |s: &str| short_syntax_host_ip(&mask_unresolved(s));
        assert_eq!(ip("5432:5432"), HostIp::All);
        assert_eq!(ip("5432"), HostIp::All);
        assert_eq!(ip("0.0.0.0:5432:5432"), HostIp::All);
        assert_eq!(
            ip("127.0.0.1:5432:5432"),
            HostIp::Specific("127.0.0.1".into())
        );
        assert_eq!(ip("[::1]:6379:6379/tcp"), HostIp::Specific("::1".into()));
        assert_eq!(ip("${DB_PORT:?}:5432"), HostIp::All);
        assert_eq!(ip("${BIND_IP}:5432:5432"), HostIp::Unknown);
        assert_eq!(
            ip("127.0.0.1:${PG_PORT}:5432"),
            HostIp::Specific("127.0.0.1".into())
        );
    }
}
