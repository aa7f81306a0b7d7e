//! Cross-file Java resolution: the URL rules of the project's `SecurityFilterChain`(s) decide
//! the auth of routes that carry no security annotation; `@EnableMethodSecurity` decides whether
//! `@PreAuthorize` & co. are enforced at all; dead-letter and WebSocket-limit configuration in a
//! config class completes the consumer and handler facts of other files. The reserved hints are
//! removed afterwards so the shared linker never sees them.

use super::capabilities::{KAFKA_DLQ_SCOPE, RABBIT_DLQ_SCOPE, WS_LIMITS_SCOPE};
use super::routes::{JAXRS_UNANNOTATED, SPRING_PENDING};
use super::security::{
    self, AUTH_FILTER_SCOPE, CHAIN_SCOPE, Chain, METHOD_SECURITY_SCOPE, decision_auth,
};
use crate::model::{Auth, FactKind, FileCode, Language, LinkHint, Route};

const RESERVED: [&str; 6] = [
    CHAIN_SCOPE,
    AUTH_FILTER_SCOPE,
    METHOD_SECURITY_SCOPE,
    KAFKA_DLQ_SCOPE,
    RABBIT_DLQ_SCOPE,
    WS_LIMITS_SCOPE,
];

#[derive(Default)]
struct Project {
    chains: Vec<Chain>,
    method_security: bool,
    spring_security: bool,
    /// Servlet filters or interceptors that reject unauthenticated requests.
    auth_filters: Vec<String>,
    kafka_dlq: bool,
    rabbit_dlq: bool,
    ws_limits: bool,
}

pub fn link(files: &mut [FileCode]) {
    let mut project = Project::default();
    for file in files
        .iter_mut()
        .filter(|f| f.language == Some(Language::Java))
    {
        project.spring_security |= file
            .imports
            .iter()
            .any(|i| i.starts_with("org.springframework.security"));
        file.link_hints.retain(|hint| {
            let LinkHint::Guard {
                scope, evidence, ..
            } = hint
            else {
                return true;
            };
            match scope.as_str() {
                CHAIN_SCOPE => project.chains.push(security::decode(evidence)),
                METHOD_SECURITY_SCOPE => project.method_security = true,
                AUTH_FILTER_SCOPE => project.auth_filters.push(evidence.clone()),
                KAFKA_DLQ_SCOPE => project.kafka_dlq = true,
                RABBIT_DLQ_SCOPE => project.rabbit_dlq = true,
                WS_LIMITS_SCOPE => project.ws_limits = true,
                _ => return true,
            }
            !RESERVED.contains(&scope.as_str())
        });
    }
    project.spring_security |= !project.chains.is_empty() || project.method_security;
    for file in files
        .iter_mut()
        .filter(|f| f.language == Some(Language::Java))
    {
        for route in &mut file.routes {
            resolve_route(&project, route);
        }
        for fact in &mut file.facts {
            match &mut fact.kind {
                FactKind::QueueConsumer { retry_dlq } if !*retry_dlq => {
                    let kafka = fact.detail.starts_with("@KafkaListener");
                    let rabbit = fact.detail.starts_with("@RabbitListener");
                    if (kafka && project.kafka_dlq) || (rabbit && project.rabbit_dlq) {
                        *retry_dlq = true;
                        fact.detail
                            .push_str(" (dead-letter handling configured in the project)");
                    }
                }
                FactKind::WebSocketHandler { limits } if !*limits && project.ws_limits => {
                    *limits = true;
                    fact.detail
                        .push_str(" (container message-size and idle limits configured)");
                }
                _ => {}
            }
        }
    }
}

enum Filter {
    /// No Spring Security anywhere in the code.
    Absent,
    Decided(Auth, Vec<String>),
    Unknown(String),
}

fn resolve_route(project: &Project, route: &mut Route) {
    let current = route.auth.clone();
    let pending = matches!(&current, Auth::Unknown { reason } if reason == SPRING_PENDING);
    let jaxrs_open = matches!(&current, Auth::Unknown { reason } if reason == JAXRS_UNANNOTATED);
    let filter = filter_decision(project, route);
    if let Auth::Required { evidence } = &current {
        if project.method_security || route.framework == "jax-rs" {
            return;
        }
        match filter {
            Filter::Decided(auth @ Auth::Required { .. }, roles) => {
                route.auth = auth;
                route.roles = roles;
            }
            _ => {
                route.auth = Auth::Unknown {
                    reason: format!(
                        "{evidence} on the handler, but no @EnableMethodSecurity was found: \
                         the annotation may not be enforced"
                    ),
                };
                route.roles.clear();
            }
        }
        return;
    }
    match filter {
        Filter::Decided(auth @ Auth::Required { .. }, roles) => {
            route.auth = auth;
            route.roles = roles;
        }
        _ if jaxrs_open => {}
        Filter::Decided(auth, roles) => {
            route.auth = auth;
            route.roles = roles;
        }
        Filter::Absent => {
            if pending {
                route.auth = Auth::None;
            }
        }
        Filter::Unknown(reason) => route.auth = Auth::Unknown { reason },
    }
}

