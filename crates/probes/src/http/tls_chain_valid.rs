use super::transport;
use crate::prelude::*;
use crate::target::Verdict;

pub struct TlsChainValid;

static META: ControlMeta = ControlMeta {
    id: "HTTP020",
    slug: "tls_chain_valid",
    title: "The TLS certificate chain is valid for the host",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Serve the full chain (leaf and intermediates) from a CA clients trust, issued for \
                  the host name clients use; renew before expiry. For a private CA, pass \
                  `--ca-cert` so vouch judges the chain against it.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc5280",
        "https://www.rfc-editor.org/rfc/rfc6125",
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "tls certificate",
        "certificate chain",
        "ssl certificate",
        "https",
        "certificate validation",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

vouch completes a TLS handshake with the target and asks the same verifier its HTTP client
uses (the system's trusted roots, plus `--ca-cert` when given) whether the presented chain is
valid now for the URL's host: it leads to a trusted root, every signature verifies, no
certificate is expired or not yet valid, and the leaf names the host (DNS name or IP address).
Not applicable when the target is `http://`.

## Why it matters in production

Clients that validate certificates (browsers, SDKs, service meshes) refuse the connection
outright: to them the service is down. Clients that were told to skip validation to "make it
work" accept any man in the middle.

## Example

Bad: a leaf issued for `other.example.test` served on `api.example.com`; a chain without its
intermediate; a self-signed certificate.

Good:

```text
CN=api.example.com ← issued by CN=R11,O=Let's Encrypt (TLSv1_3)
```

## References

- RFC 5280: X.509 certificate path validation
- RFC 6125: service identity in certificates
- OWASP Transport Layer Security Cheat Sheet
"#,
};

impl Probe for TlsChainValid {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let session = match transport::session(t).await? {
        Ok(s) => s,
        Err(outcome) => return Ok(outcome),
    };
    let chain = transport::chain_text(&session);
    Ok(match &session.verdict {
        Verdict::Trusted => Outcome::pass_with(vec![transport::at_origin(
            t,
            format!("the chain verifies for {}", session.server_name),
            chain,
        )]),
        Verdict::Rejected(reason) => Outcome::Fail {
            findings: vec![transport::at_origin(
                t,
                format!(
                    "clients refuse this chain for {}: {reason}",
                    session.server_name
                ),
                chain,
            )],
        },
        Verdict::NotJudged(reason) => Outcome::unknown(reason.clone()),
    })
}
