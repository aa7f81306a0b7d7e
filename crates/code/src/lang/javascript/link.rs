//! Cross-file resolution for JS/TS: `@import:<base>::<export>` references in mounts become
//! the scope keys routes use (`routes/users.js::default`), routes on routers mounted under an
//! app lose their "mounted elsewhere" Unknown, and Next.js `middleware.ts` guards apply to the
//! route handlers its matcher covers.

use super::express::MOUNTED_ELSEWHERE;
use super::http_client::{AXIOS_CALL, AXIOS_DEFAULTS};
use super::module::strip_extension;
use super::next::{MIDDLEWARE_SCOPE, NEXT_SCOPE, matcher_covers};
use crate::model::{Auth, FactKind, FileCode, Language, LinkHint};
use std::collections::{HashMap, HashSet};

pub fn link(files: &mut [FileCode]) {
    let is_js = |f: &FileCode| {
        matches!(
            f.language,
            Some(Language::JavaScript | Language::TypeScript | Language::Tsx)
        )
    };
    if !files.iter().any(is_js) {
        return;
    }
    let mut bases: HashMap<String, String> = HashMap::new();
    for file in files.iter().filter(|f| is_js(f)) {
        let base = strip_extension(&file.path).to_string();
        if let Some(dir) = base.strip_suffix("/index") {
            bases.entry(dir.to_string()).or_insert(file.path.clone());
        }
        bases.insert(base, file.path.clone());
    }
    let mut roots: HashSet<String> = HashSet::new();
    for file in files.iter().filter(|f| is_js(f)) {
        for route in &file.routes {
            if route.scope.ends_with("!root") {
                roots.insert(route.scope.clone());
            }
        }
        for hint in &file.link_hints {
            if let LinkHint::Mount { parent, child, .. } = hint {
                for key in [parent, child] {
                    if key.ends_with("!root") {
                        roots.insert(key.clone());
                    }
                }
            }
        }
    }
    let resolve = |key: &str| -> String {
        let Some(rest) = key.strip_prefix("@import:") else {
            return key.to_string();
        };
        let Some((base, export)) = rest.rsplit_once("::") else {
            return key.to_string();
        };
        let Some(file) = bases.get(base) else {
            return key.to_string();
        };
        let plain = format!("{file}::{export}");
        let root = format!("{plain}!root");
        if roots.contains(&root) { root } else { plain }
    };
    for file in files.iter_mut().filter(|f| is_js(f)) {
        for hint in &mut file.link_hints {
            match hint {
                LinkHint::Mount { parent, child, .. } => {
                    *parent = resolve(parent);
                    *child = resolve(child);
                }
                LinkHint::Guard { scope, .. } => *scope = resolve(scope),
            }
        }
        for route in &mut file.routes {
            route.scope = resolve(&route.scope);
        }
    }
    settle_mounted_routes(files);
    apply_next_middleware(files);
    apply_axios_defaults(files);
}

/// `axios.defaults.timeout = ...` anywhere gives every direct axios call a timeout.
fn apply_axios_defaults(files: &mut [FileCode]) {
    let defaults = files.iter().any(|f| {
        f.facts
            .iter()
            .any(|fact| fact.detail.starts_with(AXIOS_DEFAULTS))
    });
    if !defaults {
        return;
    }
    for file in files.iter_mut() {
        for fact in &mut file.facts {
            if fact.kind == (FactKind::HttpClientCall { timeout: false })
                && fact.detail.starts_with(AXIOS_CALL)
            {
                fact.kind = FactKind::HttpClientCall { timeout: true };
                fact.detail = format!(
                    "{} ({AXIOS_DEFAULTS} applies)",
                    fact.detail.split(" without").next().unwrap_or("")
                );
            }
        }
    }
}

/// Routes on a router whose mount chain reaches an app: the mounts and guards on the way
/// decide (the shared linker applies them next), so "unknown" becomes "none so far".
fn settle_mounted_routes(files: &mut [FileCode]) {
    let mut parents: HashMap<String, Vec<String>> = HashMap::new();
    for file in files.iter() {
        for hint in &file.link_hints {
            if let LinkHint::Mount { parent, child, .. } = hint {
                parents
                    .entry(child.clone())
                    .or_default()
                    .push(parent.clone());
            }
        }
    }
    let reaches_root = |scope: &str| -> bool {
        let mut current = scope.to_string();
        for _ in 0..32 {
            if current.ends_with("!root") {
                return true;
            }
            match parents.get(&current).and_then(|p| p.first()) {
                Some(parent) => current = parent.clone(),
                None => return false,
            }
        }
        false
    };
    for file in files.iter_mut() {
        for route in &mut file.routes {
            let mounted_elsewhere = matches!(&route.auth,
                Auth::Unknown { reason } if reason.starts_with(MOUNTED_ELSEWHERE));
            if mounted_elsewhere && reaches_root(&route.scope) {
                route.auth = Auth::None;
            }
        }
    }
}

/// Next.js: a `middleware.ts` that authenticates guards the route handlers its matcher covers.
fn apply_next_middleware(files: &mut [FileCode]) {
    let mut middleware: Vec<(String, String)> = Vec::new();
    for file in files.iter() {
        for hint in &file.link_hints {
            if let LinkHint::Guard {
                scope, evidence, ..
            } = hint
                && let Some(matchers) = scope.strip_prefix(MIDDLEWARE_SCOPE)
            {
                middleware.push((matchers.to_string(), evidence.clone()));
            }
        }
    }
    if middleware.is_empty() {
        return;
    }
    for file in files.iter_mut() {
        for route in &mut file.routes {
            if route.scope != NEXT_SCOPE || route.auth.is_required() {
                continue;
            }
            for (matchers, evidence) in &middleware {
                match matcher_covers(matchers, &route.path) {
                    Some(true) => {
                        route.auth = Auth::Required {
                            evidence: evidence.clone(),
                        };
                        break;
                    }
                    Some(false) => {}
                    None => {
                        route.auth = Auth::Unknown {
                            reason: format!(
                                "middleware.ts authenticates ({evidence}) but its matcher is too complex to evaluate"
                            ),
                        };
                    }
                }
            }
        }
    }
}
