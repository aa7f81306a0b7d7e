//! What a service uses, from its declared dependencies: "does it have a rate limiter, a metrics
//! client, OpenTelemetry, a migration tool?". A catalogue of well-known packages per capability
//! and ecosystem; names are matched after the manifest parser's normalisation.

use crate::classify::Ecosystem;
use crate::manifests::Dependency;

/// Capabilities later controls ask about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    RateLimiter,
    MetricsClient,
    OpenTelemetry,
    ErrorTracking,
    MigrationTool,
    TestFramework,
    IntegrationTesting,
    LoadTesting,
    HttpServer,
    DatabaseDriver,
}

/// How a catalogue entry matches a normalised dependency name.
enum Pattern {
    Exact(&'static str),
    Prefix(&'static str),
}

use Ecosystem::*;
use Pattern::*;

/// (capability, ecosystem, pattern). Maven/Gradle names are `group:artifact`.
const CATALOGUE: &[(Capability, Ecosystem, Pattern)] = &[
    (Capability::RateLimiter, Python, Exact("slowapi")),
    (Capability::RateLimiter, Python, Exact("flask-limiter")),
    (Capability::RateLimiter, Python, Exact("django-ratelimit")),
    (Capability::RateLimiter, Python, Exact("fastapi-limiter")),
    (Capability::RateLimiter, Python, Exact("limits")),
    (Capability::RateLimiter, Npm, Exact("express-rate-limit")),
    (Capability::RateLimiter, Npm, Exact("rate-limiter-flexible")),
    (Capability::RateLimiter, Npm, Exact("@fastify/rate-limit")),
    (Capability::RateLimiter, Npm, Exact("@nestjs/throttler")),
    (Capability::RateLimiter, Npm, Exact("bottleneck")),
    (Capability::RateLimiter, Go, Exact("golang.org/x/time")),
    (
        Capability::RateLimiter,
        Go,
        Exact("github.com/ulule/limiter/v3"),
    ),
    (
        Capability::RateLimiter,
        Go,
        Exact("github.com/didip/tollbooth/v7"),
    ),
    (
        Capability::RateLimiter,
        Go,
        Prefix("github.com/go-chi/httprate"),
    ),
    (Capability::RateLimiter, Cargo, Exact("tower_governor")),
    (Capability::RateLimiter, Cargo, Exact("governor")),
    (Capability::RateLimiter, Cargo, Exact("actix-governor")),
    (Capability::RateLimiter, Maven, Prefix("com.bucket4j:")),
    (
        Capability::RateLimiter,
        Maven,
        Exact("io.github.resilience4j:resilience4j-ratelimiter"),
    ),
    (Capability::RateLimiter, Gradle, Prefix("com.bucket4j:")),
    (
        Capability::RateLimiter,
        Gradle,
        Exact("io.github.resilience4j:resilience4j-ratelimiter"),
    ),
    (
        Capability::MetricsClient,
        Python,
        Exact("prometheus-client"),
    ),
    (
        Capability::MetricsClient,
        Python,
        Exact("prometheus-fastapi-instrumentator"),
    ),
    (
        Capability::MetricsClient,
        Python,
        Exact("django-prometheus"),
    ),
    (
        Capability::MetricsClient,
        Python,
        Exact("prometheus-flask-exporter"),
    ),
    (
        Capability::MetricsClient,
        Python,
        Exact("starlette-exporter"),
    ),
    (Capability::MetricsClient, Npm, Exact("prom-client")),
    (Capability::MetricsClient, Npm, Exact("express-prom-bundle")),
    (
        Capability::MetricsClient,
        Npm,
        Exact("@willsoto/nestjs-prometheus"),
    ),
    (
        Capability::MetricsClient,
        Go,
        Prefix("github.com/prometheus/client_golang"),
    ),
    (
        Capability::MetricsClient,
        Go,
        Prefix("github.com/victoriametrics/metrics"),
    ),
    (Capability::MetricsClient, Cargo, Exact("prometheus")),
    (Capability::MetricsClient, Cargo, Exact("prometheus-client")),
    (
        Capability::MetricsClient,
        Cargo,
        Exact("metrics-exporter-prometheus"),
    ),
    (Capability::MetricsClient, Cargo, Exact("axum-prometheus")),
    (
        Capability::MetricsClient,
        Maven,
        Exact("io.micrometer:micrometer-registry-prometheus"),
    ),
    (Capability::MetricsClient, Maven, Prefix("io.prometheus:")),
    (
        Capability::MetricsClient,
        Gradle,
        Exact("io.micrometer:micrometer-registry-prometheus"),
    ),
    (Capability::MetricsClient, Gradle, Prefix("io.prometheus:")),
    (Capability::OpenTelemetry, Python, Prefix("opentelemetry-")),
    (Capability::OpenTelemetry, Npm, Prefix("@opentelemetry/")),
    (
        Capability::OpenTelemetry,
        Go,
        Prefix("go.opentelemetry.io/"),
    ),
    (Capability::OpenTelemetry, Cargo, Prefix("opentelemetry")),
    (
        Capability::OpenTelemetry,
        Maven,
        Prefix("io.opentelemetry:"),
    ),
    (
        Capability::OpenTelemetry,
        Maven,
        Prefix("io.opentelemetry.instrumentation:"),
    ),
    (
        Capability::OpenTelemetry,
        Gradle,
        Prefix("io.opentelemetry:"),
    ),
    (
        Capability::OpenTelemetry,
        Gradle,
        Prefix("io.opentelemetry.instrumentation:"),
    ),
    (Capability::ErrorTracking, Python, Prefix("sentry-sdk")),
    (Capability::ErrorTracking, Npm, Prefix("@sentry/")),
    (
        Capability::ErrorTracking,
        Go,
        Prefix("github.com/getsentry/sentry-go"),
    ),
    (Capability::ErrorTracking, Cargo, Exact("sentry")),
    (Capability::ErrorTracking, Maven, Prefix("io.sentry:")),
    (Capability::ErrorTracking, Gradle, Prefix("io.sentry:")),
    (Capability::MigrationTool, Python, Exact("alembic")),
    (Capability::MigrationTool, Python, Exact("django")),
    (Capability::MigrationTool, Python, Exact("yoyo-migrations")),
    (Capability::MigrationTool, Npm, Exact("prisma")),
    (Capability::MigrationTool, Npm, Exact("knex")),
    (Capability::MigrationTool, Npm, Exact("typeorm")),
    (Capability::MigrationTool, Npm, Exact("sequelize-cli")),
    (Capability::MigrationTool, Npm, Exact("db-migrate")),
    (Capability::MigrationTool, Npm, Exact("node-pg-migrate")),
    (Capability::MigrationTool, Npm, Exact("drizzle-kit")),
    (
        Capability::MigrationTool,
        Go,
        Prefix("github.com/golang-migrate/migrate"),
    ),
    (
        Capability::MigrationTool,
        Go,
        Prefix("github.com/pressly/goose"),
    ),
    (
        Capability::MigrationTool,
        Go,
        Prefix("github.com/rubenv/sql-migrate"),
    ),
    (Capability::MigrationTool, Go, Prefix("ariga.io/atlas")),
    (Capability::MigrationTool, Cargo, Exact("sqlx")),
    (Capability::MigrationTool, Cargo, Exact("diesel_migrations")),
    (Capability::MigrationTool, Cargo, Exact("refinery")),
    (Capability::MigrationTool, Cargo, Exact("sea-orm-migration")),
    (
        Capability::MigrationTool,
        Maven,
        Exact("org.flywaydb:flyway-core"),
    ),
    (
        Capability::MigrationTool,
        Maven,
        Exact("org.liquibase:liquibase-core"),
    ),
    (
        Capability::MigrationTool,
        Gradle,
        Exact("org.flywaydb:flyway-core"),
    ),
    (
        Capability::MigrationTool,
        Gradle,
        Exact("org.liquibase:liquibase-core"),
    ),
    (Capability::TestFramework, Python, Exact("pytest")),
    (Capability::TestFramework, Npm, Exact("jest")),
    (Capability::TestFramework, Npm, Exact("vitest")),
    (Capability::TestFramework, Npm, Exact("mocha")),
    (
        Capability::TestFramework,
        Go,
        Exact("github.com/stretchr/testify"),
    ),
    (
        Capability::TestFramework,
        Maven,
        Prefix("org.junit.jupiter:"),
    ),
    (
        Capability::TestFramework,
        Gradle,
        Prefix("org.junit.jupiter:"),
    ),
    (
        Capability::IntegrationTesting,
        Python,
        Prefix("testcontainers"),
    ),
    (
        Capability::IntegrationTesting,
        Npm,
        Prefix("testcontainers"),
    ),
    (
        Capability::IntegrationTesting,
        Npm,
        Prefix("@testcontainers/"),
    ),
    (
        Capability::IntegrationTesting,
        Go,
        Prefix("github.com/testcontainers/testcontainers-go"),
    ),
    (
        Capability::IntegrationTesting,
        Cargo,
        Prefix("testcontainers"),
    ),
    (
        Capability::IntegrationTesting,
        Maven,
        Prefix("org.testcontainers:"),
    ),
    (
        Capability::IntegrationTesting,
        Gradle,
        Prefix("org.testcontainers:"),
    ),
    (Capability::LoadTesting, Python, Exact("locust")),
    (Capability::LoadTesting, Npm, Exact("k6")),
    (Capability::LoadTesting, Npm, Exact("artillery")),
    (Capability::LoadTesting, Npm, Exact("autocannon")),
    (
        Capability::LoadTesting,
        Go,
        Prefix("github.com/tsenart/vegeta"),
    ),
    (Capability::LoadTesting, Cargo, Exact("goose")),
    (Capability::LoadTesting, Maven, Prefix("io.gatling")),
    (Capability::LoadTesting, Gradle, Prefix("io.gatling")),
    (Capability::HttpServer, Python, Exact("fastapi")),
    (Capability::HttpServer, Python, Exact("flask")),
    (Capability::HttpServer, Python, Exact("django")),
    (Capability::HttpServer, Python, Exact("starlette")),
    (Capability::HttpServer, Python, Exact("aiohttp")),
    (Capability::HttpServer, Npm, Exact("express")),
    (Capability::HttpServer, Npm, Exact("fastify")),
    (Capability::HttpServer, Npm, Exact("koa")),
    (Capability::HttpServer, Npm, Exact("@nestjs/core")),
    (Capability::HttpServer, Npm, Exact("next")),
    (Capability::HttpServer, Npm, Exact("hono")),
    (
        Capability::HttpServer,
        Go,
        Prefix("github.com/gin-gonic/gin"),
    ),
    (Capability::HttpServer, Go, Prefix("github.com/go-chi/chi")),
    (
        Capability::HttpServer,
        Go,
        Prefix("github.com/labstack/echo"),
    ),
    (
        Capability::HttpServer,
        Go,
        Prefix("github.com/gofiber/fiber"),
    ),
    (Capability::HttpServer, Go, Prefix("github.com/gorilla/mux")),
    (Capability::HttpServer, Cargo, Exact("axum")),
    (Capability::HttpServer, Cargo, Exact("actix-web")),
    (Capability::HttpServer, Cargo, Exact("rocket")),
    (Capability::HttpServer, Cargo, Exact("warp")),
    (
        Capability::HttpServer,
        Maven,
        Prefix("org.springframework.boot:spring-boot-starter-web"),
    ),
    (
        Capability::HttpServer,
        Gradle,
        Prefix("org.springframework.boot:spring-boot-starter-web"),
    ),
    (Capability::DatabaseDriver, Python, Exact("psycopg")),
    (Capability::DatabaseDriver, Python, Exact("psycopg2")),
    (Capability::DatabaseDriver, Python, Exact("psycopg2-binary")),
    (Capability::DatabaseDriver, Python, Exact("asyncpg")),
    (Capability::DatabaseDriver, Python, Exact("pymysql")),
    (Capability::DatabaseDriver, Python, Exact("mysqlclient")),
    (Capability::DatabaseDriver, Python, Exact("pymongo")),
    (Capability::DatabaseDriver, Python, Exact("motor")),
    (Capability::DatabaseDriver, Python, Exact("sqlalchemy")),
    (Capability::DatabaseDriver, Npm, Exact("pg")),
    (Capability::DatabaseDriver, Npm, Exact("mysql2")),
    (Capability::DatabaseDriver, Npm, Exact("mongodb")),
    (Capability::DatabaseDriver, Npm, Exact("mongoose")),
    (Capability::DatabaseDriver, Npm, Exact("@prisma/client")),
    (
        Capability::DatabaseDriver,
        Go,
        Prefix("github.com/jackc/pgx"),
    ),
    (Capability::DatabaseDriver, Go, Exact("github.com/lib/pq")),
    (
        Capability::DatabaseDriver,
        Go,
        Exact("github.com/go-sql-driver/mysql"),
    ),
    (
        Capability::DatabaseDriver,
        Go,
        Prefix("go.mongodb.org/mongo-driver"),
    ),
    (Capability::DatabaseDriver, Go, Exact("gorm.io/gorm")),
    (Capability::DatabaseDriver, Cargo, Exact("sqlx")),
    (Capability::DatabaseDriver, Cargo, Exact("diesel")),
    (Capability::DatabaseDriver, Cargo, Exact("tokio-postgres")),
    (Capability::DatabaseDriver, Cargo, Exact("mongodb")),
    (
        Capability::DatabaseDriver,
        Maven,
        Exact("org.postgresql:postgresql"),
    ),
    (
        Capability::DatabaseDriver,
        Maven,
        Exact("com.mysql:mysql-connector-j"),
    ),
    (
        Capability::DatabaseDriver,
        Maven,
        Prefix("org.springframework.boot:spring-boot-starter-data-"),
    ),
    (
        Capability::DatabaseDriver,
        Gradle,
        Exact("org.postgresql:postgresql"),
    ),
    (
        Capability::DatabaseDriver,
        Gradle,
        Exact("com.mysql:mysql-connector-j"),
    ),
    (
        Capability::DatabaseDriver,
        Gradle,
        Prefix("org.springframework.boot:spring-boot-starter-data-"),
    ),
];

/// Whether `dep` provides `capability`.
pub fn provides(dep: &Dependency, capability: Capability) -> bool {
    CATALOGUE.iter().any(|(cap, eco, pattern)| {
        *cap == capability
            && *eco == dep.ecosystem
            && match pattern {
                Exact(name) => dep.name == *name,
                Prefix(prefix) => dep.name.starts_with(prefix),
            }
    })
}

/// Every declared dependency that provides `capability`.
pub fn providers(deps: &[Dependency], capability: Capability) -> impl Iterator<Item = &Dependency> {
    deps.iter().filter(move |d| provides(d, capability))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(ecosystem: Ecosystem, name: &str) -> Dependency {
        Dependency {
            ecosystem,
            name: name.into(),
            version: None,
            path: "m".into(),
            line: 1,
            dev: false,
        }
    }

    #[test]
    fn exact_and_prefix() {
        assert!(provides(&dep(Python, "slowapi"), Capability::RateLimiter));
        assert!(provides(
            &dep(Npm, "@opentelemetry/sdk-node"),
            Capability::OpenTelemetry
        ));
        assert!(provides(
            &dep(Go, "github.com/prometheus/client_golang"),
            Capability::MetricsClient
        ));
        assert!(
            !provides(&dep(Npm, "slowapi"), Capability::RateLimiter),
            "ecosystem matters"
        );
        assert!(!provides(&dep(Python, "pytest"), Capability::RateLimiter));
    }
}
