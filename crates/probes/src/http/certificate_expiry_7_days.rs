use super::certificate_expiry;
use crate::prelude::*;

pub struct CertificateExpiry7Days;

static META: ControlMeta = ControlMeta {
    id: "HTTP022",
    slug: "certificate_expiry_7_days",
    title: "The TLS certificate is not expired and not within 7 days of expiry",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Renew the certificate today and deploy it; then find out why automated renewal \
                  did not happen (ACME client logs, DNS or HTTP challenge failures).",
    references: &[
        "https://letsencrypt.org/docs/integration-guide/#when-to-renew",
        "https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5",
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "certificate expiry",
        "expired certificate",
        "tls certificate",
        "ssl expiry",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The certificates the service presents (the leaf and any intermediate it sends) must not be
expired and must stay valid for more than 7 days. The evidence is the notAfter date and the
days left (or since expiry). The 30-day warning is HTTP021. Not applicable when the target is
`http://`.

## Why it matters in production

An expired certificate takes the service down for every validating client. With 7 days or
fewer left, renewal has failed for weeks and the outage is days away.

## Example

Bad:

```text
CN=api.example.com: notAfter 2026-11-20 09:00:00 UTC, expired 2 days ago
```

Good: more than 7 days left (and more than 30, see HTTP021).

## References

- Let's Encrypt: when to renew
- RFC 5280 section 4.1.2.5: validity
- OWASP Transport Layer Security Cheat Sheet
"#,
};

impl Probe for CertificateExpiry7Days {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(certificate_expiry::check(t, 7))
    }
}
