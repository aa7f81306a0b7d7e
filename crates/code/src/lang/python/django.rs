//! Django: `urlpatterns` routes (their guards live on the views, so auth is Unknown unless a
//! decorator wraps the view in the URL conf), and settings modules (CORS, password
//! validators, throttling, exception handler, body size, middleware).

use super::ctx::{Ctx, args, callee, fact, is_true, literal, literal_list, value_of};
use crate::link::join_paths;
use crate::model::{Auth, Fact, FactKind, FileCode, Route, RouteKind, Value};
use crate::syntax;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    if !ctx.imports_any(&["django", "rest_framework"]) && !is_settings_module(ctx) {
        return;
    }
    url_patterns(ctx, out);
    if is_settings_module(ctx) {
        settings(ctx, out);
    }
}

fn is_settings_module(ctx: &Ctx<'_>) -> bool {
    let text = ctx.text(ctx.root);
    text.contains("INSTALLED_APPS") || text.contains("ROOT_URLCONF")
}

fn url_patterns(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &call in &ctx.calls {
        let name = callee(call, ctx.src);
        if !matches!(name, "path" | "re_path" | "url" | "django.urls.path") {
            continue;
        }
        let (Some(route), Some(view)) = (
            args(call).first().and_then(|r| literal(*r, ctx.src)),
            args(call).get(1).copied(),
        ) else {
            continue;
        };
        if view.kind() == "call" && callee(view, ctx.src).ends_with("include") {
            continue;
        }
        let path = django_path(&route);
        let view_text = ctx.text(view);
        let auth = view_auth(view_text);
        let at = syntax::pos(call);
        let lower = view_text.to_ascii_lowercase();
        if lower.contains("graphqlview") {
            out.routes.push(route_at(
                ctx,
                "POST",
                &path,
                view_text,
                at,
                RouteKind::GraphQl,
                auth,
            ));
            continue;
        }
        if lower.contains("prometheus") || lower.contains("export_to_django_view") {
            fact(
                out,
                FactKind::MetricsEndpoint { path: path.clone() },
                call,
                "django-prometheus metrics view",
            );
        }
        out.routes.push(route_at(
            ctx,
            "ANY",
            &path,
            view_text,
            at,
            RouteKind::Http,
            auth,
        ));
    }
    for &call in &ctx.calls {
        // `path("", include("django_prometheus.urls"))` serves /metrics.
        if callee(call, ctx.src).ends_with("include")
            && args(call)
                .first()
                .and_then(|a| literal(*a, ctx.src))
                .is_some_and(|m| m == "django_prometheus.urls")
        {
            fact(
                out,
                FactKind::MetricsEndpoint {
                    path: "/metrics".into(),
                },
                call,
                "django-prometheus URLs included",
            );
        }
    }
}

fn route_at(
    ctx: &Ctx<'_>,
    method: &str,
    path: &str,
    handler: &str,
    at: crate::model::Pos,
    kind: RouteKind,
    auth: Auth,
) -> Route {
    Route {
        method: method.into(),
        path: path.into(),
        handler: handler.into(),
        file: ctx.path.to_string(),
        line: at.line,
        column: at.column,
        framework: "django",
        kind,
        auth,
        roles: Vec::new(),
        scope: String::new(),
    }
}

/// `users/<int:pk>/` → `/users/<int:pk>/`; regex anchors are dropped.
fn django_path(route: &str) -> String {
    let trimmed = route.trim_start_matches('^').trim_end_matches('$');
    join_paths("/", trimmed)
}

/// A guard written in the URL conf (`login_required(views.x)`); otherwise it is on the view.
fn view_auth(view: &str) -> Auth {
    if view.starts_with("login_required(")
        || view.starts_with("staff_member_required(")
        || view.starts_with("permission_required(")
    {
        return Auth::Required {
            evidence: view.split('(').next().unwrap_or(view).to_string(),
        };
    }
    Auth::Unknown {
        reason:
            "Django guards sit on the view (decorators, mixins, permission_classes, middleware)"
                .into(),
    }
}

fn settings(ctx: &Ctx<'_>, out: &mut FileCode) {
    let mut allow_all = None;
    let mut origins = None;
    let mut credentials = false;
    let mut body_limit_set = false;
    for &assign in &ctx.assignments {
        let (Some(left), Some(right)) = (
            assign.child_by_field_name("left"),
            assign.child_by_field_name("right"),
        ) else {
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
        let Some(key) = pair
            .child_by_field_name("key")
            .and_then(|k| literal(k, ctx.src))
        else {
            continue;
        };
        match key.as_str() {
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
