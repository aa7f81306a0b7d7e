//! Which databases and other backing services the project uses, with the evidence for each.
//!
//! Sources, most concrete first: database images in compose and Kubernetes, database
//! operators' custom resources, Helm chart dependencies, managed databases in Terraform,
//! versioned migrations, declared dependencies (and, while those are not parsed, the manifest
//! text itself), and finally driver imports at the top of the source files.

use super::migrations::Migrations;
use super::paths::{is_evidence_path, is_product_path};
use super::terraform::Terraform;
use super::text::{column_of, read_head};
use crate::prelude::*;
use regex::Regex;
use std::sync::{Arc, LazyLock};
use vouch_workspace::{Ecosystem, FileKind, SourceText, YamlRole};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServiceKind {
    Relational,
    Document,
    Graph,
    WideColumn,
    KeyValue,
    Cache,
    Queue,
    Search,
    ObjectStore,
}

impl ServiceKind {
    pub fn is_database(self) -> bool {
        matches!(
            self,
            ServiceKind::Relational
                | ServiceKind::Document
                | ServiceKind::Graph
                | ServiceKind::WideColumn
                | ServiceKind::KeyValue
        )
    }
}

use ServiceKind::*;

/// One piece of evidence that the project uses a backing service.
#[derive(Clone, Debug)]
pub struct Backing {
    pub kind: ServiceKind,
    pub engine: &'static str,
    pub finding: Finding,
}

pub struct BackingServices {
    pub found: Vec<Backing>,
    /// Why absence cannot be concluded (a scan budget ran out).
    pub incomplete: Option<String>,
}

/// Source files whose heads are scanned for driver imports, at most.
const MAX_SCANNED_SOURCES: usize = 10_000;
const SOURCE_HEAD_BYTES: u64 = 8 * 1024;

impl BackingServices {
    pub fn get(ws: &Workspace) -> Arc<BackingServices> {
        ws.cached(build)
    }

    pub fn databases(&self) -> impl Iterator<Item = &Backing> {
        self.found.iter().filter(|b| b.kind.is_database())
    }

    /// The first database evidence, or the outcome to return when there is none.
    pub fn database_premise(&self) -> Result<&Backing, Outcome> {
        self.databases()
            .next()
            .ok_or_else(|| self.absent("database"))
    }

    /// The first relational database evidence; NotApplicable when only schemaless stores are
    /// used.
    pub fn relational_premise(&self) -> Result<&Backing, Outcome> {
        if let Some(b) = self.found.iter().find(|b| b.kind == Relational) {
            return Ok(b);
        }
        if let Some(other) = self.databases().next() {
            return Err(Outcome::not_applicable(format!(
                "no relational database: the only database found is {} ({}), which has no fixed schema to migrate",
                other.engine,
                other.finding.location.display()
            )));
        }
        Err(self.absent("database"))
    }

    fn absent(&self, what: &str) -> Outcome {
        match &self.incomplete {
            Some(why) => Outcome::unknown(format!(
                "could not tell whether the service uses a {what}: {why}"
            )),
            None => Outcome::not_applicable(format!(
                "no {what} found: no database image in compose or Kubernetes, no database operator, \
                 no managed database in Terraform, no migrations, no database driver among the \
                 dependencies or source imports"
            )),
        }
    }
}

/// Container images: the last path segment of the repository (tag removed).
const IMAGES: &[(&str, &str, ServiceKind)] = &[
    ("postgres", "PostgreSQL", Relational),
    ("postgresql", "PostgreSQL", Relational),
    ("postgresql-repmgr", "PostgreSQL", Relational),
    ("postgis", "PostgreSQL", Relational),
    ("pgvector", "PostgreSQL", Relational),
    ("timescaledb", "PostgreSQL", Relational),
    ("timescaledb-ha", "PostgreSQL", Relational),
    ("cockroach", "CockroachDB", Relational),
    ("yugabyte", "YugabyteDB", Relational),
    ("mysql", "MySQL", Relational),
    ("mysql-server", "MySQL", Relational),
    ("mariadb", "MariaDB", Relational),
    ("percona-server", "MySQL", Relational),
    ("oracle-xe", "Oracle", Relational),
    ("oracle-free", "Oracle", Relational),
    ("clickhouse-server", "ClickHouse", Relational),
    ("mongo", "MongoDB", Document),
    ("mongodb", "MongoDB", Document),
    ("mongodb-community-server", "MongoDB", Document),
    ("couchdb", "CouchDB", Document),
    ("arangodb", "ArangoDB", Document),
    ("neo4j", "Neo4j", Graph),
    ("cassandra", "Cassandra", WideColumn),
    ("scylla", "ScyllaDB", WideColumn),
    ("dynamodb-local", "DynamoDB", KeyValue),
    ("redis", "Redis", Cache),
    ("valkey", "Valkey", Cache),
    ("memcached", "Memcached", Cache),
    ("rabbitmq", "RabbitMQ", Queue),
    ("kafka", "Kafka", Queue),
    ("cp-kafka", "Kafka", Queue),
    ("redpanda", "Redpanda", Queue),
    ("nats", "NATS", Queue),
    ("pulsar", "Pulsar", Queue),
    ("elasticsearch", "Elasticsearch", Search),
    ("opensearch", "OpenSearch", Search),
    ("minio", "MinIO", ObjectStore),
    ("localstack", "LocalStack", ObjectStore),
];

