//! Reading guards: which dependencies, decorators and body checks authenticate a request, and
//! which roles or permissions they require.

use super::ctx::{Ctx, args, callee, decorator_expr, decorators, literal, parameters};
use super::depends;
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

/// Words in a dependency/decorator name that say it authenticates the caller.
const AUTH_WORDS: &[&str] = &[
    "user",
    "auth",
    "token",
    "login",
    "admin",
    "permission",
    "role",
    "principal",
    "api_key",
    "apikey",
    "jwt",
    "verify",
    "oauth",
    "credential",
    "superuser",
    "staff",
    "bearer",
    "identity",
    "security",
    "scheme",
    "signature",
];

/// Dependencies that provide resources, not identity.
const RESOURCE_WORDS: &[&str] = &[
    "db",
    "session",
    "settings",
    "config",
    "service",
    "repo",
    "client",
    "pagination",
    "paginat",
    "params",
    "cache",
    "redis",
    "logger",
    "storage",
    "queue",
    "engine",
    "conn",
    "uow",
];

/// Words that name a privilege beyond being logged in.
const ROLE_WORDS: &[&str] = &["superuser", "admin", "staff", "owner", "moderator"];

#[derive(Default, Debug)]
pub struct Guard {
    /// Evidence of a guard (the dependency or decorator as written).
    pub evidence: Option<String>,
    /// A dependency that might authenticate but cannot be classified.
    pub unclear: Option<String>,
    pub roles: Vec<String>,
    /// Imported dependencies that might authenticate (`py:module::name`): `link` resolves them
    /// through the dependency chains of the module that defines them.
    pub imported: Vec<String>,
}

impl Guard {
    pub fn merge(&mut self, other: Guard) {
        for key in other.imported {
            if !self.imported.contains(&key) {
                self.imported.push(key);
            }
        }
        if self.evidence.is_none() {
            self.evidence = other.evidence;
        }
        if self.unclear.is_none() {
            self.unclear = other.unclear;
        }
        for r in other.roles {
            if !self.roles.contains(&r) {
                self.roles.push(r);
            }
        }
    }
}

pub fn is_auth_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    AUTH_WORDS.iter().any(|w| n.contains(w)) && !is_resource_name(&n)
}

fn is_resource_name(n: &str) -> bool {
    let n = n.to_ascii_lowercase();
    // `get_current_user_session` still authenticates; `get_db_session` does not.
    !n.contains("user") && !n.contains("auth") && RESOURCE_WORDS.iter().any(|w| n.contains(w))
}

fn role_words(name: &str) -> Vec<String> {
    let n = name.to_ascii_lowercase();
    ROLE_WORDS
        .iter()
        .filter(|w| n.contains(**w))
        .map(|w| w.to_string())
        .take(1)
        .collect()
}

/// Literal strings inside a node (role names given to `require_role("admin")`).
fn literals_in(node: Node<'_>, src: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    syntax::walk(node, |n| {
        if n.kind() == "string" {
            if let Some(s) = literal(n, src)
                && !s.is_empty()
                && s.len() < 64
                && !out.contains(&s)
            {
                out.push(s);
            }
            return false;
        }
        true
    });
    out
}

