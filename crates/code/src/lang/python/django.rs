//! Django URL confs: `path()`/`re_path()` routes, `include()` mounts and DRF router
//! registrations. Guards live on the views (often in another module), so each route carries a
//! private reference to its view that the Python linker resolves.

use super::ctx::{Ctx, args, callee, fact, literal};
use super::django_settings;
use super::django_views::{self, VIEW_REF};
use crate::link::join_paths;
use crate::model::{Auth, FactKind, FileCode, LinkHint, Pos, Route, RouteKind};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    let settings = django_settings::is_settings_module(ctx);
    if !ctx.imports_any(&["django", "rest_framework"]) && !settings {
        return;
    }
    url_patterns(ctx, out);
    django_views::extract(ctx, out);
    if settings {
        django_settings::settings(ctx, out);
    }
}

fn url_patterns(ctx: &Ctx<'_>, out: &mut FileCode) {
    let scope = format!("{}::urlpatterns", ctx.path);
    for &call in &ctx.calls {
        let name = callee(call, ctx.src);
        if !matches!(name, "path" | "re_path" | "url") {
            continue;
        }
        let (Some(route), Some(view)) = (
            args(call).first().and_then(|r| literal(*r, ctx.src)),
            args(call).get(1).copied(),
        ) else {
            continue;
        };
        let path = django_path(&route);
        if view.kind() == "call" && callee(view, ctx.src).ends_with("include") {
            include(ctx, call, view, &path, &scope, out);
            continue;
        }
        let view_text = ctx.text(view);
        let at = syntax::pos(call);
        let lower = view_text.to_ascii_lowercase();
        if lower.contains("graphqlview") {
            let auth = Auth::Unknown {
                reason: "GraphQL resolvers may check permissions per field".into(),
            };
            out.routes.push(route_at(
                ctx,
                "POST",
                &path,
                view_text,
                at,
                RouteKind::GraphQl,
                auth,
                &scope,
            ));
            continue;
        }
        if lower.contains("prometheus") || lower.contains("export_to_django_view") {
            let kind = FactKind::MetricsEndpoint { path: path.clone() };
            fact(out, kind, call, "django-prometheus metrics view");
        }
        let (auth, target) = unwrap_view(ctx, view);
        if let Some(target) = target {
            view_ref(ctx, out, at, target);
        }
        out.routes.push(route_at(
            ctx,
            "ANY",
            &path,
            view_text,
            at,
            RouteKind::Http,
            auth,
            &scope,
        ));
    }
}

/// `path("api/", include("orders.urls"))` mounts another URL conf; `include(router.urls)`
/// serves the DRF router registrations of this file under the prefix.
fn include(
    ctx: &Ctx<'_>,
    call: Node<'_>,
    inc: Node<'_>,
    prefix: &str,
    scope: &str,
    out: &mut FileCode,
) {
    let Some(target) = args(inc).first().copied() else {
        return;
    };
    if let Some(module) = literal(target, ctx.src) {
        if module == "django_prometheus.urls" {
            let kind = FactKind::MetricsEndpoint {
                path: join_paths(prefix, "/metrics"),
            };
            fact(out, kind, call, "django-prometheus URLs included");
            return;
        }
        out.link_hints.push(LinkHint::Mount {
            parent: scope.to_string(),
            child: format!("py:{module}::urlpatterns"),
            prefix: prefix.to_string(),
            auth: None,
            line: 0,
        });
        return;
    }
    let text = ctx.text(target);
    let Some(router) = text.strip_suffix(".urls") else {
        return;
    };
    for &reg in &ctx.calls {
        if callee(reg, ctx.src) != format!("{router}.register") {
            continue;
        }
        let (Some(sub), Some(viewset)) = (
            args(reg).first().and_then(|p| literal(*p, ctx.src)),
            args(reg).get(1).copied(),
        ) else {
            continue;
        };
        let path = join_paths(prefix, &django_path(&sub));
        let at = syntax::pos(reg);
        let auth = Auth::Unknown {
            reason: "Django guards sit on the view (mixins, permission_classes, middleware)".into(),
        };
        view_ref(ctx, out, at, viewset);
        out.routes.push(route_at(
            ctx,
            "ANY",
            &path,
            ctx.text(viewset),
            at,
            RouteKind::Http,
            auth,
            scope,
        ));
    }
}

/// The view a URL entry calls, through `login_required(...)`, `csrf_exempt(...)` and
/// `.as_view()`; a guard wrapper in the URL conf decides auth there and then.
fn unwrap_view<'t>(ctx: &Ctx<'_>, view: Node<'t>) -> (Auth, Option<Node<'t>>) {
    let mut auth = Auth::Unknown {
        reason:
            "Django guards sit on the view (decorators, mixins, permission_classes, middleware)"
                .into(),
    };
    let mut current = view;
    for _ in 0..4 {
        if current.kind() != "call" {
            break;
        }
        let name = callee(current, ctx.src);
        if let Some(object) = name.strip_suffix(".as_view") {
            let f = current.field("function").and_then(|f| f.field("object"));
            let _ = object;
            match f {
                Some(o) => current = o,
                None => break,
            }
            continue;
        }
        let last = name.rsplit('.').next().unwrap_or(name);
        if matches!(
            last,
            "login_required" | "staff_member_required" | "permission_required"
        ) {
            auth = Auth::Required {
                evidence: format!("{last}(...) in the URL conf"),
            };
        }
        match args(current).first() {
            Some(inner) => current = *inner,
            None => break,
        }
    }
    let target = matches!(current.kind(), "identifier" | "attribute").then_some(current);
    if ctx.text(current).starts_with("admin.site") {
        return (auth, None);
    }
    (auth, target)
}

/// Records which view the route at `at` calls, as `py:module::Name` or a local key.
fn view_ref(ctx: &Ctx<'_>, out: &mut FileCode, at: Pos, target: Node<'_>) {
    let text = ctx.text(target);
    let (first, rest) = text.split_once('.').unwrap_or((text, ""));
    let key = match ctx.imports.get(first) {
        Some(origin) => {
            let dotted = if rest.is_empty() {
                origin.clone()
            } else {
                format!("{origin}.{rest}")
            };
            match dotted.rsplit_once('.') {
                Some((module, name)) => format!("py:{module}::{name}"),
                None => return,
            }
        }
        None if rest.is_empty() => format!("{}::{text}", ctx.path),
        None => return,
    };
    out.link_hints.push(LinkHint::Guard {
        scope: format!("{VIEW_REF}{}:{}", ctx.path, at.line),
        evidence: key,
        line: at.line,
    });
}

#[allow(clippy::too_many_arguments)]
fn route_at(
    ctx: &Ctx<'_>,
    method: &str,
    path: &str,
    handler: &str,
    at: Pos,
    kind: RouteKind,
    auth: Auth,
    scope: &str,
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
        scope: scope.to_string(),
    }
}

/// `users/<int:pk>/` → `/users/<int:pk>/`; regex anchors are dropped.
fn django_path(route: &str) -> String {
    let trimmed = route.trim_start_matches('^').trim_end_matches('$');
    join_paths("/", trimmed)
}
