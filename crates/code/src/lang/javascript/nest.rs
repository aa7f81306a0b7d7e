//! NestJS: `@Controller('users')` classes with `@Get()`/`@Post(':id')` methods, guards from
//! `@UseGuards(...)` on the class or method, roles from `@Roles(...)`, `@Public()` opt-outs,
//! global guards (`APP_GUARD`, `app.useGlobalGuards`) and `app.setGlobalPrefix`.

use super::Ctx;
use super::ast::{args, callee_path, prop, string_value};
use super::auth::{Guard, classify, role_args};
use crate::model::{Auth, FileCode, LinkHint, Route, RouteKind};
use crate::syntax::FieldChild;
use crate::syntax::{pos, text};
use tree_sitter::Node;

/// Scope of every Nest route a global guard applies to.
pub const NEST_SCOPE: &str = "nest";
/// Scope of `@Public()` routes: global guards skip them, the global prefix still applies.
const NEST_PUBLIC_SCOPE: &str = "nest-public";
const NEST_APP: &str = "nest-app";

const VERBS: &[(&str, &str)] = &[
    ("Get", "GET"),
    ("Post", "POST"),
    ("Put", "PUT"),
    ("Patch", "PATCH"),
    ("Delete", "DELETE"),
    ("All", "ANY"),
    ("Options", "OPTIONS"),
    ("Head", "HEAD"),
];

const PUBLIC_DECORATORS: &[&str] = &["Public", "AllowAnonymous", "SkipAuth", "IsPublic", "NoAuth"];

/// A decorator's name and its call (when it has arguments).
fn decorator<'t>(node: Node<'t>, src: &[u8]) -> Option<(String, Option<Node<'t>>)> {
    let inner = node.named_child(0)?;
    match inner.kind() {
        "call_expression" => Some((callee_path(inner, src)?, Some(inner))),
        _ => Some((text(inner, src).to_string(), None)),
    }
}

/// Decorators of a class: its own children and those of an enclosing `export` statement.
fn class_decorators<'t>(class: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut push_from = |n: Node<'t>| {
        let mut cursor = n.walk();
        out.extend(n.children(&mut cursor).filter(|c| c.kind() == "decorator"));
    };
    push_from(class);
    if let Some(parent) = class.parent().filter(|p| p.kind() == "export_statement") {
        push_from(parent);
    }
    out
}

/// Decorators of a method: children (JS grammar) or preceding siblings in the class body (TS).
fn method_decorators<'t>(method: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut cursor = method.walk();
    out.extend(
        method
            .children(&mut cursor)
            .filter(|c| c.kind() == "decorator"),
    );
    let mut previous = method.prev_sibling();
    while let Some(p) = previous {
        if p.kind() != "decorator" {
            break;
        }
        out.push(p);
        previous = p.prev_sibling();
    }
    out
}

#[derive(Default)]
struct Guards {
    evidence: Option<String>,
    unknown: Option<String>,
    roles: Vec<String>,
    public: bool,
}

impl Guards {
    fn read(decorators: &[Node<'_>], src: &[u8]) -> Guards {
        let mut guards = Guards::default();
        for d in decorators {
            let Some((name, call)) = decorator(*d, src) else {
                continue;
            };
            match name.as_str() {
                "UseGuards" => {
                    for arg in call.map(args).unwrap_or_default() {
                        match classify(arg, src) {
                            Guard::Auth { evidence } | Guard::Role { evidence, .. } => {
                                guards
                                    .evidence
                                    .get_or_insert(format!("@UseGuards({evidence})"));
                            }
                            Guard::Unknown { name } if !name.contains("Role") => {
                                guards.unknown.get_or_insert(name);
                            }
                            _ => {}
                        }
                    }
                }
                "Roles" | "HasRoles" | "RequireRoles" | "Permissions" | "RequirePermissions" => {
                    if let Some(call) = call {
                        guards.roles.extend(role_args(call)(src));
                    }
                }
                n if PUBLIC_DECORATORS.contains(&n) => guards.public = true,
                _ => {}
            }
        }
        guards
    }
}

pub fn extract<'t>(ctx: &Ctx<'t>, out: &mut FileCode) -> Vec<Node<'t>> {
    if !ctx.module.uses("@nestjs/common") && !ctx.module.uses("@nestjs/core") {
        return Vec::new();
    }
    global_hints(ctx, out);
    let mut handlers = Vec::new();
    let kinds = ["class_declaration", "abstract_class_declaration", "class"];
    // Outermost classes only: a class inside a controller is part of it.
    let mut outer: Option<Node<'t>> = None;
    for n in ctx.index.of_kinds(ctx.root, &kinds) {
        if outer.is_some_and(|o| ctx.index.is_inside(n, o)) {
            continue;
        }
        controller(ctx, n, out, &mut handlers);
        outer = Some(n);
    }
    handlers
}

