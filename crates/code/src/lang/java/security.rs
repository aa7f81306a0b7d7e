//! Spring Security as the code writes it: method/class annotations (`@PreAuthorize`,
//! `@Secured`, `@RolesAllowed`, `@PermitAll`, `@DenyAll`) and the URL rules of a
//! `SecurityFilterChain` (`authorizeHttpRequests(a -> a.requestMatchers(...).permitAll()...)`).
//! The rules travel to `link` as a [`LinkHint::Guard`] with a reserved scope, since the routes
//! they guard usually live in other files.

use super::ast::{self, Annotation, Ctx};
use crate::model::{Auth, FileCode, LinkHint};
use crate::syntax::FieldChild;
use crate::syntax::{pos, text};
use tree_sitter::Node;

/// Reserved link-hint scopes (never a route scope): consumed and removed by `java::link`.
pub const CHAIN_SCOPE: &str = "java:security-filter-chain";
pub const METHOD_SECURITY_SCOPE: &str = "java:method-security";
pub const AUTH_FILTER_SCOPE: &str = "java:custom-auth-filter";

/// What a URL rule (or an annotation) decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Permit,
    Authenticated,
    Roles(Vec<String>),
    Deny,
    Unknown(String),
}

/// One `requestMatchers(...).<decision>()` rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub method: Option<String>,
    /// Ant-style patterns; empty means any request.
    pub patterns: Vec<String>,
    pub decision: Decision,
    pub evidence: String,
}

/// One `authorizeHttpRequests` configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chain {
    pub at: String,
    /// `http.securityMatcher(...)` patterns: the chain only applies to these paths.
    pub matcher: Option<Vec<String>>,
    pub rules: Vec<Rule>,
    /// Why the rules could not be read in full.
    pub unreadable: Option<String>,
}