/// `Depends(get_current_user)`, `Security(get_user, scopes=["admin"])`,
/// `Depends(require_role("admin"))` as a guard, or None when it is a resource dependency.
/// A dependency on a function of this file or an imported one whose name says nothing is
/// followed to what that function depends on (see `depends`).
pub fn dependency_guard(ctx: &Ctx<'_>, call: Node<'_>, depth: usize) -> Option<Guard> {
    let src = ctx.src;
    let name = callee(call, src);
    if !matches!(
        name,
        "Depends" | "Security" | "fastapi.Depends" | "fastapi.Security"
    ) {
        return None;
    }
    let target = args(call).first().copied()?;
    let target_name = match target.kind() {
        "call" => callee(target, src),
        _ => syntax::text(target, src),
    };
    let written = syntax::text(call, src).to_string();
    let mut guard = Guard::default();
    if is_auth_name(target_name) || name.ends_with("Security") {
        guard.evidence = Some(written);
        let mut roles = role_words(target_name);
        if target.kind() == "call" || name.ends_with("Security") {
            // Scopes/roles passed to the dependency: `Security(u, scopes=["items:write"])`.
            for r in literals_in(call, src) {
                if !roles.contains(&r) {
                    roles.push(r);
                }
            }
        }
        guard.roles = roles;
    } else if let Some(chain) = (target.kind() == "identifier")
        .then(|| depends::local_chain(ctx, target_name, depth))
        .flatten()
    {
        guard.evidence = Some(format!(
            "{written} (which requires {})",
            chain.evidence.unwrap_or_default()
        ));
        guard.roles = chain.roles;
    } else if !is_resource_name(target_name) {
        if target.kind() == "identifier"
            && let Some(origin) = ctx.imports.get(target_name)
            && let Some((module, item)) = origin.rsplit_once('.')
        {
            guard.imported.push(format!("py:{module}::{item}"));
        }
        guard.unclear = Some(written);
    }
    Some(guard)
}

/// Guards in a `dependencies=[...]` list.
pub fn dependencies_guard(ctx: &Ctx<'_>, list: Node<'_>) -> Guard {
    let mut guard = Guard::default();
    syntax::walk(list, |n| {
        if n.kind() == "call" {
            if let Some(g) = dependency_guard(ctx, n, 0) {
                guard.merge(g);
            }
            return false;
        }
        true
    });
    guard
}

/// Guards in a handler's parameters: `Depends(...)` defaults, `Annotated[T, Depends(...)]`, and
/// aliases such as `CurrentUser` defined in this file or imported (`...Dep`, `Current...`).
pub fn parameter_guard(ctx: &Ctx<'_>, def: Node<'_>) -> Guard {
    parameter_guard_at(ctx, def, 0)
}