/// `(engine, kind)` of a container image reference.
pub fn image_engine(image: &str) -> Option<(&'static str, ServiceKind)> {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    let repo_last = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
    if image.contains("mssql/server") {
        return Some(("SQL Server", Relational));
    }
    IMAGES
        .iter()
        .find(|(name, _, _)| *name == repo_last)
        .map(|&(_, engine, kind)| (engine, kind))
}

/// Custom resources of database operators: (apiVersion group suffix, kind, engine, kind).
const OPERATOR_KINDS: &[(&str, &str, &str, ServiceKind)] = &[
    ("postgresql.cnpg.io", "Cluster", "PostgreSQL", Relational),
    ("acid.zalan.do", "postgresql", "PostgreSQL", Relational),
    (
        "postgres-operator.crunchydata.com",
        "PostgresCluster",
        "PostgreSQL",
        Relational,
    ),
    (
        "pxc.percona.com",
        "PerconaXtraDBCluster",
        "MySQL",
        Relational,
    ),
    ("ps.percona.com", "PerconaServerMySQL", "MySQL", Relational),
    ("k8s.mariadb.com", "MariaDB", "MariaDB", Relational),
    ("mysql.oracle.com", "InnoDBCluster", "MySQL", Relational),
    (
        "psmdb.percona.com",
        "PerconaServerMongoDB",
        "MongoDB",
        Document,
    ),
    (
        "mongodbcommunity.mongodb.com",
        "MongoDBCommunity",
        "MongoDB",
        Document,
    ),
    (
        "rds.services.k8s.aws",
        "DBInstance",
        "Amazon RDS",
        Relational,
    ),
    (
        "rds.services.k8s.aws",
        "DBCluster",
        "Amazon RDS",
        Relational,
    ),
];

/// Helm chart dependencies and Terraform resource types.
const CHARTS: &[(&str, &str, ServiceKind)] = &[
    ("postgresql", "PostgreSQL", Relational),
    ("postgresql-ha", "PostgreSQL", Relational),
    ("mysql", "MySQL", Relational),
    ("mariadb", "MariaDB", Relational),
    ("mongodb", "MongoDB", Document),
    ("neo4j", "Neo4j", Graph),
    ("cassandra", "Cassandra", WideColumn),
    ("redis", "Redis", Cache),
    ("rabbitmq", "RabbitMQ", Queue),
    ("kafka", "Kafka", Queue),
    ("elasticsearch", "Elasticsearch", Search),
];

pub const TF_DATABASES: &[(&str, &str, ServiceKind)] = &[
    ("aws_db_instance", "Amazon RDS", Relational),
    ("aws_rds_cluster", "Amazon Aurora", Relational),
    ("aws_docdb_cluster", "Amazon DocumentDB", Document),
    ("aws_neptune_cluster", "Amazon Neptune", Graph),
    ("aws_dynamodb_table", "DynamoDB", KeyValue),
    ("aws_keyspaces_table", "Amazon Keyspaces", WideColumn),
    ("google_sql_database_instance", "Cloud SQL", Relational),
    ("google_spanner_instance", "Cloud Spanner", Relational),
    ("google_alloydb_cluster", "AlloyDB", Relational),
    ("google_firestore_database", "Firestore", Document),
    (
        "azurerm_postgresql_flexible_server",
        "Azure Database for PostgreSQL",
        Relational,
    ),
    (
        "azurerm_postgresql_server",
        "Azure Database for PostgreSQL",
        Relational,
    ),
    (
        "azurerm_mysql_flexible_server",
        "Azure Database for MySQL",
        Relational,
    ),
    (
        "azurerm_mysql_server",
        "Azure Database for MySQL",
        Relational,
    ),
    ("azurerm_mssql_database", "Azure SQL Database", Relational),
    ("azurerm_cosmosdb_account", "Cosmos DB", Document),
    ("mongodbatlas_cluster", "MongoDB Atlas", Document),
    ("mongodbatlas_advanced_cluster", "MongoDB Atlas", Document),
    (
        "digitalocean_database_cluster",
        "DigitalOcean database",
        Relational,
    ),
    ("aws_elasticache_cluster", "ElastiCache", Cache),
    ("aws_elasticache_replication_group", "ElastiCache", Cache),
    ("aws_msk_cluster", "Amazon MSK", Queue),
    ("aws_sqs_queue", "Amazon SQS", Queue),
    ("aws_opensearch_domain", "OpenSearch", Search),
];

/// Where a declared library comes from: names are only compared within one registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registry {
    PyPi,
    Npm,
    Go,
    Crates,
    Maven,
    RubyGems,
    Packagist,
    NuGet,
}

impl Registry {
    fn of(ecosystem: Ecosystem) -> Registry {
        match ecosystem {
            Ecosystem::Python => Registry::PyPi,
            Ecosystem::Npm => Registry::Npm,
            Ecosystem::Go => Registry::Go,
            Ecosystem::Cargo => Registry::Crates,
            Ecosystem::Maven | Ecosystem::Gradle => Registry::Maven,
        }
    }

    fn libraries(self) -> &'static [(&'static str, &'static str, ServiceKind)] {
        match self {
            Registry::PyPi => PYPI,
            Registry::Npm => NPM,
            Registry::Go => GO,
            Registry::Crates => CRATES,
            Registry::Maven => MAVEN,
            Registry::RubyGems => GEMS,
            Registry::Packagist => PACKAGIST,
            Registry::NuGet => NUGET,
        }
    }
}

