//! Credentials and crypto: hardcoded passwords/tokens, guards that always allow, unverified
//! JWTs, JWT secrets with literal fallbacks, fast password hashes, `Math.random()` tokens,
//! and where passwords are set and checked against a policy.

use super::Ctx;
use super::ast::{
    args, body, callee_object, env_name, fallback_parts, function_name, norm, prop, string_list,
    string_value,
};
use crate::lang::credential_value::may_be_credential;
use crate::model::{Fact, FactKind, FileCode};
use crate::syntax::FieldChild;
use crate::syntax::{pos, text, walk};
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    let jwt = jwt_locals(ctx);
    for &call in &ctx.calls {
        let name = ctx.callee_name(call).unwrap_or("");
        let callee = ctx.callee_path(call).unwrap_or_default();
        let on_jwt = callee_object(call).is_some_and(|o| jwt.iter().any(|j| j == text(o, ctx.src)));
        match name {
            "verify" if on_jwt => jwt_verify(ctx, call, out),
            "decode" if on_jwt => jwt_decode(ctx, call, "jwt.decode", out),
            "decodeJwt" if ctx.module.uses("jose") => jwt_decode(ctx, call, "jose decodeJwt", out),
            "sign" if on_jwt => literal_jwt_secret(ctx, call, out),
            "createHash" => weak_hash(ctx, call, out),
            "random" if callee == "Math.random" => insecure_random(ctx, call, out),
            "hash" | "hashSync"
                if (callee.starts_with("bcrypt") || callee.starts_with("argon2"))
                    && mentions_password(args(call).first().map_or("", |a| text(*a, ctx.src))) =>
            {
                ctx.fact(
                    out,
                    FactKind::PasswordSet,
                    call,
                    format!("a password is hashed with `{callee}` to be stored"),
                );
            }
            "isStrongPassword" | "zxcvbn" | "pwnedPassword" => ctx.fact(
                out,
                FactKind::HasPasswordPolicy,
                call,
                format!("new passwords are checked with `{callee}`"),
            ),
            "min" => min_length_rule(ctx, call, out),
            _ => {}
        }
    }
    let kinds = [
        "binary_expression",
        "pair",
        "variable_declarator",
        "assignment_expression",
        "decorator",
    ];
    let kinds: Vec<&str> = kinds
        .iter()
        .chain(super::ast::FUNCTION_KINDS)
        .copied()
        .collect();
    for n in ctx.index.of_kinds(ctx.root, &kinds) {
        match n.kind() {
            "binary_expression" => {
                compared_secret(ctx, n, out);
                length_check(ctx, n, out);
                jwt_fallback(ctx, n, out);
            }
            "pair" | "variable_declarator" | "assignment_expression" => {
                literal_credential(ctx, n, out)
            }
            "decorator" => {
                let t = text(n, ctx.src);
                if t.starts_with("@IsStrongPassword")
                    || (t.starts_with("@MinLength(") && decorated_password(ctx, n))
                {
                    ctx.fact(
                        out,
                        FactKind::HasPasswordPolicy,
                        n,
                        format!("the password field is validated with `{t}`"),
                    );
                }
            }
            k if super::ast::FUNCTION_KINDS.contains(&k) => always_allows(ctx, n, out),
            _ => {}
        }
    }
    convict_jwt_fallback(ctx, out);
}

fn jwt_locals(ctx: &Ctx<'_>) -> Vec<String> {
    ctx.module
        .locals_of("jsonwebtoken")
        .filter(|i| i.key == "default" || i.key == "*")
        .map(|i| i.local.clone())
        .collect()
}

fn mentions_password(t: &str) -> bool {
    let n = norm(t);
    n.contains("password") || n.contains("passwd") || n.contains("pwd")
}

