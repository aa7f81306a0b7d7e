//! Image references (`registry:5000/team/app:1.2@sha256:...`) and what an image is: a
//! datastore, an admin UI.

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host, when the first path part looks like one (`ghcr.io`, `localhost:5000`).
    pub registry: Option<String>,
    /// Repository path without the registry (`library/postgres` is written `postgres`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let reference = reference.trim();
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        // A tag is after the last `:` of the last path segment (a registry port is not a tag).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (
                &rest[..last_slash + i],
                Some(rest[last_slash + i + 1..].to_string()),
            ),
            None => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, path))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_string()), path.to_string())
            }
            _ => (None, name.to_string()),
        };
        ImageRef {
            registry,
            repository: repository.to_ascii_lowercase(),
            tag,
            digest,
        }
    }

    /// Last repository segment: `bitnami/postgresql` → `postgresql`.
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// Major version from a tag such as `7.17.9`, `8-alpine`, `16.2-bookworm`.
    pub fn major_version(&self) -> Option<u32> {
        let tag = self.tag.as_deref()?;
        let digits: String = tag.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    }
}

/// Kinds of datastore the compose controls know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Datastore {
    Postgres,
    MySql,
    Mongo,
    Redis,
    Memcached,
    Elasticsearch,
    OpenSearch,
    RabbitMq,
    Cassandra,
    Neo4j,
    CouchDb,
    InfluxDb,
    ClickHouse,
    SqlServer,
    Kafka,
    Zookeeper,
    Etcd,
    Minio,
    Nats,
    CockroachDb,
}

impl Datastore {
    pub fn name(self) -> &'static str {
        match self {
            Datastore::Postgres => "PostgreSQL",
            Datastore::MySql => "MySQL/MariaDB",
            Datastore::Mongo => "MongoDB",
            Datastore::Redis => "Redis",
            Datastore::Memcached => "Memcached",
            Datastore::Elasticsearch => "Elasticsearch",
            Datastore::OpenSearch => "OpenSearch",
            Datastore::RabbitMq => "RabbitMQ",
            Datastore::Cassandra => "Cassandra",
            Datastore::Neo4j => "Neo4j",
            Datastore::CouchDb => "CouchDB",
            Datastore::InfluxDb => "InfluxDB",
            Datastore::ClickHouse => "ClickHouse",
            Datastore::SqlServer => "SQL Server",
            Datastore::Kafka => "Kafka",
            Datastore::Zookeeper => "ZooKeeper",
            Datastore::Etcd => "etcd",
            Datastore::Minio => "MinIO",
            Datastore::Nats => "NATS",
            Datastore::CockroachDb => "CockroachDB",
        }
    }
}

/// The datastore an image runs, from its repository name.
pub fn datastore_of(image: &ImageRef) -> Option<Datastore> {
    let repo = image.repository.as_str();
    let short = image.short_name();
    let ds = match short {
        "postgres" | "postgresql" | "postgis" | "timescaledb" | "timescaledb-ha"
        | "postgresql-repmgr" | "pgvector" => Datastore::Postgres,
        "mysql" | "mariadb" | "percona" | "percona-server" | "mysql-server" => Datastore::MySql,
        "mongo" | "mongodb" | "mongodb-community-server" | "mongodb-enterprise-server" => {
            Datastore::Mongo
        }
        "redis" | "redis-stack" | "redis-stack-server" | "valkey" | "keydb" | "dragonfly" => {
            Datastore::Redis
        }
        "memcached" => Datastore::Memcached,
        "elasticsearch" => Datastore::Elasticsearch,
        "opensearch" => Datastore::OpenSearch,
        "rabbitmq" => Datastore::RabbitMq,
        "cassandra" | "scylla" => Datastore::Cassandra,
        "neo4j" => Datastore::Neo4j,
        "couchdb" | "couchbase" => Datastore::CouchDb,
        "influxdb" => Datastore::InfluxDb,
        "clickhouse-server" | "clickhouse" => Datastore::ClickHouse,
        "server" if repo.starts_with("mssql/") => Datastore::SqlServer,
        "cp-kafka" | "kafka" => Datastore::Kafka,
        "cp-zookeeper" | "zookeeper" => Datastore::Zookeeper,
        "etcd" => Datastore::Etcd,
        "minio" => Datastore::Minio,
        "nats" => Datastore::Nats,
        "cockroach" => Datastore::CockroachDb,
        _ => return None,
    };
    Some(ds)
}

/// The admin UI an image runs (database consoles and similar), by repository name.
pub fn admin_ui_of(image: &ImageRef) -> Option<&'static str> {
    let repo = image.repository.as_str();
    let ui = match image.short_name() {
        "mongo-express" => "mongo-express",
        "adminer" => "Adminer",
        "pgadmin4" | "pgadmin" => "pgAdmin",
        "phpmyadmin" => "phpMyAdmin",
        "redis-commander" => "Redis Commander",
        "redisinsight" => "RedisInsight",
        "phpredisadmin" => "phpRedisAdmin",
        "kafka-ui" => "Kafka UI",
        "kafdrop" => "Kafdrop",
        "akhq" => "AKHQ",
        "pgweb" => "pgweb",
        "cloudbeaver" => "CloudBeaver",
        "sqlpad" => "SQLPad",
        "cerebro" => "Cerebro",
        "elasticvue" => "Elasticvue",
        "portainer" | "portainer-ce" | "portainer-ee" => "Portainer",
        "dockge" => "Dockge",
        "nosqlclient" => "nosqlclient",
        _ if repo.ends_with("/rockmongo") => "RockMongo",
        _ => return None,
    };
    Some(ui)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("postgres");
        assert_eq!(
            (r.repository.as_str(), r.tag, r.registry),
            ("postgres", None, None)
        );
        let r = ImageRef::parse("localhost:5000/team/api");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.repository, "team/api");
        assert_eq!(r.tag, None);
        let r = ImageRef::parse("ghcr.io/org/app:1.4.2@sha256:abc");
        assert_eq!(r.tag.as_deref(), Some("1.4.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("docker.elastic.co/elasticsearch/elasticsearch:7.17.9");
        assert_eq!(r.major_version(), Some(7));
        assert_eq!(datastore_of(&r), Some(Datastore::Elasticsearch));
    }

    #[test]
    fn knows_datastores_and_admin_uis() {
        let d = |s: &str| datastore_of(&ImageRef::parse(s));
        assert_eq!(d("bitnami/postgresql:16"), Some(Datastore::Postgres));
        assert_eq!(d("redis:7-alpine"), Some(Datastore::Redis));
        assert_eq!(
            d("mcr.microsoft.com/mssql/server:2022-latest"),
            Some(Datastore::SqlServer)
        );
        assert_eq!(d("nginx:1.27"), None);
        assert_eq!(d("myorg/postgres-backup:1"), None);
        let a = |s: &str| admin_ui_of(&ImageRef::parse(s));
        assert_eq!(a("dpage/pgadmin4:8"), Some("pgAdmin"));
        assert_eq!(a("mongo-express:1.0"), Some("mongo-express"));
        assert_eq!(a("provectuslabs/kafka-ui:v0.7.2"), Some("Kafka UI"));
        assert_eq!(a("grafana/grafana:11.0.0"), None);
    }
}
