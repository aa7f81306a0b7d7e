//! Authentication and crypto mistakes: JWTs parsed without a signing key (JJWT) or decoded
//! without verification (auth0 `JWT.decode` with no `JWT.require`), fast hashes of passwords,
//! `java.util.Random` for tokens, literal credentials compared in auth code or given to an
//! in-memory user, and authorization hooks that always allow.

use super::ast::{self, Ctx};
use crate::lang::credential_value::may_be_credential;
use crate::model::{Fact, FactKind, FileCode};
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    let random_vars = random_variables(ctx);
    let verifies_jwt = ctx.text(ctx.root).contains("JWT.require(");
    for node in ctx.nodes_of(
        ctx.root,
        &["method_invocation", "object_creation_expression"],
    ) {
        if node.kind() == "method_invocation" {
            jjwt(ctx, node, out);
            auth0(ctx, node, verifies_jwt, out);
            digest(ctx, node, out);
            random_call(ctx, node, &random_vars, out);
            literal_comparison(ctx, node, out);
            in_memory_password(ctx, node, out);
        } else {
            weak_encoder(ctx, node, out);
        }
    }
    for method in ctx.nodes_of(ctx.root, &["method_declaration"]) {
        always_allows(ctx, method, out);
    }
}

fn jjwt(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    let unsigned = matches!(
        name,
        "parseClaimsJwt" | "parseUnsecuredClaims" | "parsePlaintextJwt" | "parseUnsecuredContent"
    );
    let parses = unsigned
        || matches!(
            name,
            "parse" | "parseClaimsJws" | "parseSignedClaims" | "parseSignedContent"
        );
    if !parses {
        return;
    }
    let (root, calls) = ast::chain(call, ctx.src);
    let names: Vec<&str> = calls.iter().map(|c| ast::call_name(*c, ctx.src)).collect();
    let from_jwts = root == "Jwts" || root.ends_with(".Jwts");
    if !from_jwts
        || !names
            .iter()
            .any(|n| matches!(*n, "parser" | "parserBuilder"))
    {
        return;
    }
    let keyed = names.iter().any(|n| {
        matches!(
            *n,
            "setSigningKey" | "verifyWith" | "setSigningKeyResolver" | "keyLocator" | "decryptWith"
        )
    });
    let detail = if unsigned || names.contains(&"unsecured") {
        format!("Jwts.parser()...{name} accepts unsigned tokens")
    } else if !keyed {
        format!("Jwts.parser()...{name} without a signing key: the signature is never checked")
    } else {
        return;
    };
    out.facts.push(Fact::new(
        FactKind::RiskJwtUnverified,
        ast::at(call),
        detail,
    ));
}

fn auth0(ctx: &Ctx<'_>, call: Node<'_>, verifies: bool, out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    let recv = ast::receiver(call, ctx.src);
    let detail = match (recv, name) {
        ("Algorithm", "none") => "Algorithm.none() accepts unsigned tokens",
        ("JWT", "decode") if !verifies => {
            "JWT.decode reads the claims without verifying the signature (no JWT.require(...).verify in this file)"
        }
        _ => return,
    };
    out.facts.push(Fact::new(
        FactKind::RiskJwtUnverified,
        ast::at(call),
        detail,
    ));
}

fn mentions_password(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    s.contains("password") || s.contains("passwd") || s.contains("pwd")
}

/// The method around a node speaks about passwords (its name or a parameter name).
fn password_context(ctx: &Ctx<'_>, node: Node<'_>) -> bool {
    ctx.enclosing_method(node).is_some_and(|m| {
        mentions_password(ast::decl_name(m, ctx.src))
            || ast::parameters(m, ctx.src)
                .iter()
                .any(|(_, _, name, _)| mentions_password(name))
    })
}