/// Auth and roles from security annotations on a method or class (`None`: no annotation).
pub fn annotation_auth(anns: &[Annotation<'_>], src: &[u8]) -> Option<(Auth, Vec<String>)> {
    for ann in anns {
        let value = ann.arg("value");
        match ann.name.as_str() {
            "PreAuthorize" => {
                let expr = value.and_then(|v| ast::string_value(v, src))?;
                let evidence = format!("@PreAuthorize(\"{expr}\")");
                return Some(decision_auth(spel(&expr), evidence));
            }
            "Secured" | "RolesAllowed" => {
                let roles = value
                    .and_then(|v| ast::string_list(v, src))
                    .unwrap_or_default();
                if roles.iter().any(|r| r == "IS_AUTHENTICATED_ANONYMOUSLY") {
                    return Some((Auth::None, Vec::new()));
                }
                let evidence = format!("@{}({})", ann.name, roles.join(", "));
                return Some(decision_auth(Decision::Roles(roles), evidence));
            }
            "PermitAll" => return Some((Auth::None, Vec::new())),
            "DenyAll" => return Some(decision_auth(Decision::Deny, "@DenyAll".into())),
            _ => {}
        }
    }
    None
}

/// The route auth a decision gives.
pub fn decision_auth(decision: Decision, evidence: String) -> (Auth, Vec<String>) {
    match decision {
        Decision::Permit => (Auth::None, Vec::new()),
        Decision::Authenticated => (Auth::Required { evidence }, Vec::new()),
        Decision::Roles(roles) => (Auth::Required { evidence }, roles),
        Decision::Deny => (Auth::Required { evidence }, vec!["(deny all)".into()]),
        Decision::Unknown(reason) => (Auth::Unknown { reason }, Vec::new()),
    }
}

/// A Spring Security SpEL expression (`hasRole('ADMIN')`, `isAuthenticated()`, `permitAll()`).
pub fn spel(expr: &str) -> Decision {
    let e = expr.trim();
    match e {
        "permitAll" | "permitAll()" | "isAnonymous()" => return Decision::Permit,
        "denyAll" | "denyAll()" => return Decision::Deny,
        _ => {}
    }
    let disjunction = e.contains(" or ") || e.contains("||");
    if disjunction && (e.contains("permitAll") || e.contains("isAnonymous")) {
        return Decision::Permit;
    }
    let authenticated = [
        "isAuthenticated()",
        "isFullyAuthenticated()",
        "isRememberMe()",
    ]
    .iter()
    .any(|f| e.contains(f));
    if disjunction && authenticated {
        return Decision::Authenticated;
    }
    let mut roles = Vec::new();
    for f in [
        "hasRole(",
        "hasAnyRole(",
        "hasAuthority(",
        "hasAnyAuthority(",
    ] {
        let mut rest = e;
        while let Some(i) = rest.find(f) {
            let after = &rest[i + f.len()..];
            let end = after.find(')').unwrap_or(after.len());
            roles.extend(quoted(&after[..end]));
            rest = &after[end..];
        }
    }
    if !roles.is_empty() {
        Decision::Roles(roles)
    } else if authenticated {
        Decision::Authenticated
    } else {
        // A custom check (`@perm.canEdit(#id)`, `hasPermission(...)`): an authorization
        // beyond login, named by its expression.
        Decision::Roles(vec![e.to_string()])
    }
}

fn quoted(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(['\'', '"']) {
        let q = rest.as_bytes()[start] as char;
        let after = &rest[start + 1..];
        let Some(end) = after.find(q) else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// Emits the filter-chain rules and the method-security switch of this file as link hints.
pub fn extract(ctx: &Ctx<'_>, path: &str, out: &mut FileCode) {
    for ann in ctx.nodes_of(ctx.root, &["annotation", "marker_annotation"]) {
        let name = ann.field("name").map(|n| ctx.text(n)).unwrap_or("");
        if matches!(
            name,
            "EnableMethodSecurity" | "EnableGlobalMethodSecurity" | "EnableReactiveMethodSecurity"
        ) {
            out.link_hints.push(LinkHint::Guard {
                scope: METHOD_SECURITY_SCOPE.into(),
                evidence: format!("@{name}"),
                line: pos(ann).line,
            });
        }
    }
    custom_auth_filters(ctx, out);
    for call in ctx.nodes_of(ctx.root, &["method_invocation"]) {
        let name = ast::call_name(call, ctx.src);
        if !matches!(
            name,
            "authorizeHttpRequests" | "authorizeRequests" | "authorizeExchange"
        ) {
            continue;
        }
        let chain = read_chain(ctx, call, out, path);
        out.link_hints.push(LinkHint::Guard {
            scope: CHAIN_SCOPE.into(),
            evidence: encode(&chain),
            line: pos(call).line,
        });
    }
}

/// A servlet filter, WebFlux filter or MVC interceptor that rejects requests without
/// credentials: without Spring Security it may still guard routes, so they are not "no auth".
fn custom_auth_filters(ctx: &Ctx<'_>, out: &mut FileCode) {
    for class in ctx.nodes_of(ctx.root, &["class_declaration"]) {
        let heritage = ["superclass", "interfaces"]
            .iter()
            .filter_map(|f| class.child_by_field_name(f))
            .map(|n| ctx.text(n))
            .collect::<Vec<_>>()
            .join(" ");
        let is_filter = [
            "OncePerRequestFilter",
            "HandlerInterceptor",
            "Filter",
            "WebFilter",
            "GenericFilterBean",
            "ContainerRequestFilter",
        ]
        .iter()
        .any(|t| {
            heritage
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == *t)
        });
        let body = ctx.text(class);
        let rejects = [
            "SC_UNAUTHORIZED",
            "SC_FORBIDDEN",
            "HttpStatus.UNAUTHORIZED",
            "HttpStatus.FORBIDDEN",
            "Status.UNAUTHORIZED",
            "(401",
            "(403",
            "\"Authorization\"",
        ]
        .iter()
        .any(|w| body.contains(w));
        if is_filter && rejects {
            out.link_hints.push(LinkHint::Guard {
                scope: AUTH_FILTER_SCOPE.into(),
                evidence: ast::decl_name(class, ctx.src).to_string(),
                line: pos(class).line,
            });
        }
    }
}

fn read_chain(ctx: &Ctx<'_>, call: Node<'_>, out: &FileCode, path: &str) -> Chain {
    let at = pos(call);
    let mut chain = Chain {
        at: format!("{}:{}", path.rsplit('/').next().unwrap_or(path), at.line),
        ..Chain::default()
    };
    // `http.securityMatcher("/api/**")` anywhere on the same `http` chain.
    let (_, whole) = ast::chain(ctx.chain_top(call), ctx.src);
    for c in &whole {
        if matches!(
            ast::call_name(*c, ctx.src),
            "securityMatcher" | "securityMatchers"
        ) {
            let (_, patterns) = matcher_args(ctx, *c, out);
            chain.matcher = Some(patterns.unwrap_or_else(|| vec!["<unreadable>".into()]));
        }
    }
    let args = ast::args(call);
    let calls: Vec<Node<'_>> = match args.first() {
        None => whole
            .iter()
            .skip_while(|c| **c != call)
            .skip(1)
            .take_while(|c| ast::call_name(**c, ctx.src) != "and")
            .copied()
            .collect(),
        Some(lambda) if lambda.kind() == "lambda_expression" => match lambda_calls(ctx, *lambda) {
            Some(calls) => calls,
            None => {
                chain.unreadable = Some(format!(
                    "the rules in `{}` at {} could not be read",
                    name_of(ctx, call),
                    chain.at
                ));
                return chain;
            }
        },
        Some(other) => {
            chain.unreadable = Some(format!(
                "`{}` at {} is configured by `{}`, which vouch does not follow",
                name_of(ctx, call),
                chain.at,
                ctx.text(*other)
            ));
            return chain;
        }
    };
    read_rules(ctx, &calls, out, &mut chain);
    chain
}

fn name_of<'a>(ctx: &Ctx<'a>, call: Node<'_>) -> &'a str {
    ast::call_name(call, ctx.src)
}

/// The calls on the lambda parameter, statement by statement.
fn lambda_calls<'t>(ctx: &Ctx<'_>, lambda: Node<'t>) -> Option<Vec<Node<'t>>> {
    let param = lambda.field("parameters")?;
    let param = ctx
        .text(param)
        .trim_matches(|c| c == '(' || c == ')')
        .trim();
    let body = lambda.field("body")?;
    let exprs: Vec<Node<'t>> = if body.kind() == "block" {
        let mut cursor = body.walk();
        body.named_children(&mut cursor)
            .filter(|s| s.kind() != "comment")
            .map(|s| {
                (s.kind() == "expression_statement")
                    .then(|| s.named_child(0))
                    .flatten()
            })
            .collect::<Option<Vec<_>>>()?
    } else {
        vec![body]
    };
    let mut calls = Vec::new();
    for e in exprs {
        if e.kind() != "method_invocation" {
            return None;
        }
        let (root, cs) = ast::chain(e, ctx.src);
        if root != param {
            return None;
        }
        calls.extend(cs);
    }
    Some(calls)
}

