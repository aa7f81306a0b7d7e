//! Cross-file pass for Python: `py:app.routers.users::router` keys written by the extractor
//! (a router imported from another module) become the `app/routers/users.py::router` scope keys
//! its routes use; roles carried by mount guards (`[roles: admin]`) reach the routes below.

use super::capabilities::CELERY_TIME_LIMIT;
use super::depends::{DEP_AUTH, DEP_USE, decode};
use super::django_views::{GLOBAL, VIEW, VIEW_REF, ViewInfo};
use crate::model::{Auth, FactKind, FileCode, Language, LinkHint};
use std::collections::HashMap;

pub fn link(files: &mut [FileCode]) {
    let modules = module_index(files);
    if modules.is_empty() {
        return;
    }
    for file in files.iter_mut() {
        for hint in &mut file.link_hints {
            match hint {
                LinkHint::Mount { parent, child, .. } => {
                    resolve(parent, &modules);
                    resolve(child, &modules);
                }
                LinkHint::Guard { scope, .. } => resolve(scope, &modules),
            }
        }
    }
    django_views(files, &modules);
    dependency_chains(files, &modules);
    celery_time_limits(files);
    propagate_roles(files);
}

/// Routes whose guard was unclear because a dependency imported from another module has a
/// name that says nothing: when that module's function depends on an authenticating one (or
/// checks the caller in its body), the route requires auth, with the roles it checks. Drops
/// the private dependency hints.
fn dependency_chains(files: &mut [FileCode], modules: &HashMap<String, String>) {
    let mut chains: HashMap<String, String> = HashMap::new();
    let mut uses: HashMap<String, Vec<String>> = HashMap::new();
    for file in files.iter_mut() {
        file.link_hints.retain(|hint| {
            let LinkHint::Guard {
                scope, evidence, ..
            } = hint
            else {
                return true;
            };
            if let Some(key) = scope.strip_prefix(DEP_AUTH) {
                chains.insert(key.to_string(), evidence.clone());
            } else if let Some(at) = scope.strip_prefix(DEP_USE) {
                let mut key = evidence.clone();
                resolve(&mut key, modules);
                uses.entry(at.to_string()).or_default().push(key);
            } else {
                return true;
            }
            false
        });
    }
    if uses.is_empty() || chains.is_empty() {
        return;
    }
    for file in files.iter_mut() {
        for route in &mut file.routes {
            if !matches!(route.auth, Auth::Unknown { .. }) {
                continue;
            }
            let Some(keys) = uses.get(&format!("{}:{}", route.file, route.line)) else {
                continue;
            };
            let Some((key, encoded)) = keys.iter().find_map(|k| chains.get(k).map(|e| (k, e)))
            else {
                continue;
            };
            let (evidence, roles) = decode(encoded);
            let (path, name) = key.rsplit_once("::").unwrap_or(("", key));
            route.auth = Auth::Required {
                evidence: format!("Depends({name}) from {path}, which requires {evidence}"),
            };
            for role in roles {
                if !route.roles.contains(&role) {
                    route.roles.push(role);
                }
            }
        }
    }
}

/// A project-wide Celery time limit (`task_time_limit` in the Celery config or Django
/// settings) completes the limits of tasks that configure retries themselves.
fn celery_time_limits(files: &mut [FileCode]) {
    let mut global = None;
    for file in files.iter_mut() {
        file.link_hints.retain(|hint| match hint {
            LinkHint::Guard {
                scope, evidence, ..
            } if scope == CELERY_TIME_LIMIT => {
                global.get_or_insert_with(|| format!("{evidence} in {}", file.path));
                false
            }
            _ => true,
        });
    }
    let Some(global) = global else { return };
    for file in files.iter_mut() {
        for fact in &mut file.facts {
            if fact.kind != (FactKind::JobQueue { limits: false })
                || !fact.detail.starts_with("Celery task")
            {
                continue;
            }
            if let Some(task) = fact.detail.strip_suffix(" with retries but no time limit") {
                fact.kind = FactKind::JobQueue { limits: true };
                fact.detail =
                    format!("{task} with retries and the project-wide time limit ({global})");
            } else if let Some(task) = fact.detail.strip_suffix(" with no time limit or retries") {
                fact.detail =
                    format!("{task} with the project-wide time limit ({global}) but no retries");
            }
        }
    }
}