/// PyPI distributions (normalised: lower case, `-`).
const PYPI: &[(&str, &str, ServiceKind)] = &[
    ("psycopg2", "PostgreSQL", Relational),
    ("psycopg2-binary", "PostgreSQL", Relational),
    ("psycopg", "PostgreSQL", Relational),
    ("psycopg-binary", "PostgreSQL", Relational),
    ("asyncpg", "PostgreSQL", Relational),
    ("aiopg", "PostgreSQL", Relational),
    ("pymysql", "MySQL", Relational),
    ("mysqlclient", "MySQL", Relational),
    ("mysql-connector-python", "MySQL", Relational),
    ("aiomysql", "MySQL", Relational),
    ("sqlalchemy", "SQL database", Relational),
    ("sqlmodel", "SQL database", Relational),
    ("django", "SQL database (Django ORM)", Relational),
    ("peewee", "SQL database", Relational),
    ("tortoise-orm", "SQL database", Relational),
    ("pyodbc", "SQL database", Relational),
    ("pymssql", "SQL Server", Relational),
    ("cx-oracle", "Oracle", Relational),
    ("oracledb", "Oracle", Relational),
    ("pymongo", "MongoDB", Document),
    ("motor", "MongoDB", Document),
    ("mongoengine", "MongoDB", Document),
    ("beanie", "MongoDB", Document),
    ("neo4j", "Neo4j", Graph),
    ("cassandra-driver", "Cassandra", WideColumn),
    ("redis", "Redis", Cache),
    ("celery", "Celery broker", Queue),
    ("kafka-python", "Kafka", Queue),
    ("confluent-kafka", "Kafka", Queue),
    ("aiokafka", "Kafka", Queue),
    ("pika", "RabbitMQ", Queue),
    ("aio-pika", "RabbitMQ", Queue),
    ("elasticsearch", "Elasticsearch", Search),
];

/// npm packages.
const NPM: &[(&str, &str, ServiceKind)] = &[
    ("pg", "PostgreSQL", Relational),
    ("pg-promise", "PostgreSQL", Relational),
    ("postgres", "PostgreSQL", Relational),
    ("mysql", "MySQL", Relational),
    ("mysql2", "MySQL", Relational),
    ("@prisma/client", "SQL database (Prisma)", Relational),
    ("typeorm", "SQL database", Relational),
    ("sequelize", "SQL database", Relational),
    ("knex", "SQL database", Relational),
    ("drizzle-orm", "SQL database", Relational),
    ("kysely", "SQL database", Relational),
    ("@mikro-orm/core", "SQL database", Relational),
    ("mssql", "SQL Server", Relational),
    ("mongodb", "MongoDB", Document),
    ("mongoose", "MongoDB", Document),
    ("neo4j-driver", "Neo4j", Graph),
    ("ioredis", "Redis", Cache),
    ("kafkajs", "Kafka", Queue),
    ("amqplib", "RabbitMQ", Queue),
    ("bullmq", "Redis", Queue),
    ("@elastic/elasticsearch", "Elasticsearch", Search),
];

/// Go module path prefixes.
const GO: &[(&str, &str, ServiceKind)] = &[
    ("github.com/lib/pq", "PostgreSQL", Relational),
    ("github.com/jackc/pgx", "PostgreSQL", Relational),
    ("gorm.io/gorm", "SQL database", Relational),
    ("github.com/go-sql-driver/mysql", "MySQL", Relational),
    ("github.com/jmoiron/sqlx", "SQL database", Relational),
    ("entgo.io/ent", "SQL database", Relational),
    ("github.com/uptrace/bun", "SQL database", Relational),
    ("go.mongodb.org/mongo-driver", "MongoDB", Document),
    ("github.com/neo4j/neo4j-go-driver", "Neo4j", Graph),
    ("github.com/gocql/gocql", "Cassandra", WideColumn),
    ("github.com/redis/go-redis", "Redis", Cache),
    ("github.com/go-redis/redis", "Redis", Cache),
    ("github.com/segmentio/kafka-go", "Kafka", Queue),
    ("github.com/ibm/sarama", "Kafka", Queue),
    ("github.com/rabbitmq/amqp091-go", "RabbitMQ", Queue),
    ("github.com/nats-io/nats.go", "NATS", Queue),
];

/// Rust crates.
const CRATES: &[(&str, &str, ServiceKind)] = &[
    ("sqlx", "SQL database", Relational),
    ("diesel", "SQL database", Relational),
    ("tokio-postgres", "PostgreSQL", Relational),
    ("deadpool-postgres", "PostgreSQL", Relational),
    ("sea-orm", "SQL database", Relational),
    ("mysql_async", "MySQL", Relational),
    ("neo4rs", "Neo4j", Graph),
    ("scylla", "ScyllaDB", WideColumn),
    ("rdkafka", "Kafka", Queue),
    ("lapin", "RabbitMQ", Queue),
];