fn read_rules(ctx: &Ctx<'_>, calls: &[Node<'_>], out: &FileCode, chain: &mut Chain) {
    // (method, patterns or None when unreadable, evidence so far)
    let mut pending: Option<(Option<String>, Option<Vec<String>>, String)> = None;
    for call in calls {
        let name = ast::call_name(*call, ctx.src);
        let call_text = format!(".{}{}", name, args_text(ctx, *call));
        match name {
            "requestMatchers" | "antMatchers" | "mvcMatchers" | "pathMatchers" => {
                let (method, patterns) = matcher_args(ctx, *call, out);
                pending = Some((method, patterns, call_text));
            }
            "anyRequest" | "anyExchange" => pending = Some((None, Some(Vec::new()), call_text)),
            "dispatcherTypeMatchers" => {
                // Matches forwards/errors by dispatcher type, never a route path.
                pending = Some((None, Some(vec!["<dispatcher-type>".into()]), call_text))
            }
            "shouldFilterAllDispatcherTypes" | "withObjectPostProcessor" => {}
            _ => {
                let Some((method, patterns, matcher_text)) = pending.take() else {
                    chain.unreadable = Some(format!(
                        "`{}` in the SecurityFilterChain at {} is not understood",
                        call_text, chain.at
                    ));
                    return;
                };
                let mut decision = rule_decision(ctx, name, *call, out);
                let patterns = match patterns {
                    Some(p) => p,
                    None => {
                        decision = Decision::Unknown(format!(
                            "a request matcher vouch cannot read ({matcher_text}) precedes \
                             this route's rule in the SecurityFilterChain at {}",
                            chain.at
                        ));
                        Vec::new()
                    }
                };
                chain.rules.push(Rule {
                    method,
                    patterns,
                    decision,
                    evidence: truncate(&format!(
                        "SecurityFilterChain ({}): {matcher_text}{call_text}",
                        chain.at
                    )),
                });
            }
        }
    }
}