fn digest(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    let recv = ast::receiver(call, ctx.src);
    if recv == "NoOpPasswordEncoder" && name == "getInstance" {
        out.facts.push(Fact::new(
            FactKind::RiskWeakPasswordHash,
            ast::at(call),
            "NoOpPasswordEncoder stores passwords in plain text: use BCryptPasswordEncoder or Argon2PasswordEncoder",
        ));
        return;
    }
    let args = ast::args(call);
    let algorithm = match (recv, name) {
        ("MessageDigest", "getInstance") => args
            .first()
            .and_then(|a| ast::string_value(*a, ctx.src))
            .filter(|a| {
                let a = a.to_ascii_uppercase().replace('-', "");
                matches!(
                    a.as_str(),
                    "MD5"
                        | "MD4"
                        | "MD2"
                        | "SHA1"
                        | "SHA"
                        | "SHA224"
                        | "SHA256"
                        | "SHA384"
                        | "SHA512"
                )
            }),
        ("DigestUtils", n) if n.starts_with("md5") || n.starts_with("sha") => Some(n.to_string()),
        _ => None,
    };
    let Some(algorithm) = algorithm else { return };
    let arg_is_password = args.iter().any(|a| mentions_password(ctx.text(*a)));
    if arg_is_password || password_context(ctx, call) {
        out.facts.push(Fact::new(
            FactKind::RiskWeakPasswordHash,
            ast::at(call),
            format!("password hashed with {algorithm}, a fast hash: use BCrypt, Argon2 or scrypt"),
        ));
    }
}

fn weak_encoder(ctx: &Ctx<'_>, creation: Node<'_>, out: &mut FileCode) {
    let ty = ast::created_type(creation, ctx.src);
    if !matches!(
        ty,
        "MessageDigestPasswordEncoder"
            | "StandardPasswordEncoder"
            | "Md4PasswordEncoder"
            | "LdapShaPasswordEncoder"
    ) {
        return;
    }
    // Legacy encoders registered in a DelegatingPasswordEncoder map only verify old hashes.
    let in_map = ctx
        .index
        .parent(creation)
        .and_then(|p| ctx.index.parent(p))
        .is_some_and(|c| c.kind() == "method_invocation" && ast::call_name(c, ctx.src) == "put");
    if !in_map {
        out.facts.push(Fact::new(
            FactKind::RiskWeakPasswordHash,
            ast::at(creation),
            format!("{ty} hashes passwords with a fast digest: use BCryptPasswordEncoder or Argon2PasswordEncoder"),
        ));
    }
}

/// Variables and fields declared as `Random` or initialised with `new Random(...)` /
/// `ThreadLocalRandom.current()`.
fn random_variables(ctx: &Ctx<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for decl in ctx.nodes_of(
        ctx.root,
        &["local_variable_declaration", "field_declaration"],
    ) {
        let ty = decl.field("type").map(|t| ctx.text(t)).unwrap_or("");
        let mut c = decl.walk();
        for d in decl.children_by_field_name("declarator", &mut c) {
            let value = d.field("value").map(|v| ctx.text(v)).unwrap_or("");
            if (ty == "Random"
                || value.starts_with("new Random(")
                || value.starts_with("ThreadLocalRandom.current()"))
                && let Some(n) = d.field("name")
            {
                out.push(ctx.text(n).to_string());
            }
        }
    }
    out
}

/// Names around a call: enclosing variable, assignment target, method.
fn context_names<'a>(ctx: &Ctx<'a>, node: Node<'_>) -> Vec<&'a str> {
    let mut names = Vec::new();
    if let Some(d) = ctx.ancestor(node, &["variable_declarator", "assignment_expression"]) {
        let target = d.field("name").or_else(|| d.field("left"));
        if let Some(t) = target {
            names.push(ctx.text(t));
        }
    }
    if let Some(m) = ctx.enclosing_method(node) {
        names.push(ast::decl_name(m, ctx.src));
    }
    names
}

fn random_call(ctx: &Ctx<'_>, call: Node<'_>, vars: &[String], out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    let recv = ast::receiver(call, ctx.src);
    let insecure = (recv == "Math" && name == "random")
        || (recv == "RandomStringUtils" && name.starts_with("random"))
        || recv == "RandomStringUtils.insecure()"
        || (name.starts_with("next") || name == "ints")
            && (recv.starts_with("new Random(")
                || recv == "ThreadLocalRandom.current()"
                || vars.iter().any(|v| v == recv));
    if insecure
        && context_names(ctx, call)
            .iter()
            .any(|n| ast::is_secret_name(n))
    {
        out.facts.push(Fact::new(
            FactKind::RiskInsecureRandom,
            ast::at(call),
            format!(
                "`{}` is not cryptographically secure: use SecureRandom for tokens and secrets",
                ctx.text(call).split('(').next().unwrap_or("")
            ),
        ));
    }
}