/// Maven artifact ids.
const MAVEN: &[(&str, &str, ServiceKind)] = &[
    ("postgresql", "PostgreSQL", Relational),
    ("mysql-connector-java", "MySQL", Relational),
    ("mysql-connector-j", "MySQL", Relational),
    ("mariadb-java-client", "MariaDB", Relational),
    (
        "spring-boot-starter-data-jpa",
        "SQL database (JPA)",
        Relational,
    ),
    (
        "spring-boot-starter-jdbc",
        "SQL database (JDBC)",
        Relational,
    ),
    ("hibernate-core", "SQL database (Hibernate)", Relational),
    ("mssql-jdbc", "SQL Server", Relational),
    ("ojdbc11", "Oracle", Relational),
    ("ojdbc8", "Oracle", Relational),
    ("spring-boot-starter-data-mongodb", "MongoDB", Document),
    ("mongodb-driver-sync", "MongoDB", Document),
    ("spring-kafka", "Kafka", Queue),
    ("spring-boot-starter-amqp", "RabbitMQ", Queue),
    ("spring-boot-starter-data-redis", "Redis", Cache),
];

/// Ruby gems.
const GEMS: &[(&str, &str, ServiceKind)] = &[
    ("activerecord", "SQL database (Active Record)", Relational),
    ("rails", "SQL database (Active Record)", Relational),
    ("mongoid", "MongoDB", Document),
];

/// Composer packages.
const PACKAGIST: &[(&str, &str, ServiceKind)] = &[
    ("doctrine/orm", "SQL database (Doctrine)", Relational),
    ("doctrine/dbal", "SQL database (Doctrine)", Relational),
    ("illuminate/database", "SQL database (Eloquent)", Relational),
    ("laravel/framework", "SQL database (Eloquent)", Relational),
];

/// NuGet packages (lower case).
const NUGET: &[(&str, &str, ServiceKind)] = &[
    ("npgsql", "PostgreSQL", Relational),
    (
        "npgsql.entityframeworkcore.postgresql",
        "PostgreSQL",
        Relational,
    ),
    (
        "microsoft.entityframeworkcore",
        "SQL database (EF Core)",
        Relational,
    ),
    (
        "microsoft.entityframeworkcore.sqlserver",
        "SQL Server",
        Relational,
    ),
    ("microsoft.data.sqlclient", "SQL Server", Relational),
    ("pomelo.entityframeworkcore.mysql", "MySQL", Relational),
    ("dapper", "SQL database", Relational),
    ("mongodb.driver", "MongoDB", Document),
];

/// Driver imports: substrings of source lines.
const IMPORTS: &[(&str, &str, ServiceKind)] = &[
    ("import psycopg", "PostgreSQL", Relational),
    ("from psycopg", "PostgreSQL", Relational),
    ("import asyncpg", "PostgreSQL", Relational),
    ("import pymysql", "MySQL", Relational),
    ("import MySQLdb", "MySQL", Relational),
    ("from sqlalchemy", "SQL database", Relational),
    ("import sqlalchemy", "SQL database", Relational),
    ("from sqlmodel", "SQL database", Relational),
    ("from django.db import", "SQL database", Relational),
    ("from peewee", "SQL database", Relational),
    ("from tortoise", "SQL database", Relational),
    ("import pymongo", "MongoDB", Document),
    ("from pymongo", "MongoDB", Document),
    ("from motor", "MongoDB", Document),
    ("from mongoengine", "MongoDB", Document),
    ("from neo4j import", "Neo4j", Graph),
    ("from cassandra.cluster", "Cassandra", WideColumn),
    ("import redis", "Redis", Cache),
    ("from kafka import", "Kafka", Queue),
    ("import pika", "RabbitMQ", Queue),
    ("\"database/sql\"", "SQL database", Relational),
    ("\"github.com/lib/pq\"", "PostgreSQL", Relational),
    ("\"github.com/jackc/pgx", "PostgreSQL", Relational),
    ("\"gorm.io/gorm\"", "SQL database", Relational),
    ("\"github.com/go-sql-driver/mysql\"", "MySQL", Relational),
    ("\"github.com/jmoiron/sqlx\"", "SQL database", Relational),
    ("\"go.mongodb.org/mongo-driver", "MongoDB", Document),
    ("\"github.com/neo4j/neo4j-go-driver", "Neo4j", Graph),
    ("\"github.com/redis/go-redis", "Redis", Cache),
    ("\"github.com/segmentio/kafka-go\"", "Kafka", Queue),
    ("use sqlx", "SQL database", Relational),
    ("sqlx::", "SQL database", Relational),
    ("use diesel", "SQL database", Relational),
    ("tokio_postgres", "PostgreSQL", Relational),
    ("sea_orm", "SQL database", Relational),
    ("import java.sql.", "SQL database", Relational),
    (
        "import javax.persistence.",
        "SQL database (JPA)",
        Relational,
    ),
    (
        "import jakarta.persistence.",
        "SQL database (JPA)",
        Relational,
    ),
    (
        "import org.springframework.data.jpa",
        "SQL database (JPA)",
        Relational,
    ),
    (
        "import org.springframework.jdbc",
        "SQL database (JDBC)",
        Relational,
    ),
    ("import org.jooq", "SQL database", Relational),
    ("import com.mongodb", "MongoDB", Document),
    (
        "import org.springframework.data.mongodb",
        "MongoDB",
        Document,
    ),
    ("ActiveRecord::", "SQL database (Active Record)", Relational),
    ("new PDO(", "SQL database", Relational),
    (
        "Illuminate\\Database",
        "SQL database (Eloquent)",
        Relational,
    ),
    ("Doctrine\\ORM", "SQL database (Doctrine)", Relational),
    ("using Npgsql", "PostgreSQL", Relational),
    (
        "using Microsoft.EntityFrameworkCore",
        "SQL database (EF Core)",
        Relational,
    ),
    ("using Microsoft.Data.SqlClient", "SQL Server", Relational),
    ("using System.Data.SqlClient", "SQL Server", Relational),
    ("using MongoDB.Driver", "MongoDB", Document),
];