/// Gives Django routes the methods, guard and roles of the view they call, then drops the
/// private view hints.
fn django_views(files: &mut [FileCode], modules: &HashMap<String, String>) {
    let mut views: HashMap<String, ViewInfo> = HashMap::new();
    let mut refs: HashMap<String, String> = HashMap::new();
    let mut globals: HashMap<String, String> = HashMap::new();
    for file in files.iter_mut() {
        file.link_hints.retain(|hint| {
            let LinkHint::Guard {
                scope, evidence, ..
            } = hint
            else {
                return true;
            };
            if let Some(key) = scope.strip_prefix(VIEW) {
                views.insert(key.to_string(), ViewInfo::decode(evidence));
            } else if let Some(at) = scope.strip_prefix(VIEW_REF) {
                let mut key = evidence.clone();
                resolve(&mut key, modules);
                refs.insert(at.to_string(), key);
            } else if let Some(name) = scope.strip_prefix(GLOBAL) {
                globals.insert(name.to_string(), evidence.clone());
            } else {
                return true;
            }
            false
        });
    }
    if refs.is_empty() {
        return;
    }
    for file in files.iter_mut() {
        if !file.routes.iter().any(|r| r.framework == "django") {
            continue;
        }
        let mut routes = Vec::with_capacity(file.routes.len());
        for route in file.routes.drain(..) {
            let view = refs
                .get(&format!("{}:{}", route.file, route.line))
                .and_then(|key| views.get(key));
            match view {
                Some(view) if route.framework == "django" => {
                    for method in &view.methods {
                        let mut r = route.clone();
                        r.method = method.clone();
                        if !r.auth.is_required() {
                            r.auth = view_auth(view, &globals);
                        }
                        r.roles.extend(view.roles.iter().cloned());
                        routes.push(r);
                    }
                }
                _ => routes.push(route),
            }
        }
        file.routes = routes;
    }
}

fn view_auth(view: &ViewInfo, globals: &HashMap<String, String>) -> Auth {
    if let Some(guard) = &view.guard {
        return Auth::Required {
            evidence: guard.clone(),
        };
    }
    if view.public {
        return Auth::None;
    }
    if view.drf_default
        && let Some(default) = globals.get("drf-default")
    {
        return Auth::Required {
            evidence: default.clone(),
        };
    }
    if let Some(middleware) = globals.get("login-middleware") {
        return Auth::Required {
            evidence: middleware.clone(),
        };
    }
    match &view.unclear {
        Some(reason) => Auth::Unknown {
            reason: reason.clone(),
        },
        None => Auth::None,
    }
}

/// Dotted module name → file path, for every Python file (`src/` layouts included: both
/// `src.app.main` and `app.main` name `src/app/main.py`).
fn module_index(files: &[FileCode]) -> HashMap<String, String> {
    let mut modules = HashMap::new();
    for file in files {
        if file.language != Some(Language::Python) {
            continue;
        }
        let Some(stem) = file.path.strip_suffix(".py") else {
            continue;
        };
        let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
        let dotted = stem.replace('/', ".");
        let parts: Vec<&str> = dotted.split('.').collect();
        // Every suffix of the dotted path can be how an import names the module (the first
        // file registering a suffix keeps it).
        for start in (0..parts.len()).rev() {
            let key = parts[start..].join(".");
            modules.entry(key).or_insert_with(|| file.path.clone());
        }
    }
    modules
}

fn resolve(key: &mut String, modules: &HashMap<String, String>) {
    let Some(rest) = key.strip_prefix("py:") else {
        return;
    };
    let Some((module, name)) = rest.split_once("::") else {
        return;
    };
    if let Some(path) = modules.get(module) {
        *key = format!("{path}::{name}");
    } else if let Some((parent, last)) = module.rsplit_once('.')
        && let Some(path) = modules.get(parent)
    {
        // `from app.routers import users` then `users.router` where `users` is a name in
        // `app/routers/__init__.py` rather than a module.
        *key = format!("{path}::{last}.{name}");
    }
}

/// Adds the roles of mount guards (`Depends(require_admin) [roles: admin]`) to every Python
/// route registered below the mount.
fn propagate_roles(files: &mut [FileCode]) {
    let mut parents: HashMap<String, Vec<(String, Vec<String>)>> = HashMap::new();
    for file in files.iter() {
        for hint in &file.link_hints {
            if let LinkHint::Mount {
                parent,
                child,
                auth,
                ..
            } = hint
            {
                let roles = auth.as_deref().map(roles_of).unwrap_or_default();
                parents
                    .entry(child.clone())
                    .or_default()
                    .push((parent.clone(), roles));
            }
        }
    }
    if parents.is_empty() {
        return;
    }
    for file in files.iter_mut() {
        if file.language != Some(Language::Python) {
            continue;
        }
        for route in &mut file.routes {
            let mut current = route.scope.clone();
            let mut seen = vec![current.clone()];
            while let Some((parent, roles)) = parents.get(&current).and_then(|p| p.first()) {
                for r in roles {
                    if !route.roles.contains(r) {
                        route.roles.push(r.clone());
                    }
                }
                if seen.contains(parent) || seen.len() > 32 {
                    break;
                }
                current = parent.clone();
                seen.push(current.clone());
            }
        }
    }
}

fn roles_of(evidence: &str) -> Vec<String> {
    evidence
        .rsplit_once("[roles: ")
        .and_then(|(_, r)| r.strip_suffix(']'))
        .map(|r| r.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}