fn filter_decision(project: &Project, route: &Route) -> Filter {
    if project.chains.is_empty() {
        if !project.spring_security && !project.auth_filters.is_empty() {
            return Filter::Unknown(format!(
                "no Spring Security, but {} may reject unauthenticated requests (its URL \
                 coverage is not read)",
                project.auth_filters.join(", ")
            ));
        }
        return if project.spring_security {
            Filter::Unknown(
                "Spring Security is used but no authorizeHttpRequests rules were found: its \
                 defaults or configuration vouch does not read decide"
                    .into(),
            )
        } else {
            Filter::Absent
        };
    }
    let candidates: Vec<&Chain> = project
        .chains
        .iter()
        .filter(|c| {
            c.matcher
                .as_ref()
                .is_none_or(|m| m.iter().any(|p| ant_match(p, &route.path)))
        })
        .collect();
    let chain = match candidates.as_slice() {
        [] => {
            return Filter::Unknown(
                "no SecurityFilterChain's securityMatcher covers this path".into(),
            );
        }
        [one] => *one,
        _ => {
            return Filter::Unknown(
                "several SecurityFilterChain beans could apply to this path; their @Order decides"
                    .into(),
            );
        }
    };
    if let Some(reason) = &chain.unreadable {
        return Filter::Unknown(reason.clone());
    }
    for rule in &chain.rules {
        let path_matches =
            rule.patterns.is_empty() || rule.patterns.iter().any(|p| ant_match(p, &route.path));
        if !path_matches {
            continue;
        }
        if let Some(method) = &rule.method {
            if route.method == "ANY" {
                return Filter::Unknown(format!(
                    "the handler accepts any method and a {method}-only rule matches its path ({})",
                    rule.evidence
                ));
            }
            if *method != route.method {
                continue;
            }
        }
        let (auth, roles) = decision_auth(rule.decision.clone(), rule.evidence.clone());
        return match auth {
            Auth::Unknown { reason } => Filter::Unknown(reason),
            auth => Filter::Decided(auth, roles),
        };
    }
    Filter::Unknown(format!(
        "no rule of the SecurityFilterChain at {} matches this path",
        chain.at
    ))
}

/// Spring's Ant/path-pattern matching of a route template against a matcher pattern: `**`
/// spans any number of segments, `*` and `?` glob within a segment, `{var}` is one segment.
/// A route variable segment (`{id}`) only matches a wildcard or variable pattern segment.
pub fn ant_match(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let s: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if p.len() > 64 || s.len() > 64 {
        return false;
    }
    // reachable[j]: the pattern prefix processed so far can consume the first j segments.
    let mut reachable = vec![false; s.len() + 1];
    reachable[0] = true;
    for seg in &p {
        let mut next = vec![false; s.len() + 1];
        if *seg == "**" {
            let mut any = false;
            for j in 0..=s.len() {
                any |= reachable[j];
                next[j] = any;
            }
        } else {
            for j in 0..s.len() {
                if reachable[j] && segment_match(seg, s[j]) {
                    next[j + 1] = true;
                }
            }
        }
        reachable = next;
    }
    reachable[s.len()]
}

fn is_variable(seg: &str) -> bool {
    seg.starts_with('{') && seg.ends_with('}')
}

fn segment_match(pattern: &str, seg: &str) -> bool {
    if is_variable(pattern) || pattern == "*" {
        return true;
    }
    if is_variable(seg) || seg.starts_with('<') {
        return false;
    }
    glob(pattern.as_bytes(), seg.as_bytes())
}

