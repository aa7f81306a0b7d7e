use super::images::{Datastore, ImageRef, datastore_of};
use super::model::{EnvValue, Service, resolve_path};
use super::tree::{CNode, Pos};
use crate::prelude::*;

pub struct UnauthenticatedDatastore;

static META: ControlMeta = ControlMeta {
    id: "CMP011",
    slug: "datastore_authentication",
    title: "Datastores in compose require authentication",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Turn authentication on: Redis `command: [\"redis-server\", \"--requirepass\", \
                  \"${REDIS_PASSWORD:?}\"]` (or an ACL file); MongoDB \
                  `MONGO_INITDB_ROOT_USERNAME`/`MONGO_INITDB_ROOT_PASSWORD`; PostgreSQL without \
                  `POSTGRES_HOST_AUTH_METHOD=trust`; MySQL without `*_ALLOW_EMPTY_*PASSWORD`; \
                  Elasticsearch with `xpack.security.enabled=true` (default from 8.0); RabbitMQ \
                  with `RABBITMQ_DEFAULT_USER`/`RABBITMQ_DEFAULT_PASS` other than guest; MinIO \
                  with `MINIO_ROOT_USER`/`MINIO_ROOT_PASSWORD`. Take the secrets from references.",
    references: &[
        "https://redis.io/docs/latest/operate/oss_and_stack/management/security/",
        "https://www.mongodb.com/docs/manual/administration/security-checklist/",
        "https://hub.docker.com/_/postgres",
        "https://www.elastic.co/guide/en/elasticsearch/reference/current/security-minimal-setup.html",
        "https://www.rabbitmq.com/docs/access-control",
        "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
    ],
    concepts: &[
        "database authentication",
        "redis password",
        "requirepass",
        "mongodb access control",
        "default credentials",
        "trust authentication",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

Datastore services started by `docker compose up` in a deployed project must require
authentication. Per image (official and Bitnami images):

- Redis / Valkey / KeyDB: `--requirepass` or `--aclfile` in `command` (or `REDIS_ARGS`),
  `requirepass`/`aclfile`/`user` in a `redis.conf` mounted from the repository, or a Bitnami
  image without `ALLOW_EMPTY_PASSWORD=yes`. A plain `redis` image fails.
- MongoDB: `MONGO_INITDB_ROOT_USERNAME` and `MONGO_INITDB_ROOT_PASSWORD` (or `_FILE`), or
  `--auth`/`--keyFile`; `--noauth` fails.
- PostgreSQL: fails with `POSTGRES_HOST_AUTH_METHOD=trust` (the image otherwise refuses to
  start without a password).
- MySQL / MariaDB: fails with `MYSQL_ALLOW_EMPTY_PASSWORD`, `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD`
  or `--skip-grant-tables`.
- Elasticsearch: fails with `xpack.security.enabled=false`, and for images before 8.0 (where
  security was off by default) unless it is set to `true`; Bitnami images need
  `ELASTICSEARCH_ENABLE_SECURITY=true`. OpenSearch fails with `DISABLE_SECURITY_PLUGIN=true`.
- RabbitMQ: fails when `RABBITMQ_DEFAULT_USER`/`RABBITMQ_DEFAULT_PASS` are unset or `guest`.
- Neo4j: fails with `NEO4J_AUTH=none`. MinIO: fails without `MINIO_ROOT_USER` and
  `MINIO_ROOT_PASSWORD` (the default is `minioadmin:minioadmin`).

Values are read from `environment:`, the service's `env_file:` files and the project `.env`
(interpolation). When a deciding variable may live in an `env_file` that is not in the
repository, or comes from an unset variable, the answer is unknown. Memcached, Cassandra,
Kafka, ZooKeeper, etcd, NATS and others are not covered (their images have no standard
switch to check). Not applicable when no covered datastore is deployed.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

An unauthenticated datastore trusts the network, and the network is larger than it looks:
a published port, a compromised neighbour container, an SSRF bug in the web app. Redis
without a password lets anyone write a cron job or SSH key to disk; open MongoDB and
Elasticsearch instances are the most common source of mass data leaks.

## Example

Bad:

```yaml
services:
  redis:
    image: redis:7.2-alpine
  db:
    image: postgres:16.3
    environment:
      POSTGRES_HOST_AUTH_METHOD: trust
```

Good:

```yaml
services:
  redis:
    image: redis:7.2-alpine
    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD:?}"]
  db:
    image: postgres:16.3
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?}
```

## References

- Redis security
- MongoDB security checklist
- PostgreSQL official image documentation (`POSTGRES_HOST_AUTH_METHOD`)
- Elasticsearch minimal security setup
- RabbitMQ access control (the guest user)
- OWASP Top 10 A07: Identification and Authentication Failures
"#
    ),
};

