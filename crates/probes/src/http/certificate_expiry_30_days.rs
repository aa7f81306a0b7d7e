use super::certificate_expiry;
use crate::prelude::*;

pub struct CertificateExpiry30Days;

static META: ControlMeta = ControlMeta {
    id: "HTTP021",
    slug: "certificate_expiry_30_days",
    title: "The TLS certificate is valid for more than 30 more days",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Renew the certificate now and automate renewal (ACME: certbot, cert-manager, \
                  Caddy) so it renews 30 days before expiry; alert on certificates with less \
                  than 30 days left.",
    references: &[
        "https://letsencrypt.org/docs/integration-guide/#when-to-renew",
        "https://www.rfc-editor.org/rfc/rfc8555",
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "certificate expiry",
        "certificate renewal",
        "tls certificate",
        "ssl expiry",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The certificates the service presents (the leaf and any intermediate it sends; a self-signed
root sent along is ignored, clients use their own copy) must all stay valid for more than 30
days. The evidence is the certificate's notAfter date and the days left. Certificates with 7
days or fewer left also fail HTTP022 (critical). Not applicable when the target is `http://`.

## Why it matters in production

An expired certificate is a full outage for every client that validates it, and it always
happens on a known date. 30 days is when automated renewal (ACME) renews, so a certificate
with less left means renewal is failing or is not automated.

## Example

Bad:

```text
CN=api.example.com: notAfter 2026-12-02 09:00:00 UTC, 10 days left
```

Good: a certificate renewed automatically, 60 or more days left.

## References

- Let's Encrypt: when to renew
- RFC 8555: ACME
- OWASP Transport Layer Security Cheat Sheet
"#,
};

impl Probe for CertificateExpiry30Days {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(certificate_expiry::check(t, 30))
    }
}
