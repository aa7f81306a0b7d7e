//! What a middleware/guard expression is, from the names real projects give them:
//! authentication (`requireAuth`, `passport.authenticate('jwt')`), a role check
//! (`requireRole('admin')`), something known not to authenticate (`validate(schema)`), or an
//! unknown middleware that might.

use super::ast::{args, callee_path, norm, path_of, string_list};
use crate::syntax::text;
use tree_sitter::Node;

#[derive(Debug, PartialEq, Eq)]
pub enum Guard {
    Auth {
        evidence: String,
    },
    Role {
        evidence: String,
        roles: Vec<String>,
    },
    NotAuth,
    Unknown {
        name: String,
    },
}

const ROLE_WORDS: &[&str] = &[
    "requirerole",
    "requireroles",
    "hasrole",
    "hasroles",
    "checkrole",
    "checkroles",
    "authorize",
    "authorise",
    "roles",
    "permit",
    "requirepermission",
    "requirepermissions",
    "haspermission",
    "checkpermission",
    "checkpermissions",
    "allowroles",
    "restrictto",
];

const ADMIN_WORDS: &[&str] = &[
    "requireadmin",
    "isadmin",
    "adminonly",
    "ensureadmin",
    "onlyadmin",
];

const AUTH_WORDS: &[&str] = &[
    "auth",
    "loggedin",
    "requireuser",
    "requirelogin",
    "requiresignin",
    "verifytoken",
    "verifyjwt",
    "checkjwt",
    "validatetoken",
    "validatejwt",
    "protect",
    "ensureuser",
    "jwt",
    "bearer",
    "clerk",
];

/// Names that say a middleware does not require a user, whatever else they contain.
const NEVER_AUTH_WORDS: &[&str] = &["optional", "maybe", "noauth", "skipauth", "public", "csrf"];

/// Names of middleware that do not authenticate.
const NOT_AUTH_WORDS: &[&str] = &[
    "valid",
    "celebrate",
    "upload",
    "multer",
    "limit",
    "throttl",
    "cache",
    "log",
    "morgan",
    "parse",
    "sanitiz",
    "schema",
    "cors",
    "helmet",
    "compress",
    "static",
    "cookie",
    "body",
    "json",
    "urlencoded",
    "metric",
    "trac",
    "requestid",
    "timeout",
    "paginat",
    "asynchandler",
    "catchasync",
    "wrap",
    "express.raw",
];

/// Classifies one middleware argument.
pub fn classify(node: Node<'_>, src: &[u8]) -> Guard {
    let (name, call) = match node.kind() {
        "call_expression" => (callee_path(node, src).unwrap_or_default(), Some(node)),
        _ => (path_of(node, src).unwrap_or_default(), None),
    };
    if name.is_empty() {
        return match node.kind() {
            "arrow_function" | "function_expression" | "function" => Guard::Unknown {
                name: "an inline middleware".into(),
            },
            _ => Guard::Unknown {
                name: text(node, src).chars().take(40).collect(),
            },
        };
    }
    let n = norm(&name);
    let last = norm(name.rsplit('.').next().unwrap_or(&name));
    let evidence = text(node, src).chars().take(80).collect::<String>();
    if last.ends_with("router") || last.ends_with("routes") || last.ends_with("controller") {
        // `authRouter`, `authRoutes`: the routes of the auth flow, not a guard.
        return Guard::Unknown { name };
    }
    if ROLE_WORDS.contains(&last.as_str()) {
        let roles = call.map(role_args).map(|f| f(src)).unwrap_or_default();
        return Guard::Role { evidence, roles };
    }
    if ADMIN_WORDS.contains(&last.as_str()) {
        return Guard::Role {
            evidence,
            roles: vec!["admin".into()],
        };
    }
    if NEVER_AUTH_WORDS.iter().any(|w| n.contains(w)) {
        return Guard::NotAuth;
    }
    if AUTH_WORDS.iter().any(|w| n.contains(w)) && !n.contains("author") {
        return Guard::Auth { evidence };
    }
    if NOT_AUTH_WORDS.iter().any(|w| n.contains(w)) {
        return Guard::NotAuth;
    }
    Guard::Unknown { name }
}

/// String and enum-member arguments of a role check: `requireRole('admin')`,
/// `authorize(['admin', 'ops'])`, `Roles(Role.Admin)` → `Role.Admin`.
pub fn role_args(call: Node<'_>) -> impl Fn(&[u8]) -> Vec<String> + '_ {
    move |src| {
        let mut roles = Vec::new();
        for arg in args(call) {
            if let Some(list) = string_list(arg, src) {
                roles.extend(list);
            } else if arg.kind() == "member_expression" {
                roles.push(text(arg, src).to_string());
            } else if arg.kind() == "array" {
                let mut cursor = arg.walk();
                for item in arg.named_children(&mut cursor) {
                    if let Some(list) = string_list(item, src) {
                        roles.extend(list);
                    } else if item.kind() == "member_expression" {
                        roles.push(text(item, src).to_string());
                    }
                }
            }
        }
        roles
    }
}