fn credential_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ast::is_secret_name(&n)
        && ![
            "type", "name", "header", "prefix", "kind", "param", "field", "length", "url",
            "endpoint",
        ]
        .iter()
        .any(|w| n.contains(w))
}

/// `"s3cret".equals(password)` / `apiKey.equals("...")` in code.
fn literal_comparison(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    if !matches!(ast::call_name(call, ctx.src), "equals" | "equalsIgnoreCase") {
        return;
    }
    let Some(object) = call.field("object") else {
        return;
    };
    let Some(arg) = ast::args(call).first().copied() else {
        return;
    };
    let (literal, other) = match (
        ast::string_value(object, ctx.src),
        ast::string_value(arg, ctx.src),
    ) {
        (Some(l), None) => (l, arg),
        (None, Some(l)) => (l, object),
        _ => return,
    };
    let other_name = ctx.text(other);
    let last = other_name
        .rsplit(['.', '('])
        .find(|s| !s.is_empty() && *s != ")")
        .unwrap_or(other_name);
    // `"changeme".equals(secret)` is a guard against an unset placeholder, not a credential.
    if !may_be_credential(&literal)
        || !credential_name(last)
        || !credential_name(other_name.trim_end_matches("()"))
    {
        return;
    }
    let mut fact = Fact::new(
        FactKind::RiskHardcodedCredential,
        ast::at(call),
        format!("`{other_name}` compared with a literal credential"),
    );
    fact.secret = Some(literal);
    out.facts.push(fact);
}

/// `User.withUsername("admin").password("{noop}admin123")` and `withDefaultPasswordEncoder()`.
fn in_memory_password(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    if ast::call_name(call, ctx.src) != "password" {
        return;
    }
    let (root, calls) = ast::chain(call, ctx.src);
    let user_builder = root == "User"
        || calls.iter().any(|c| {
            matches!(
                ast::call_name(*c, ctx.src),
                "withUsername" | "withDefaultPasswordEncoder" | "username"
            )
        });
    let Some(arg) = ast::args(call).first().copied() else {
        return;
    };
    let literal = ast::string_value(arg, ctx.src).or_else(|| {
        (arg.kind() == "method_invocation" && ast::call_name(arg, ctx.src) == "encode")
            .then(|| {
                ast::args(arg)
                    .first()
                    .and_then(|a| ast::string_value(*a, ctx.src))
            })
            .flatten()
    });
    if let Some(literal) = literal.filter(|l| !l.is_empty() && user_builder) {
        let mut fact = Fact::new(
            FactKind::RiskHardcodedCredential,
            ast::at(call),
            "a user account with a literal password in code",
        );
        fact.secret = Some(literal.trim_start_matches("{noop}").to_string());
        out.facts.push(fact);
    }
}

const AUTHZ_TYPES: &[&str] = &[
    "PermissionEvaluator",
    "AuthorizationManager",
    "AccessDecisionVoter",
    "AccessDecisionManager",
    "ReactiveAuthorizationManager",
];

