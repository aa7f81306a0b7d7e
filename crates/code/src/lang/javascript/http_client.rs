//! Outbound HTTP calls and their timeouts (fetch, axios, got, ky; timeouts on the call, on an
//! `axios.create`/`got.extend` client, or `axios.defaults.timeout`), retries with backoff
//! (axios-retry, p-retry, async-retry, exponential-backoff, cockatiel) and circuit breakers
//! (opossum, cockatiel).

use super::Ctx;
use super::ast::{args, callee_object, object_arg, prop};
use crate::lang::breaker_name::names_circuit_breaker;
use crate::model::{FactKind, FileCode};
use crate::syntax::FieldChild;
use crate::syntax::text;
use tree_sitter::Node;

/// Detail prefix of the fact `axios.defaults.timeout = ...` emits; `link` uses it to mark
/// every axios call of the workspace as having a timeout.
pub const AXIOS_DEFAULTS: &str = "axios.defaults.timeout";
/// Detail prefix of per-call axios facts.
pub const AXIOS_CALL: &str = "`axios";

const AXIOS_VERBS: &[&str] = &[
    "get", "delete", "head", "options", "post", "put", "patch", "request",
];

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    resilience(ctx, out);
    if !ctx.server_side {
        return;
    }
    let axios: Vec<&str> = locals(ctx, "axios");
    let got: Vec<&str> = locals(ctx, "got");
    let ky: Vec<&str> = locals(ctx, "ky");
    let node_fetch: Vec<&str> = ["node-fetch", "undici", "cross-fetch", "isomorphic-fetch"]
        .iter()
        .flat_map(|p| ctx.module.locals_of(p))
        .filter(|i| i.key == "default" || i.key == "fetch")
        .map(|i| i.local.as_str())
        .collect();
    // `fetch` is the global one unless the file binds the name to something else
    // (`const fetch = require('npm-registry-fetch')`, a parameter, a local function).
    let fetch_is_global = ctx.module.import("fetch").is_none()
        && ctx.local_init(ctx.root, "fetch").is_none()
        && super::express::local_function(ctx, "fetch").is_none();
    for &call in &ctx.calls {
        if call.kind() != "call_expression" {
            continue;
        }
        let callee = ctx.callee_path(call).unwrap_or_default();
        let (object, name) = match callee.rsplit_once('.') {
            Some((o, n)) => (o, n),
            None => ("", callee),
        };
        let is_fetch = (callee == "fetch" && fetch_is_global && !fetch_is_parameter(ctx, call))
            || node_fetch.contains(&callee);
        if is_fetch && !args(call).is_empty() {
            let options = object_arg(call, 1);
            let timeout = options.is_some_and(|o| has_any(ctx, o, &["signal", "timeout"]));
            let detail = if timeout {
                "`fetch` with an abort signal/timeout".to_string()
            } else {
                "`fetch` without a timeout (no AbortSignal.timeout / signal): it waits as long as the peer does".to_string()
            };
            ctx.fact(out, FactKind::HttpClientCall { timeout }, call, detail);
        } else if axios.contains(&callee)
            || (axios.contains(&object) && AXIOS_VERBS.contains(&name))
        {
            let config_index = match name {
                "post" | "put" | "patch" => 2,
                "get" | "delete" | "head" | "options" => 1,
                _ => 0,
            };
            let config = object_arg(call, config_index);
            let timeout = config.is_some_and(|c| has_any(ctx, c, &["timeout", "signal"]));
            let detail = if timeout {
                format!("`{callee}` with a timeout")
            } else {
                format!("`{callee}` without a timeout (axios waits forever by default)")
            };
            ctx.fact(out, FactKind::HttpClientCall { timeout }, call, detail);
        } else if axios.contains(&object) && name == "create" {
            let timeout = object_arg(call, 0).is_some_and(|c| has_any(ctx, c, &["timeout"]));
            let detail = if timeout {
                "axios client created with a timeout for all its calls".to_string()
            } else {
                "axios client created without a timeout: its calls wait forever".to_string()
            };
            ctx.fact(out, FactKind::HttpClientCall { timeout }, call, detail);
        } else if got.contains(&callee)
            || (got.contains(&object) && AXIOS_VERBS.contains(&name))
            || (got.contains(&object) && name == "extend")
        {
            let options = args(call).into_iter().find(|a| a.kind() == "object");
            let timeout = options.is_some_and(|o| has_any(ctx, o, &["timeout"]));
            let detail = if timeout {
                format!("`{callee}` with a timeout")
            } else {
                format!("`{callee}` without a timeout (got has none by default)")
            };
            ctx.fact(out, FactKind::HttpClientCall { timeout }, call, detail);
        } else if ky.contains(&callee) || ky.contains(&object) {
            ctx.fact(
                out,
                FactKind::HttpClientCall { timeout: true },
                call,
                format!("`{callee}`: ky times out after 10 s by default"),
            );
        }
    }
    for n in ctx.index.of_kind(ctx.root, "assignment_expression") {
        if n.field("left").is_some_and(|l| {
            let t = text(l, ctx.src);
            axios.iter().any(|a| t == format!("{a}.defaults.timeout"))
        }) {
            ctx.fact(
                out,
                FactKind::HttpClientCall { timeout: true },
                n,
                format!("{AXIOS_DEFAULTS} sets a timeout for every axios call"),
            );
        }
    }
}