fn truncate(s: &str) -> String {
    if s.len() <= 160 {
        return s.to_string();
    }
    let mut end = 157;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

fn args_text(ctx: &Ctx<'_>, call: Node<'_>) -> String {
    call.field("arguments")
        .map(|a| ctx.text(a).to_string())
        .unwrap_or_default()
}

fn rule_decision(ctx: &Ctx<'_>, name: &str, call: Node<'_>, out: &FileCode) -> Decision {
    match name {
        "permitAll" | "anonymous" => Decision::Permit,
        "authenticated" | "fullyAuthenticated" | "rememberMe" => Decision::Authenticated,
        "denyAll" => Decision::Deny,
        "hasRole" | "hasAnyRole" | "hasAuthority" | "hasAnyAuthority" => {
            let mut roles = Vec::new();
            for arg in ast::args(call) {
                match strings_of(ctx, arg, out) {
                    Some(list) => roles.extend(list),
                    None => roles.push(ctx.text(arg).to_string()),
                }
            }
            Decision::Roles(roles)
        }
        "access" => match ast::args(call)
            .first()
            .and_then(|a| ast::string_value(*a, ctx.src))
        {
            Some(expr) => spel(&expr),
            None => Decision::Unknown(format!(
                "the rule `.access({})` is custom code vouch does not follow",
                ast::args(call).first().map(|a| ctx.text(*a)).unwrap_or("")
            )),
        },
        other => Decision::Unknown(format!(
            "the SecurityFilterChain rule `.{other}(...)` is not understood"
        )),
    }
}

/// `(HttpMethod.POST, "/a", "/b")` → method and patterns; patterns `None` when an argument
/// cannot be read.
fn matcher_args(
    ctx: &Ctx<'_>,
    call: Node<'_>,
    out: &FileCode,
) -> (Option<String>, Option<Vec<String>>) {
    let mut method = None;
    let mut patterns = Some(Vec::new());
    for arg in ast::args(call) {
        let t = ctx.text(arg);
        let last = t.rsplit('.').next().unwrap_or(t);
        let is_method = matches!(
            last,
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" | "TRACE"
        ) && (t == last || t.starts_with("HttpMethod."));
        if is_method {
            method = Some(last.to_string());
            continue;
        }
        match matcher_patterns(ctx, arg, out) {
            Some(list) => {
                if let Some(p) = patterns.as_mut() {
                    p.extend(list)
                }
            }
            None => patterns = None,
        }
    }
    (method, patterns)
}

fn matcher_patterns(ctx: &Ctx<'_>, arg: Node<'_>, out: &FileCode) -> Option<Vec<String>> {
    if let Some(list) = strings_of(ctx, arg, out) {
        return Some(list);
    }
    let t = ctx.text(arg);
    if t.starts_with("PathRequest.toStaticResources()") {
        return Some(
            [
                "/css/**",
                "/js/**",
                "/images/**",
                "/webjars/**",
                "/favicon.*",
                "/*/icon-*",
            ]
            .map(String::from)
            .to_vec(),
        );
    }
    // `new AntPathRequestMatcher("/x")`, `antMatcher("/x")`, `mvc.pattern("/x")`.
    let inner = match arg.kind() {
        "object_creation_expression"
            if matches!(
                ast::created_type(arg, ctx.src),
                "AntPathRequestMatcher" | "MvcRequestMatcher"
            ) =>
        {
            ast::args(arg)
        }
        "method_invocation" if matches!(ast::call_name(arg, ctx.src), "antMatcher" | "pattern") => {
            ast::args(arg)
        }
        _ => return None,
    };
    let strings: Vec<String> = inner
        .iter()
        .filter_map(|a| ast::string_value(*a, ctx.src))
        .collect();
    (!strings.is_empty()).then_some(strings)
}

/// A string literal, an array of them, or a `static final` constant of this file.
fn strings_of(ctx: &Ctx<'_>, arg: Node<'_>, out: &FileCode) -> Option<Vec<String>> {
    if let Some(s) = ast::string_value(arg, ctx.src) {
        return Some(vec![s]);
    }
    if arg.kind() == "array_creation_expression" {
        let init = arg.field("value")?;
        return ast::string_list(init, ctx.src);
    }
    if arg.kind() == "identifier" {
        let name = text(arg, ctx.src).to_ascii_lowercase();
        let def = out.config.iter().find(|c| c.name == name)?;
        return match &def.value {
            crate::model::Value::Literal(s) => Some(vec![s.clone()]),
            crate::model::Value::List(l) => Some(l.clone()),
            _ => None,
        };
    }
    None
}

// --- the chain travels to `link` as text ---

const SEP: char = '\u{1f}';

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', SEP], " ")
}