fn jwt_verify<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let a = args(call);
    if let Some(options) = a.get(2).filter(|o| o.kind() == "object")
        && let Some(algorithms) = prop(*options, "algorithms", ctx.src)
        && string_list(algorithms, ctx.src)
            .is_some_and(|l| l.iter().any(|x| x.eq_ignore_ascii_case("none")))
    {
        ctx.fact(
            out,
            FactKind::RiskJwtUnverified,
            algorithms,
            "jwt.verify accepts the `none` algorithm: unsigned tokens pass",
        );
    }
    literal_jwt_secret(ctx, call, out);
}

/// `jwt.decode(token)` in auth code, with no `verify` in the same function: the signature is
/// never checked.
fn jwt_decode<'t>(ctx: &Ctx<'t>, call: Node<'t>, what: &str, out: &mut FileCode) {
    let Some(function) = ctx.enclosing_function(call) else {
        return;
    };
    let body_text = text(function, ctx.src);
    if body_text.contains(".verify(") || body_text.contains("jwtVerify(") {
        return;
    }
    let name = function_name(function, ctx.src).unwrap_or("");
    let auth_context = {
        let n = norm(name);
        n.contains("auth")
            || n.contains("user")
            || n.contains("guard")
            || n.contains("protect")
            || n.contains("verify")
    } || body_text.contains("req.user")
        || body_text.contains("request.user")
        || body_text.contains("next()");
    if auth_context {
        ctx.fact(
            out,
            FactKind::RiskJwtUnverified,
            call,
            format!("`{what}` reads the token without verifying its signature, and the result authenticates the request"),
        );
    }
}

/// `jwt.sign(payload, "literal")` / `jwt.verify(token, "literal")`.
fn literal_jwt_secret<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let Some(secret) = args(call).get(1).copied() else {
        return;
    };
    let Some(value) = string_value(secret, ctx.src) else {
        return;
    };
    if !may_be_credential(&value) {
        return;
    }
    out.facts.push(Fact {
        kind: FactKind::RiskHardcodedCredential,
        at: pos(secret),
        detail: "the JWT signing secret is a string literal in code".into(),
        secret: Some(value),
    });
}

fn is_secret_env(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    n.contains("JWT")
        || (n.contains("SECRET")
            && ["TOKEN", "AUTH", "SIGN", "ACCESS", "REFRESH", "SESSION"]
                .iter()
                .any(|w| n.contains(w)))
        || n == "SECRET"
        || n == "SECRET_KEY"
        || n == "APP_SECRET"
}

/// `process.env.JWT_SECRET || "dev-secret"`.
fn jwt_fallback<'t>(ctx: &Ctx<'t>, node: Node<'t>, out: &mut FileCode) {
    let Some((left, right)) = fallback_parts(node, ctx.src) else {
        return;
    };
    let Some(name) = env_name(left, ctx.src) else {
        return;
    };
    let Some(value) = string_value(right, ctx.src) else {
        return;
    };
    if !is_secret_env(&name) || value.is_empty() {
        return;
    }
    out.facts.push(Fact {
        kind: FactKind::RiskJwtSecretFallback,
        at: pos(node),
        detail: format!("`{name}` falls back to a literal secret when the variable is unset"),
        secret: Some(value),
    });
}

/// convict `{ jwtSecret: { env: "JWT_SECRET", default: "dev-secret" } }`.
fn convict_jwt_fallback(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &call in &ctx.calls {
        if ctx.callee_path(call) != Some("convict") {
            continue;
        }
        walk(call, |n| {
            if n.kind() == "object"
                && let Some(env) = prop(n, "env", ctx.src).and_then(|e| string_value(e, ctx.src))
                && is_secret_env(&env)
                && let Some(default) = prop(n, "default", ctx.src)
                && let Some(value) = string_value(default, ctx.src)
                && !value.is_empty()
            {
                out.facts.push(Fact {
                    kind: FactKind::RiskJwtSecretFallback,
                    at: pos(default),
                    detail: format!("convict setting for `{env}` has a literal default secret"),
                    secret: Some(value),
                });
            }
            true
        });
    }
}

