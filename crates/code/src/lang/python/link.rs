//! Cross-file pass for Python: `py:app.routers.users::router` keys written by the extractor
//! (a router imported from another module) become the `app/routers/users.py::router` scope keys
//! its routes use; roles carried by mount guards (`[roles: admin]`) reach the routes below.

use crate::model::{FileCode, Language, LinkHint};
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
    propagate_roles(files);
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