pub fn encode(chain: &Chain) -> String {
    let mut lines = vec![format!("at\t{}", clean(&chain.at))];
    if let Some(m) = &chain.matcher {
        let m: Vec<String> = m.iter().map(|p| clean(p)).collect();
        lines.push(format!("matcher\t{}", m.join(&SEP.to_string())));
    }
    if let Some(u) = &chain.unreadable {
        lines.push(format!("unreadable\t{}", clean(u)));
    }
    for r in &chain.rules {
        let (d, arg) = match &r.decision {
            Decision::Permit => ("permit", String::new()),
            Decision::Authenticated => ("auth", String::new()),
            Decision::Roles(roles) => (
                "roles",
                roles
                    .iter()
                    .map(|r| clean(r))
                    .collect::<Vec<_>>()
                    .join(&SEP.to_string()),
            ),
            Decision::Deny => ("deny", String::new()),
            Decision::Unknown(reason) => ("unknown", clean(reason)),
        };
        let patterns: Vec<String> = r.patterns.iter().map(|p| clean(p)).collect();
        lines.push(format!(
            "rule\t{}\t{}\t{d}\t{arg}\t{}",
            r.method.as_deref().unwrap_or("-"),
            patterns.join(&SEP.to_string()),
            clean(&r.evidence)
        ));
    }
    lines.join("\n")
}