/// JavaScript/TypeScript module names whose import means a backing service.
const JS_MODULES: &[(&str, &str, ServiceKind)] = &[
    ("pg", "PostgreSQL", Relational),
    ("postgres", "PostgreSQL", Relational),
    ("mysql2", "MySQL", Relational),
    ("mysql", "MySQL", Relational),
    ("@prisma/client", "SQL database (Prisma)", Relational),
    ("typeorm", "SQL database", Relational),
    ("sequelize", "SQL database", Relational),
    ("knex", "SQL database", Relational),
    ("drizzle-orm", "SQL database", Relational),
    ("kysely", "SQL database", Relational),
    ("mongodb", "MongoDB", Document),
    ("mongoose", "MongoDB", Document),
    ("neo4j-driver", "Neo4j", Graph),
    ("ioredis", "Redis", Cache),
    ("redis", "Redis", Cache),
    ("kafkajs", "Kafka", Queue),
    ("amqplib", "RabbitMQ", Queue),
];

static JS_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:from\s+|require\(\s*|import\s+)["']([@\w./-]+)["']"#).unwrap()
});

fn build(ws: &Workspace) -> BackingServices {
    let mut found = Vec::new();
    from_compose(ws, &mut found);
    from_kubernetes(ws, &mut found);
    from_helm(ws, &mut found);
    from_terraform(ws, &mut found);
    for set in &Migrations::get(ws).sets {
        found.push(Backing {
            kind: Relational,
            engine: "SQL database",
            finding: set.evidence(),
        });
    }
    from_dependencies(ws, &mut found);
    from_manifest_text(ws, &mut found);
    let incomplete = if found.iter().any(|b| b.kind.is_database()) {
        None
    } else {
        from_imports(ws, &mut found)
    };
    if prisma_on_mongodb(ws) {
        for b in found.iter_mut().filter(|b| b.engine.contains("Prisma")) {
            b.kind = Document;
            b.engine = "MongoDB (Prisma)";
        }
    }
    BackingServices { found, incomplete }
}

/// A Prisma schema whose datasource is MongoDB (Prisma Migrate does not apply there).
fn prisma_on_mongodb(ws: &Workspace) -> bool {
    ws.files
        .iter()
        .filter(|f| f.name() == "schema.prisma" && f.class.product())
        .filter_map(|f| ws.text(&f.rel))
        .any(|src| {
            src.lines()
                .any(|(_, l)| l.trim().replace(' ', "") == "provider=\"mongodb\"")
        })
}

fn push(found: &mut Vec<Backing>, engine: &'static str, kind: ServiceKind, finding: Finding) {
    found.push(Backing {
        kind,
        engine,
        finding,
    });
}

fn from_compose(ws: &Workspace, found: &mut Vec<Backing>) {
    for file in ws.yaml_with_role(YamlRole::Compose) {
        if !is_evidence_path(&file.path) {
            continue;
        }
        for doc in file.docs() {
            let Some(services) = doc.root.get("services") else {
                continue;
            };
            for (name, svc) in services.entries() {
                let Some(image) = svc.get("image") else {
                    continue;
                };
                if let Some((engine, kind)) = image.as_str().and_then(image_engine) {
                    let msg = format!(
                        "compose service `{name}` runs {engine} (`{}`)",
                        image.as_str().unwrap_or_default()
                    );
                    push(found, engine, kind, finding_node(&file.text, image, msg));
                }
            }
        }
    }
}

fn from_kubernetes(ws: &Workspace, found: &mut Vec<Backing>) {
    for doc in ws.k8s_docs() {
        if !is_product_path(&doc.file.path) {
            continue;
        }
        let group = doc.api_version.split('/').next().unwrap_or("");
        if let Some(&(_, _, engine, kind)) = OPERATOR_KINDS
            .iter()
            .find(|(g, k, _, _)| *g == group && *k == doc.kind)
        {
            let node = doc.root.get("kind").unwrap_or(doc.root);
            let msg = format!(
                "{} `{}` ({}) runs {engine}",
                doc.kind,
                doc.name().unwrap_or("?"),
                doc.api_version
            );
            push(found, engine, kind, finding_node(&doc.file.text, node, msg));
            continue;
        }
        // Jobs and CronJobs with a database image are clients (dumps, migrations).
        if !matches!(
            doc.kind,
            "Deployment" | "StatefulSet" | "DaemonSet" | "Pod" | "ReplicaSet"
        ) {
            continue;
        }
        for container in pod_containers(doc.root) {
            let Some(image) = container.get("image") else {
                continue;
            };
            if let Some((engine, kind)) = image.as_str().and_then(image_engine) {
                let msg = format!(
                    "{} `{}` runs {engine} (`{}`)",
                    doc.kind,
                    doc.name().unwrap_or("?"),
                    image.as_str().unwrap_or_default()
                );
                push(
                    found,
                    engine,
                    kind,
                    finding_node(&doc.file.text, image, msg),
                );
            }
        }
    }
}