fn is_credential_key(key: &str) -> bool {
    let n = norm(key);
    [
        "password",
        "passwd",
        "pwd",
        "secret",
        "apikey",
        "token",
        "authtoken",
        "accesstoken",
    ]
    .iter()
    .any(|s| n.ends_with(s))
        && !n.ends_with("resettoken")
}

/// `const ADMIN_PASSWORD = "s3cret!"`, `{ password: "hunter22" }`.
fn literal_credential<'t>(ctx: &Ctx<'t>, node: Node<'t>, out: &mut FileCode) {
    let (key, value) = match node.kind() {
        "pair" => (node.field("key"), node.field("value")),
        "variable_declarator" => (node.field("name"), node.field("value")),
        _ => (node.field("left"), node.field("right")),
    };
    let (Some(key), Some(value)) = (key, value) else {
        return;
    };
    let key_text = super::ast::path_of(key, ctx.src)
        .unwrap_or_else(|| crate::syntax::unquote(text(key, ctx.src)).to_string());
    let last = key_text.rsplit('.').next().unwrap_or(&key_text);
    if norm(last) == "authorization" {
        static_authorization_header(ctx, value, out);
        return;
    }
    if !is_credential_key(last) {
        return;
    }
    let Some(literal) = string_value(value, ctx.src) else {
        return;
    };
    if !may_be_credential(&literal)
        || norm(&literal) == norm(last)
        || literal.chars().all(|c| c.is_ascii_alphabetic() || c == '-') && literal.contains('-')
        || is_token_type(&literal)
    {
        return;
    }
    out.facts.push(Fact {
        kind: FactKind::RiskHardcodedCredential,
        at: pos(value),
        detail: format!("`{last}` is set to a literal credential in code"),
        secret: Some(literal),
    });
}

fn is_token_type(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "bearer" | "basic" | "jwt" | "refresh" | "access" | "password" | "text" | "hidden"
    )
}

/// `if (token === "Bearer abc123")` / `password == "admin123"`.
fn compared_secret<'t>(ctx: &Ctx<'t>, node: Node<'t>, out: &mut FileCode) {
    let op = node.field("operator").map_or("", |o| text(o, ctx.src));
    if !matches!(op, "===" | "==" | "!==" | "!=") {
        return;
    }
    let (Some(l), Some(r)) = (node.field("left"), node.field("right")) else {
        return;
    };
    let (subject, literal) = match (string_value(l, ctx.src), string_value(r, ctx.src)) {
        (None, Some(v)) => (l, v),
        (Some(v), None) => (r, v),
        _ => return,
    };
    let subject_text = text(subject, ctx.src);
    let last = subject_text
        .rsplit(['.', '['])
        .next()
        .unwrap_or(subject_text);
    let is_header = subject_text.to_ascii_lowercase().contains("authorization");
    let bare = literal
        .strip_prefix("Bearer ")
        .or_else(|| literal.strip_prefix("Basic "))
        .unwrap_or(&literal);
    if !(is_credential_key(last) || is_header) || !may_be_credential(bare) || is_token_type(bare) {
        return;
    }
    out.facts.push(Fact {
        kind: FactKind::RiskHardcodedCredential,
        at: pos(node),
        detail: format!("`{subject_text}` is compared with a literal credential"),
        secret: Some(literal),
    });
}

