//! Outbound HTTP: calls on net/http's default client (no timeout), clients built without a
//! `Timeout` (unless requests carry a context deadline), and the retry and circuit-breaker
//! libraries around them.

use super::ast::{Call, Ctx, composite_type, keyed_fields};
use crate::lang::breaker_name::names_circuit_breaker;
use crate::model::{Fact, FactKind, FileCode};
use crate::syntax::pos;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, calls: &[Node<'_>], composites: &[Node<'_>], out: &mut FileCode) {
    let file = std::str::from_utf8(ctx.src).unwrap_or("");
    // A deadline on the request context bounds the call whatever the client says.
    let ctx_deadline = (file.contains("context.WithTimeout")
        || file.contains("context.WithDeadline"))
        && file.contains("NewRequestWithContext");
    let default_timeout = file.contains("http.DefaultClient.Timeout =");
    for &node in calls {
        let Some(call) = Call::of(node, ctx.src) else {
            continue;
        };
        let Some(recv) = call.recv else {
            continue;
        };
        if ctx.package_of(recv) == Some("net/http")
            && matches!(call.name, "Get" | "Post" | "Head" | "PostForm")
        {
            out.facts.push(Fact::new(
                FactKind::HttpClientCall {
                    timeout: default_timeout,
                },
                call.pos(),
                format!(
                    "`http.{}` uses the default client, which has no timeout",
                    call.name
                ),
            ));
        }
        if ctx.text(recv).ends_with("http.DefaultClient")
            && matches!(call.name, "Do" | "Get" | "Post" | "Head" | "PostForm")
        {
            out.facts.push(Fact::new(
                FactKind::HttpClientCall {
                    timeout: default_timeout || ctx_deadline,
                },
                call.pos(),
                if ctx_deadline {
                    "`http.DefaultClient` call bounded by a context deadline".to_string()
                } else {
                    "`http.DefaultClient` has no timeout".to_string()
                },
            ));
        }
        retry_and_breaker(ctx, call, out);
    }
    for &lit in composites {
        if composite_type(lit, ctx.src) != Some("http.Client")
            || ctx.package_of_alias("http") != Some("net/http")
        {
            continue;
        }
        let fields = keyed_fields(lit, ctx.src);
        let timeout = fields.iter().any(|(k, _)| *k == "Timeout");
        let detail = if timeout {
            "`http.Client` with a Timeout"
        } else if ctx_deadline {
            "`http.Client` without Timeout; requests carry a context deadline"
        } else {
            "`http.Client` built without a Timeout"
        };
        out.facts.push(Fact::new(
            FactKind::HttpClientCall {
                timeout: timeout || ctx_deadline,
            },
            pos(lit),
            detail,
        ));
    }
}

fn retry_and_breaker(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    let Some(recv) = call.recv else {
        return;
    };
    let pkg = ctx.package_of(recv).unwrap_or("");
    let retry = match call.name {
        "NewClient" if pkg.starts_with("github.com/hashicorp/go-retryablehttp") => {
            Some("go-retryablehttp client (retries with exponential backoff)")
        }
        "Retry" | "RetryNotify" | "RetryWithData"
            if pkg.starts_with("github.com/cenkalti/backoff") =>
        {
            Some("cenkalti/backoff retry")
        }
        "Do" | "DoWithData" if pkg.starts_with("github.com/avast/retry-go") => {
            Some("retry-go retry")
        }
        "SetRetryCount" => Some("resty client with retries"),
        _ => None,
    };
    if let Some(detail) = retry {
        out.facts
            .push(Fact::new(FactKind::HasRetryBackoff, call.pos(), detail));
    }
    let breaker = match call.name {
        "NewCircuitBreaker" | "NewTwoStepCircuitBreaker"
            if pkg.starts_with("github.com/sony/gobreaker") =>
        {
            Some("gobreaker circuit breaker")
        }
        "Do" | "Go" | "ConfigureCommand" if pkg.starts_with("github.com/afex/hystrix-go") => {
            Some("hystrix circuit breaker")
        }
        "New" if pkg.starts_with("github.com/eapache/go-resiliency/breaker") => {
            Some("go-resiliency circuit breaker")
        }
        _ => None,
    };
    if let Some(detail) = breaker {
        out.facts
            .push(Fact::new(FactKind::HasCircuitBreaker, call.pos(), detail));
    } else {
        let called = format!("{}.{}", ctx.text(recv), call.name);
        if names_circuit_breaker(&called) {
            out.facts.push(Fact::new(
                FactKind::HasCircuitBreaker,
                call.pos(),
                format!("circuit breaker `{called}(...)`"),
            ));
        }
    }
}