fn controller<'t>(
    ctx: &Ctx<'t>,
    class: Node<'t>,
    out: &mut FileCode,
    handlers: &mut Vec<Node<'t>>,
) {
    let decorators = class_decorators(class);
    let Some(prefix) = decorators.iter().find_map(|d| {
        let (name, call) = decorator(*d, ctx.src)?;
        (name == "Controller").then(|| controller_path(call, ctx.src))
    }) else {
        return;
    };
    let class_guards = Guards::read(&decorators, ctx.src);
    let class_name = class.field("name").map_or("", |n| text(n, ctx.src));
    let Some(body) = class.field("body") else {
        return;
    };
    let mut cursor = body.walk();
    let methods: Vec<Node<'t>> = body
        .named_children(&mut cursor)
        .filter(|m| m.kind() == "method_definition")
        .collect();
    for method in methods {
        let decorators = method_decorators(method);
        let Some((verb, path)) = decorators.iter().find_map(|d| {
            let (name, call) = decorator(*d, ctx.src)?;
            let verb = VERBS.iter().find(|(n, _)| *n == name)?.1;
            let path = call
                .and_then(|c| args(c).first().copied())
                .and_then(|a| string_value(a, ctx.src))
                .unwrap_or_default();
            Some((verb, path))
        }) else {
            continue;
        };
        handlers.push(method);
        let guards = Guards::read(&decorators, ctx.src);
        let public = guards.public || class_guards.public;
        let evidence = guards.evidence.or(class_guards.evidence.clone());
        let unknown = guards.unknown.or(class_guards.unknown.clone());
        let mut roles = class_guards.roles.clone();
        roles.extend(guards.roles);
        let auth = match (evidence, unknown) {
            (Some(evidence), _) => Auth::Required { evidence },
            (None, Some(name)) => Auth::Unknown {
                reason: format!("guard `{name}` may authenticate"),
            },
            (None, None) => Auth::None,
        };
        let method_name = method.field("name").map_or("", |n| text(n, ctx.src));
        let p = pos(method);
        out.routes.push(Route {
            method: verb.to_string(),
            path: crate::link::join_paths(&format!("/{}", prefix.trim_matches('/')), &path),
            handler: format!("{class_name}#{method_name}"),
            file: ctx.path.to_string(),
            line: p.line,
            column: p.column,
            framework: "nestjs",
            kind: RouteKind::Http,
            auth,
            roles,
            scope: if public {
                NEST_PUBLIC_SCOPE
            } else {
                NEST_SCOPE
            }
            .to_string(),
        });
    }
}

fn controller_path(call: Option<Node<'_>>, src: &[u8]) -> String {
    let Some(first) = call.and_then(|c| args(c).first().copied()) else {
        return String::new();
    };
    string_value(first, src)
        .or_else(|| prop(first, "path", src).and_then(|p| string_value(p, src)))
        .unwrap_or_default()
}

/// `{ provide: APP_GUARD, useClass: JwtAuthGuard }`, `app.useGlobalGuards(new JwtAuthGuard())`,
/// `app.setGlobalPrefix('api')`.
fn global_hints(ctx: &Ctx<'_>, out: &mut FileCode) {
    for n in ctx.index.of_kind(ctx.root, "object") {
        if prop(n, "provide", ctx.src).is_some_and(|p| text(p, ctx.src) == "APP_GUARD")
            && let Some(guard) =
                prop(n, "useClass", ctx.src).or_else(|| prop(n, "useExisting", ctx.src))
            && let Guard::Auth { evidence } | Guard::Role { evidence, .. } =
                classify(guard, ctx.src)
        {
            out.link_hints.push(LinkHint::Guard {
                scope: NEST_SCOPE.into(),
                evidence: format!("APP_GUARD {evidence}"),
                line: 0,
            });
        }
    }
    for &call in &ctx.calls {
        match ctx.callee_name(call) {
            Some("useGlobalGuards") => {
                for arg in args(call) {
                    let target = if arg.kind() == "new_expression" {
                        arg.field("constructor").unwrap_or(arg)
                    } else {
                        arg
                    };
                    if let Guard::Auth { evidence } | Guard::Role { evidence, .. } =
                        classify(target, ctx.src)
                    {
                        out.link_hints.push(LinkHint::Guard {
                            scope: NEST_SCOPE.into(),
                            evidence: format!("useGlobalGuards({evidence})"),
                            line: 0,
                        });
                    }
                }
            }
            Some("setGlobalPrefix") => {
                if let Some(prefix) = args(call).first().and_then(|a| string_value(*a, ctx.src)) {
                    for child in [NEST_SCOPE, NEST_PUBLIC_SCOPE] {
                        out.link_hints.push(LinkHint::Mount {
                            parent: NEST_APP.into(),
                            child: child.into(),
                            prefix: format!("/{}", prefix.trim_matches('/')),
                            auth: None,
                            line: 0,
                        });
                    }
                }
            }
            _ => {}
        }
    }
}
