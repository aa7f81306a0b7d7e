use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct JwtVerified;

static META: ControlMeta = ControlMeta {
    id: "CODE005",
    slug: "jwt_verified",
    title: "JWTs are verified with a fixed algorithm before they are trusted",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Decode tokens only with signature verification and an explicit allow-list of algorithms \
                  (`jwt.decode(token, key, algorithms=[\"RS256\"])`, `jwt.verify(token, key, { algorithms: \
                  [\"RS256\"] })`, `jwt.Parse` with a key function that checks the method). Never use \
                  `jwt.decode` without verification, `verify_signature: False`, or accept `none`.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
        "https://datatracker.ietf.org/doc/html/rfc8725",
        "https://cwe.mitre.org/data/definitions/347.html",
        "https://cwe.mitre.org/data/definitions/327.html",
    ],
    concepts: &[
        "JWT",
        "JWT verification",
        "token validation",
        "signature verification",
        "alg none",
        "bearer tokens",
        "authentication",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every place the code reads a JSON Web Token must verify its signature. The control fails where
a token is decoded with verification switched off (PyJWT `options={"verify_signature": False}`,
`jsonwebtoken.decode()` used in place of `verify()`, jose `decode_jwt` without a key,
`ParseUnverified`, `insecure_disable_signature_validation`, `Jwts.parser().parse` of an unsigned
token) or where the `none` algorithm is accepted (`algorithms=["none"]`, `alg: none` allowed).

## Why it matters in production

An unverified JWT is just JSON the client wrote: anyone can set `"sub": "admin"` or
`"role": "owner"` and the service will believe it. Accepting `none` has the same effect, since
the attacker removes the signature. Either mistake turns authentication off for every route that
trusts the token.

## Example

Bad:

```python
def current_user(token: str = Depends(oauth2_scheme)):
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]
```

Good:

```python
def current_user(token: str = Depends(oauth2_scheme)):
    claims = jwt.decode(
        token, settings.jwt_public_key, algorithms=["RS256"], audience="api"
    )
    return claims["sub"]
```

## References

- OWASP JSON Web Token Cheat Sheet
- RFC 8725 JSON Web Token Best Current Practices
- OWASP ASVS V3.5 "Token-based Session Management"
- CWE-347 Improper Verification of Cryptographic Signature
"#,
};

impl Check for JwtVerified {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskJwtUnverified),
            |fact| {
                format!(
                    "a JWT is trusted without signature verification ({}): anyone can forge its claims",
                    fact.detail
                )
            },
            "no JWT decoded without verification or with the `none` algorithm found",
        )
    }
}