/// [`parameter_guard`] of a function `depth` links down a dependency chain.
pub fn parameter_guard_at(ctx: &Ctx<'_>, def: Node<'_>, depth: usize) -> Guard {
    let mut guard = Guard::default();
    for (_, param) in parameters(def, ctx.src) {
        syntax::walk(param, |n| {
            if n.kind() == "call" {
                if let Some(g) = dependency_guard(ctx, n, depth) {
                    guard.merge(g);
                }
                return false;
            }
            true
        });
        if let Some(ty) = param.field("type") {
            let alias = syntax::text(ty, ctx.src);
            if is_identifier(alias) {
                guard.merge(alias_guard(ctx, alias, depth));
            }
        }
    }
    guard
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `CurrentUser = Annotated[User, Depends(get_current_user)]` in this file, or an imported
/// alias whose name says it is an identity dependency.
fn alias_guard(ctx: &Ctx<'_>, alias: &str, depth: usize) -> Guard {
    if let Some(right) = ctx
        .module_assignments
        .get(alias)
        .and_then(|a| a.field("right"))
    {
        let mut g = Guard::default();
        syntax::walk(right, |n| {
            if n.kind() == "call" {
                if let Some(d) = dependency_guard(ctx, n, depth) {
                    g.merge(d);
                }
                return false;
            }
            true
        });
        return g;
    }
    let mut g = Guard::default();
    if ctx.imports.contains_key(alias)
        && (alias.ends_with("Dep") || alias.starts_with("Current"))
        && is_auth_name(alias)
    {
        g.evidence = Some(alias.to_string());
        g.roles = role_words(alias);
    }
    g
}

/// Decorators other than the route decorator: `@login_required`, `@jwt_required()`,
/// `@roles_required("admin")`, `@permission_required("app.change_x")`, `@requires("admin")`.
pub fn decorator_guard(ctx: &Ctx<'_>, def: Node<'_>) -> Guard {
    let mut guard = Guard::default();
    for deco in decorators(def) {
        let Some(expr) = decorator_expr(deco) else {
            continue;
        };
        let name = match expr.kind() {
            "call" => callee(expr, ctx.src),
            _ => ctx.text(expr),
        };
        let lower = name.to_ascii_lowercase();
        let last = lower.rsplit('.').next().unwrap_or(&lower);
        let guards = last.contains("login_required")
            || last.contains("jwt_required")
            || last.contains("auth")
            || last.contains("token_required")
            || last.contains("role")
            || last.contains("permission")
            || last.contains("admin_required")
            || last.contains("require_login")
            || last.contains("api_key")
            || last.contains("staff_member_required")
            || last.contains("superuser_required")
            || last == "requires";
        if !guards {
            continue;
        }
        guard
            .evidence
            .get_or_insert_with(|| format!("@{}", ctx.text(expr)));
        let privileged = last.contains("role")
            || last.contains("permission")
            || last.contains("admin")
            || last.contains("staff")
            || last.contains("superuser")
            || last == "requires";
        if privileged {
            let mut roles = if expr.kind() == "call" {
                literals_in(expr, ctx.src)
                    .into_iter()
                    .filter(|r| r != "authenticated")
                    .collect()
            } else {
                Vec::new()
            };
            if roles.is_empty() {
                roles = role_words(last);
            }
            for r in roles {
                if !guard.roles.contains(&r) {
                    guard.roles.push(r);
                }
            }
        }
    }
    guard
}

/// Checks in the handler body: `if not current_user.is_superuser: raise HTTPException(403)`,
/// `if user.role != "admin": abort(403)` (roles), `verify_jwt_in_request()` /
/// `if not current_user.is_authenticated: abort(401)` (authentication).
pub fn body_guard(ctx: &Ctx<'_>, def: Node<'_>) -> Guard {
    let mut guard = Guard::default();
    let Some(body) = def.field("body") else {
        return guard;
    };
    syntax::walk(body, |n| {
        match n.kind() {
            "function_definition" | "class_definition" => return false,
            "call" => {
                let name = callee(n, ctx.src);
                if matches!(
                    name,
                    "verify_jwt_in_request" | "flask_jwt_extended.verify_jwt_in_request"
                ) {
                    guard.evidence.get_or_insert_with(|| format!("{name}()"));
                }
            }
            "if_statement" => {
                let (Some(cond), Some(then)) = (n.field("condition"), n.field("consequence"))
                else {
                    return true;
                };
                let c = ctx.text(cond);
                let t = ctx.text(then);
                let denies = t.contains("raise")
                    || t.contains("abort(")
                    || t.contains("403")
                    || t.contains("401");
                if !denies {
                    return true;
                }
                if c.contains("is_authenticated") {
                    guard
                        .evidence
                        .get_or_insert_with(|| format!("if {c}: (in the handler)"));
                }
                let privileged = ["is_superuser", "is_admin", "is_staff", ".role", "has_role"]
                    .iter()
                    .any(|w| c.contains(w))
                    || c.contains("has_perm");
                if privileged {
                    let mut roles = literals_in(cond, ctx.src);
                    if roles.is_empty() {
                        roles = role_words(c);
                    }
                    if roles.is_empty() {
                        roles.push("permission".into());
                    }
                    for r in roles {
                        if !guard.roles.contains(&r) {
                            guard.roles.push(r);
                        }
                    }
                }
            }
            _ => {}
        }
        true
    });
    guard
}

/// Whether the handler reads an identity that middleware sets (`request.user`,
/// `request.state.user`, `g.user`, flask-login `current_user`) without a visible guard.
pub fn reads_middleware_identity(ctx: &Ctx<'_>, def: Node<'_>) -> Option<&'static str> {
    let body = ctx.text(def.field("body")?);
    [
        "request.state.user",
        "request.user",
        "request.auth",
        "g.user",
        "current_user",
        "get_jwt_identity",
    ]
    .into_iter()
    .find(|w| body.contains(w))
}