pub fn decode(s: &str) -> Chain {
    let split = |v: &str| -> Vec<String> {
        if v.is_empty() {
            Vec::new()
        } else {
            v.split(SEP).map(String::from).collect()
        }
    };
    let mut chain = Chain::default();
    for line in s.lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        match parts.as_slice() {
            ["at", at] => chain.at = at.to_string(),
            ["matcher", m] => chain.matcher = Some(split(m)),
            ["unreadable", u] => chain.unreadable = Some(u.to_string()),
            ["rule", method, patterns, d, arg, evidence] => {
                let decision = match *d {
                    "permit" => Decision::Permit,
                    "auth" => Decision::Authenticated,
                    "roles" => Decision::Roles(split(arg)),
                    "deny" => Decision::Deny,
                    _ => Decision::Unknown(arg.to_string()),
                };
                chain.rules.push(Rule {
                    method: (*method != "-").then(|| method.to_string()),
                    patterns: split(patterns),
                    decision,
                    evidence: evidence.to_string(),
                });
            }
            _ => {}
        }
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chains(src: &str) -> Vec<Chain> {
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract(
            "src/main/java/SecurityConfig.java",
            src.as_bytes(),
            &tree,
            &mut out,
        );
        out.link_hints
            .iter()
            .filter_map(|h| match h {
                LinkHint::Guard {
                    scope, evidence, ..
                } if scope == CHAIN_SCOPE => Some(decode(evidence)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn reads_lambda_rules_in_order() {
        let c = chains(
            r#"
class SecurityConfig {
    private static final String[] PUBLIC = {"/actuator/health", "/docs/**"};
    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        http.csrf(c -> c.disable())
            .authorizeHttpRequests(auth -> auth
                .requestMatchers(PUBLIC).permitAll()
                .requestMatchers(HttpMethod.GET, "/api/products/**").permitAll()
                .requestMatchers("/api/admin/**").hasRole("ADMIN")
                .anyRequest().authenticated());
        return http.build();
    }
}
"#,
        );
        assert_eq!(c.len(), 1);
        let rules = &c[0].rules;
        assert_eq!(c[0].unreadable, None);
        assert_eq!(rules.len(), 4);
        assert_eq!(rules[0].patterns, vec!["/actuator/health", "/docs/**"]);
        assert_eq!(rules[1].method.as_deref(), Some("GET"));
        assert_eq!(rules[2].decision, Decision::Roles(vec!["ADMIN".into()]));
        assert!(rules[3].patterns.is_empty());
        assert_eq!(rules[3].decision, Decision::Authenticated);
        assert_eq!(decode(&encode(&c[0])), c[0]);
    }

    #[test]
    fn reads_legacy_chains_and_flags_what_it_cannot_read() {
        let c = chains(
            r#"
class WebSecurity extends WebSecurityConfigurerAdapter {
    protected void configure(HttpSecurity http) throws Exception {
        http.authorizeRequests().antMatchers("/login").permitAll()
            .anyRequest().access("@guard.check(request)").and().formLogin();
        http.authorizeHttpRequests(this::rules);
    }
}
"#,
        );
        assert_eq!(c[0].rules.len(), 2);
        assert_eq!(
            c[0].rules[1].decision,
            Decision::Roles(vec!["@guard.check(request)".into()])
        );
        assert!(c[1].unreadable.is_some());
    }

    #[test]
    fn filters_that_reject_requests_are_reported() {
        let src = r#"
public class ApiKeyFilter extends OncePerRequestFilter {
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain) {
        if (req.getHeader("X-Api-Key") == null) { res.sendError(HttpServletResponse.SC_UNAUTHORIZED); return; }
        chain.doFilter(req, res);
    }
}
"#;
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract(
            "src/main/java/ApiKeyFilter.java",
            src.as_bytes(),
            &tree,
            &mut out,
        );
        assert!(out.link_hints.iter().any(
            |h| matches!(h, LinkHint::Guard { scope, evidence, .. } if scope == AUTH_FILTER_SCOPE && evidence == "ApiKeyFilter")
        ));
    }

    #[test]
    fn spel_expressions() {
        assert_eq!(
            spel("hasAnyRole('ADMIN', 'OPS')"),
            Decision::Roles(vec!["ADMIN".into(), "OPS".into()])
        );
        assert_eq!(spel("isAuthenticated()"), Decision::Authenticated);
        assert_eq!(spel("permitAll()"), Decision::Permit);
        assert_eq!(
            spel("@orders.isOwner(#id)"),
            Decision::Roles(vec!["@orders.isOwner(#id)".into()])
        );
    }
}
