//! Outbound HTTP calls and whether a timeout applies: `requests`, `httpx`, `aiohttp`, `urllib`,
//! on the module or on a client/session object whose own timeout counts.

use super::ctx::{Ctx, fact, kwarg, method, receiver};
use crate::model::FactKind;
use crate::model::FileCode;
use crate::syntax::FieldChild;
use tree_sitter::Node;

const VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
];

/// A client object created in this file (`self.client = httpx.AsyncClient(timeout=10)`).
pub struct Client {
    /// Last segment of the variable or attribute it is bound to.
    name: String,
    library: &'static str,
    timeout: bool,
}

pub fn extract(ctx: &Ctx<'_>, clients: &[Client], out: &mut FileCode) {
    for &call in &ctx.calls {
        let q = ctx.qualified(call);
        let verb = method(call, ctx.src);
        let call_timeout = kwarg(call, ctx.src, "timeout").is_some_and(|t| t.kind() != "none");
        let (timeout, detail) = match q.as_str() {
            q if q.starts_with("requests.")
                && VERBS.contains(&verb)
                && q.matches('.').count() == 1 =>
            {
                (call_timeout, format!("{q} {}", with(call_timeout)))
            }
            q if q.starts_with("httpx.")
                && VERBS.contains(&verb)
                && q.matches('.').count() == 1 =>
            {
                // httpx applies a 5 s default unless timeout=None.
                let off = kwarg(call, ctx.src, "timeout").is_some_and(|t| t.kind() == "none");
                (
                    !off,
                    format!(
                        "{q} (httpx default timeout {})",
                        if off { "disabled" } else { "of 5 s applies" }
                    ),
                )
            }
            "urllib.request.urlopen" | "urlopen" => {
                (call_timeout, format!("urlopen {}", with(call_timeout)))
            }
            _ => {
                if !VERBS.contains(&verb) {
                    continue;
                }
                let Some(client) = receiver(call).and_then(|r| client_for(clients, ctx, r)) else {
                    continue;
                };
                let timeout = call_timeout || client.timeout;
                let how = if call_timeout {
                    "with a timeout on the call"
                } else if client.timeout {
                    "with the client's timeout"
                } else {
                    "without a timeout on the call or the client"
                };
                (
                    timeout,
                    format!(
                        "{}.{verb} on a {} client {how}",
                        callee_object(ctx, call),
                        client.library
                    ),
                )
            }
        };
        fact(out, FactKind::HttpClientCall { timeout }, call, &detail);
    }
}

fn with(timeout: bool) -> &'static str {
    if timeout {
        "with timeout="
    } else {
        "without timeout="
    }
}

fn callee_object<'a>(ctx: &Ctx<'a>, call: Node<'_>) -> &'a str {
    receiver(call).map(|r| ctx.text(r)).unwrap_or("")
}

/// Whether `call` is a method on a known HTTP client object (for the SSRF check).
pub fn is_client_receiver(ctx: &Ctx<'_>, clients: &[Client], call: Node<'_>) -> bool {
    receiver(call).is_some_and(|r| client_for(clients, ctx, r).is_some())
}

fn client_for<'c>(clients: &'c [Client], ctx: &Ctx<'_>, object: Node<'_>) -> Option<&'c Client> {
    let text = ctx.text(object);
    let last = text.rsplit('.').next().unwrap_or(text);
    clients.iter().find(|c| c.name == last)
}

/// The HTTP client objects this file creates (computed once per file).
pub fn clients(ctx: &Ctx<'_>) -> Vec<Client> {
    // `session.request = functools.partial(session.request, timeout=5)`: a session default.
    let patched_sessions =
        ctx.text(ctx.root).contains("partial(") && ctx.text(ctx.root).contains("timeout=");
    let mut out = Vec::new();
    let mut bind = |target: Node<'_>, ctor: Node<'_>| {
        let q = ctx.qualified(ctor);
        let (library, timeout) = match q.as_str() {
            "requests.Session" | "requests.session" => ("requests", patched_sessions),
            "httpx.Client" | "httpx.AsyncClient" => (
                "httpx",
                kwarg(ctor, ctx.src, "timeout").is_none_or(|t| t.kind() != "none"),
            ),
            "aiohttp.ClientSession" => ("aiohttp", kwarg(ctor, ctx.src, "timeout").is_some()),
            _ => return,
        };
        let text = ctx.text(target);
        out.push(Client {
            name: text.rsplit('.').next().unwrap_or(text).to_string(),
            library,
            timeout,
        });
    };
    for &assign in &ctx.assignments {
        if let (Some(l), Some(r)) = (assign.field("left"), assign.field("right"))
            && r.kind() == "call"
        {
            bind(l, r);
        }
    }
    // `with httpx.Client(timeout=5) as client:` / `async with aiohttp.ClientSession() as s:`.
    for &n in &ctx.as_patterns {
        if let Some(value) = n.named_child(0)
            && value.kind() == "call"
            && let Some(alias) = n.field("alias")
        {
            bind(alias, value);
        }
    }
    out
}
