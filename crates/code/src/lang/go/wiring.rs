//! How routers travel between functions and files: routers returned by a function, passed
//! to one (`handlers.Register(r)`), or received by a caller or a server. Each becomes a mount
//! hint so routes get the prefixes and guards of wherever their router ends up.

use super::ast::{Call, Ctx, function_name};
use super::routes::{SERVED, assigned_scope, is_router_value, push_group, unwrap_to_router};
use super::scope;
use crate::model::{FileCode, LinkHint};
use crate::syntax::FieldChild;
use tree_sitter::Node;

/// Functions that return a router (`func routes() http.Handler { r := chi.NewRouter(); ...;
/// return r }`) mount the returned scope onto `ret:{Func}` for callers.
pub(super) fn returned_routers(ctx: &Ctx<'_>, root: Node<'_>, out: &mut FileCode) {
    let mut cursor = root.walk();
    for func in root.named_children(&mut cursor) {
        if !matches!(func.kind(), "function_declaration" | "method_declaration") {
            continue;
        }
        let name = function_name(func, ctx.src);
        for ret in ctx.index.of_kind(func, "return_statement") {
            if ctx.enclosing_function(ret) != Some(func) {
                continue;
            }
            let Some(list) = ret.named_child(0) else {
                continue;
            };
            let Some(first) = list.named_child(0) else {
                continue;
            };
            let (inner, wrappers) = unwrap_to_router(ctx, first);
            if inner.kind() != "identifier" && inner.kind() != "selector_expression" {
                continue;
            }
            if let Some(child) = scope::of_expr(ctx, inner) {
                push_group(
                    out,
                    scope::returned_by(ctx, &name),
                    child,
                    String::new(),
                    wrappers,
                );
            }
        }
    }
}

/// `handlers.Register(r)`, `registerRoutes(api)`, `h.Routes(r)`: the callee's parameter serves
/// under the caller's router.
pub(super) fn passed_routers(ctx: &Ctx<'_>, calls: &[Node<'_>], out: &mut FileCode) {
    let mut known: std::collections::HashSet<String> =
        out.routes.iter().map(|r| r.scope.clone()).collect();
    for h in &out.link_hints {
        match h {
            LinkHint::Mount { parent, child, .. } => {
                known.insert(parent.clone());
                known.insert(child.clone());
            }
            LinkHint::Guard { scope, .. } => {
                known.insert(scope.clone());
            }
        }
    }
    let file = std::str::from_utf8(ctx.src).unwrap_or("");
    let constructs_routers = [
        "NewRouter",
        "NewServeMux",
        "NewMux",
        "gin.New",
        "gin.Default",
        "echo.New",
        "fiber.New",
        "chi.Router",
        "mux.Router",
        "gin.RouterGroup",
        "gin.Engine",
        "gin.IRouter",
        "echo.Group",
        "echo.Echo",
        "fiber.Router",
        "fiber.App",
        "http.ServeMux",
    ]
    .iter()
    .any(|w| file.contains(w));
    if calls.is_empty() || known.is_empty() && !constructs_routers {
        return;
    }
    // Variable names that can hold a router here: cheap text test before any scope lookup.
    let mut names: std::collections::HashSet<&str> = known
        .iter()
        .filter_map(|k| k.rsplit("::").next())
        .map(|tail| tail.rsplit(':').next().unwrap_or(tail))
        .filter(|tail| !tail.contains('#'))
        .collect();
    for func in ctx.index.of_kind(ctx.index.root(), "parameter_declaration") {
        let t = ctx.text(func);
        if [
            "Router",
            "ServeMux",
            "Mux",
            "Engine",
            "RouterGroup",
            "Group",
            "IRouter",
            "Echo",
            "App",
        ]
        .iter()
        .any(|w| t.contains(w))
            && let Some(n) = func.field("name")
        {
            names.insert(ctx.text(n));
        }
    }
    // `r := chi.NewRouter()`, `app := fiber.New()`: names assigned a router constructor.
    for &node in calls {
        let t = ctx.text(node);
        if ROUTER_CONSTRUCTORS.iter().any(|c| t.starts_with(c))
            && let Some(stmt) = ctx.parent(node).and_then(|l| ctx.parent(l))
            && let Some(left) = stmt.field("left").or_else(|| stmt.field("name"))
        {
            let lt = ctx.text(left);
            let first = lt.split(',').next().unwrap_or(lt).trim();
            names.insert(first.rsplit('.').next().unwrap_or(first));
        }
    }
    for &node in calls {
        if !node.field("arguments").is_some_and(|a| {
            let mut c = a.walk();
            a.named_children(&mut c).any(|x| {
                let t = ctx.text(x);
                names.contains(t.rsplit('.').next().unwrap_or(t))
            })
        }) {
            continue;
        }
        let Some(call) = Call::of(node, ctx.src) else {
            continue;
        };
        let callee = match call.recv {
            None => format!("go:{}::{}", ctx.dir, call.name),
            Some(r) => match ctx.package_of(r) {
                Some(pkg) if is_framework_package(pkg) => continue,
                Some(pkg) => format!("pkg:{pkg}::{}", call.name),
                None => format!("meth:{}", call.name),
            },
        };
        if call.recv.is_none() && matches!(call.name, "append" | "len" | "make" | "new" | "panic") {
            continue;
        }
        for (i, arg) in call.args().into_iter().enumerate() {
            if !matches!(arg.kind(), "identifier" | "selector_expression") {
                continue;
            }
            let Some(arg_scope) = scope::of_expr(ctx, arg) else {
                continue;
            };
            if known.contains(&arg_scope) || is_router_value(ctx, arg) {
                out.link_hints.push(LinkHint::Mount {
                    parent: arg_scope,
                    child: format!("{callee}#{i}"),
                    prefix: String::new(),
                    auth: None,
                    line: 0,
                });
            }
        }
    }
}

