//! FastAPI dependency chains: a dependency that itself depends on an authenticating one
//! (`def require_editor(user = Depends(get_current_user))`) authenticates the routes that use
//! it, with the role its body checks (`if user.role != "editor": raise HTTPException(403)`).
//! A dependency defined in the same file resolves here; one imported from another module
//! resolves in `link` through two private hints (removed there):
//! - `DEP_AUTH` + `path::name`: the function authenticates (evidence, then roles);
//! - `DEP_USE` + `file:line` of a route: the route depends on `py:module::name`.

use super::auth::{self, Guard};
use super::ctx::Ctx;
use crate::model::{FileCode, LinkHint};
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub const DEP_AUTH: &str = "\0pydep:";
pub const DEP_USE: &str = "\0pydepuse:";
/// Separates the evidence from the roles in a `DEP_AUTH` hint.
const ROLES: char = '\u{1}';
/// Chains longer than this are not followed (and a dependency cycle ends here).
pub const MAX_DEPTH: usize = 4;

/// The module-level function `name` of this file, when it authenticates through its own
/// dependencies or body checks: the guard it gives its callers.
pub fn local_chain(ctx: &Ctx<'_>, name: &str, depth: usize) -> Option<Guard> {
    if depth > MAX_DEPTH {
        return None;
    }
    let def = module_function(ctx, name)?;
    chain_of(ctx, def, depth)
}

/// What a dependency function requires of the caller: its parameters' dependencies and the
/// checks in its body. `None` when neither authenticates.
fn chain_of(ctx: &Ctx<'_>, def: Node<'_>, depth: usize) -> Option<Guard> {
    let mut guard = auth::parameter_guard_at(ctx, def, depth + 1);
    let body = auth::body_guard(ctx, def);
    guard.merge(body);
    guard.evidence.as_ref()?;
    Some(guard)
}

fn module_function<'t>(ctx: &Ctx<'t>, name: &str) -> Option<Node<'t>> {
    ctx.functions.iter().copied().find(|def| {
        def.field("name").is_some_and(|n| ctx.text(n) == name) && {
            let parent = def.parent();
            let parent = match parent {
                Some(p) if p.kind() == "decorated_definition" => p.parent(),
                other => other,
            };
            parent.is_some_and(|p| p.kind() == "module")
        }
    })
}

/// `DEP_AUTH` hints for this file's undecorated module-level functions that authenticate
/// through their dependencies but whose names do not say so (those are recognised by name
/// everywhere).
pub fn export_hints(ctx: &Ctx<'_>, out: &mut FileCode) {
    if !ctx.text(ctx.root).contains("Depends(") && !ctx.text(ctx.root).contains("Security(") {
        return;
    }
    for &def in &ctx.functions {
        let Some(name) = def.field("name").map(|n| ctx.text(n)) else {
            continue;
        };
        // Route handlers are decorated and never a dependency: only plain module functions.
        let plain = def.parent().is_some_and(|p| p.kind() == "module");
        if !plain || auth::is_auth_name(name) || module_function(ctx, name) != Some(def) {
            continue;
        }
        if let Some(guard) = chain_of(ctx, def, 0) {
            out.link_hints.push(LinkHint::Guard {
                scope: format!("{DEP_AUTH}{}::{name}", ctx.path),
                evidence: encode(&guard),
                line: 0,
            });
        }
    }
}

/// `DEP_USE` hints for a route whose guard could not be told from its dependencies' names.
pub fn use_hints(file: &str, line: u32, guard: &Guard, out: &mut FileCode) {
    for key in &guard.imported {
        out.link_hints.push(LinkHint::Guard {
            scope: format!("{DEP_USE}{file}:{line}"),
            evidence: key.clone(),
            line: 0,
        });
    }
}

fn encode(guard: &Guard) -> String {
    format!(
        "{}{ROLES}{}",
        guard.evidence.as_deref().unwrap_or(""),
        guard.roles.join(",")
    )
}

/// (evidence, roles) of a `DEP_AUTH` hint.
pub fn decode(evidence: &str) -> (String, Vec<String>) {
    let (e, roles) = evidence.split_once(ROLES).unwrap_or((evidence, ""));
    let roles = roles
        .split(',')
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    (e.to_string(), roles)
}
