use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct AuthorizationNotAlwaysAllow;

static META: ControlMeta = ControlMeta {
    id: "CODE004",
    slug: "authorization_not_always_allow",
    title: "Authorization checks really decide: none always allows",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Implement the check against the caller's identity and the resource (role, ownership, \
                  permission), deny by default, and cover both the allowed and the denied case with tests. \
                  Remove placeholder guards (`return True`, `canActivate() { return true; }`) before release.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
        "https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
        "https://cwe.mitre.org/data/definitions/285.html",
        "https://cwe.mitre.org/data/definitions/862.html",
    ],
    concepts: &[
        "authorization",
        "access control",
        "RBAC",
        "permission checks",
        "deny by default",
        "broken access control",
        "guards",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Functions and classes that act as authorization guards (`has_permission`, `is_authorized`,
`check_access`, NestJS `canActivate`, Spring `AccessDecisionVoter`/`AuthorizationManager`,
permission classes, middleware named for authorization) must be able to say no. The control
fails where such a guard unconditionally returns true/allows/calls `next()`, or ignores its
inputs and grants access.

## Why it matters in production

An authorization guard that always allows looks like protection in code review and in the
route inventory, but every caller gets through: any logged-in user (or anyone, when the guard is
the only check) can read and change other users' data. Placeholder guards written "for now"
during development are a common way this reaches production.

## Example

Bad:

```python
class IsProjectMember(BasePermission):
    def has_object_permission(self, request, view, obj):
        return True  # TODO: check membership
```

Good:

```python
class IsProjectMember(BasePermission):
    def has_object_permission(self, request, view, obj):
        return obj.members.filter(id=request.user.id).exists()
```

## References

- OWASP Authorization Cheat Sheet
- OWASP Top 10 A01:2021 Broken Access Control
- OWASP ASVS V4.1 "General Access Control Design"
- CWE-285 Improper Authorization, CWE-862 Missing Authorization
"#,
};

impl Check for AuthorizationNotAlwaysAllow {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskAuthAlwaysAllows),
            |fact| {
                format!(
                    "this authorization check always allows ({}): every caller is granted access",
                    fact.detail
                )
            },
            "no authorization function that always allows found",
        )
    }
}