/// Containers of a workload object (Deployment, StatefulSet, Job, CronJob, Pod, ...).
pub fn pod_containers(root: &Node) -> Vec<&Node> {
    let spec = root
        .path(&["spec", "jobTemplate", "spec", "template", "spec"])
        .or_else(|| root.path(&["spec", "template", "spec"]))
        .or_else(|| root.get("spec"));
    let Some(spec) = spec else {
        return Vec::new();
    };
    spec.get("initContainers")
        .into_iter()
        .chain(spec.get("containers"))
        .flat_map(|n| n.items())
        .collect()
}

fn from_helm(ws: &Workspace, found: &mut Vec<Backing>) {
    for file in ws.yaml_with_role(YamlRole::HelmChart) {
        if !is_evidence_path(&file.path) {
            continue;
        }
        for doc in file.docs() {
            for dep in doc.root.get("dependencies").map_or(&[][..], Node::items) {
                let Some(name) = dep.get("name").and_then(Node::as_str) else {
                    continue;
                };
                if let Some(&(_, engine, kind)) = CHARTS.iter().find(|(c, _, _)| *c == name) {
                    let node = dep.get("name").unwrap_or(dep);
                    let msg = format!("Helm chart depends on the `{name}` chart ({engine})");
                    push(found, engine, kind, finding_node(&file.text, node, msg));
                }
            }
        }
    }
}

fn from_terraform(ws: &Workspace, found: &mut Vec<Backing>) {
    let types: Vec<&str> = TF_DATABASES.iter().map(|(t, _, _)| *t).collect();
    for block in Terraform::get(ws).resources(&types) {
        let &(_, engine, kind) = TF_DATABASES
            .iter()
            .find(|(t, _, _)| *t == block.rtype)
            .expect("filtered by type");
        let msg = format!(
            "Terraform resource `{}.{}` is a managed {engine}",
            block.rtype, block.name
        );
        push(
            found,
            engine,
            kind,
            finding_at(&block.src, block.line, 1, msg),
        );
    }
}

/// The engine behind a declared library of `registry`.
fn library(registry: Registry, name: &str) -> Option<(&'static str, ServiceKind)> {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    let artifact = lower.rsplit(':').next().unwrap_or(&lower);
    registry
        .libraries()
        .iter()
        .find(|(lib, _, _)| {
            let lib = lib.replace('_', "-");
            if registry == Registry::Go {
                lower.starts_with(&lib)
                    && lower[lib.len()..].chars().next().is_none_or(|c| c == '/')
            } else {
                lib == lower || lib == artifact
            }
        })
        .map(|&(_, engine, kind)| (engine, kind))
}

fn from_dependencies(ws: &Workspace, found: &mut Vec<Backing>) {
    for dep in &ws.dependencies {
        if dep.dev || !is_evidence_path(&dep.path) {
            continue;
        }
        if let Some((engine, kind)) = library(Registry::of(dep.ecosystem), &dep.name) {
            let msg = format!("{} declares `{}` ({engine})", dep.path, dep.name);
            let finding = match ws.text(&dep.path) {
                Some(src) if dep.line > 0 => finding_at(&src, dep.line, 1, msg),
                _ => finding_file(&dep.path, msg),
            };
            push(found, engine, kind, finding);
        }
    }
}

/// A dependency name declared on a manifest line, with its byte offset.
type Declared = (String, usize);

static REQUIREMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([A-Za-z0-9][\w.-]*)").unwrap());
static QUOTED_REQUIREMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ]|["'])"#).unwrap()
});
static TOML_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([A-Za-z0-9][\w.-]*)\s*=").unwrap());
static GRADLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["']([\w.-]+):([\w.-]+)(?::[^"']*)?["']"#).unwrap());
static XML_ARTIFACT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<artifactId>([\w.-]+)</artifactId>").unwrap());
static NUGET_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<PackageReference\s+Include="([\w.-]+)""#).unwrap());

/// Manifest text, for manifests whose dependencies the workspace did not parse (and for
/// Gemfile, composer.json and *.csproj, which it does not read at all).
fn from_manifest_text(ws: &Workspace, found: &mut Vec<Backing>) {
    let parsed: std::collections::HashSet<&str> =
        ws.dependencies.iter().map(|d| d.path.as_str()).collect();
    for f in &ws.files {
        let name = f.name();
        let registry = match f.kind {
            FileKind::Manifest(eco) => Registry::of(eco),
            _ if name == "Gemfile" => Registry::RubyGems,
            _ if name == "composer.json" => Registry::Packagist,
            _ if name.ends_with(".csproj") => Registry::NuGet,
            _ => continue,
        };
        if !f.class.product() || parsed.contains(f.rel.as_str()) {
            continue;
        }
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        let declared: Vec<(u32, Declared)> = match name {
            "package.json" | "composer.json" => json_dependencies(&src),
            _ => line_dependencies(name, &src),
        };
        for (line, (candidate, at)) in declared {
            if let Some((engine, kind)) = library(registry, &candidate) {
                let msg = format!("{} declares `{candidate}` ({engine})", f.rel);
                let col = column_of(src.line(line as usize), at);
                push(found, engine, kind, finding_at(&src, line, col, msg));
                break;
            }
        }
    }
}

/// Runtime dependencies of package.json / composer.json, located by their key's line.
fn json_dependencies(src: &SourceText) -> Vec<(u32, Declared)> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&src.text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for section in [
        "dependencies",
        "optionalDependencies",
        "peerDependencies",
        "require",
    ] {
        let Some(map) = value.get(section).and_then(|v| v.as_object()) else {
            continue;
        };
        for name in map.keys() {
            let quoted = format!("\"{name}\"");
            let at = src
                .lines()
                .find_map(|(n, l)| l.find(&quoted).map(|at| (n as u32, at + 1)));
            let (line, at) = at.unwrap_or((1, 0));
            out.push((line, (name.clone(), at)));
        }
    }
    out
}

