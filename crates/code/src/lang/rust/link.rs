//! Cross-file resolution for Rust: a router or handler named through a `use` or a module path
//! (`routes::users::router()`, `.service(handlers::create_user)`) becomes the scope key its
//! routes use (`<crate root>#routes::users::router`), so the shared linker applies prefixes
//! and layers. Handlers defined in another file get the auth their parameters say, and a
//! router no served function reaches turns `Auth::None` into `Auth::Unknown`.

use super::ast::{self, Ctx, module_of_path, scope_key};
use super::auth::Guard;
use crate::model::{Auth, FileCode, Language, LinkHint, RouteKind};
use crate::syntax::FieldChild;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

/// Prefix of a mount's auth set by a middleware that may authenticate (not a guard).
pub const MAYBE: &str = "\u{2}maybe:";
/// Prefix of a mount child that still needs resolving (`~users::router`).
pub const UNRESOLVED: &str = "~";
/// Scope prefixes of the hints only this module reads (removed before the shared linker).
const HANDLER: &str = "\u{1}rust-handler:";
const ROOT: &str = "\u{1}rust-root:";
const CALL: &str = "\u{1}rust-call:";
const ELSEWHERE: &str = "handler `";
const ELSEWHERE_END: &str = "` is defined in another file vouch did not match";

pub fn handler_elsewhere(name: &str) -> String {
    format!("{ELSEWHERE}{name}{ELSEWHERE_END}")
}

pub fn root_hint(key: &str) -> LinkHint {
    LinkHint::Guard {
        scope: format!("{ROOT}{key}"),
        evidence: String::new(),
        line: 0,
    }
}

/// A function a served function calls (`app(state)` from `main`): its router is served.
pub fn call_hint(root_key: &str, callee: &str) -> LinkHint {
    LinkHint::Guard {
        scope: format!("{CALL}{root_key}"),
        evidence: callee.to_string(),
        line: 0,
    }
}

/// What a function's parameters say: `req|evidence|role,role|kind`.
pub fn handler_hint(key: &str, guard: Option<&Guard>, kind: RouteKind) -> LinkHint {
    let kind = match kind {
        RouteKind::Http => "http",
        RouteKind::GraphQl => "graphql",
        RouteKind::WebSocket => "ws",
    };
    let evidence = match guard {
        Some(Guard::Required { evidence, roles }) => {
            format!("req|{evidence}|{}|{kind}", roles.join(","))
        }
        Some(Guard::Maybe(reason)) => format!("maybe|{reason}||{kind}"),
        None => format!("none|||{kind}"),
    };
    LinkHint::Guard {
        scope: format!("{HANDLER}{key}"),
        evidence,
        line: 0,
    }
}

/// Records the file's `use` paths (`crate::routes::users`, `crate::auth::require as req`).
pub fn collect_uses(ctx: &Ctx<'_>, root: Node<'_>, out: &mut FileCode) {
    let mut cursor = root.walk();
    for item in root.named_children(&mut cursor) {
        if item.kind() != "use_declaration" || ctx.in_test(item) {
            continue;
        }
        if let Some(arg) = item.field("argument") {
            let text: String = ctx
                .text(arg)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            expand_use("", &text, &mut out.imports, 0);
        }
    }
}

/// `a::{b, c::{d as e}}` → `a::b`, `a::c::d as e`.
fn expand_use(prefix: &str, text: &str, out: &mut Vec<String>, depth: usize) {
    let text = text.trim();
    if out.len() > 512 || depth > 16 {
        return;
    }
    if let Some(open) = text.find('{')
        && text.ends_with('}')
    {
        let head = text[..open].trim_end_matches("::");
        let inner = &text[open + 1..text.len() - 1];
        let base = join(prefix, head);
        for part in ast::split_top_level(inner) {
            expand_use(&base, part, out, depth + 1);
        }
        return;
    }
    out.push(join(prefix, text));
}

fn join(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => prefix.to_string(),
        _ => format!("{prefix}::{rest}"),
    }
}

struct Known {
    keys: HashSet<String>,
    roots: Vec<String>,
}

