use super::route_text::{describe, segments};
use crate::code::support::{Sources, no_service};
use crate::prelude::*;
use vouch_code::{Auth, Route};

pub struct WriteRoutesAuthenticated;

static META: ControlMeta = ControlMeta {
    id: "CODE007",
    slug: "write_routes_authenticated",
    title: "Every route that changes data requires authentication",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Attach the authentication guard where it cannot be forgotten: on the router or group that \
                  holds the write routes (`APIRouter(dependencies=[Depends(get_current_user)])`, \
                  `router.use(requireAuth)`, `r.Group(\"/api\").Use(auth)`, a tower layer, Spring Security \
                  `authorizeHttpRequests`), or on each POST/PUT/PATCH/DELETE handler. Keep intentionally \
                  public endpoints (login, sign-up, webhooks verified by signature) on a separate, explicit \
                  public router.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
        "https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",
        "https://owasp.org/www-project-application-security-verification-standard/",
        "https://cwe.mitre.org/data/definitions/306.html",
    ],
    concepts: &[
        "authentication",
        "authenticated endpoints",
        "auth on all write endpoints",
        "protected routes",
        "auth middleware",
        "missing authentication",
        "access control",
        "route inventory",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

From the route inventory (`vouch routes`), every HTTP route with method POST, PUT, PATCH or
DELETE must have an authentication guard: a dependency or decorator on the handler, middleware on
its router or group (also when the router is mounted with auth in another file), a layer, or an
annotation. Each write route without one is listed with its method, full path, handler and
file:line.

Not reported:

- routes whose guard the tool cannot see for sure (auth "unknown", e.g. a custom decorator it
  cannot follow); when every write route is unknown the answer is Unknown;
- routes that accept every method (`app.all`, Django views): whether they write cannot be told
  from the route, so they count as unknown;
- endpoints that are public by design: login, logout, sign-up/register, token and token refresh,
  OAuth callbacks, password reset/forgot, e-mail verification, webhooks (those must verify a
  signature instead).

## Why it matters in production

A write route without authentication lets anyone on the network create, change or delete data.
These routes are found by crawlers and API scanners within hours of a deployment. The usual cause
is not a missing design but a missed line: a new router added without the dependency the other
routers have, or a handler registered before the auth middleware.

## Example

Bad:

```python
router = APIRouter(prefix="/orders")

@router.post("")
def create_order(order: OrderIn, db: Session = Depends(get_db)):
    ...
```

Good:

```python
router = APIRouter(prefix="/orders", dependencies=[Depends(get_current_user)])

@router.post("")
def create_order(order: OrderIn, db: Session = Depends(get_db)):
    ...
```

## References

- OWASP Authorization Cheat Sheet
- OWASP API Security Top 10 2023 API5 Broken Function Level Authorization
- OWASP ASVS V4 "Access Control"
- CWE-306 Missing Authentication for Critical Function
"#,
};

/// The write routes sorted by what their auth says.
#[derive(Default)]
struct WriteRoutes<'a> {
    unprotected: Vec<&'a Route>,
    protected: Vec<(&'a Route, &'a str)>,
    public_by_design: Vec<&'a Route>,
    unknown: Vec<(&'a Route, String)>,
}

impl Check for WriteRoutesAuthenticated {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_service(ws) {
            return na;
        }
        let routes = classify(ws.code.routes());
        let mut sources = Sources::default();
        if !routes.unprotected.is_empty() {
            let findings = routes
                .unprotected
                .iter()
                .map(|route| {
                    sources.route_finding(
                        ws,
                        route,
                        format!(
                            "{} changes data without authentication: no auth guard applies to it",
                            describe(route)
                        ),
                    )
                })
                .collect();
            return Outcome::Fail { findings };
        }
        if routes.protected.is_empty() && !routes.unknown.is_empty() {
            return Outcome::Unknown {
                reason: unknown_reason(&routes.unknown),
            };
        }
        if routes.protected.is_empty() && routes.public_by_design.is_empty() {
            return Outcome::NotApplicable {
                reason: "no route accepts POST, PUT, PATCH or DELETE".into(),
            };
        }
        let mut evidence: Vec<Finding> = routes
            .protected
            .iter()
            .map(|(route, guard)| {
                sources.route_finding(
                    ws,
                    route,
                    format!("{} requires authentication ({guard})", describe(route)),
                )
            })
            .collect();
        evidence.extend(routes.public_by_design.iter().map(|route| {
            sources.route_finding(
                ws,
                route,
                format!(
                    "{} is public by design (sign-in, sign-up, token or webhook endpoint)",
                    describe(route)
                ),
            )
        }));
        evidence.extend(routes.unknown.iter().map(|(route, why)| {
            sources.route_finding(
                ws,
                route,
                format!(
                    "{}: authentication could not be determined ({why})",
                    describe(route)
                ),
            )
        }));
        Outcome::Pass { evidence }
    }
}

fn classify<'a>(routes: impl Iterator<Item = &'a Route>) -> WriteRoutes<'a> {
    let mut out = WriteRoutes::default();
    for route in routes.filter(|r| r.is_write()) {
        match &route.auth {
            Auth::Required { evidence } => out.protected.push((route, evidence)),
            Auth::Unknown { reason } => out.unknown.push((route, reason.clone())),
            Auth::None if route.method == "ANY" => out.unknown.push((
                route,
                "it accepts every method and no guard applies; whether it changes data cannot be told"
                    .into(),
            )),
            Auth::None if public_by_design(&route.path) => out.public_by_design.push(route),
            Auth::None => out.unprotected.push(route),
        }
    }
    out
}

