//! JavaScript / TypeScript / TSX extractor: Express, Fastify, Koa, NestJS and Next.js routes
//! (plus GraphQL and WebSocket servers), risky sinks, wired capabilities and config values.
//! `link` resolves routers and plugins mounted from other files.

mod ast;
mod auth;
mod capabilities;
mod config;
mod cors;
mod express;
mod factory;
mod http_client;
mod interp;
mod link;
mod module;
mod nest;
mod next;
mod realtime;
mod secrets;
mod sinks;
mod validation;

#[cfg(test)]
mod tests;

use crate::model::{Fact, FactKind, FileCode, Pos};
use crate::syntax::FieldChild;
use crate::syntax::NodeIndex;
use module::Module;
use tree_sitter::{Node, Tree};

/// Words of constructs that can yield a route or a fact (exact case). Every construct the
/// extractor recognises contains one of these or of the lists below (see `crate::gate`).
pub const FACT_TRIGGERS: &[&str] = &[
    // frameworks and routers
    "express",
    "fastify",
    "Router",
    "@nestjs",
    "koa",
    "function GET",
    "function POST",
    "function PUT",
    "function PATCH",
    "function DELETE",
    "const GET",
    "const POST",
    "const PUT",
    "const PATCH",
    "const DELETE",
    "req.method",
    "NextApiRequest",
    "NextResponse",
    "matcher",
    "ApolloServer",
    "createYoga",
    "mercurius",
    "graphqlHTTP",
    "WebSocket",
    "socket.io",
    // sinks and secrets
    ".query(",
    ".execute(",
    ".raw(",
    "Raw(",
    "Unsafe(",
    "child_process",
    "jsonwebtoken",
    "jwt",
    "Math.random",
    "createHash",
    "password",
    "Password",
    "cors",
    "Access-Control",
    "unserialize",
    "eval(",
    "Not implemented",
    "not implemented",
    "mock",
    "fake",
    "simulate",
    "canActivate",
    "next()",
    "req, res, next",
    "createServer",
    "err, req",
    // clients and capabilities
    "fetch(",
    "axios",
    "'got'",
    "\"got\"",
    "rate-limit",
    "rateLimit",
    "Throttler",
    "bodyLimit",
    "backOff",
    "opossum",
    "CircuitBreaker",
    "cockatiel",
    "bullmq",
    "bull",
    "amqplib",
    "kafkajs",
    "Pool",
    "createPool",
    "knex",
    "Sequelize",
    "convict",
    "ConfigModule",
    "cleanEnv",
    "createEnv",
    "SIGTERM",
    "SIGINT",
    "enableShutdownHooks",
    "terminus",
    "prom-client",
    "prom-bundle",
    "prometheus",
    "winston",
    "bunyan",
    "request-id",
    "Request-Id",
    "Request-ID",
    "correlation",
    "Correlation",
    "genReqId",
    "rtracer",
    "opentelemetry",
    "registerOTel",
    "dd-trace",
    "Sentry",
    "Rollbar",
    "Bugsnag",
    "Idempotency",
    "idempotency",
    "zod",
    "joi",
    "Joi",
    "class-validator",
    "ValidationPipe",
    "req.body",
    "pino(",
    "pino-http",
    "nestjs-pino",
    "require('pino')",
    "require(\"pino\")",
    "retry'",
    "retry\"",
    "exponential-backoff",
    "cockatiel",
    "development'",
    "development\"",
    "development`",
    "'debug'",
    "\"debug\"",
    "errorhandler",
];
/// Fact words compared without case.
pub const FACT_TRIGGERS_ANY_CASE: &[&str] = &[
    "todo: implement",
    "breaker",
    "todo implement",
    "request-id",
    "correlation-id",
    "trace-id",
];
/// Credential and signing-key names: a fact only with a string literal beside them.
pub const LITERAL_TRIGGERS: &[&str] = &[
    "password",
    "passwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "credential",
    "jwt",
    "signing",
];
/// Environment reads and constants: config values only (parsed when a setting needs them).
pub const CONFIG_TRIGGERS: &[&str] = &["process.env"];

/// Module sources whose default import is called under any name (`import createLogger from
/// 'pino'`): a trigger only in a default import, since files that import a type from the
/// same module (`import { Logger } from 'pino'`) are everywhere and yield nothing.
pub const DEFAULT_IMPORT_TRIGGERS: &[&str] = &["from 'pino'", "from \"pino\""];

/// One file being extracted: its text, tree, imports/exports and every call in it.
pub struct Ctx<'t> {
    pub path: &'t str,
    pub src: &'t [u8],
    pub root: Node<'t>,
    pub module: Module,
    /// Every node of the tree by kind, parent and subtree: parts ask it instead of walking.
    pub index: NodeIndex<'t>,
    /// `call_expression` and `new_expression` nodes, in source order.
    pub calls: Vec<Node<'t>>,
    /// Each call's callee path and last name (`res.status.json`, `json`), read once per call
    /// rather than once per part that looks at it.
    callees: Vec<(Option<String>, Option<&'t str>)>,
    /// Whether the file runs on a server (not a browser component).
    pub server_side: bool,
}

