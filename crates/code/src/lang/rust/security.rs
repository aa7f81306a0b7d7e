//! Security configuration read from Rust code: CORS layers (tower-http, actix-cors), JWT
//! validation (jsonwebtoken), secrets with literal fallbacks, hardcoded credentials, guards
//! that always allow, fast hashes of passwords, non-cryptographic token randomness, GraphQL
//! introspection, password policies, and stubs (`todo!()`).

use super::ast::{self, Ctx};
use super::config;
use crate::lang::credential_value::may_be_credential;
use crate::model::{Fact, FactKind, FileCode, Value};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, root: Node<'_>, out: &mut FileCode) {
    let file = std::str::from_utf8(ctx.src).unwrap_or("");
    let jwt_file = [
        "jsonwebtoken",
        "EncodingKey",
        "DecodingKey",
        "jwt",
        "Jwt",
        "JWT",
    ]
    .iter()
    .any(|w| file.contains(w));
    let kinds = [
        "call_expression",
        "assignment_expression",
        "field_initializer",
        "const_item",
        "static_item",
        "let_declaration",
        "binary_expression",
        "function_item",
        "struct_item",
        "scoped_identifier",
        "macro_invocation",
    ];
    for n in ctx.production_nodes(root, &kinds) {
        // Paths inside `use` declarations are imports, not calls.
        if ctx.in_use_declaration(n) {
            continue;
        }
        match n.kind() {
            "call_expression" => {
                if ctx.is_chain_top(n) {
                    cors(ctx, n, out);
                    graphql(ctx, n, file, out);
                }
                jwt_call(ctx, n, out);
                env_fallback(ctx, n, jwt_file, out);
                weak_hash(ctx, n, out);
                insecure_random(ctx, n, out);
            }
            "assignment_expression" | "field_initializer" => jwt_field(ctx, n, out),
            "const_item" | "static_item" | "let_declaration" => credential_binding(ctx, n, out),
            "binary_expression" => {
                credential_comparison(ctx, n, out);
                password_length_check(ctx, n, out);
            }
            "function_item" => {
                always_allows(ctx, n, out);
                stub_function(ctx, n, out);
            }
            "struct_item" => password_struct(ctx, n, out),
            "scoped_identifier" => insecure_random(ctx, n, out),
            "macro_invocation" => {
                stub_macro(ctx, n, out);
                weak_hash_in_macro(ctx, n, out);
            }
            _ => {}
        }
    }
    if file.contains("zxcvbn(")
        && let Some(at) = find_text(ctx, root, "zxcvbn(")
    {
        out.facts.push(Fact::new(
            FactKind::HasPasswordPolicy,
            at,
            "password strength checked with zxcvbn",
        ));
    }
}

fn find_text<'a>(ctx: &Ctx<'a>, root: Node<'a>, needle: &str) -> Option<crate::model::Pos> {
    ctx.production_nodes(root, &["call_expression"])
        .into_iter()
        .find(|n| ctx.text(*n).starts_with(needle.trim_end_matches('(')))
        .map(ast::pos)
}

fn cors(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let src = ctx.src;
    let (base, links) = ast::chain(call, src);
    if base.kind() != "call_expression" {
        return;
    }
    let callee = ast::callee(base, src);
    let (tower, actix) = (
        callee.ends_with("CorsLayer::"),
        callee.starts_with("Cors::"),
    );
    let tower = tower || callee.contains("CorsLayer::");
    let actix = actix || callee.contains("actix_cors::Cors::");
    if !tower && !actix {
        return;
    }
    let ctor = callee.rsplit("::").next().unwrap_or("");
    let (mut origins, mut credentials) = match (tower, ctor) {
        (true, "permissive") => (Some(Value::Literal("*".into())), false),
        (true, "very_permissive") => (Some(Value::Reflected), true),
        (false, "permissive") => (Some(Value::Reflected), true),
        _ => (None, false),
    };
    let mut listed = Vec::new();
    for link in &links {
        let args = ast::args(link.call);
        match (link.method, args.as_slice()) {
            ("allow_origin", [o]) => origins = Some(origin_value(ctx, *o)),
            ("allow_any_origin" | "send_wildcard", []) => {
                origins = Some(Value::Literal("*".into()))
            }
            ("allowed_origin", [o]) => {
                if let Some(s) = ast::literal_string(*o, src) {
                    listed.push(s.to_string());
                } else {
                    origins = Some(config::value_of(ctx, *o, 0));
                }
            }
            ("allowed_origin_fn", [f]) if closure_returns_true(ctx, *f) => {
                origins = Some(Value::Reflected);
            }
            ("allow_credentials", [v]) => credentials = ctx.text(*v) == "true",
            ("supports_credentials", []) => credentials = true,
            _ => {}
        }
    }
    if origins.is_none() && !listed.is_empty() {
        origins = Some(Value::List(listed));
    }
    let Some(origins) = origins.filter(|o| *o != Value::Unknown) else {
        return;
    };
    let detail = match &origins {
        Value::Literal(s) if s == "*" => "CORS allows any origin".to_string(),
        Value::Reflected => "CORS reflects the request's origin".to_string(),
        _ => "CORS origins configured".to_string(),
    };
    let detail = if credentials {
        format!("{detail}, with credentials")
    } else {
        detail
    };
    out.facts.push(Fact::new(
        FactKind::CorsPolicy {
            origins,
            credentials,
        },
        ast::pos(base),
        format!("{detail} (`{callee}`)"),
    ));
}