fn locals<'a>(ctx: &'a Ctx<'_>, package: &'a str) -> Vec<&'a str> {
    ctx.module
        .locals_of(package)
        .filter(|i| i.key == "default" || i.key == "*")
        .map(|i| i.local.as_str())
        .collect()
}

fn has_any<'t>(ctx: &Ctx<'t>, object: Node<'t>, keys: &[&str]) -> bool {
    keys.iter().any(|k| prop(object, k, ctx.src).is_some())
}

/// Retry-with-backoff and circuit-breaker libraries, where they are called.
fn resilience(ctx: &Ctx<'_>, out: &mut FileCode) {
    let retry_packages = [
        "p-retry",
        "async-retry",
        "exponential-backoff",
        "retry",
        "promise-retry",
    ];
    let retry_locals: Vec<&str> = retry_packages
        .iter()
        .flat_map(|p| locals_any(ctx, p))
        .collect();
    let axios_retry: Vec<&str> = locals_any(ctx, "axios-retry");
    let breaker_locals: Vec<&str> = locals_any(ctx, "opossum");
    let cockatiel = ctx.module.uses("cockatiel");
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        let name = ctx.callee_name(call).unwrap_or("");
        if retry_locals.contains(&callee) {
            ctx.fact(
                out,
                FactKind::HasRetryBackoff,
                call,
                format!("outbound work retried with exponential backoff via `{callee}`"),
            );
        } else if axios_retry.contains(&callee) {
            let delay = args(call)
                .get(1)
                .and_then(|o| prop(*o, "retryDelay", ctx.src));
            if delay.is_some() {
                ctx.fact(
                    out,
                    FactKind::HasRetryBackoff,
                    call,
                    "axios-retry with a retryDelay backoff",
                );
            }
        } else if call.kind() == "new_expression"
            && (breaker_locals.contains(&callee) || (cockatiel && name == "CircuitBreakerPolicy"))
        {
            ctx.fact(
                out,
                FactKind::HasCircuitBreaker,
                call,
                format!("circuit breaker `{callee}` around outbound calls"),
            );
        } else if cockatiel && callee_object(call).is_none() {
            match name {
                "circuitBreaker" => ctx.fact(
                    out,
                    FactKind::HasCircuitBreaker,
                    call,
                    "cockatiel circuitBreaker policy",
                ),
                "retry" if text(call, ctx.src).contains("Backoff") => ctx.fact(
                    out,
                    FactKind::HasRetryBackoff,
                    call,
                    "cockatiel retry policy with backoff",
                ),
                _ => {}
            }
        } else if names_circuit_breaker(callee) {
            ctx.fact(
                out,
                FactKind::HasCircuitBreaker,
                call,
                format!("circuit breaker `{callee}(...)`"),
            );
        }
    }
}

fn locals_any<'a>(ctx: &'a Ctx<'_>, package: &'a str) -> Vec<&'a str> {
    ctx.module
        .locals_of(package)
        .map(|i| i.local.as_str())
        .collect()
}

/// Whether `fetch` is a parameter of a function around the call (an injected client).
fn fetch_is_parameter<'t>(ctx: &Ctx<'t>, call: Node<'t>) -> bool {
    let mut current = ctx.index.parent(call);
    while let Some(n) = current {
        if super::ast::FUNCTION_KINDS.contains(&n.kind())
            && super::ast::param_names(n, ctx.src)
                .iter()
                .any(|p| p.contains("fetch"))
        {
            return true;
        }
        current = ctx.index.parent(n);
    }
    false
}
