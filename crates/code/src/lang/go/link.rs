//! Go's cross-file pass: turns import-relative names in mount hints (`pkg:<import
//! path>::ret:Routes`, `pkg:<import path>::Register#0`, `meth:...`) into the scope keys the
//! routes of that package use, then settles what the shared linker cannot express: roles and
//! middleware vouch cannot name (auth unknown) along a route's chain of mounts, and routes
//! registered on a router passed in by a caller vouch never found.

use super::routes::{ROLE_MARK, UNKNOWN_MARK, unknown_reason};
use crate::model::{Auth, FileCode, Language, LinkHint};
use std::collections::{HashMap, HashSet};

pub fn link(files: &mut [FileCode]) {
    if !files.iter().any(|f| f.language == Some(Language::Go)) {
        return;
    }
    let known = known_scopes(files);
    rewrite_children(files, &known);
    settle_markers(files);
}

/// Every scope key a Go route, mount or guard mentions.
fn known_scopes(files: &[FileCode]) -> HashSet<String> {
    let mut known = HashSet::new();
    for f in files.iter().filter(|f| f.language == Some(Language::Go)) {
        for r in &f.routes {
            known.insert(r.scope.clone());
        }
        for h in &f.link_hints {
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
    }
    known.retain(|k| k.starts_with("go:"));
    known
}

/// Known scopes indexed once, so resolving a hint costs a lookup, not a scan of every scope
/// (a monorepo has tens of thousands).
struct KnownIndex<'a> {
    /// `tail` (`Register#0`) → (package dir, scope key).
    by_tail: HashMap<&'a str, Vec<(&'a str, &'a String)>>,
    /// (method name, returns a router) → scope keys.
    by_method: HashMap<(&'a str, bool), Vec<&'a String>>,
}

impl<'a> KnownIndex<'a> {
    fn new(known: &'a HashSet<String>) -> Self {
        let mut by_tail: HashMap<&str, Vec<(&str, &String)>> = HashMap::new();
        let mut by_method: HashMap<(&str, bool), Vec<&String>> = HashMap::new();
        for key in known {
            let Some((head, tail)) = key.split_once("::") else {
                continue;
            };
            if let Some(dir) = head.strip_prefix("go:")
                && !dir.is_empty()
                && !dir.contains(".go")
            {
                by_tail.entry(tail).or_default().push((dir, key));
            }
            let returns = tail.starts_with("ret:");
            if let Some((_, method)) = tail.strip_prefix("ret:").unwrap_or(tail).split_once('.') {
                by_method.entry((method, returns)).or_default().push(key);
            }
        }
        KnownIndex { by_tail, by_method }
    }

    /// Directories of Go packages, matched to import paths by suffix:
    /// `github.com/acme/shop/internal/routes` + `Register#0` → `go:internal/routes::Register#0`.
    fn resolve_import(&self, import: &str, rest: &str) -> Option<String> {
        let mut best: Option<&String> = None;
        for (dir, key) in self.by_tail.get(rest)? {
            let suffix_match = import.len() > dir.len()
                && import.ends_with(dir)
                && import.as_bytes()[import.len() - dir.len() - 1] == b'/';
            if (import == *dir || suffix_match) && best.is_none_or(|b| b.len() < key.len()) {
                best = Some(key);
            }
        }
        best.cloned()
    }

    /// A method call `h.Routes(r)`: the one package scope with that method name, when unique.
    fn resolve_method(&self, rest: &str) -> Option<String> {
        let returns = rest.starts_with("ret:");
        let name = rest.strip_prefix("ret:").unwrap_or(rest);
        let mut found: Vec<&String> = self.by_method.get(&(name, returns))?.clone();
        found.sort();
        found.dedup();
        (found.len() == 1).then(|| found[0].clone())
    }
}

fn rewrite_children(files: &mut [FileCode], known: &HashSet<String>) {
    let index = KnownIndex::new(known);
    for f in files
        .iter_mut()
        .filter(|f| f.language == Some(Language::Go))
    {
        for h in &mut f.link_hints {
            // Mount children name a callee's parameter or returned router; guards may sit on
            // a returned router (`http.ListenAndServe(addr, auth(app.routes()))`).
            let child = match h {
                LinkHint::Mount { child, .. } => child,
                LinkHint::Guard { scope, .. } => scope,
            };
            let resolved = if let Some(rest) = child.strip_prefix("pkg:") {
                rest.split_once("::")
                    .and_then(|(import, tail)| index.resolve_import(import, tail))
            } else if let Some(rest) = child.strip_prefix("meth:") {
                index.resolve_method(rest)
            } else {
                None
            };
            if let Some(r) = resolved {
                *child = r;
            }
        }
    }
}

struct Chain {
    parents: HashMap<String, String>,
    /// scope → (file, line, marker text)
    markers: HashMap<String, Vec<(String, u32, String)>>,
}

impl Chain {
    /// The outermost scope above `scope` (itself when nothing mounts it).
    fn top(&self, scope: &str) -> String {
        let mut current = scope.to_string();
        for _ in 0..32 {
            match self.parents.get(&current) {
                Some(p) if *p != current => current = p.clone(),
                _ => break,
            }
        }
        current
    }

    /// Markers on `scope` and every scope above it (first mount per level, like the shared
    /// linker); markers on the route's own scope count when declared before it in its file.
    fn markers_for(&self, scope: &str, file: &str, line: u32) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = scope.to_string();
        let mut seen = HashSet::new();
        let mut own = true;
        loop {
            if let Some(ms) = self.markers.get(&current) {
                for (mfile, mline, text) in ms {
                    if !own || mfile != file || *mline <= line {
                        out.push(text.clone());
                    }
                }
            }
            own = false;
            if !seen.insert(current.clone()) || seen.len() > 32 {
                break;
            }
            match self.parents.get(&current) {
                Some(p) => current = p.clone(),
                None => break,
            }
        }
        out
    }
}

