use crate::code::support::{Sources, no_code};
use crate::prelude::*;
use vouch_code::FactKind;

pub struct PasswordPolicy;

static META: ControlMeta = ControlMeta {
    id: "CODE016",
    slug: "password_policy",
    title: "New passwords are checked for length and against known-breached passwords",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Validate every password a user sets (sign-up, change, reset): at least 8 characters (12+ \
                  recommended), a generous maximum (64+), and a check against common and breached passwords \
                  (zxcvbn, Have I Been Pwned k-anonymity API, Django `AUTH_PASSWORD_VALIDATORS`, \
                  a `min_length` on the schema field). Do not impose composition rules instead.",
    references: &[
        "https://pages.nist.gov/800-63-3/sp800-63b.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#implement-proper-password-strength-controls",
        "https://docs.djangoproject.com/en/stable/topics/auth/passwords/#module-django.contrib.auth.password_validation",
        "https://cwe.mitre.org/data/definitions/521.html",
    ],
    concepts: &[
        "password policy",
        "password strength",
        "minimum password length",
        "breached password check",
        "password validation",
        "NIST 800-63B",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the code lets users set a password (registration, password change, password reset), some
password policy must be enforced somewhere: a minimum length on the password field or in the
handler (`Field(min_length=12)`, `z.string().min(12)`, `@Size(min = 12)`, `len(password) <
12`), Django `AUTH_PASSWORD_VALIDATORS`, or a breached/common password check (zxcvbn, Have I Been
Pwned). The control fails at each place a password is set when no such check exists in the code;
it is not applicable when the code never sets passwords (for example when login is delegated to
an identity provider).

## Why it matters in production

Without a policy users pick `123456`, `password` and their e-mail address, and credential
stuffing and password spraying succeed against them with a handful of guesses per account. NIST
800-63B asks for a minimum length and a check against known-compromised passwords, and no
composition rules: the check must exist in the service that accepts the password.

## Example

Bad:

```python
class SignUp(BaseModel):
    email: EmailStr
    password: str

@router.post("/signup")
def signup(body: SignUp):
    return users.create(body.email, hasher.hash(body.password))
```

Good:

```python
class SignUp(BaseModel):
    email: EmailStr
    password: str = Field(min_length=12, max_length=128)

@router.post("/signup")
def signup(body: SignUp):
    if is_breached(body.password):  # Have I Been Pwned range API
        raise HTTPException(422, "this password appears in known data breaches")
    return users.create(body.email, hasher.hash(body.password))
```

## References

- NIST SP 800-63B section 5.1.1.2 "Memorized Secret Verifiers"
- OWASP Authentication Cheat Sheet: password strength controls
- Django documentation: password validation
- CWE-521 Weak Password Requirements
"#,
};

impl Check for PasswordPolicy {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_code(ws) {
            return na;
        }
        let mut sources = Sources::default();
        let mut sets = Vec::new();
        let mut policies = Vec::new();
        for (file, fact) in ws.code.facts() {
            match fact.kind {
                FactKind::PasswordSet => sets.push((file, fact)),
                FactKind::HasPasswordPolicy => policies.push((file, fact)),
                _ => {}
            }
        }
        if sets.is_empty() {
            return Outcome::NotApplicable {
                reason: "the code never lets users set a password".into(),
            };
        }
        if policies.is_empty() {
            let findings = sets
                .iter()
                .map(|(file, fact)| {
                    sources.fact_finding(
                        ws,
                        file,
                        fact,
                        format!(
                            "users set a password here ({}) but no minimum length or breached-password \
                             check exists anywhere in the code",
                            fact.detail
                        ),
                    )
                })
                .collect();
            return Outcome::Fail { findings };
        }
        Outcome::Pass {
            evidence: policies
                .iter()
                .map(|(file, fact)| sources.fact_finding(ws, file, fact, fact.detail.clone()))
                .collect(),
        }
    }
}