/// Endpoints that must accept unauthenticated writes: signing in or up, obtaining or refreshing
/// a token, OAuth callbacks, password recovery, e-mail verification, webhooks.
fn public_by_design(path: &str) -> bool {
    const PUBLIC: [&str; 21] = [
        "login",
        "logout",
        "signin",
        "signout",
        "logon",
        "signup",
        "register",
        "registration",
        "authenticate",
        "token",
        "refresh",
        "oauth",
        "oauth2",
        "callback",
        "forgotpassword",
        "resetpassword",
        "passwordreset",
        "verifyemail",
        "confirmemail",
        "webhook",
        "webhooks",
    ];
    let parts: Vec<String> = segments(path).map(|s| s.replace(['-', '_'], "")).collect();
    parts.iter().enumerate().any(|(i, part)| {
        PUBLIC.contains(&part.as_str())
            || (matches!(part.as_str(), "reset" | "forgot")
                && i > 0
                && parts[i - 1].starts_with("password"))
    })
}

fn unknown_reason(unknown: &[(&Route, String)]) -> String {
    const SHOWN: usize = 10;
    let mut listed: Vec<String> = unknown
        .iter()
        .take(SHOWN)
        .map(|(route, why)| {
            format!(
                "{} at {}:{} ({why})",
                describe(route),
                route.file,
                route.line
            )
        })
        .collect();
    if unknown.len() > SHOWN {
        listed.push(format!("and {} more", unknown.len() - SHOWN));
    }
    format!(
        "the authentication of every write route is unknown: {}",
        listed.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_code::{CodeIndex, FileCode, RouteKind};

    fn route(method: &str, path: &str, handler: &str, auth: Auth) -> Route {
        Route {
            method: method.into(),
            path: path.into(),
            handler: handler.into(),
            file: "app/routers/orders.py".into(),
            line: 10,
            column: 1,
            framework: "fastapi",
            kind: RouteKind::Http,
            auth,
            roles: vec![],
            scope: String::new(),
        }
    }

    fn required() -> Auth {
        Auth::Required {
            evidence: "Depends(get_current_user)".into(),
        }
    }

    fn index(routes: Vec<Route>) -> CodeIndex {
        CodeIndex::build(vec![FileCode {
            path: "app/routers/orders.py".into(),
            routes,
            ..FileCode::default()
        }])
    }

    #[test]
    fn groups_write_routes_by_auth() {
        let index = index(vec![
            route("GET", "/orders", "list_orders", Auth::None),
            route("POST", "/orders", "create_order", Auth::None),
            route("DELETE", "/orders/{id}", "delete_order", required()),
            route(
                "PUT",
                "/orders/{id}",
                "update_order",
                Auth::Unknown {
                    reason: "custom decorator".into(),
                },
            ),
            route("POST", "/auth/login", "login", Auth::None),
            route("POST", "/webhooks/stripe", "stripe_hook", Auth::None),
            route("ANY", "/legacy", "legacy", Auth::None),
        ]);
        let routes = classify(index.routes());
        let names = |rs: &[&Route]| rs.iter().map(|r| r.handler.clone()).collect::<Vec<_>>();
        assert_eq!(names(&routes.unprotected), ["create_order"]);
        assert_eq!(names(&routes.public_by_design), ["login", "stripe_hook"]);
        assert_eq!(routes.protected.len(), 1);
        assert_eq!(routes.protected[0].1, "Depends(get_current_user)");
        let unknown: Vec<_> = routes.unknown.iter().map(|(r, _)| &r.handler).collect();
        assert_eq!(unknown, ["update_order", "legacy"]);
    }

    #[test]
    fn graphql_and_websocket_routes_are_not_write_routes() {
        let mut gql = route("POST", "/graphql", "graphql", Auth::None);
        gql.kind = RouteKind::GraphQl;
        let index = index(vec![gql]);
        let routes = classify(index.routes());
        assert!(routes.unprotected.is_empty() && routes.unknown.is_empty());
    }

    #[test]
    fn all_unknown_reason_lists_each_route() {
        let index = index(vec![route(
            "POST",
            "/orders",
            "create_order",
            Auth::Unknown {
                reason: "guard from an imported decorator".into(),
            },
        )]);
        let routes = classify(index.routes());
        assert_eq!(
            unknown_reason(&routes.unknown),
            "the authentication of every write route is unknown: `POST /orders` (handler \
             `create_order`) at app/routers/orders.py:10 (guard from an imported decorator)"
        );
    }

    #[test]
    fn public_by_design_paths() {
        for path in [
            "/login",
            "/api/v1/auth/sign-in",
            "/users/register",
            "/oauth/google/callback",
            "/password/reset",
            "/auth/forgot-password",
            "/api/token/refresh",
            "/hooks/webhook",
        ] {
            assert!(public_by_design(path), "{path}");
        }
        for path in [
            "/orders",
            "/api/tokens",
            "/users/{id}/password",
            "/admin/reset-cache",
        ] {
            assert!(!public_by_design(path), "{path}");
        }
    }

    #[test]
    fn describes_inline_handlers() {
        let r = route("PATCH", "/items/:id", "", Auth::None);
        assert_eq!(describe(&r), "`PATCH /items/:id` (an inline handler)");
    }
}