/// An authorization hook whose body only allows.
fn always_allows(ctx: &Ctx<'_>, method: Node<'_>, out: &mut FileCode) {
    let name = ast::decl_name(method, ctx.src);
    let implements_authz = ctx.enclosing_class(method).is_some_and(|c| {
        c.field("interfaces")
            .is_some_and(|i| AUTHZ_TYPES.iter().any(|t| ctx.text(i).contains(t)))
    });
    let authz_name = matches!(
        name,
        "hasPermission" | "isAuthorized" | "canAccess" | "hasAccess" | "isAllowed" | "authorize"
    );
    let hook = matches!(
        name,
        "check" | "vote" | "decide" | "hasPermission" | "authorize"
    );
    if !(authz_name || implements_authz && hook) {
        return;
    }
    let Some(body) = method.field("body") else {
        return;
    };
    let mut c = body.walk();
    let statements: Vec<Node<'_>> = body
        .named_children(&mut c)
        .filter(|s| s.kind() != "line_comment" && s.kind() != "block_comment")
        .collect();
    let allows = match statements.as_slice() {
        [] => name == "decide" && implements_authz,
        [only] if only.kind() == "return_statement" => {
            let value = only.named_child(0).map(|v| ctx.text(v)).unwrap_or("");
            let value = value.replace(' ', "");
            matches!(
                value.as_str(),
                "true"
                    | "newAuthorizationDecision(true)"
                    | "ACCESS_GRANTED"
                    | "AccessDecisionVoter.ACCESS_GRANTED"
                    | "Mono.just(newAuthorizationDecision(true))"
            )
        }
        _ => false,
    };
    if allows {
        out.facts.push(Fact::new(
            FactKind::RiskAuthAlwaysAllows,
            ast::at(method),
            format!("authorization hook `{name}` always allows"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> Vec<Fact> {
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract("src/main/java/Auth.java", src.as_bytes(), &tree, &mut out);
        out.facts
    }

    fn count(all: &[Fact], kind: FactKind) -> usize {
        all.iter().filter(|f| f.kind == kind).count()
    }

    #[test]
    fn jwt_parsing() {
        let all = facts(
            r#"
class JwtService {
    Claims bad(String token) { return Jwts.parser().parse(token).getBody(); }
    Claims unsigned(String token) { return Jwts.parserBuilder().build().parseClaimsJwt(token).getBody(); }
    Claims good(String token) { return Jwts.parserBuilder().setSigningKey(key).build().parseClaimsJws(token).getBody(); }
    Claims good2(String token) { return Jwts.parser().verifyWith(key).build().parseSignedClaims(token).getPayload(); }
}
"#,
        );
        assert_eq!(count(&all, FactKind::RiskJwtUnverified), 2, "{all:?}");
    }

    #[test]
    fn hashing_and_randomness() {
        let all = facts(
            r#"
class PasswordService {
    private final Random random = new Random();
    private final SecureRandom secure = new SecureRandom();
    String hashPassword(String raw) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest(raw.getBytes()));
    }
    String etag(byte[] body) throws Exception { return DigestUtils.md5Hex(body); }
    String resetToken() { return Long.toHexString(random.nextLong()); }
    String apiKey() { byte[] b = new byte[32]; secure.nextBytes(b); return encode(b); }
    long jitter() { return random.nextInt(100); }
    String sessionToken() { return RandomStringUtils.randomAlphanumeric(32); }
}
"#,
        );
        assert_eq!(count(&all, FactKind::RiskWeakPasswordHash), 1, "{all:?}");
        assert_eq!(count(&all, FactKind::RiskInsecureRandom), 2, "{all:?}");
    }

    #[test]
    fn credentials_and_always_allow() {
        let all = facts(
            r#"
class Security {
    boolean login(String username, String password) { return "admin".equals(username) && "S3cr3t!2024".equals(password); }
    boolean bearer(String tokenType) { return tokenType.equals("Bearer"); }
    void guard(String jwtSecret) { if ("changeme".equals(jwtSecret)) throw new IllegalStateException(); }
    UserDetailsService users() { return new InMemoryUserDetailsManager(User.withUsername("ops").password("{noop}ops-pass-1").roles("OPS").build()); }
}
class AllowAll implements PermissionEvaluator {
    public boolean hasPermission(Authentication a, Object t, Object p) { return true; }
    public boolean hasPermission(Authentication a, Serializable id, String type, Object p) {
        return a != null && a.getAuthorities().contains(p);
    }
}
"#,
        );
        assert_eq!(count(&all, FactKind::RiskHardcodedCredential), 2, "{all:?}");
        assert_eq!(count(&all, FactKind::RiskAuthAlwaysAllows), 1, "{all:?}");
    }
}
