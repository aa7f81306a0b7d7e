use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct StrongPasswordHashing;

static META: ControlMeta = ControlMeta {
    id: "CODE013",
    slug: "strong_password_hashing",
    title: "Passwords are hashed with a slow password hash (argon2, bcrypt, scrypt)",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Hash passwords with Argon2id, scrypt or bcrypt through a maintained library \
                  (`argon2-cffi`, `passlib`/`pwdlib`, `bcrypt`, Node `argon2`, Go `golang.org/x/crypto/argon2` \
                  or `bcrypt`, Rust `argon2`, Spring `Argon2PasswordEncoder`/`BCryptPasswordEncoder`), and \
                  re-hash existing MD5/SHA hashes on the user's next login.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
        "https://pages.nist.gov/800-63-3/sp800-63b.html",
        "https://cwe.mitre.org/data/definitions/916.html",
        "https://cwe.mitre.org/data/definitions/759.html",
    ],
    concepts: &[
        "password hashing",
        "bcrypt",
        "argon2",
        "scrypt",
        "password storage",
        "salted hashes",
        "weak hashing",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Code that stores or checks passwords must use a password hashing function. The control fails
where a password is hashed with a fast, general-purpose hash: MD5, SHA-1, SHA-256/512 (with or
without a salt), `hashlib`, `crypto.createHash`, `sha256.Sum256`, `MessageDigest`, or Django's
`MD5PasswordHasher`/`UnsaltedSHA1PasswordHasher`.

Fast hashes of values that are not passwords (file checksums, cache keys, ETags, HMAC of
webhooks) are not reported.

## Why it matters in production

When a database is leaked, fast hashes are cracked at billions of guesses per second on one GPU:
most real passwords fall within hours, and users reuse them elsewhere. Argon2id, scrypt and
bcrypt are deliberately slow and memory-hard, which makes the same attack thousands of times
more expensive.

## Example

Bad:

```python
def set_password(user: User, password: str) -> None:
    user.password_hash = hashlib.sha256(password.encode()).hexdigest()
```

Good:

```python
from argon2 import PasswordHasher

hasher = PasswordHasher()

def set_password(user: User, password: str) -> None:
    user.password_hash = hasher.hash(password)
```

## References

- OWASP Password Storage Cheat Sheet
- NIST SP 800-63B section 5.1.1.2 "Memorized Secret Verifiers"
- CWE-916 Use of Password Hash With Insufficient Computational Effort
"#,
};

impl Check for StrongPasswordHashing {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskWeakPasswordHash),
            |fact| {
                format!(
                    "a password is hashed with a fast hash ({}): use argon2id, scrypt or bcrypt",
                    fact.detail
                )
            },
            "no password hashed with a fast hash (MD5, SHA-1, SHA-2) found",
        )
    }
}
