use super::route_text::{describe, segments};
use crate::code::support::{Sources, no_service};
use crate::prelude::*;
use vouch_code::{Auth, Route};

pub struct AdminRoutesRequireRole;

static META: ControlMeta = ControlMeta {
    id: "CODE018",
    slug: "admin_routes_require_role",
    title: "Admin routes require an admin role, not just a login",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Guard the admin router or group with a role or permission check, not only authentication: \
                  `APIRouter(prefix=\"/admin\", dependencies=[Depends(require_role(\"admin\"))])`, \
                  `router.use(requireRole(\"admin\"))`, `@PreAuthorize(\"hasRole('ADMIN')\")`, \
                  `.hasRole(\"ADMIN\")` on `/admin/**`, a role-checking layer or middleware on the group.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
        "https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",
        "https://cwe.mitre.org/data/definitions/269.html",
        "https://cwe.mitre.org/data/definitions/285.html",
    ],
    concepts: &[
        "RBAC",
        "role-based access control",
        "admin endpoints",
        "least privilege",
        "privilege escalation",
        "authorization",
        "permissions",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every route with an `admin` path segment (`/admin/...`, `/api/admin/...`, `/admin-api/...`) must
require a role or permission beyond being logged in: a role dependency, a `requireRole` middleware
on its router, `@PreAuthorize`/`@RolesAllowed`/`@Secured`, a Spring Security `hasRole` rule, a
role-checking layer. Each admin route with no role requirement is listed, saying whether it has
no authentication at all or authentication only.

Routes whose authentication the tool cannot determine make the answer Unknown when no admin
route fails. Django's built-in admin site (`admin.site.urls`) checks staff status itself and is
accepted. The control is not applicable when the code has no admin routes.

## Why it matters in production

An admin endpoint guarded only by "is logged in" is open to every user who can sign up: one
request escalates a customer to an administrator, exports all users or changes someone else's
billing. Broken function-level authorization is one of the most common API flaws because the
route looks protected in the inventory.

## Example

Bad:

```javascript
const admin = express.Router();
admin.use(requireAuth);
admin.delete("/users/:id", deleteUser);
app.use("/admin", admin);
```

Good:

```javascript
const admin = express.Router();
admin.use(requireAuth, requireRole("admin"));
admin.delete("/users/:id", deleteUser);
app.use("/admin", admin);
```

## References

- OWASP Authorization Cheat Sheet
- OWASP API Security Top 10 2023 API5 Broken Function Level Authorization
- OWASP ASVS V4.2 "Operation Level Access Control"
- CWE-269 Improper Privilege Management, CWE-285 Improper Authorization
"#,
};

/// What guards one admin route.
#[derive(Debug, PartialEq, Eq)]
enum Guarded {
    Role(String),
    LoginOnly,
    Nothing,
    Unknown(String),
}

impl Check for AdminRoutesRequireRole {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_service(ws) {
            return na;
        }
        let admin: Vec<&Route> = ws.code.routes().filter(|r| is_admin_route(r)).collect();
        if admin.is_empty() {
            return Outcome::NotApplicable {
                reason: "no route has an `admin` path segment".into(),
            };
        }
        let mut sources = Sources::default();
        let (mut fails, mut passes, mut unknowns) = (Vec::new(), Vec::new(), Vec::new());
        for route in admin {
            let what = describe(route);
            match guarded(route) {
                Guarded::Role(roles) => passes.push(sources.route_finding(
                    ws,
                    route,
                    format!("{what} requires {roles}"),
                )),
                Guarded::LoginOnly => fails.push(sources.route_finding(
                    ws,
                    route,
                    format!(
                        "admin route {what} requires a login but no admin role: any signed-in user can call it"
                    ),
                )),
                Guarded::Nothing => fails.push(sources.route_finding(
                    ws,
                    route,
                    format!("admin route {what} has no authentication and no role check"),
                )),
                Guarded::Unknown(why) => unknowns.push(format!(
                    "{what} at {}:{} ({why})",
                    route.file, route.line
                )),
            }
        }
        if !fails.is_empty() {
            Outcome::Fail { findings: fails }
        } else if !unknowns.is_empty() {
            Outcome::Unknown {
                reason: format!(
                    "whether these admin routes require a role cannot be determined: {}",
                    unknowns.join("; ")
                ),
            }
        } else {
            Outcome::Pass { evidence: passes }
        }
    }
}

/// A route under an `admin` path segment (`admin`, `admin-api`, `admin_panel`).
fn is_admin_route(route: &Route) -> bool {
    segments(&route.path)
        .any(|s| s == "admin" || s.starts_with("admin-") || s.starts_with("admin_"))
}

fn guarded(route: &Route) -> Guarded {
    if !route.roles.is_empty() {
        let roles = route
            .roles
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Guarded::Role(format!("role or permission {roles}"));
    }
    // Django's admin site checks `is_staff` (and per-model permissions) on every view itself.
    if route.handler.starts_with("admin.site") {
        return Guarded::Role("Django admin staff status (checked by `admin.site`)".into());
    }
    match &route.auth {
        Auth::Required { .. } => Guarded::LoginOnly,
        Auth::None => Guarded::Nothing,
        Auth::Unknown { reason } => Guarded::Unknown(reason.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_code::RouteKind;

    fn route(path: &str, handler: &str, auth: Auth, roles: &[&str]) -> Route {
        Route {
            method: "GET".into(),
            path: path.into(),
            handler: handler.into(),
            file: "src/routes/admin.js".into(),
            line: 4,
            column: 1,
            framework: "express",
            kind: RouteKind::Http,
            auth,
            roles: roles.iter().map(|r| r.to_string()).collect(),
            scope: String::new(),
        }
    }

    #[test]
    fn admin_segments() {
        let r = |p: &str| route(p, "h", Auth::None, &[]);
        assert!(is_admin_route(&r("/admin/users")));
        assert!(is_admin_route(&r("/api/v1/Admin")));
        assert!(is_admin_route(&r("/admin-api/stats")));
        assert!(!is_admin_route(&r("/administrators-guide")));
        assert!(!is_admin_route(&r("/users/{admin_id}")));
        assert!(!is_admin_route(&r("/badminton")));
    }

    #[test]
    fn roles_login_and_unknown() {
        let login = Auth::Required {
            evidence: "requireAuth".into(),
        };
        assert_eq!(
            guarded(&route("/admin/users", "list", login.clone(), &["admin"])),
            Guarded::Role("role or permission `admin`".into())
        );
        assert_eq!(
            guarded(&route("/admin/users", "list", login, &[])),
            Guarded::LoginOnly
        );
        assert_eq!(
            guarded(&route("/admin/users", "list", Auth::None, &[])),
            Guarded::Nothing
        );
        assert!(matches!(
            guarded(&route("/admin/", "admin.site.urls", Auth::None, &[])),
            Guarded::Role(_)
        ));
        assert!(matches!(
            guarded(&route(
                "/admin/x",
                "x",
                Auth::Unknown {
                    reason: "custom decorator".into()
                },
                &[]
            )),
            Guarded::Unknown(_)
        ));
    }
}