/// An auth guard/middleware whose whole body allows: `canActivate() { return true; }`,
/// `function requireAuth(req, res, next) { next(); }`.
fn always_allows<'t>(ctx: &Ctx<'t>, function: Node<'t>, out: &mut FileCode) {
    let Some(name) = function_name(function, ctx.src) else {
        return;
    };
    let n = norm(name);
    let guard_like = n == "canactivate"
        || (n.contains("auth") && !n.contains("author") && !n.contains("optional"))
        || n.contains("authoriz")
        || n.contains("permission")
        || n.ends_with("guard")
        || ((n.contains("admin")
            || n.contains("role")
            || n.contains("login")
            || n.contains("loggedin"))
            && ["require", "is", "ensure", "check", "has", "only"]
                .iter()
                .any(|p| n.starts_with(p)))
        || n == "verifytoken";
    if !guard_like {
        return;
    }
    let Some(body) = body(function) else {
        return;
    };
    let statements: Vec<String> = if body.kind() == "statement_block" {
        let mut cursor = body.walk();
        body.named_children(&mut cursor)
            .filter(|s| s.kind() != "comment")
            .map(|s| text(s, ctx.src).split_whitespace().collect::<String>())
            .collect()
    } else {
        vec![text(body, ctx.src).split_whitespace().collect::<String>()]
    };
    let params = super::ast::param_names(function, ctx.src);
    let next = params.get(2).copied().unwrap_or("next");
    let allows = match statements.as_slice() {
        [only] => {
            only == "returntrue;"
                || only == "true"
                || only == "returnPromise.resolve(true);"
                || (params.len() == 3
                    && (*only == format!("{next}();")
                        || *only == "returnnext();"
                        || *only == format!("{next}()")))
        }
        _ => false,
    };
    if allows {
        ctx.fact(
            out,
            FactKind::RiskAuthAlwaysAllows,
            function,
            format!("`{name}` allows every request without checking anything"),
        );
    }
}

/// `crypto.createHash("md5").update(password)`.
fn weak_hash<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let Some(algorithm) = args(call).first().and_then(|a| string_value(*a, ctx.src)) else {
        return;
    };
    let algorithm = algorithm.to_ascii_lowercase();
    if !matches!(
        algorithm.as_str(),
        "md5" | "sha1" | "sha256" | "sha512" | "sha-1" | "sha-256"
    ) {
        return;
    }
    // The chain around createHash: `.update(x)` decides what is hashed.
    let mut current = call;
    let mut hashed = None;
    for _ in 0..4 {
        let Some(parent) = ctx.index.parent(current) else {
            break;
        };
        let Some(grand) = ctx.index.parent(parent) else {
            break;
        };
        if parent.kind() == "member_expression" && grand.kind() == "call_expression" {
            if ctx.callee_name(grand) == Some("update") {
                hashed = args(grand).first().map(|a| text(*a, ctx.src));
            }
            current = grand;
        } else {
            break;
        }
    }
    let function_name_text = ctx
        .enclosing_function(call)
        .and_then(|f| function_name(f, ctx.src))
        .unwrap_or("");
    let for_password = hashed.is_some_and(mentions_password)
        || (hashed.is_some() && mentions_password(function_name_text));
    if for_password {
        ctx.fact(
            out,
            FactKind::RiskWeakPasswordHash,
            call,
            format!("passwords are hashed with fast {algorithm} instead of bcrypt/argon2/scrypt"),
        );
        ctx.fact(
            out,
            FactKind::PasswordSet,
            call,
            format!("a password is hashed with {algorithm} to be stored"),
        );
    }
}

const SECRET_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "otp",
    "nonce",
    "salt",
    "resetcode",
    "verificationcode",
    "sessionid",
    "csrf",
    "secretkey",
    "signingkey",
    "inviteCode",
];