fn is_framework_package(pkg: &str) -> bool {
    pkg.starts_with("net/")
        || [
            "github.com/go-chi/",
            "github.com/gin-gonic/",
            "github.com/labstack/",
            "github.com/gofiber/",
            "github.com/gorilla/",
        ]
        .iter()
        .any(|p| pkg.starts_with(p))
}

const ROUTER_CONSTRUCTORS: &[&str] = &[
    "chi.NewRouter(",
    "chi.NewMux(",
    "http.NewServeMux(",
    "mux.NewRouter(",
    "gin.New(",
    "gin.Default(",
    "echo.New(",
    "fiber.New(",
    "httprouter.New(",
];

/// `r := app.New(cfg)`, `app.New(cfg).Run(addr)`: where a router a function returns ends up
/// (a caller's variable, or served directly), so the function's routes are not left waiting
/// for a caller vouch never found.
pub(super) fn received_routers(ctx: &Ctx<'_>, calls: &[Node<'_>], out: &mut FileCode) {
    const SERVE: &[&str] = &[
        "Run",
        "RunTLS",
        "Start",
        "StartTLS",
        "Listen",
        "ListenTLS",
        "ListenAndServe",
        "ListenAndServeTLS",
        "Serve",
    ];
    for &node in calls {
        let Some(call) = Call::of(node, ctx.src) else {
            continue;
        };
        let ret = match call.recv {
            None => scope::returned_by(ctx, call.name),
            Some(r) => match ctx.package_of(r) {
                Some(pkg) if is_framework_package(pkg) => continue,
                Some(pkg) => format!("pkg:{pkg}::ret:{}", call.name),
                None => format!("meth:ret:{}", call.name),
            },
        };
        let parent = match ctx.parent(node).map(|p| p.kind()) {
            Some("expression_list") => assigned_scope(ctx, node),
            Some("selector_expression") => ctx
                .parent(node)
                .and_then(|sel| sel.field("field"))
                .filter(|f| SERVE.contains(&ctx.text(*f)))
                .map(|_| SERVED.to_string()),
            _ => None,
        };
        if let Some(parent) = parent {
            out.link_hints.push(LinkHint::Mount {
                parent,
                child: ret,
                prefix: String::new(),
                auth: None,
                line: 0,
            });
        }
    }
}