fn origin_value(ctx: &Ctx<'_>, node: Node<'_>) -> Value {
    let src = ctx.src;
    let t = ctx.text(node);
    if t == "Any" || t.ends_with("::Any") {
        return Value::Literal("*".into());
    }
    if node.kind() == "call_expression" {
        let callee = ast::callee(node, src);
        if callee.ends_with("AllowOrigin::any") {
            return Value::Literal("*".into());
        }
        if callee.ends_with("AllowOrigin::mirror_request") {
            return Value::Reflected;
        }
        if callee.ends_with("AllowOrigin::predicate")
            || callee.ends_with("AllowOrigin::async_predicate")
        {
            return match ast::args(node).first() {
                Some(f) if closure_returns_true(ctx, *f) => Value::Reflected,
                _ => Value::Unknown,
            };
        }
        if (callee.ends_with("AllowOrigin::list") || callee.ends_with("AllowOrigin::exact"))
            && let Some(a) = ast::args(node).first()
        {
            return config::value_of(ctx, *a, 0);
        }
    }
    config::value_of(ctx, node, 0)
}

fn closure_returns_true(ctx: &Ctx<'_>, f: Node<'_>) -> bool {
    f.kind() == "closure_expression"
        && f.field("body").is_some_and(|b| {
            let t: String = ctx.text(b).split_whitespace().collect();
            t == "true" || t == "{true}"
        })
}

fn jwt_call(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    let detail = match name {
        "insecure_disable_signature_validation" => "JWT signature validation disabled",
        "dangerous_insecure_decode" | "dangerous_unsafe_decode" | "insecure_decode" => {
            "JWT decoded without verifying its signature"
        }
        _ => return,
    };
    out.facts.push(Fact::new(
        FactKind::RiskJwtUnverified,
        ast::pos(call),
        format!("{detail} (`{name}`)"),
    ));
}

/// `validation.validate_exp = false`, `Validation { validate_exp: false, .. }`.
fn jwt_field(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let (field, value) = match n.kind() {
        "assignment_expression" => (
            n.field("left").map(|l| ctx.text(l)),
            n.field("right").map(|r| ctx.text(r)),
        ),
        _ => (
            n.field("field").map(|l| ctx.text(l)),
            n.field("value").map(|r| ctx.text(r)),
        ),
    };
    let (Some(field), Some("false")) = (field, value) else {
        return;
    };
    let detail = if field.ends_with("validate_exp") {
        "JWT expiry (`exp`) not validated"
    } else if field.ends_with("validate_signature") {
        "JWT signature validation disabled"
    } else {
        return;
    };
    out.facts
        .push(Fact::new(FactKind::RiskJwtUnverified, ast::pos(n), detail));
}