impl Check for UnauthenticatedDatastore {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(
            ws,
            Some("no datastore with an authentication switch is deployed"),
            |_, svc, v| {
                let Some(image) = svc.image() else {
                    return;
                };
                let reference = ImageRef::parse(image.text().unwrap_or(""));
                let Some(store) = datastore_of(&reference) else {
                    return;
                };
                let ctx = Ctx {
                    ws,
                    svc,
                    image: &reference,
                    image_pos: &image.pos,
                };
                let verdict = match store {
                    Datastore::Redis => redis(&ctx),
                    Datastore::Mongo => mongo(&ctx),
                    Datastore::Postgres => postgres(&ctx),
                    Datastore::MySql => mysql(&ctx),
                    Datastore::Elasticsearch => elasticsearch(&ctx),
                    Datastore::OpenSearch => opensearch(&ctx),
                    Datastore::RabbitMq => rabbitmq(&ctx),
                    Datastore::Neo4j => neo4j(&ctx),
                    Datastore::Minio => minio(&ctx),
                    _ => return,
                };
                let (name, kind) = (&svc.name, store.name());
                match verdict {
                    Auth::Required(pos, how) => {
                        v.pass(pos.finding(format!("{kind} service `{name}` {how}")))
                    }
                    Auth::Open(pos, why) => {
                        v.fail(pos.finding(format!("{kind} service `{name}` {why}")))
                    }
                    Auth::Unknown(why) => v.unknown(format!("`{name}`: {why}")),
                }
            },
        )
    }
}

enum Auth {
    Required(Pos, String),
    Open(Pos, String),
    Unknown(String),
}

struct Ctx<'a> {
    ws: &'a Workspace,
    svc: &'a Service,
    image: &'a ImageRef,
    image_pos: &'a Pos,
}

/// A variable's value as far as the repository tells.
enum Var {
    Set(String, Pos),
    /// Passed through from the deploying shell, or an unset interpolation: set, value unknown.
    Opaque(Pos),
    /// Not in what can be seen, but an env file outside the repository may set it.
    Maybe(String),
    Unset,
}