/// Dependencies declared line by line (requirements, TOML manifests, go.mod, Maven, Gradle,
/// Gemfile, csproj); dev and test sections are skipped.
fn line_dependencies(name: &str, src: &SourceText) -> Vec<(u32, Declared)> {
    let toml = name.ends_with(".toml") || name == "Pipfile";
    let mut section = String::new();
    let mut in_array = false;
    let mut out = Vec::new();
    for (n, line) in src.lines() {
        let t = line.trim();
        if t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') && !t.contains('"') {
            section = t.to_ascii_lowercase();
            in_array = false;
            continue;
        }
        if is_dev_line(t, &section) {
            continue;
        }
        let caps: Vec<Declared> = if name.starts_with("requirements") || name.ends_with(".in") {
            REQUIREMENT
                .captures(line)
                .map(|c| cap(&c, 1))
                .into_iter()
                .collect()
        } else if name == "go.mod" {
            let body = t.trim_start_matches("require").trim();
            body.split_whitespace()
                .next()
                .map(|m| (m.to_string(), line.find(m).unwrap_or(0)))
                .into_iter()
                .collect()
        } else if name == "Gemfile" {
            gem_name(t)
                .map(|g| (g.to_string(), line.find(g).unwrap_or(0)))
                .into_iter()
                .collect()
        } else if name == "pom.xml" {
            XML_ARTIFACT
                .captures(line)
                .map(|c| cap(&c, 1))
                .into_iter()
                .collect()
        } else if name.ends_with(".csproj") {
            NUGET_REF
                .captures(line)
                .map(|c| cap(&c, 1))
                .into_iter()
                .collect()
        } else if name.starts_with("build.gradle") {
            GRADLE
                .captures(line)
                .map(|c| cap(&c, 2))
                .into_iter()
                .collect()
        } else if toml {
            // `dependencies = [ "psycopg2>=2", ... ]` (PEP 621) or `name = "1.0"` tables.
            if t.starts_with("dependencies") && t.contains('[') {
                in_array = !t.contains(']');
                QUOTED_REQUIREMENT
                    .captures_iter(line)
                    .map(|c| cap(&c, 1))
                    .collect()
            } else if in_array {
                in_array = !t.contains(']');
                QUOTED_REQUIREMENT
                    .captures_iter(line)
                    .map(|c| cap(&c, 1))
                    .collect()
            } else if section.contains("dependencies") || section == "[packages]" {
                TOML_KEY
                    .captures(line)
                    .map(|c| cap(&c, 1))
                    .into_iter()
                    .collect()
            } else {
                Vec::new()
            }
        } else {
            // setup.cfg `install_requires` / setup.py `install_requires=[...]` entries.
            QUOTED_REQUIREMENT
                .captures_iter(line)
                .map(|c| cap(&c, 1))
                .chain(
                    REQUIREMENT
                        .captures(line)
                        .filter(|_| line.starts_with([' ', '\t']))
                        .map(|c| cap(&c, 1)),
                )
                .collect()
        };
        out.extend(caps.into_iter().map(|d| (n as u32, d)));
    }
    out
}

fn cap(c: &regex::Captures<'_>, i: usize) -> Declared {
    let m = c.get(i).expect("capture group");
    (m.as_str().to_string(), m.start())
}

/// Development/test-only declarations: dev sections, test scopes.
fn is_dev_line(line: &str, section: &str) -> bool {
    section.contains("dev-dependencies")
        || section.contains("dev-packages")
        || section.contains("test")
        || section.contains(".dev")
        || line.starts_with("testImplementation")
        || line.starts_with("testRuntimeOnly")
        || line.contains("<scope>test</scope>")
}

fn gem_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("gem ")?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    rest[1..].split(quote).next()
}

/// Driver imports at the top of non-test source files; returns why absence cannot be
/// concluded when the budget runs out.
fn from_imports(ws: &Workspace, found: &mut Vec<Backing>) -> Option<String> {
    let sources: Vec<&str> = ws
        .files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Source(_)) && f.class.product())
        .map(|f| f.rel.as_str())
        .collect();
    for (i, rel) in sources.iter().enumerate() {
        if i >= MAX_SCANNED_SOURCES {
            return Some(format!(
                "no database evidence in manifests or infrastructure files, and only the first \
                 {MAX_SCANNED_SOURCES} of {} source files were scanned for driver imports",
                sources.len()
            ));
        }
        let Some(head) = read_head(ws, rel, SOURCE_HEAD_BYTES) else {
            continue;
        };
        if let Some((engine, kind, line, col)) = import_in(rel, &head) {
            let msg = format!("{rel} imports a {engine} driver");
            let finding = match ws.text(rel) {
                Some(src) => finding_at(&src, line, col, msg),
                None => finding_file(rel, msg),
            };
            push(found, engine, kind, finding);
            if kind.is_database() {
                return None;
            }
        }
    }
    None
}

/// All driver-import needles in one automaton (the regex crate compiles a literal
/// alternation to a multi-pattern searcher), so each file head is scanned once.
static IMPORT_NEEDLES: LazyLock<Regex> = LazyLock::new(|| {
    let alternation: Vec<String> = IMPORTS.iter().map(|(n, _, _)| regex::escape(n)).collect();
    Regex::new(&alternation.join("|")).expect("escaped literals")
});

