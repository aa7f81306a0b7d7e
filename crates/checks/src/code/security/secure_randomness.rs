use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct SecureRandomness;

static META: ControlMeta = ControlMeta {
    id: "CODE014",
    slug: "secure_randomness",
    title: "Tokens, keys and reset codes come from a cryptographic random generator",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Generate security values with the platform's CSPRNG: Python `secrets.token_urlsafe()`, \
                  Node `crypto.randomBytes`/`crypto.randomUUID`, Go `crypto/rand`, Rust `rand::rngs::OsRng` \
                  or `getrandom`, Java `SecureRandom`. Keep `random`, `Math.random`, `math/rand` and \
                  `java.util.Random` for simulations and jitter.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html#secure-random-number-generation",
        "https://docs.python.org/3/library/secrets.html",
        "https://cwe.mitre.org/data/definitions/338.html",
        "https://cwe.mitre.org/data/definitions/330.html",
    ],
    concepts: &[
        "secure random",
        "CSPRNG",
        "cryptographically secure randomness",
        "token generation",
        "insecure randomness",
        "session tokens",
        "password reset tokens",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Values that protect something (session IDs, API keys, password reset and e-mail verification
tokens, one-time codes, generated passwords, salts) must come from a cryptographic random number
generator. The control fails where such a value is produced with `random.*`, `Math.random()`,
`math/rand`, `rand::thread_rng` used for keys in old `rand` versions, `java.util.Random`, or
`uuid1`/time-based IDs.

Non-cryptographic randomness for retry jitter, sampling, shuffling test data or picking a
colour is not reported.

## Why it matters in production

General-purpose generators are predictable: their state can be recovered from a handful of
outputs (V8's `Math.random`, Python's Mersenne Twister), and some are seeded from the clock. An
attacker who can request a few tokens can compute the next user's password reset link or
session ID and take over the account.

## Example

Bad:

```javascript
function resetToken() {
  return Math.random().toString(36).slice(2);
}
```

Good:

```javascript
const crypto = require("node:crypto");

function resetToken() {
  return crypto.randomBytes(32).toString("base64url");
}
```

## References

- OWASP Cryptographic Storage Cheat Sheet: Secure Random Number Generation
- Python documentation: the secrets module
- CWE-338 Use of Cryptographically Weak PRNG, CWE-330 Use of Insufficiently Random Values
"#,
};

impl Check for SecureRandomness {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskInsecureRandom),
            |fact| {
                format!(
                    "a security value is generated with non-cryptographic randomness ({}): it can be predicted",
                    fact.detail
                )
            },
            "no token, key or password generated with non-cryptographic randomness found",
        )
    }
}