impl Ctx<'_> {
    fn var(&self, name: &str) -> Var {
        match self.svc.env(name) {
            EnvValue::Inline(e) => match e.value.scalar() {
                Some(s) if !s.value.has_unresolved() => {
                    Var::Set(s.text().to_string(), e.value.pos.clone())
                }
                _ => Var::Opaque(e.at.clone()),
            },
            EnvValue::File(file, var) => Var::Set(
                var.value.clone(),
                Pos {
                    src: file.src.clone(),
                    line: var.line,
                    column: 1,
                },
            ),
            EnvValue::Unknown(file) => Var::Maybe(file.to_string()),
            EnvValue::Unset => Var::Unset,
        }
    }

    /// The position of a variable when it is set to a value satisfying `pred`.
    fn var_is(&self, name: &str, pred: impl Fn(&str) -> bool) -> Option<Pos> {
        match self.var(name) {
            Var::Set(value, pos) if pred(value.trim()) => Some(pos),
            _ => None,
        }
    }

    /// Set in any way (a reference counts).
    fn var_present(&self, name: &str) -> Option<Pos> {
        match self.var(name) {
            Var::Set(value, pos) if !value.trim().is_empty() => Some(pos),
            Var::Opaque(pos) => Some(pos),
            _ => None,
        }
    }

    fn env_file_outside(&self) -> Option<String> {
        self.svc
            .env_files
            .iter()
            .find(|f| f.file.is_none())
            .map(|f| f.written.clone())
    }

    fn command_tokens(&self) -> Vec<(String, Pos)> {
        let Some(command) = self.svc.get("command") else {
            return Vec::new();
        };
        let nodes: Vec<&CNode> = if command.scalar().is_some() {
            vec![command]
        } else {
            command.items().iter().collect()
        };
        nodes
            .into_iter()
            .filter_map(|n| n.text().map(|t| (t, &n.pos)))
            .flat_map(|(t, pos)| {
                t.split_whitespace()
                    .map(|w| (w.trim_matches(['"', '\'']).to_string(), pos.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn command_has(&self, flags: &[&str]) -> Option<Pos> {
        self.command_tokens().into_iter().find_map(|(t, pos)| {
            let flag = t.split('=').next().unwrap_or(&t).to_string();
            flags.contains(&flag.as_str()).then_some(pos)
        })
    }

    fn is_bitnami(&self) -> bool {
        self.image.repository.starts_with("bitnami/")
    }

    /// Open, unless an env file outside the repository might change the answer.
    fn open_unless_hidden(&self, why: &str) -> Auth {
        match self.env_file_outside() {
            Some(file) => Auth::Unknown(format!(
                "{why}, unless `{file}` (not in the repository) configures it"
            )),
            None => Auth::Open(self.svc.at.clone(), why.to_string()),
        }
    }
}

fn truthy(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "yes" | "true" | "1" | "on"
    )
}

fn redis(c: &Ctx) -> Auth {
    if let Some(pos) = c.command_has(&["--requirepass", "--aclfile"]) {
        return Auth::Required(pos, "requires a password (`--requirepass`/ACL)".into());
    }
    if let Some(pos) = c.var_is("REDIS_ARGS", |v| v.contains("--requirepass")) {
        return Auth::Required(pos, "requires a password (`REDIS_ARGS`)".into());
    }
    if let Some(pos) = c.var_is("ALLOW_EMPTY_PASSWORD", truthy) {
        return Auth::Open(pos, "allows an empty password".into());
    }
    if c.is_bitnami() {
        return Auth::Required(
            c.image_pos.clone(),
            "uses a Bitnami image, which requires REDIS_PASSWORD".into(),
        );
    }
    if let Some(pos) = c.var_present("DFLY_requirepass") {
        return Auth::Required(pos, "requires a password (`DFLY_requirepass`)".into());
    }
    match redis_config(c) {
        Some(Ok((pos, true))) => {
            Auth::Required(pos, "requires a password in its mounted redis.conf".into())
        }
        Some(Ok((_, false))) | None => {
            c.open_unless_hidden("starts without a password (no `--requirepass` or ACL file)")
        }
        Some(Err(why)) => Auth::Unknown(why),
    }
}

/// A `*.conf` passed to redis-server and mounted from the repository: does it set a password?
fn redis_config(c: &Ctx) -> Option<Result<(Pos, bool), String>> {
    let (conf, _) = c
        .command_tokens()
        .into_iter()
        .find(|(t, _)| t.ends_with(".conf"))?;
    for volume in c.svc.get("volumes").map(|v| v.items()).unwrap_or(&[]) {
        let Some(spec) = volume.text() else {
            continue;
        };
        let mut parts = spec.split(':');
        let (Some(host), Some(target)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Some(inner) = conf.strip_prefix(target.trim_end_matches('/')) else {
            continue;
        };
        let host_file = format!("{host}{inner}");
        let Some(rel) = resolve_path(volume.pos.path(), &host_file) else {
            continue;
        };
        let Some(text) = c.ws.text(&rel) else {
            return Some(Err(format!("its config `{rel}` is not in the repository")));
        };
        let found = text.lines().find(|(_, l)| {
            let l = l.trim_start();
            l.starts_with("requirepass ") || l.starts_with("aclfile ") || l.starts_with("user ")
        });
        return Some(Ok(match found {
            Some((n, _)) => (
                Pos {
                    src: text.clone(),
                    line: n as u32,
                    column: 1,
                },
                true,
            ),
            None => (volume.pos.clone(), false),
        }));
    }
    Some(Err(format!(
        "it reads `{conf}`, which is not mounted from the repository"
    )))
}

fn mongo(c: &Ctx) -> Auth {
    if let Some(pos) = c.command_has(&["--noauth"]) {
        return Auth::Open(pos, "runs with `--noauth`".into());
    }
    if let Some(pos) = c.command_has(&["--auth", "--keyFile"]) {
        return Auth::Required(pos, "runs with access control".into());
    }
    if c.is_bitnami() {
        return match c.var_is("ALLOW_EMPTY_PASSWORD", truthy) {
            Some(pos) => Auth::Open(pos, "allows an empty password".into()),
            None => Auth::Required(
                c.image_pos.clone(),
                "uses a Bitnami image, which requires MONGODB_ROOT_PASSWORD".into(),
            ),
        };
    }
    let user = c
        .var_present("MONGO_INITDB_ROOT_USERNAME")
        .or_else(|| c.var_present("MONGO_INITDB_ROOT_USERNAME_FILE"));
    let password = c
        .var_present("MONGO_INITDB_ROOT_PASSWORD")
        .or_else(|| c.var_present("MONGO_INITDB_ROOT_PASSWORD_FILE"));
    match (user, password) {
        (Some(pos), Some(_)) => {
            Auth::Required(pos, "creates a root user (access control on)".into())
        }
        _ => c.open_unless_hidden(
            "runs without access control (no MONGO_INITDB_ROOT_USERNAME and _PASSWORD)",
        ),
    }
}

fn postgres(c: &Ctx) -> Auth {
    match c.var("POSTGRES_HOST_AUTH_METHOD") {
        Var::Set(v, pos) if v.trim().eq_ignore_ascii_case("trust") => {
            return Auth::Open(
                pos,
                "accepts every connection without a password (`trust`)".into(),
            );
        }
        Var::Opaque(pos) => {
            return Auth::Unknown(format!(
                "{}:{}: POSTGRES_HOST_AUTH_METHOD comes from the deploying environment",
                pos.path(),
                pos.line
            ));
        }
        Var::Maybe(file) => {
            return Auth::Unknown(format!(
                "POSTGRES_HOST_AUTH_METHOD may be set in `{file}`, which is not in the repository"
            ));
        }
        _ => {}
    }
    if let Some(pos) = c.var_is("ALLOW_EMPTY_PASSWORD", truthy) {
        return Auth::Open(pos, "allows an empty password".into());
    }
    Auth::Required(c.image_pos.clone(), "requires a password".into())
}

fn mysql(c: &Ctx) -> Auth {
    for name in [
        "MYSQL_ALLOW_EMPTY_PASSWORD",
        "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD",
        "MARIADB_ALLOW_EMPTY_PASSWORD",
        "ALLOW_EMPTY_PASSWORD",
    ] {
        if let Some(pos) = c.var_is(name, |v| {
            !v.is_empty()
                && !v.eq_ignore_ascii_case("no")
                && !v.eq_ignore_ascii_case("false")
                && v != "0"
        }) {
            return Auth::Open(pos, format!("allows an empty root password (`{name}`)"));
        }
    }
    if let Some(pos) = c.command_has(&["--skip-grant-tables"]) {
        return Auth::Open(pos, "runs with `--skip-grant-tables`".into());
    }
    Auth::Required(c.image_pos.clone(), "requires a root password".into())
}

fn elasticsearch(c: &Ctx) -> Auth {
    if c.is_bitnami() {
        return match c.var_is("ELASTICSEARCH_ENABLE_SECURITY", truthy) {
            Some(pos) => Auth::Required(pos, "enables security".into()),
            None => c.open_unless_hidden(
                "runs without security (Bitnami images need ELASTICSEARCH_ENABLE_SECURITY=true)",
            ),
        };
    }
    match c.var("xpack.security.enabled") {
        Var::Set(v, pos) if truthy(v.trim()) => Auth::Required(pos, "enables security".into()),
        Var::Set(_, pos) => Auth::Open(pos, "turns security off (`xpack.security.enabled`)".into()),
        Var::Opaque(pos) => Auth::Unknown(format!(
            "{}:{}: xpack.security.enabled comes from the deploying environment",
            pos.path(),
            pos.line
        )),
        Var::Maybe(file) => Auth::Unknown(format!(
            "xpack.security.enabled may be set in `{file}`, which is not in the repository"
        )),
        Var::Unset => match c.image.major_version() {
            Some(major) if major < 8 => Auth::Open(
                c.image_pos.clone(),
                format!("runs version {major}, where security is off unless enabled"),
            ),
            _ => Auth::Required(
                c.image_pos.clone(),
                "has security on by default (8.0+)".into(),
            ),
        },
    }
}

fn opensearch(c: &Ctx) -> Auth {
    for name in ["DISABLE_SECURITY_PLUGIN", "plugins.security.disabled"] {
        if let Some(pos) = c.var_is(name, truthy) {
            return Auth::Open(pos, format!("disables the security plugin (`{name}`)"));
        }
    }
    Auth::Required(c.image_pos.clone(), "keeps the security plugin on".into())
}

fn rabbitmq(c: &Ctx) -> Auth {
    let (user_var, pass_var) = if c.is_bitnami() {
        ("RABBITMQ_USERNAME", "RABBITMQ_PASSWORD")
    } else {
        ("RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS")
    };
    for name in [user_var, pass_var] {
        if let Some(pos) = c.var_is(name, |v| v.eq_ignore_ascii_case("guest")) {
            return Auth::Open(pos, format!("uses the default `guest` account (`{name}`)"));
        }
    }
    match c.var_present(pass_var) {
        Some(pos) => Auth::Required(pos, format!("sets its own credentials (`{pass_var}`)")),
        None => c.open_unless_hidden(&format!("keeps the default account (no `{pass_var}`)")),
    }
}

fn neo4j(c: &Ctx) -> Auth {
    match c.var_is("NEO4J_AUTH", |v| v.eq_ignore_ascii_case("none")) {
        Some(pos) => Auth::Open(pos, "turns authentication off (`NEO4J_AUTH=none`)".into()),
        None => Auth::Required(c.image_pos.clone(), "keeps authentication on".into()),
    }
}

fn minio(c: &Ctx) -> Auth {
    let user = c
        .var_present("MINIO_ROOT_USER")
        .or_else(|| c.var_present("MINIO_ROOT_USER_FILE"))
        .or_else(|| c.var_present("MINIO_ACCESS_KEY"));
    if let Some(pos) = c.var_is("MINIO_ROOT_PASSWORD", |v| v == "minioadmin") {
        return Auth::Open(pos, "uses the default `minioadmin` password".into());
    }
    match user {
        Some(pos) => Auth::Required(pos, "sets its own root credentials".into()),
        None => c.open_unless_hidden(
            "keeps the default `minioadmin:minioadmin` credentials (no MINIO_ROOT_USER)",
        ),
    }
}