impl Known {
    /// The scope key `path` (as written in `file`) names, when some Rust file defines it.
    fn resolve(&self, file: &FileCode, path: &str) -> Option<String> {
        let (root, module) = module_of_path(&file.path);
        let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        let first = *segments.first()?;
        let mut candidates: Vec<(String, Vec<String>)> = Vec::new();
        let imported = file.imports.iter().find_map(|imp| {
            let (p, alias) = match imp.split_once(" as ") {
                Some((p, a)) => (p.trim(), a.trim()),
                None => (imp.as_str(), imp.rsplit("::").next().unwrap_or(imp)),
            };
            (alias == first).then_some(p)
        });
        let base: Vec<&str> = match imported {
            Some(p) => p.split("::").chain(segments[1..].iter().copied()).collect(),
            None => segments.clone(),
        };
        candidates.extend(absolute(&root, &module, &base));
        if imported.is_none() {
            let mut rel = module.clone();
            rel.extend(base.iter().map(|s| s.to_string()));
            candidates.push((root.clone(), rel));
        }
        // Another crate of the workspace (`api::router()` from `crates/server`).
        for r in &self.roots {
            let name = r.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            if !name.is_empty() && name.replace('-', "_") == base[0] && base.len() > 1 {
                candidates.push((r.clone(), base[1..].iter().map(|s| s.to_string()).collect()));
            }
        }
        candidates
            .into_iter()
            .map(|(r, segs)| scope_key(&r, &segs))
            .find(|k| self.keys.contains(k))
    }
}

/// `crate::a::b`, `self::b`, `super::b`, or a path from the crate root.
fn absolute(root: &str, module: &[String], path: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut segs: Vec<String> = Vec::new();
    let mut rest = path;
    match path.first().copied() {
        Some("crate") => rest = &path[1..],
        Some("self") => {
            segs = module.to_vec();
            rest = &path[1..];
        }
        Some("super") => {
            segs = module.to_vec();
            while rest.first() == Some(&"super") {
                segs.pop();
                rest = &rest[1..];
            }
        }
        _ => {}
    }
    segs.extend(rest.iter().map(|s| s.to_string()));
    vec![(root.to_string(), segs)]
}