/// `env::var("JWT_SECRET").unwrap_or("dev-secret".into())` and friends.
fn env_fallback(ctx: &Ctx<'_>, call: Node<'_>, jwt_file: bool, out: &mut FileCode) {
    if !config::is_env_read(ctx, call) {
        return;
    }
    let Value::Env {
        name,
        default: Some(default),
    } = config::env_value(ctx, call)
    else {
        return;
    };
    let upper = name.to_ascii_uppercase();
    let is_jwt = upper.contains("JWT")
        || (jwt_file && (upper.contains("SECRET") || upper.contains("SIGNING")));
    if is_jwt {
        let mut fact = Fact::new(
            FactKind::RiskJwtSecretFallback,
            ast::pos(call),
            format!("`{name}` falls back to a literal secret when the variable is unset"),
        );
        fact.secret = (!default.is_empty()).then_some(default);
        out.facts.push(fact);
        return;
    }
    let is_credential = ["PASSWORD", "PASSWD", "API_KEY", "APIKEY", "TOKEN", "SECRET"]
        .iter()
        .any(|w| upper.contains(w))
        && !upper.ends_with("_URL")
        && !upper.ends_with("_FILE")
        && !upper.ends_with("_PATH");
    if is_credential && may_be_credential(&default) {
        let mut fact = Fact::new(
            FactKind::RiskHardcodedCredential,
            ast::pos(call),
            format!("`{name}` falls back to a literal credential in code"),
        );
        fact.secret = Some(default);
        out.facts.push(fact);
    }
}

/// Whether a binding name says it holds a credential.
fn is_credential_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let says = [
        "password",
        "passwd",
        "secret",
        "api_key",
        "apikey",
        "token",
        "credential",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let not_value = [
        "url",
        "uri",
        "path",
        "header",
        "audience",
        "issuer",
        "scope",
        "algorithm",
        "format",
        "mode",
        "table",
        "column",
        "claim",
        "route",
        "topic",
        "queue",
        "bucket",
        "exchange",
        "channel",
        "source",
        "grant",
        "realm",
        "tag",
        "template",
        "kid",
        "example",
        "sample",
        "field",
        "len",
        "length",
        "name",
        "env",
        "var",
        "prefix",
        "ttl",
        "expiry",
        "expiration",
        "cookie",
        "endpoint",
        "type",
        "kind",
        "min",
        "max",
        "regex",
        "pattern",
        "label",
        "param",
        "query",
        "error",
        "message",
        "msg",
        "hint",
        "prompt",
        "id",
        "file",
        "dir",
        "count",
        "duration",
        "secs",
        "seconds",
        "hash",
        "policy",
    ]
    .iter()
    .any(|w| lower.ends_with(w) || lower.ends_with(&format!("{w}s")));
    says && !not_value
}

/// `const ENV_ADMIN_PASSWORD: &str = "VOUCH_ADMIN_PASSWORD"`: the binding holds the *name* of
/// the environment variable the credential is read from, not the credential (an
/// UPPER_SNAKE_CASE value, and `env` or `var` in the binding's name).
fn names_an_env_variable(name: &str, value: &str) -> bool {
    let upper_snake = value.contains('_')
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let lower = name.to_ascii_lowercase();
    let says_name_of_variable = lower
        .split('_')
        .any(|part| matches!(part, "env" | "var" | "variable"));
    upper_snake && says_name_of_variable
}

/// `const API_KEY_CREATED: &str = "api_key.created"`: the value spells the binding's own name
/// (an event name or label); a secret never does.
fn spells_its_own_name(name: &str, value: &str) -> bool {
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '_' | '.' | '-' | ':' | '/'))
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let spelled = letters(value);
    !spelled.is_empty() && spelled == letters(name)
}

fn credential_binding(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let name = match n.kind() {
        "let_declaration" => n.field("pattern"),
        _ => n.field("name"),
    };
    let (Some(name), Some(value)) = (name, n.field("value")) else {
        return;
    };
    let name = ctx.text(name);
    if !is_credential_name(name) {
        return;
    }
    let Some(lit) = ast::literal_string(value, ctx.src) else {
        return;
    };
    if !may_be_credential(lit) || names_an_env_variable(name, lit) || spells_its_own_name(name, lit)
    {
        return;
    }
    let mut fact = Fact::new(
        FactKind::RiskHardcodedCredential,
        ast::pos(n),
        format!("`{name}` is a literal credential in code"),
    );
    fact.secret = Some(lit.to_string());
    out.facts.push(fact);
}