impl<'t> Ctx<'t> {
    pub fn fact(
        &self,
        out: &mut FileCode,
        kind: FactKind,
        node: Node<'_>,
        detail: impl Into<String>,
    ) {
        out.facts
            .push(Fact::new(kind, crate::syntax::pos(node), detail));
    }

    pub fn text(&self, node: Node<'_>) -> &'t str {
        crate::syntax::text(node, self.src)
    }

    /// Calls whose callee path ends with `.name` or is `name`.
    pub fn calls_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Node<'t>> + 's {
        self.calls
            .iter()
            .zip(&self.callees)
            .filter(move |(_, (_, n))| *n == Some(name))
            .map(|(c, _)| *c)
    }

    /// [`ast::callee_path`] of a call of this file, from the per-call cache.
    pub fn callee_path(&self, call: Node<'t>) -> Option<&str> {
        match self.call_slot(call) {
            Some(at) => self.callees[at].0.as_deref(),
            // Only call and `new` expressions have a callee, and all of them are cached.
            None => None,
        }
    }

    /// [`ast::callee_name`] of a call of this file, from the per-call cache.
    pub fn callee_name(&self, call: Node<'t>) -> Option<&'t str> {
        self.call_slot(call).and_then(|at| self.callees[at].1)
    }

    /// Position of `call` in `calls` (sorted by start byte; nested calls can share one).
    fn call_slot(&self, call: Node<'t>) -> Option<usize> {
        let start = call.start_byte();
        let first = self.calls.partition_point(|c| c.start_byte() < start);
        self.calls[first..]
            .iter()
            .take_while(|c| c.start_byte() == start)
            .position(|c| *c == call)
            .map(|i| first + i)
    }

    /// The nearest enclosing function-like node.
    pub fn enclosing_function(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.index.ancestor_of_kind(node, ast::FUNCTION_KINDS)
    }

    /// The initialiser of the first variable named `name` declared in `scope` (pre-order).
    pub fn local_init(&self, scope: Node<'t>, name: &str) -> Option<Node<'t>> {
        self.index
            .of_kind(scope, "variable_declarator")
            .into_iter()
            .filter(|n| {
                n.field("name")
                    .is_some_and(|id| id.kind() == "identifier" && self.text(id) == name)
            })
            .find_map(|n| n.field("value"))
    }

    pub fn scope_key(&self, name: &str) -> String {
        format!("{}::{}", self.path, name)
    }
}

pub fn extract(path: &str, src: &[u8], tree: &Tree, out: &mut FileCode) {
    let root = tree.root_node();
    let index = NodeIndex::new(root);
    let module = module::collect(&index, src);
    let calls = index.of_kinds(root, &["call_expression", "new_expression"]);
    let callees = calls
        .iter()
        .map(|&c| (ast::callee_path(c, src), ast::callee_name(c, src)))
        .collect();
    let ctx = Ctx {
        path,
        src,
        root,
        server_side: is_server_side(path, src),
        module,
        index,
        calls,
        callees,
    };
    out.imports.extend(ctx.module.sources.iter().cloned());
    config::extract(&ctx, out);
    let mut handlers = express::extract(&ctx, out);
    handlers.extend(nest::extract(&ctx, out));
    handlers.extend(next::extract(&ctx, out));
    realtime::extract(&ctx, out);
    sinks::extract(&ctx, &handlers, out);
    secrets::extract(&ctx, out);
    cors::extract(&ctx, out);
    validation::extract(&ctx, &handlers, out);
    http_client::extract(&ctx, out);
    capabilities::extract(&ctx, out);
    out.facts.sort_by_key(|f| f.at);
    out.facts.dedup_by(|a, b| a.at == b.at && a.kind == b.kind);
}

pub fn link(files: &mut [FileCode]) {
    link::link(files);
}

/// Browser code (`'use client'` components, JSX views) does not serve requests or make
/// server-side outbound calls.
fn is_server_side(path: &str, src: &[u8]) -> bool {
    let head = &src[..src.len().min(200)];
    let client_directive = head
        .windows(12)
        .any(|w| w == b"'use client'" || w == b"\"use client\"");
    let view = path.ends_with(".jsx")
        || (path.ends_with(".tsx") && !path.contains("/api/") && !path.ends_with("route.tsx"));
    let browser_dir = ["components/", "public/", "static/", "client/", "frontend/"]
        .iter()
        .any(|d| path.starts_with(d) || path.contains(&format!("/{d}")));
    !(client_directive || view || browser_dir)
}

/// The position of a node (re-exported for the submodules).
pub fn at(node: Node<'_>) -> Pos {
    crate::syntax::pos(node)
}
