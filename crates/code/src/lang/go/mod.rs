//! Go extractor: routes of net/http, chi, gin, echo, fiber and gorilla/mux with the auth their
//! middleware gives them, risky sinks (SQL, shell, SSRF, JWT, hashing, randomness), outbound
//! HTTP clients, wired capabilities (rate limiting, recovery, metrics, tracing, ...) and
//! config values (constants, `os.Getenv` with fallbacks, envconfig tags, viper defaults).

mod ast;
mod capabilities;
mod clients;
mod config;
mod crypto;
mod handlers;
mod link;
mod middleware;
mod routes;
mod scope;
mod sinks;
mod taint;
#[cfg(test)]
mod tests;
mod wiring;

use crate::model::FileCode;
use tree_sitter::{Node, Tree};

pub use link::link;

/// Words of constructs that can yield a route or a fact (exact case). Every construct the
/// extractor recognises contains one of these or of the lists below (see `crate::gate`).
pub const FACT_TRIGGERS: &[&str] = &[
    // routes, servers and middleware
    "net/http",
    "go-chi/chi",
    "gin-gonic/gin",
    "labstack/echo",
    "gofiber/fiber",
    "gorilla/mux",
    "httprouter",
    // a router built elsewhere and served here (`app.New(cfg).Run(addr)`)
    ".Run(",
    ".Start(",
    ".Listen(",
    // sinks
    "database/sql",
    "jmoiron/sqlx",
    "gorm.io",
    "jackc/pgx",
    "os/exec",
    "crypto/md5",
    "crypto/sha1",
    "crypto/sha256",
    "crypto/sha512",
    "math/rand",
    "jwt",
    "bcrypt",
    "argon2",
    "scrypt",
    "envconfig",
    "caarlos0/env",
    "viper",
    "koanf",
    "cleanenv",
    // capabilities
    "time/rate",
    "tollbooth",
    "httprate",
    "os/signal",
    "prometheus",
    "log/slog",
    "zerolog",
    "logrus",
    "opentelemetry",
    "sentry",
    "rollbar",
    "bugsnag",
    "hibiken/asynq",
    "RichardKnight/machinery",
    "amqp",
    "XReadGroup",
    "kafka",
    "sarama",
    "nats-io",
    "websocket",
    "gqlgen",
    "graphql",
    "gobreaker",
    "go-resiliency",
    "ulule/limiter",
    "gorilla/handlers",
    "hystrix",
    "retryablehttp",
    "cenkalti/backoff",
    "retry-go",
    "go-resty",
    "Idempotency-Key",
    "problem+json",
    "assword",
    "Authorization",
    "not implemented",
    "NotImplemented",
    "NewProduction",
    "go-playground/validator",
    "Query(",
    "QueryRow(",
    "QueryContext(",
    "QueryRowContext(",
    "Queryx(",
    "QueryRowx(",
    "Exec(",
    "ExecContext(",
    "MustExec(",
    "Raw(",
];
/// Fact words compared without case.
pub const FACT_TRIGGERS_ANY_CASE: &[&str] = &[
    "todo: implement",
    "breaker",
    "todo implement",
    "func verifytoken(",
    "func validatetoken(",
    ") verifytoken(",
    ") validatetoken(",
];
/// Credential and signing-key names: a fact only with a string literal beside them.
pub const LITERAL_TRIGGERS: &[&str] = &[
    "password", "passwd", "token", "secret", "apikey", "api_key", "jwt", "signing",
];
/// Environment reads and constants: config values only (parsed when a setting needs them).
pub const CONFIG_TRIGGERS: &[&str] = &["Getenv", "LookupEnv"];

pub fn extract(path: &str, src: &[u8], tree: &Tree, out: &mut FileCode) {
    let root = tree.root_node();
    let ctx = ast::Ctx::new(path, src, root);
    out.imports = {
        let mut v: Vec<String> = ctx.imports.values().cloned().collect();
        v.sort();
        v
    };
    let nodes = collect(root, src);
    let (calls, composites, other) = (&nodes.calls, &nodes.composites, &nodes.other);
    config::extract(&ctx, other, out);
    routes::extract(&ctx, root, calls, composites, out);
    sinks::extract(&ctx, calls, out);
    crypto::extract(&ctx, calls, other, out);
    handlers::extract(&ctx, root, calls, other, out);
    clients::extract(&ctx, calls, composites, out);
    capabilities::extract(&ctx, calls, composites, out);
    out.facts.sort_by_key(|f| f.at);
}

/// The nodes the recognisers look at, gathered in one pre-order walk: calls, composite
/// literals, and the declarations, assignments, comparisons, functions and comments the
/// config, crypto and handler passes read.
struct Nodes<'t> {
    calls: Vec<Node<'t>>,
    composites: Vec<Node<'t>>,
    other: Vec<Node<'t>>,
}

fn collect<'t>(root: Node<'t>, src: &[u8]) -> Nodes<'t> {
    let mut nodes = Nodes {
        calls: Vec::new(),
        composites: Vec::new(),
        other: Vec::new(),
    };
    // Selectors matter for one rare name only: skip them unless the file mentions it.
    let selectors = memfind(src, b"UnsafeAllowNoneSignatureType");
    crate::syntax::walk(root, |n| {
        match n.kind() {
            "call_expression" => nodes.calls.push(n),
            "composite_literal" => {
                nodes.composites.push(n);
                nodes.other.push(n);
            }
            "comment" => {
                nodes.other.push(n);
                return false;
            }
            "selector_expression" if selectors => nodes.other.push(n),
            "const_spec"
            | "var_spec"
            | "short_var_declaration"
            | "assignment_statement"
            | "keyed_element"
            | "field_declaration"
            | "binary_expression"
            | "function_declaration"
            | "method_declaration" => nodes.other.push(n),
            _ => {}
        }
        true
    });
    nodes
}

fn memfind(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
