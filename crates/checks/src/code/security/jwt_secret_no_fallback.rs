use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct JwtSecretNoFallback;

static META: ControlMeta = ControlMeta {
    id: "CODE006",
    slug: "jwt_secret_no_fallback",
    title: "The JWT signing secret has no literal fallback in code",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Read the signing key without a default and stop at startup when it is missing \
                  (`os.environ[\"JWT_SECRET\"]`, a required pydantic-settings field, \
                  `process.env.JWT_SECRET ?? throw`, `log.Fatal` when `os.Getenv` is empty). Rotate the key \
                  if a fallback value was ever used in a deployed environment.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/1188.html",
        "https://cwe.mitre.org/data/definitions/798.html",
    ],
    concepts: &[
        "JWT secret",
        "signing key",
        "secret key",
        "insecure default",
        "fail fast on missing config",
        "secrets management",
        "JWT",
        "default signing secret",
        "signing secret fallback",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The key that signs or verifies JWTs must come from configuration with no literal default. The
control fails where the secret is read with a fallback written in the code:
`os.getenv("JWT_SECRET", "dev-secret")`, `process.env.JWT_SECRET || "changeme"`, a settings
field `jwt_secret: str = "secret"`, Go `os.Getenv` followed by a literal when empty,
`unwrap_or("...")` in Rust, `@Value("${jwt.secret:default}")` in Spring. The fallback is redacted
in the report.

## Why it matters in production

When the variable is missing in one environment (a new region, a renamed secret, a typo in the
manifest) the service starts anyway and signs tokens with a key that is printed in the
repository. Anyone who reads it can mint tokens for any user. Failing at startup turns that
silent compromise into an obvious deployment error.

## Example

Bad:

```javascript
const JWT_SECRET = process.env.JWT_SECRET || "super-secret-dev-key";
```

Good:

```javascript
const JWT_SECRET = process.env.JWT_SECRET;
if (!JWT_SECRET) {
  throw new Error("JWT_SECRET is not set");
}
```

## References

- OWASP JSON Web Token Cheat Sheet
- OWASP Secrets Management Cheat Sheet
- CWE-1188 Initialization of a Resource with an Insecure Default
- CWE-798 Use of Hard-coded Credentials
"#,
};

impl Check for JwtSecretNoFallback {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskJwtSecretFallback),
            |fact| {
                format!(
                    "the JWT secret falls back to a literal written in the code ({}): a missing variable \
                     silently signs tokens with a public key",
                    fact.detail
                )
            },
            "no JWT secret with a literal fallback found",
        )
    }
}
