//! The shared linking pass: routes registered on a router/group get the prefixes of every
//! mount above them and the auth of any guard on the way, so `vouch routes` shows the path a
//! client calls and the guard that really applies.

use crate::model::{Auth, FileCode, LinkHint};
use std::collections::HashMap;

struct Mount {
    parent: String,
    prefix: String,
    auth: Option<String>,
    /// File and line of the mount (line 0: order does not matter).
    file: String,
    line: u32,
}

impl Mount {
    /// Whether a guard the parent registers at (`path`, `line`) covers this mount: one
    /// registered later in the same file does not (Express semantics).
    fn covered_by(&self, path: &str, line: u32) -> bool {
        self.line == 0 || line == 0 || path != self.file || line <= self.line
    }
}

/// Applies mount prefixes and guards (after each language's `link` made keys comparable).
pub fn apply(files: &mut [FileCode]) {
    let mut mounts: HashMap<String, Vec<Mount>> = HashMap::new();
    let mut guards: HashMap<String, Vec<(String, u32, String)>> = HashMap::new();
    for file in files.iter() {
        for hint in &file.link_hints {
            match hint {
                LinkHint::Mount {
                    parent,
                    child,
                    prefix,
                    auth,
                    line,
                } => mounts.entry(child.clone()).or_default().push(Mount {
                    parent: parent.clone(),
                    prefix: prefix.clone(),
                    auth: auth.clone(),
                    file: file.path.clone(),
                    line: *line,
                }),
                LinkHint::Guard {
                    scope,
                    evidence,
                    line,
                } => guards.entry(scope.clone()).or_default().push((
                    file.path.clone(),
                    *line,
                    evidence.clone(),
                )),
            }
        }
    }
    if mounts.is_empty() && guards.is_empty() {
        return;
    }
    for file in files.iter_mut() {
        let path = file.path.clone();
        for route in &mut file.routes {
            if route.scope.is_empty() {
                continue;
            }
            // Guards on the route's own scope, declared before it in the same file.
            let own_guard = guards.get(&route.scope).and_then(|gs| {
                gs.iter()
                    .find(|(gpath, line, _)| *gpath != path || *line <= route.line)
                    .map(|(_, _, e)| e.clone())
            });
            let (prefix, chain_auth) = resolve_chain(&route.scope, &mounts, &guards);
            if !prefix.is_empty() {
                route.path = join_paths(&prefix, &route.path);
            }
            if !route.auth.is_required()
                && let Some(evidence) = own_guard.or(chain_auth)
            {
                route.auth = Auth::Required { evidence };
            }
        }
    }
}

/// Walks up from `scope` through its first mount at each level (cycles stop the walk):
/// the concatenated prefix and the first guard found on the way.
fn resolve_chain(
    scope: &str,
    mounts: &HashMap<String, Vec<Mount>>,
    guards: &HashMap<String, Vec<(String, u32, String)>>,
) -> (String, Option<String>) {
    let mut prefix = String::new();
    let mut auth = None;
    let mut current = scope.to_string();
    let mut seen = vec![current.clone()];
    while let Some(mount) = mounts.get(&current).and_then(|m| m.first()) {
        prefix = join_paths(&mount.prefix, &prefix);
        if auth.is_none() {
            auth = mount.auth.clone().or_else(|| {
                guards
                    .get(&mount.parent)
                    .and_then(|g| {
                        g.iter()
                            .find(|(path, line, _)| mount.covered_by(path, *line))
                    })
                    .map(|(_, _, e)| e.clone())
            });
        }
        if seen.contains(&mount.parent) || seen.len() > 32 {
            break;
        }
        current = mount.parent.clone();
        seen.push(current.clone());
    }
    (prefix, auth)
}

/// `/api` + `/users/{id}` → `/api/users/{id}`; never doubles or drops the slash.
pub fn join_paths(prefix: &str, path: &str) -> String {
    let p = prefix.trim_end_matches('/');
    if path.is_empty() || path == "/" {
        return if p.is_empty() { "/".into() } else { p.into() };
    }
    if path.starts_with('/') {
        format!("{p}{path}")
    } else {
        format!("{p}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Route, RouteKind};

    fn route(scope: &str, path: &str) -> Route {
        Route {
            method: "POST".into(),
            path: path.into(),
            handler: "h".into(),
            file: "a.py".into(),
            line: 10,
            column: 1,
            framework: "test",
            kind: RouteKind::Http,
            auth: Auth::None,
            roles: vec![],
            scope: scope.into(),
        }
    }

    #[test]
    fn joins_paths() {
        assert_eq!(join_paths("/api/", "/users"), "/api/users");
        assert_eq!(join_paths("/api", "users"), "/api/users");
        assert_eq!(join_paths("/api", "/"), "/api");
        assert_eq!(join_paths("", "/x"), "/x");
    }

    #[test]
    fn mounts_apply_prefix_and_auth_through_two_levels() {
        let mut files = vec![
            FileCode {
                path: "routers/users.py".into(),
                routes: vec![route("users::router", "/{id}")],
                ..FileCode::default()
            },
            FileCode {
                path: "main.py".into(),
                link_hints: vec![
                    LinkHint::Mount {
                        parent: "main::api".into(),
                        child: "users::router".into(),
                        prefix: "/users".into(),
                        auth: None,
                        line: 0,
                    },
                    LinkHint::Mount {
                        parent: "main::app".into(),
                        child: "main::api".into(),
                        prefix: "/api/v1".into(),
                        auth: Some("Depends(get_current_user)".into()),
                        line: 0,
                    },
                ],
                ..FileCode::default()
            },
        ];
        apply(&mut files);
        let r = &files[0].routes[0];
        assert_eq!(r.path, "/api/v1/users/{id}");
        assert_eq!(
            r.auth,
            Auth::Required {
                evidence: "Depends(get_current_user)".into()
            }
        );
    }

    #[test]
    fn mount_cycles_terminate() {
        let mut files = vec![FileCode {
            path: "x.js".into(),
            routes: vec![route("a", "/r")],
            link_hints: vec![
                LinkHint::Mount {
                    parent: "b".into(),
                    child: "a".into(),
                    prefix: "/b".into(),
                    auth: None,
                    line: 0,
                },
                LinkHint::Mount {
                    parent: "a".into(),
                    child: "b".into(),
                    prefix: "/a".into(),
                    auth: None,
                    line: 0,
                },
            ],
            ..FileCode::default()
        }];
        apply(&mut files);
        assert!(files[0].routes[0].path.ends_with("/r"));
    }
}
