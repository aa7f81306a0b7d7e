//! Cryptographic mistakes: JWTs parsed without pinning the algorithm or with `none` allowed,
//! passwords hashed with fast hashes, tokens from math/rand, and hardcoded credentials.

use super::ast::{Call, Ctx, function_name, string_value};
use crate::lang::credential_value::may_be_credential;
use crate::model::{Fact, FactKind, FileCode};
use crate::syntax::FieldChild;
use crate::syntax::pos;
use tree_sitter::Node;

const JWT_PACKAGES: &[&str] = &[
    "github.com/golang-jwt/jwt",
    "github.com/dgrijalva/jwt-go",
    "github.com/form3tech-oss/jwt-go",
];

const TOKEN_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "nonce",
    "otp",
    "salt",
    "session",
    "apikey",
    "api_key",
    "resetcode",
    "verificationcode",
    "csrf",
    "invite",
];

pub fn extract(ctx: &Ctx<'_>, calls: &[Node<'_>], other: &[Node<'_>], out: &mut FileCode) {
    for &node in calls {
        let Some(call) = Call::of(node, ctx.src) else {
            continue;
        };
        jwt_parse(ctx, call, out);
        weak_hash(ctx, call, out);
        insecure_random(ctx, call, out);
        constant_time_literal(ctx, call, out);
    }
    for &n in other {
        match n.kind() {
            "comment" => continue,
            "selector_expression" => {
                let t = ctx.text(n);
                if t.ends_with(".UnsafeAllowNoneSignatureType")
                    && n.field("operand").is_some_and(|o| jwt_pkg(ctx, o))
                {
                    out.facts.push(Fact::new(
                        FactKind::RiskJwtUnverified,
                        pos(n),
                        "`jwt.UnsafeAllowNoneSignatureType` accepts unsigned (`alg: none`) tokens",
                    ));
                }
            }
            "binary_expression" => literal_comparison(ctx, n, out),
            "const_spec" | "var_spec" => literal_declaration(ctx, n, out),
            "composite_literal" => basic_auth_accounts(ctx, n, out),
            _ => {}
        }
    }
}

fn jwt_pkg(ctx: &Ctx<'_>, node: Node<'_>) -> bool {
    ctx.package_of(node)
        .is_some_and(|p| JWT_PACKAGES.iter().any(|j| p.starts_with(j)))
}

/// `jwt.Parse(tok, func(t *jwt.Token) (any, error) { return secret, nil })`: the key function
/// never checks `t.Method` and no `jwt.WithValidMethods` option pins the algorithm.
fn jwt_parse(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    if !matches!(call.name, "Parse" | "ParseWithClaims")
        || !call.recv.is_some_and(|r| jwt_pkg(ctx, r))
    {
        return;
    }
    let args = call.args();
    if args
        .iter()
        .any(|a| ctx.text(*a).contains("WithValidMethods"))
    {
        return;
    }
    let Some(keyfunc) = args.iter().find(|a| {
        a.kind() == "func_literal"
            || a.kind() == "identifier"
                && args.len() >= 2
                && ctx.text(**a).to_ascii_lowercase().contains("key")
    }) else {
        return;
    };
    let body = if keyfunc.kind() == "func_literal" {
        Some(ctx.text(*keyfunc).to_string())
    } else {
        named_function_text(ctx, *keyfunc)
    };
    let Some(body) = body else {
        return;
    };
    if body.contains(".Method") || body.contains("SigningMethod") || body.contains("Alg()") {
        return;
    }
    out.facts.push(Fact::new(
        FactKind::RiskJwtUnverified,
        call.pos(),
        format!("`jwt.{}` key function never checks `token.Method`: any algorithm the token names is accepted", call.name),
    ));
}

/// The source of a top-level function in this file.
fn named_function_text(ctx: &Ctx<'_>, ident: Node<'_>) -> Option<String> {
    let name = ctx.text(ident);
    let root = ctx.index.root();
    let mut cursor = root.walk();
    let found = root
        .named_children(&mut cursor)
        .find(|f| f.kind() == "function_declaration" && function_name(*f, ctx.src) == name);
    found.map(|f| ctx.text(f).to_string())
}

fn mentions_password(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("password") || l.contains("passwd") || l.contains("pwd") || l.contains("passphrase")
}