/// `*` and `?` glob over one segment (iterative with one backtrack point).
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RouteKind;

    #[test]
    fn ant_patterns() {
        assert!(ant_match("/api/**", "/api/orders/{id}"));
        assert!(ant_match("/api/**", "/api"));
        assert!(ant_match("/api/*/items", "/api/{id}/items"));
        assert!(!ant_match("/api/*", "/api/orders/{id}"));
        assert!(ant_match("/public/*.json", "/public/a.json"));
        assert!(!ant_match("/api/orders/export", "/api/orders/{id}"));
        assert!(ant_match("/**", "/"));
        assert!(ant_match("/api/**/admin", "/api/v1/x/admin"));
        assert!(!ant_match("/admin/**", "/api/admin"));
    }

    fn file(path: &str, routes: Vec<Route>, hints: Vec<LinkHint>, imports: &[&str]) -> FileCode {
        FileCode {
            path: path.into(),
            language: Some(Language::Java),
            routes,
            link_hints: hints,
            imports: imports.iter().map(|s| s.to_string()).collect(),
            ..FileCode::default()
        }
    }

    fn route(method: &str, path: &str, auth: Auth) -> Route {
        Route {
            method: method.into(),
            path: path.into(),
            handler: "C#m".into(),
            file: "C.java".into(),
            line: 1,
            column: 1,
            framework: "spring",
            kind: RouteKind::Http,
            auth,
            roles: vec![],
            scope: String::new(),
        }
    }

    fn pending() -> Auth {
        Auth::Unknown {
            reason: SPRING_PENDING.into(),
        }
    }

    #[test]
    fn no_spring_security_means_no_auth() {
        let mut files = vec![file(
            "C.java",
            vec![route("POST", "/x", pending())],
            vec![],
            &[],
        )];
        link(&mut files);
        assert_eq!(files[0].routes[0].auth, Auth::None);
    }

    #[test]
    fn filter_chain_in_one_file_guards_routes_of_others() {
        let security = r#"
@Configuration
public class SecurityConfig {
    @Bean
    SecurityFilterChain chain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a
                .requestMatchers("/ws/**", "/metrics").permitAll()
                .requestMatchers(HttpMethod.DELETE, "/api/**").hasAuthority("SCOPE_orders:admin")
                .anyRequest().authenticated())
            .build();
    }
}
"#;
        let controllers = r#"
@Controller
public class OrderGraph {
    @MutationMapping public Order cancel(@Argument long id) { return null; }
}
@RestController
@RequestMapping("/api/orders")
class Orders {
    @DeleteMapping("/{id}") public void delete(@PathVariable long id) {}
    @RequestMapping("/legacy") public void legacy() {}
}
@RestController
class Metrics {
    @GetMapping("/metrics") public String scrape() { return registry.scrape(); }
}
@ServerEndpoint("/ws/chat")
class Chat {}
"#;
        let files = vec![
            crate::extract("src/main/java/app/SecurityConfig.java", security.as_bytes())
                .expect("java"),
            crate::extract("src/main/java/app/web/Orders.java", controllers.as_bytes())
                .expect("java"),
        ];
        let index = crate::CodeIndex::build(files);
        let auth_of = |path: &str, method: &str| {
            index
                .routes()
                .find(|r| r.path == path && r.method == method)
                .map(|r| (r.auth.clone(), r.roles.clone()))
                .expect(path)
        };
        assert!(auth_of("/graphql", "POST").0.is_required());
        assert_eq!(
            auth_of("/api/orders/{id}", "DELETE").1,
            vec!["SCOPE_orders:admin".to_string()]
        );
        assert!(matches!(
            auth_of("/api/orders/legacy", "ANY").0,
            Auth::Unknown { .. }
        ));
        assert_eq!(auth_of("/ws/chat", "GET").0, Auth::None);
        assert_eq!(auth_of("/metrics", "GET").0, Auth::None);
        assert!(index.facts().any(|(_, f)| f.kind
            == FactKind::MetricsEndpoint {
                path: "/metrics".into()
            }));
        assert!(index.files.iter().all(|f| f.link_hints.is_empty()));
    }

    #[test]
    fn custom_auth_filters_make_unannotated_routes_unknown() {
        let mut files = vec![file(
            "C.java",
            vec![route("POST", "/x", pending())],
            vec![LinkHint::Guard {
                scope: AUTH_FILTER_SCOPE.into(),
                evidence: "ApiKeyFilter".into(),
                line: 3,
            }],
            &[],
        )];
        link(&mut files);
        assert!(
            matches!(&files[0].routes[0].auth, Auth::Unknown { reason } if reason.contains("ApiKeyFilter"))
        );
    }

    #[test]
    fn annotations_need_method_security() {
        let annotated = Auth::Required {
            evidence: "@PreAuthorize(\"hasRole('ADMIN')\")".into(),
        };
        let mut files = vec![file(
            "C.java",
            vec![route("POST", "/x", annotated.clone())],
            vec![],
            &["org.springframework.security.access.prepost.PreAuthorize"],
        )];
        link(&mut files);
        assert!(matches!(files[0].routes[0].auth, Auth::Unknown { .. }));
        let mut files = vec![file(
            "C.java",
            vec![route("POST", "/x", annotated.clone())],
            vec![LinkHint::Guard {
                scope: METHOD_SECURITY_SCOPE.into(),
                evidence: "@EnableMethodSecurity".into(),
                line: 1,
            }],
            &[],
        )];
        link(&mut files);
        assert_eq!(files[0].routes[0].auth, annotated);
        assert!(files[0].link_hints.is_empty());
    }
}
