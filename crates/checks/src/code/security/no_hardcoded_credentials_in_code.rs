use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct NoHardcodedCredentialsInCode;

static META: ControlMeta = ControlMeta {
    id: "CODE003",
    slug: "no_hardcoded_credentials_in_code",
    title: "No passwords or tokens are written into application code",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Read credentials from the environment or a secret manager at startup \
                  (`os.environ[\"ADMIN_PASSWORD\"]`, `process.env.API_TOKEN`), compare tokens against a \
                  stored hash or an identity provider, and create the first admin account with a \
                  one-time generated password. Rotate any credential that was committed.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/798.html",
        "https://cwe.mitre.org/data/definitions/259.html",
    ],
    concepts: &[
        "hardcoded credentials",
        "hard-coded passwords",
        "default admin password",
        "static API token",
        "secrets management",
        "no secrets in code",
        "credentials in source code",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Login and auth code must not contain the credentials themselves. The control fails at:

- a literal password compared or accepted in a login path (`if password == "admin123"`);
- a static bearer token or API key compared in auth code (`if token == "Bearer s3cr3t"`);
- a default admin account created with a literal password (`create_user("admin", "admin")`).

The credential is redacted in the report. Placeholders (`changeme` read from an example file,
`${VAR}`), values read from the environment, and test files are not reported. Secrets in
configuration files are covered by the repository secret controls.

## Why it matters in production

A credential in code is known to everyone who can read the repository, its forks, CI logs and
every container image built from it, and it cannot be rotated without a release. Default admin
passwords are the first thing attackers try; static tokens compared in code never expire and
are shared by every caller.

## Example

Bad:

```javascript
function requireApiKey(req, res, next) {
  if (req.get("Authorization") === "Bearer 9f8e7d6c5b4a") return next();
  res.status(401).end();
}
```

Good:

```javascript
const crypto = require("node:crypto");
const expected = Buffer.from(process.env.API_KEY_SHA256, "hex");

function requireApiKey(req, res, next) {
  const given = crypto.createHash("sha256").update(req.get("X-API-Key") ?? "").digest();
  if (crypto.timingSafeEqual(given, expected)) return next();
  res.status(401).end();
}
```

## References

- OWASP Secrets Management Cheat Sheet
- OWASP ASVS V2.10 "Service Authentication" and V6.4 "Secret Management"
- CWE-798 Use of Hard-coded Credentials, CWE-259 Use of Hard-coded Password
"#,
};

impl Check for NoHardcodedCredentialsInCode {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskHardcodedCredential),
            |fact| {
                format!(
                    "a credential is written into the code ({}): read it from the environment or a secret manager",
                    fact.detail
                )
            },
            "no literal passwords, static tokens or default admin passwords found in code",
        )
    }
}