pub fn link(files: &mut [FileCode]) {
    let rust = |f: &FileCode| f.language == Some(Language::Rust);
    let mut keys = HashSet::new();
    let mut roots_dirs = HashSet::new();
    let mut handlers: HashMap<String, String> = HashMap::new();
    let mut served: HashSet<String> = HashSet::new();
    for file in files.iter().filter(|f| rust(f)) {
        roots_dirs.insert(module_of_path(&file.path).0);
        for route in &file.routes {
            keys.insert(route.scope.clone());
        }
        for hint in &file.link_hints {
            match hint {
                LinkHint::Guard {
                    scope, evidence, ..
                } => {
                    if let Some(k) = scope.strip_prefix(HANDLER) {
                        keys.insert(k.to_string());
                        handlers.insert(k.to_string(), evidence.clone());
                    } else if let Some(k) = scope.strip_prefix(ROOT) {
                        served.insert(k.to_string());
                        keys.insert(k.to_string());
                    }
                }
                LinkHint::Mount { parent, .. } => {
                    keys.insert(parent.clone());
                }
            }
        }
    }
    if keys.is_empty() {
        return;
    }
    let known = Known {
        keys,
        roots: roots_dirs.into_iter().collect(),
    };
    // Resolve mount children and the calls of served functions.
    let mut mounted = HashSet::new();
    let mut called = Vec::new();
    let mut mount_auth: HashMap<String, (String, Option<String>)> = HashMap::new();
    for file in files.iter_mut().filter(|f| rust(f)) {
        let snapshot = file.clone();
        for hint in &mut file.link_hints {
            match hint {
                LinkHint::Mount {
                    child,
                    parent,
                    auth,
                    ..
                } => {
                    if let Some(raw) = child.strip_prefix(UNRESOLVED)
                        && let Some(key) = known.resolve(&snapshot, raw)
                    {
                        *child = key;
                    }
                    mounted.insert(child.clone());
                    mount_auth
                        .entry(child.clone())
                        .or_insert_with(|| (parent.clone(), auth.clone()));
                }
                LinkHint::Guard {
                    scope, evidence, ..
                } => {
                    if scope.starts_with(CALL)
                        && let Some(key) = known.resolve(&snapshot, evidence)
                    {
                        called.push(key);
                    }
                }
            }
        }
    }
    served.extend(called.into_iter().filter(|k| !mounted.contains(k)));
    for file in files.iter_mut().filter(|f| rust(f)) {
        let snapshot = file.clone();
        for route in &mut file.routes {
            if let Auth::Unknown { reason } = &route.auth
                && let Some(name) = reason
                    .strip_prefix(ELSEWHERE)
                    .and_then(|r| r.strip_suffix(ELSEWHERE_END))
                && let Some(info) = known
                    .resolve(&snapshot, name)
                    .and_then(|k| handlers.get(&k))
            {
                let parts: Vec<&str> = info.splitn(4, '|').collect();
                if let [state, evidence, roles, kind] = parts.as_slice() {
                    route.auth = match *state {
                        "req" => Auth::Required {
                            evidence: evidence.to_string(),
                        },
                        "maybe" => Auth::Unknown {
                            reason: evidence.to_string(),
                        },
                        _ => Auth::None,
                    };
                    route
                        .roles
                        .extend(roles.split(',').filter(|r| !r.is_empty()).map(String::from));
                    match *kind {
                        "ws" => {
                            route.kind = RouteKind::WebSocket;
                            route.method = "GET".into();
                        }
                        "graphql" => route.kind = RouteKind::GraphQl,
                        _ => {}
                    }
                }
            }
            if route.auth == Auth::None
                && let Some(reason) = mount_maybe(&route.scope, &mount_auth)
            {
                route.auth = Auth::Unknown { reason };
            }
            for role in mount_roles(&route.scope, &mount_auth) {
                if !route.roles.contains(&role) {
                    route.roles.push(role);
                }
            }
            if route.auth == Auth::None
                && !served.contains(&route.scope)
                && !mounted.contains(&route.scope)
            {
                let name = route.scope.rsplit('#').next().unwrap_or("");
                route.auth = Auth::Unknown {
                    reason: format!(
                        "the router built in `{name}` is not mounted anywhere vouch can see: \
                         an outer layer may guard it"
                    ),
                };
            }
        }
        for hint in &mut file.link_hints {
            if let LinkHint::Mount { auth, .. } = hint
                && auth.as_deref().is_some_and(|a| a.starts_with(MAYBE))
            {
                *auth = None;
            }
        }
        file.link_hints.retain(|h| match h {
            LinkHint::Guard { scope, .. } => !scope.starts_with('\u{1}'),
            LinkHint::Mount { .. } => true,
        });
    }
}

/// The reason a middleware above `scope` may authenticate its routes.
fn mount_maybe(scope: &str, mounts: &HashMap<String, (String, Option<String>)>) -> Option<String> {
    let mut current = scope;
    for _ in 0..32 {
        let (parent, auth) = mounts.get(current)?;
        if let Some(reason) = auth.as_deref().and_then(|a| a.strip_prefix(MAYBE)) {
            return Some(reason.to_string());
        }
        current = parent;
    }
    None
}

/// Roles the middleware of the mounts above `scope` require (`from_fn(require_admin)`).
fn mount_roles(scope: &str, mounts: &HashMap<String, (String, Option<String>)>) -> Vec<String> {
    let mut roles = Vec::new();
    let mut current = scope;
    for _ in 0..32 {
        let Some((parent, auth)) = mounts.get(current) else {
            break;
        };
        if let Some(Guard::Required { roles: r, .. }) =
            auth.as_deref().and_then(super::auth::middleware_name)
        {
            roles.extend(r);
        }
        current = parent;
    }
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_use_lists() {
        let mut out = Vec::new();
        expand_use(
            "",
            "crate::routes::{users, admin::{router as admin_router}}",
            &mut out,
            0,
        );
        assert_eq!(
            out,
            vec![
                "crate::routes::users",
                "crate::routes::admin::router as admin_router"
            ]
        );
    }
}