/// `token == "static-token"`, `auth_header == "Bearer abc123"`.
fn credential_comparison(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let op = n.field("operator").map(|o| ctx.text(o));
    if !matches!(op, Some("==" | "!=")) {
        return;
    }
    let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
        return;
    };
    let (lit, other) = match (
        ast::literal_string(l, ctx.src),
        ast::literal_string(r, ctx.src),
    ) {
        (Some(s), None) => (s, r),
        (None, Some(s)) => (s, l),
        _ => return,
    };
    let other_text = ctx.text(other).to_ascii_lowercase();
    let about_credentials = [
        "token",
        "password",
        "api_key",
        "apikey",
        "secret",
        "bearer",
        "authorization",
    ]
    .iter()
    .any(|w| other_text.contains(w));
    let value = lit.strip_prefix("Bearer ").unwrap_or(lit);
    if !about_credentials || !may_be_credential(value) {
        return;
    }
    let mut fact = Fact::new(
        FactKind::RiskHardcodedCredential,
        ast::pos(n),
        format!("`{}` compared with a literal credential", ctx.text(other)),
    );
    fact.secret = Some(value.to_string());
    out.facts.push(fact);
}

/// `fn authorize(..) -> bool { true }`, an auth middleware that only calls `next.run(req)`.
fn always_allows(ctx: &Ctx<'_>, func: Node<'_>, out: &mut FileCode) {
    let Some(name) = func.field("name").map(|n| ctx.text(n)) else {
        return;
    };
    let lower = name.to_ascii_lowercase();
    let is_guard = [
        "auth",
        "permission",
        "is_allowed",
        "has_access",
        "check_access",
        "can_access",
        "validator",
        "has_role",
        "guard",
        "verify_token",
        "validate_token",
        "require_",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || lower.starts_with("can_")
        || lower.starts_with("may_");
    if !is_guard || lower.contains("author_") {
        return;
    }
    let Some(body) = func.field("body") else {
        return;
    };
    let stmts = body.named_child_count();
    if stmts != 1 {
        return;
    }
    let Some(only) = body.named_child(0) else {
        return;
    };
    let t: String = ctx.text(only).split_whitespace().collect();
    let t = t.trim_end_matches(';');
    let allows = matches!(
        t,
        "true" | "Ok(())" | "Ok(true)" | "returntrue" | "Ok(req)" | "Ok(request)"
    ) || t == "next.run(req).await"
        || t == "next.run(request).await"
        || t == "Ok(next.run(req).await)"
        || t == "Ok(next.run(request).await)";
    if allows {
        out.facts.push(Fact::new(
            FactKind::RiskAuthAlwaysAllows,
            ast::pos(func),
            format!("`{name}` allows every request (its body is `{t}`)"),
        ));
    }
}

/// `Sha256::digest(password)`, `md5::compute(password.as_bytes())`, `hasher.update(password)`.
fn weak_hash(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let callee = ast::callee(call, ctx.src);
    let is_fast = |t: &str| {
        let l = t.to_ascii_lowercase();
        [
            "md5", "sha1", "sha256", "sha512", "sha2::", "sha384", "sha3",
        ]
        .iter()
        .any(|w| l.contains(w))
    };
    let hash = if is_fast(callee) {
        Some(callee.to_string())
    } else if ast::call_name(call, ctx.src) == "update"
        && let Some(recv) = ast::receiver(call)
    {
        // `let mut hasher = Sha256::new(); hasher.update(password)`: name the hasher's type.
        let root = ast::root_ident(ctx.text(recv));
        ast::local_binding(ctx, call, root)
            .map(|v| ctx.text(v))
            .filter(|v| is_fast(v))
            .map(|v| v.split("::new").next().unwrap_or(v).to_string())
    } else {
        None
    };
    let Some(hash) = hash else {
        return;
    };
    let hashes_password = ast::args(call).iter().any(|a| {
        let t = ctx.text(*a).to_ascii_lowercase();
        (t.contains("password") || t.contains("passwd")) && !t.contains("token")
    });
    if hashes_password {
        out.facts.push(Fact::new(
            FactKind::RiskWeakPasswordHash,
            ast::pos(call),
            format!("password hashed with the fast hash `{hash}` (use argon2 or bcrypt)"),
        ));
    }
}

/// `format!("{:x}", Sha256::digest(password))`: macro arguments are tokens, read as text.
fn weak_hash_in_macro(ctx: &Ctx<'_>, mac: Node<'_>, out: &mut FileCode) {
    for arg in ast::macro_args(mac, ctx.src) {
        let lower = arg.to_ascii_lowercase();
        let hash = [
            "md5::compute(",
            "sha1::digest(",
            "sha256::digest(",
            "sha512::digest(",
        ]
        .iter()
        .find(|h| lower.contains(*h));
        if let Some(h) = hash
            && (lower.contains("password") || lower.contains("passwd"))
            && !lower.contains("token")
        {
            out.facts.push(Fact::new(
                FactKind::RiskWeakPasswordHash,
                ast::pos(mac),
                format!(
                    "password hashed with the fast hash `{}` (use argon2 or bcrypt)",
                    h.trim_end_matches('(')
                ),
            ));
            return;
        }
    }
}

/// `fastrand`, `SmallRng`, `StdRng::seed_from_u64` producing a token, key or password.
fn insecure_random(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let callee = if call.kind() == "call_expression" {
        ast::callee(call, ctx.src)
    } else {
        ctx.text(call)
    };
    let weak = callee.starts_with("fastrand::")
        || callee.contains("SmallRng::")
        || callee.ends_with("seed_from_u64")
        || callee.starts_with("oorandom::")
        || callee.contains("WyRand::");
    if !weak {
        return;
    }
    // A generator passed as a function (`repeat_with(fastrand::alphanumeric)`); the callee
    // of a call is read with its call.
    if call.kind() == "scoped_identifier"
        && call.parent().is_some_and(|p| {
            matches!(
                p.kind(),
                "call_expression" | "generic_function" | "scoped_identifier"
            )
        })
    {
        return;
    }
    let mut names = Vec::new();
    if let Some(f) = ast::enclosing_fn(ctx, call).and_then(|f| f.field("name")) {
        names.push(ctx.text(f).to_ascii_lowercase());
    }
    if let Some(l) =
        syntax::ancestor_of_kind(call, &["let_declaration"]).and_then(|l| l.field("pattern"))
    {
        names.push(ctx.text(l).to_ascii_lowercase());
    }
    let secret_use = names.iter().any(|n| {
        [
            "token", "secret", "session", "nonce", "otp", "password", "salt", "api_key", "apikey",
            "csrf", "reset", "invite", "key",
        ]
        .iter()
        .any(|w| n.contains(w))
    });
    if secret_use {
        out.facts.push(Fact::new(
            FactKind::RiskInsecureRandom,
            ast::pos(call),
            format!("`{callee}` is not a cryptographic generator, used for a secret value"),
        ));
    }
}

/// async-graphql `Schema::build(..).finish()` / juniper `RootNode::new(..)` without
/// `disable_introspection()`.
fn graphql(ctx: &Ctx<'_>, call: Node<'_>, file: &str, out: &mut FileCode) {
    let (base, _) = ast::chain(call, ctx.src);
    if base.kind() != "call_expression" {
        return;
    }
    let callee = ast::callee(base, ctx.src);
    let is_schema = callee.ends_with("Schema::build")
        || (callee.ends_with("Schema::new") && file.contains("async_graphql"))
        || (callee.ends_with("RootNode::new") && file.contains("juniper"));
    if !is_schema || file.contains("disable_introspection") || file.contains("introspection_only") {
        return;
    }
    out.facts.push(Fact::new(
        FactKind::RiskGraphqlIntrospection,
        ast::pos(base),
        format!("`{callee}` leaves introspection on (no `disable_introspection()`)"),
    ));
}

/// A request struct with a password field (registration, reset), and its length rule.
fn password_struct(ctx: &Ctx<'_>, item: Node<'_>, out: &mut FileCode) {
    let Some(name) = item.field("name").map(|n| ctx.text(n)) else {
        return;
    };
    let lower = name.to_ascii_lowercase();
    let sets = [
        "register",
        "signup",
        "sign_up",
        "newuser",
        "createuser",
        "reset",
        "changepassword",
        "updatepassword",
        "setpassword",
        "newpassword",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if !sets {
        return;
    }
    for field in syntax::descendants_of_kind(item, "field_declaration") {
        let Some(fname) = field.field("name").map(|n| ctx.text(n)) else {
            continue;
        };
        if !matches!(fname, "password" | "new_password" | "password1") {
            continue;
        }
        out.facts.push(Fact::new(
            FactKind::PasswordSet,
            ast::pos(field),
            format!("`{name}.{fname}` lets users set a password"),
        ));
        let rules: String = ast::attributes_of(field)
            .iter()
            .map(|a| ctx.text(*a))
            .collect();
        if let Some(min) = min_length(&rules)
            && min >= 8
        {
            out.facts.push(Fact::new(
                FactKind::HasPasswordPolicy,
                ast::pos(field),
                format!("`{fname}` requires at least {min} characters"),
            ));
        } else if rules.contains("custom(") {
            out.facts.push(Fact::new(
                FactKind::HasPasswordPolicy,
                ast::pos(field),
                format!("`{fname}` checked by a custom validator"),
            ));
        }
    }
}

/// `#[validate(length(min = 12))]` → 12.
fn min_length(rules: &str) -> Option<u32> {
    let i = rules.find("min")?;
    let rest = rules[i + 3..].trim_start().strip_prefix('=')?.trim_start();
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// `if password.len() < 12 { .. }`.
fn password_length_check(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let op = n.field("operator").map(|o| ctx.text(o));
    if !matches!(op, Some("<" | "<=" | ">=")) {
        return;
    }
    let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
        return;
    };
    let lt = ctx.text(l).to_ascii_lowercase();
    if !lt.contains("password") || !(lt.ends_with(".len()") || lt.ends_with(".count()")) {
        return;
    }
    let rt = ctx.text(r);
    let min = rt.parse::<u32>().ok();
    let named_min = ast::is_const_name(rt) && rt.contains("MIN");
    if min.is_some_and(|m| m >= 8) || named_min {
        out.facts.push(Fact::new(
            FactKind::HasPasswordPolicy,
            ast::pos(n),
            format!("password length checked (`{}`)", ctx.text(n)),
        ));
    }
}

/// `todo!()` / `unimplemented!()` in production code.
fn stub_macro(ctx: &Ctx<'_>, mac: Node<'_>, out: &mut FileCode) {
    let name = ast::macro_name(mac, ctx.src);
    if !matches!(name, "todo" | "unimplemented") || ast::enclosing_fn(ctx, mac).is_none() {
        return;
    }
    let func = ast::enclosing_fn(ctx, mac)
        .and_then(|f| f.field("name"))
        .map(|n| ctx.text(n))
        .unwrap_or("");
    out.facts.push(Fact::new(
        FactKind::RiskStub,
        ast::pos(mac),
        format!("`{name}!()` in `{func}`: the code path is not implemented"),
    ));
}

/// "TODO: implement" in a handler, and `mock_*`/`fake_*`/`simulate_*` functions outside tests.
fn stub_function(ctx: &Ctx<'_>, func: Node<'_>, out: &mut FileCode) {
    let Some(name) = func.field("name").map(|n| ctx.text(n)) else {
        return;
    };
    // Behind a `#[cfg(..)]` (a test-utils feature) it is not production code.
    let conditional = ast::attributes_of(func)
        .iter()
        .any(|a| ctx.text(*a).contains("cfg"));
    // A function that returns nothing simulates no result: `stub_call(ctx, call, out)` can be
    // code that looks for stubs.
    let returns = func.field("return_type").is_some();
    if !conditional
        && returns
        && ["mock_", "fake_", "simulate_", "stub_"]
            .iter()
            .any(|p| name.starts_with(p))
    {
        out.facts.push(Fact::new(
            FactKind::RiskStub,
            ast::pos(func),
            format!("`{name}` simulates a result in production code"),
        ));
        return;
    }
    let params = func.field("parameters").map(|p| ctx.text(p)).unwrap_or("");
    let is_handler = [
        "Json<",
        "Path<",
        "State<",
        "Query<",
        "Form<",
        "web::",
        "HttpRequest",
    ]
    .iter()
    .any(|w| params.contains(w));
    let Some(body) = func.field("body").filter(|_| is_handler) else {
        return;
    };
    for comment in syntax::descendants_of_kind(body, "line_comment") {
        let t = ctx.text(comment).to_ascii_lowercase();
        if t.contains("todo") && (t.contains("implement") || t.contains("stub")) {
            out.facts.push(Fact::new(
                FactKind::RiskStub,
                ast::pos(comment),
                format!(
                    "`{name}` is marked as not implemented (`{}`)",
                    ctx.text(comment).trim()
                ),
            ));
            return;
        }
    }
}