/// `md5.Sum([]byte(password))`, `h := sha256.New(); h.Write([]byte(pw))`.
fn weak_hash(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    let Some(recv) = call.recv else {
        return;
    };
    let algo = match ctx.package_of(recv) {
        Some("crypto/md5") => "MD5",
        Some("crypto/sha1") => "SHA-1",
        Some("crypto/sha256") => "SHA-256",
        Some("crypto/sha512") => "SHA-512",
        _ => {
            // `h.Write([]byte(password))` on a hash made in the same function.
            if call.name == "Write"
                && call
                    .args()
                    .first()
                    .is_some_and(|a| mentions_password(ctx.text(*a)))
            {
                let h = ctx.text(recv);
                if let Some(func) = ctx.top_function(call.node) {
                    let body = ctx.text(func);
                    for (ctor, algo) in [
                        ("md5.New()", "MD5"),
                        ("sha1.New()", "SHA-1"),
                        ("sha256.New()", "SHA-256"),
                        ("sha512.New()", "SHA-512"),
                    ] {
                        if body.contains(&format!("{h} := {ctor}"))
                            || body.contains(&format!("{h} = {ctor}"))
                        {
                            push_weak(ctx, call, algo, out);
                        }
                    }
                }
            }
            return;
        }
    };
    if !call.name.starts_with("Sum") {
        return;
    }
    if call
        .args()
        .first()
        .is_some_and(|a| mentions_password(ctx.text(*a)))
    {
        push_weak(ctx, call, algo, out);
    }
}

fn push_weak(ctx: &Ctx<'_>, call: Call<'_>, algo: &str, out: &mut FileCode) {
    out.facts.push(Fact::new(
        FactKind::RiskWeakPasswordHash,
        call.pos(),
        format!("password hashed with {algo}, a fast hash (use bcrypt, scrypt or argon2id)"),
    ));
    if is_setting_function(ctx, call.node) {
        out.facts.push(Fact::new(
            FactKind::PasswordSet,
            call.pos(),
            "password hashed for storage",
        ));
    }
}

/// Whether the function around a hashing call stores a new password (not a login check).
pub fn is_setting_function(ctx: &Ctx<'_>, node: Node<'_>) -> bool {
    let Some(func) = ctx.top_function(node) else {
        return false;
    };
    let name = function_name(func, ctx.src).to_ascii_lowercase();
    ![
        "login",
        "verify",
        "check",
        "compare",
        "authenticate",
        "signin",
    ]
    .iter()
    .any(|w| name.contains(w))
}

/// `rand.Intn(...)` from math/rand inside `generateToken`, `newSessionID`, `resetCode`...
fn insecure_random(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    let Some(recv) = call.recv else {
        return;
    };
    if !matches!(ctx.package_of(recv), Some("math/rand" | "math/rand/v2")) {
        return;
    }
    if matches!(
        call.name,
        "Seed" | "NewSource" | "New" | "NewPCG" | "Shuffle"
    ) {
        return;
    }
    let func_name = ctx
        .top_function(call.node)
        .map(|f| function_name(f, ctx.src).to_ascii_lowercase())
        .unwrap_or_default();
    let stmt = ctx
        .index
        .ancestor_of_kind(
            call.node,
            &[
                "short_var_declaration",
                "assignment_statement",
                "return_statement",
                "var_spec",
            ],
        )
        .map(|s| ctx.text(s).to_ascii_lowercase())
        .unwrap_or_default();
    let word = TOKEN_WORDS.iter().find(|w| {
        func_name.contains(*w)
            || stmt
                .split(['=', ':'])
                .next()
                .is_some_and(|l| l.contains(*w))
    });
    if let Some(word) = word {
        out.facts.push(Fact::new(
            FactKind::RiskInsecureRandom,
            call.pos(),
            format!(
                "math/rand `rand.{}` makes a {word} (predictable; use crypto/rand)",
                call.name
            ),
        ));
    }
}

fn is_credential_holder(s: &str) -> bool {
    let l: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let last = l.rsplit('.').next().unwrap_or(&l);
    mentions_password(last)
        || last.ends_with("token")
        || last.ends_with("apikey")
        || last.ends_with("api_key")
        || last.ends_with("secret")
        || l.contains("header.get(\"authorization\")")
        || l.contains("getheader(\"authorization\")")
        || l.contains("x-api-key")
}

