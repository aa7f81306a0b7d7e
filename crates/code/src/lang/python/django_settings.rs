//! Django settings modules: CORS, password validators, throttling, exception handler, body
//! size, middleware, and the project-wide guards the view linker needs.

use super::ctx::{Ctx, fact, is_true, literal, literal_list, value_of};
use super::django_views::GLOBAL;
use crate::model::{Fact, FactKind, FileCode, LinkHint, Value};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn is_settings_module(ctx: &Ctx<'_>) -> bool {
    let text = ctx.text(ctx.root);
    text.contains("INSTALLED_APPS") || text.contains("ROOT_URLCONF")
}

pub fn settings(ctx: &Ctx<'_>, out: &mut FileCode) {
    let mut allow_all = None;
    let mut origins = None;
    let mut credentials = false;
    let mut body_limit_set = false;
    for &assign in &ctx.assignments {
        let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
            continue;
        };
        let name = ctx.text(left);
        match name {
            "CORS_ALLOW_ALL_ORIGINS" | "CORS_ORIGIN_ALLOW_ALL" if is_true(Some(right)) => {
                allow_all = Some(assign)
            }
            "CORS_ALLOWED_ORIGINS" | "CORS_ORIGIN_WHITELIST" => {
                origins = Some((assign, value_of(right, ctx.src)))
            }
            "CORS_ALLOW_CREDENTIALS" => credentials = is_true(Some(right)),
            "AUTH_PASSWORD_VALIDATORS" if right.named_child_count() > 0 => {
                fact(
                    out,
                    FactKind::HasPasswordPolicy,
                    assign,
                    "Django AUTH_PASSWORD_VALIDATORS configured",
                );
            }
            "DATA_UPLOAD_MAX_MEMORY_SIZE" => {
                body_limit_set = true;
                if right.kind() != "none" {
                    fact(
                        out,
                        FactKind::HasBodySizeLimit,
                        assign,
                        "Django DATA_UPLOAD_MAX_MEMORY_SIZE set",
                    );
                }
            }
            "MIDDLEWARE" => middleware(ctx, right, out),
            "REST_FRAMEWORK" => rest_framework(ctx, right, out),
            _ => {}
        }
    }
    if !body_limit_set {
        fact(
            out,
            FactKind::HasBodySizeLimit,
            ctx.root,
            "Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) limits request bodies (framework default)",
        );
    }
    fact(
        out,
        FactKind::HasRecoveryMiddleware,
        ctx.root,
        "Django turns unhandled exceptions into 500 responses (framework default)",
    );
    let policy = match (allow_all, origins) {
        (Some(a), _) => Some((a, Value::List(vec!["*".into()]))),
        (None, Some((a, v))) => Some((a, v)),
        _ => None,
    };
    if let Some((at, origins)) = policy {
        out.facts.push(Fact::new(
            FactKind::CorsPolicy {
                origins,
                credentials,
            },
            syntax::pos(at),
            "django-cors-headers settings",
        ));
    }
}

fn middleware(ctx: &Ctx<'_>, list: Node<'_>, out: &mut FileCode) {
    for entry in literal_list(list, ctx.src).unwrap_or_default() {
        let lower = entry.to_ascii_lowercase();
        if entry.ends_with("LoginRequiredMiddleware") {
            out.link_hints.push(LinkHint::Guard {
                scope: format!("{GLOBAL}login-middleware"),
                evidence: "LoginRequiredMiddleware in MIDDLEWARE".into(),
                line: 0,
            });
        }
        if lower.contains("request_id")
            || lower.contains("requestid")
            || lower.contains("correlation")
        {
            fact(
                out,
                FactKind::HasRequestId,
                list,
                &format!("{entry} in MIDDLEWARE"),
            );
        }
    }
}

fn rest_framework(ctx: &Ctx<'_>, dict: Node<'_>, out: &mut FileCode) {
    let mut cursor = dict.walk();
    for pair in dict
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
    {
        let Some(key) = pair.field("key").and_then(|k| literal(k, ctx.src)) else {
            continue;
        };
        match key.as_str() {
            "DEFAULT_PERMISSION_CLASSES" => {
                let value = pair.field("value");
                let classes = value
                    .and_then(|v| literal_list(v, ctx.src))
                    .unwrap_or_default();
                let names: Vec<&str> = classes
                    .iter()
                    .map(|c| c.rsplit('.').next().unwrap_or(c))
                    .filter(|c| *c != "AllowAny")
                    .collect();
                if !names.is_empty() {
                    out.link_hints.push(LinkHint::Guard {
                        scope: format!("{GLOBAL}drf-default"),
                        evidence: format!("DRF DEFAULT_PERMISSION_CLASSES [{}]", names.join(", ")),
                        line: 0,
                    });
                }
            }
            "DEFAULT_THROTTLE_CLASSES" => fact(
                out,
                FactKind::HasRateLimiter,
                pair,
                "DRF DEFAULT_THROTTLE_CLASSES",
            ),
            "EXCEPTION_HANDLER" => fact(
                out,
                FactKind::HasStructuredErrors,
                pair,
                "DRF EXCEPTION_HANDLER",
            ),
            _ => {}
        }
    }
}