/// The line holding byte `at` of `text`, with its 0-based index and start offset.
fn line_at(text: &str, at: usize) -> (usize, usize, &str) {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let index = text[..start].matches('\n').count();
    (index, start, &text[start..end])
}

fn import_in(rel: &str, head: &str) -> Option<(&'static str, ServiceKind, u32, u32)> {
    let js = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|e| rel.ends_with(e));
    let commented = |line: &str| {
        let t = line.trim_start();
        (t.starts_with('#') && !rel.ends_with(".cs")) || t.starts_with("//")
    };
    if js {
        for c in JS_IMPORT.captures_iter(head) {
            let m = c.get(1).expect("group 1");
            let (index, start, line) = line_at(head, m.start());
            if commented(line) {
                continue;
            }
            let module = m.as_str();
            let base = if module.starts_with('@') {
                module
            } else {
                module.split('/').next().unwrap_or(module)
            };
            if let Some(&(_, engine, kind)) = JS_MODULES.iter().find(|(name, _, _)| *name == base) {
                let col = column_of(line, m.start() - start);
                return Some((engine, kind, index as u32 + 1, col));
            }
        }
        return None;
    }
    for m in IMPORT_NEEDLES.find_iter(head) {
        let (index, start, line) = line_at(head, m.start());
        if commented(line) {
            continue;
        }
        let &(_, engine, kind) = IMPORTS.iter().find(|(n, _, _)| *n == m.as_str())?;
        return Some((
            engine,
            kind,
            index as u32 + 1,
            column_of(line, m.start() - start),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert_eq!(image_engine("postgres:16-alpine").unwrap().0, "PostgreSQL");
        assert_eq!(
            image_engine("docker.io/bitnami/postgresql:16").unwrap().0,
            "PostgreSQL"
        );
        assert_eq!(
            image_engine("mcr.microsoft.com/mssql/server:2022-latest")
                .unwrap()
                .0,
            "SQL Server"
        );
        assert!(image_engine("prometheuscommunity/postgres-exporter:v0.15.0").is_none());
        assert!(image_engine("prodrigestivill/postgres-backup-local:16").is_none());
        assert_eq!(image_engine("mongo@sha256:abc").unwrap().1, Document);
    }

    #[test]
    fn libraries() {
        assert_eq!(
            library(Registry::PyPi, "psycopg2_binary").unwrap().1,
            Relational
        );
        assert_eq!(
            library(Registry::Go, "github.com/jackc/pgx/v5").unwrap().0,
            "PostgreSQL"
        );
        assert!(library(Registry::Go, "github.com/jackc/pgxmock").is_none());
        assert_eq!(
            library(Registry::Maven, "org.postgresql:postgresql")
                .unwrap()
                .0,
            "PostgreSQL"
        );
        assert!(library(Registry::PyPi, "postgres").is_none());
        assert!(library(Registry::Npm, "flask").is_none());
    }

    #[test]
    fn imports() {
        let (engine, _, line, _) = import_in(
            "app/db.py",
            "\"\"\"db\"\"\"\nimport os\nfrom sqlalchemy import create_engine\n",
        )
        .unwrap();
        assert_eq!((engine, line), ("SQL database", 3));
        assert!(import_in("app/x.py", "# import psycopg2\nimport os\n").is_none());
        let (engine, ..) = import_in("web/db.ts", "import { Pool } from 'pg';\n").unwrap();
        assert_eq!(engine, "PostgreSQL");
        assert!(import_in("web/x.ts", "import pgp from 'pgp-lite';\n").is_none());
        let (engine, ..) = import_in(
            "svc/db.go",
            "import (\n\t\"github.com/jackc/pgx/v5/pgxpool\"\n)\n",
        )
        .unwrap();
        assert_eq!(engine, "PostgreSQL");
    }

    #[test]
    fn manifest_lines() {
        let names = |file: &str, text: &str| -> Vec<String> {
            let src = SourceText::new(file, text.to_string());
            line_dependencies(file, &src)
                .into_iter()
                .map(|(_, (n, _))| n)
                .collect()
        };
        let py = names(
            "pyproject.toml",
            "[project]\nname = \"svc\"\nkeywords = [\"postgres\"]\ndependencies = [\n  \"SQLAlchemy>=2\",\n  \"psycopg[binary]>=3\",\n]\n[tool.poetry.group.dev.dependencies]\npytest = \"^8\"\n",
        );
        assert_eq!(py, ["SQLAlchemy", "psycopg"]);
        let cargo = names(
            "Cargo.toml",
            "[package]\nname = \"x\"\n[features]\npostgres = [\"sqlx/postgres\"]\n[dependencies]\nsqlx = \"0.7\"\n[dev-dependencies]\ntestcontainers = \"0.15\"\n",
        );
        assert_eq!(cargo, ["sqlx"]);
        let gradle = names(
            "build.gradle",
            "dependencies {\n  implementation 'org.postgresql:postgresql:42.7.3'\n  testImplementation 'com.h2database:h2:2.2'\n}\n",
        );
        assert_eq!(gradle, ["postgresql"]);
        assert_eq!(
            names(
                "requirements.txt",
                "# db\npsycopg2-binary==2.9\n-r base.txt\n"
            ),
            ["psycopg2-binary"]
        );
    }
}