/// `if password == "hunter22"`, `if r.Header.Get("Authorization") == "Bearer abc123"`.
fn literal_comparison(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let op = n.field("operator").map(|o| ctx.text(o));
    if !matches!(op, Some("==" | "!=")) {
        return;
    }
    let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
        return;
    };
    let (lit, other) = match (string_value(l, ctx.src), string_value(r, ctx.src)) {
        (None, Some(s)) => (s, l),
        (Some(s), None) => (s, r),
        _ => return,
    };
    credential_literal(ctx, &lit, ctx.text(other), n, out);
}

fn credential_literal(ctx: &Ctx<'_>, lit: &str, other: &str, at: Node<'_>, out: &mut FileCode) {
    let _ = ctx;
    let value = lit
        .strip_prefix("Bearer ")
        .or_else(|| lit.strip_prefix("Basic "))
        .unwrap_or(lit);
    if value.len() < 6 || !may_be_credential(value) || !is_credential_holder(other) {
        return;
    }
    out.facts.push(Fact {
        kind: FactKind::RiskHardcodedCredential,
        at: pos(at),
        detail: format!("`{}` compared with a literal credential", other.trim()),
        secret: Some(value.to_string()),
    });
}

/// `subtle.ConstantTimeCompare([]byte(pass), []byte("s3cret!"))`.
fn constant_time_literal(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    if call.name != "ConstantTimeCompare" {
        return;
    }
    let args = call.args();
    if args.len() != 2 {
        return;
    }
    let lit = |a: Node<'_>| byte_literal(ctx, a);
    match (lit(args[0]), lit(args[1])) {
        (None, Some(s)) => credential_literal(ctx, &s, ctx.text(args[0]), call.node, out),
        (Some(s), None) => credential_literal(ctx, &s, ctx.text(args[1]), call.node, out),
        _ => {}
    }
}

/// `"x"` or `[]byte("x")`.
fn byte_literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<String> {
    if let Some(s) = string_value(n, ctx.src) {
        return Some(s);
    }
    let t = ctx.text(n);
    if t.starts_with("[]byte(") {
        let inner = n.named_child((n.named_child_count() as u32).checked_sub(1)?)?;
        let inner = if inner.kind() == "argument_list" {
            inner.named_child(0)?
        } else {
            inner
        };
        return string_value(inner, ctx.src);
    }
    None
}

/// `const adminPassword = "admin123"`, `var apiToken = "tok_live_..."`.
fn literal_declaration(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let mut c = n.walk();
    let names: Vec<Node<'_>> = n.children_by_field_name("name", &mut c).collect();
    let Some(values) = n.field("value") else {
        return;
    };
    for (i, name) in names.iter().enumerate() {
        let Some(v) = values.named_child(i as u32) else {
            continue;
        };
        let Some(lit) = byte_literal(ctx, v) else {
            continue;
        };
        let lname = ctx.text(*name).to_ascii_lowercase();
        let holder = ["password", "passwd", "secret", "apikey", "token"]
            .iter()
            .any(|w| lname.ends_with(w));
        let env_name = lit
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        let shaped = lit.contains(' ')
            || lit.contains('/')
            || lit.contains('%')
            || lit.contains('{')
            || lit.contains(':');
        if holder && lit.len() >= 6 && !env_name && !shaped && may_be_credential(&lit) {
            out.facts.push(Fact {
                kind: FactKind::RiskHardcodedCredential,
                at: pos(v),
                detail: format!("`{}` is a literal credential in code", ctx.text(*name)),
                secret: Some(lit),
            });
        }
    }
}

/// `gin.BasicAuth(gin.Accounts{"admin": "s3cret"})`.
fn basic_auth_accounts(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let Some(ty) = n.field("type") else {
        return;
    };
    if !ctx.text(ty).ends_with("Accounts") {
        return;
    }
    for (user, value) in super::ast::keyed_fields(n, ctx.src) {
        if let Some(pw) = string_value(value, ctx.src)
            && may_be_credential(&pw)
        {
            out.facts.push(Fact {
                kind: FactKind::RiskHardcodedCredential,
                at: pos(value),
                detail: format!("basic-auth account {user} has a literal password"),
                secret: Some(pw),
            });
        }
    }
}