/// `Math.random()` feeding a token, secret, OTP or key.
fn insecure_random<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let mut current = ctx.index.parent(call);
    let mut name = None;
    while let Some(n) = current {
        match n.kind() {
            "variable_declarator" => {
                name = n.field("name").map(|x| text(x, ctx.src));
                break;
            }
            "pair" => {
                name = super::ast::pair_key(n, ctx.src);
                break;
            }
            "assignment_expression" => {
                name = n.field("left").map(|x| text(x, ctx.src));
                break;
            }
            k if super::ast::FUNCTION_KINDS.contains(&k) => {
                name = function_name(n, ctx.src);
                break;
            }
            "return_statement" => {
                name = ctx
                    .enclosing_function(n)
                    .and_then(|f| function_name(f, ctx.src));
                break;
            }
            "statement_block" | "program" => break,
            _ => {}
        }
        current = ctx.index.parent(n);
    }
    let Some(name) = name else {
        return;
    };
    let n = norm(name.rsplit('.').next().unwrap_or(name));
    let secretish = SECRET_WORDS
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .any(|w| {
            n.ends_with(&w)
                || ["generate", "create", "new", "make"]
                    .iter()
                    .any(|p| n.starts_with(&format!("{p}{w}")))
        });
    if secretish && !n.contains("delay") && !n.contains("jitter") {
        ctx.fact(
            out,
            FactKind::RiskInsecureRandom,
            call,
            format!("`{name}` comes from Math.random(), which is predictable; use crypto.randomBytes/randomUUID"),
        );
    }
}

/// zod/joi: `password: z.string().min(8)` / `Joi.string().min(10)`.
fn min_length_rule<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let Some(n) = args(call)
        .first()
        .and_then(|a| text(*a, ctx.src).parse::<u32>().ok())
    else {
        return;
    };
    let mut current = ctx.index.parent(call);
    while let Some(p) = current {
        if p.kind() == "pair" {
            if super::ast::pair_key(p, ctx.src).is_some_and(mentions_password) && n >= 8 {
                ctx.fact(
                    out,
                    FactKind::HasPasswordPolicy,
                    call,
                    format!("passwords must be at least {n} characters"),
                );
            }
            return;
        }
        if !matches!(
            p.kind(),
            "member_expression" | "call_expression" | "arguments"
        ) {
            return;
        }
        current = ctx.index.parent(p);
    }
}

/// `if (password.length < 8)`.
fn length_check<'t>(ctx: &Ctx<'t>, node: Node<'t>, out: &mut FileCode) {
    let op = node.field("operator").map_or("", |o| text(o, ctx.src));
    if !matches!(op, "<" | "<=" | ">=" | ">") {
        return;
    }
    let (Some(l), Some(r)) = (node.field("left"), node.field("right")) else {
        return;
    };
    let l_text = text(l, ctx.src);
    let min = text(r, ctx.src).parse::<u32>().unwrap_or(0);
    if l_text.ends_with(".length") && mentions_password(l_text) && min >= 8 {
        ctx.fact(
            out,
            FactKind::HasPasswordPolicy,
            node,
            format!("passwords shorter than {min} characters are rejected"),
        );
    }
}

/// A decorator on a class property named like a password.
fn decorated_password<'t>(ctx: &Ctx<'t>, decorator: Node<'t>) -> bool {
    let mut next = decorator.next_named_sibling();
    let property = decorator
        .parent()
        .filter(|p| p.kind().contains("field_definition") || p.kind().contains("public_field"));
    if let Some(p) = property {
        return p
            .field("name")
            .is_some_and(|n| mentions_password(text(n, ctx.src)));
    }
    while let Some(n) = next {
        if n.kind() != "decorator" {
            return n
                .field("name")
                .is_some_and(|x| mentions_password(text(x, ctx.src)));
        }
        next = n.next_named_sibling();
    }
    false
}

/// `headers: { Authorization: "Bearer sk_live_..." }`: a static token sent with requests.
fn static_authorization_header<'t>(ctx: &Ctx<'t>, value: Node<'t>, out: &mut FileCode) {
    let Some(literal) = string_value(value, ctx.src) else {
        return;
    };
    let Some(token) = literal
        .strip_prefix("Bearer ")
        .or_else(|| literal.strip_prefix("Basic "))
        .or_else(|| literal.strip_prefix("Token "))
    else {
        return;
    };
    if !may_be_credential(token) || token.len() < 8 {
        return;
    }
    out.facts.push(Fact {
        kind: FactKind::RiskHardcodedCredential,
        at: pos(value),
        detail: "a static token is written into an Authorization header".into(),
        secret: Some(token.to_string()),
    });
}