fn settle_markers(files: &mut [FileCode]) {
    let mut chain = Chain {
        parents: HashMap::new(),
        markers: HashMap::new(),
    };
    for f in files.iter().filter(|f| f.language == Some(Language::Go)) {
        for h in &f.link_hints {
            match h {
                LinkHint::Mount { parent, child, .. } => {
                    chain
                        .parents
                        .entry(child.clone())
                        .or_insert_with(|| parent.clone());
                }
                LinkHint::Guard {
                    scope,
                    evidence,
                    line,
                } if evidence.starts_with('\u{1}') => {
                    chain.markers.entry(scope.clone()).or_default().push((
                        f.path.clone(),
                        *line,
                        evidence.clone(),
                    ));
                }
                LinkHint::Guard { .. } => {}
            }
        }
    }
    for f in files
        .iter_mut()
        .filter(|f| f.language == Some(Language::Go))
    {
        let path = f.path.clone();
        for route in &mut f.routes {
            for marker in chain.markers_for(&route.scope, &path, route.line) {
                if let Some(role) = marker.strip_prefix(ROLE_MARK) {
                    if !route.roles.iter().any(|r| r == role) {
                        route.roles.push(role.to_string());
                    }
                } else if let Some(name) = marker.strip_prefix(UNKNOWN_MARK)
                    && route.auth == Auth::None
                {
                    route.auth = Auth::Unknown {
                        reason: unknown_reason(name),
                    };
                }
            }
            if route.auth == Auth::None && passed_in(&chain.top(&route.scope)) {
                route.auth = Auth::Unknown {
                    reason: "registered on a router passed in by a caller vouch did not find; \
                             its middleware is unknown"
                        .into(),
                };
            }
        }
        f.link_hints.retain(
            |h| !matches!(h, LinkHint::Guard { evidence, .. } if evidence.starts_with('\u{1}')),
        );
    }
}

/// Scopes that get their middleware from code elsewhere: function parameters, struct fields,
/// package variables, routers returned to a caller vouch did not find.
fn passed_in(scope: &str) -> bool {
    let tail = scope.rsplit_once("::").map(|(_, t)| t).unwrap_or(scope);
    (tail.contains('#') && !tail.starts_with("lit@"))
        || tail.starts_with("field:")
        || tail.starts_with("var:")
        || tail.starts_with("ret:")
}
