use super::transport;
use crate::prelude::*;
use crate::target::{Handshake, LegacyAnswer, LegacyVersion};

pub struct TlsModernVersions;

static META: ControlMeta = ControlMeta {
    id: "HTTP023",
    slug: "tls_modern_versions",
    title: "Only TLS 1.2 and newer are accepted",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Disable TLS 1.0 and 1.1 on the listener (nginx: `ssl_protocols TLSv1.2 \
                  TLSv1.3;`, or the load balancer's TLS policy) and keep TLS 1.2 and 1.3 on.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc8996",
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
        "https://ssl-config.mozilla.org/",
    ],
    concepts: &[
        "tls version",
        "tls 1.2",
        "tls 1.3",
        "deprecated tls",
        "ssl protocols",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

vouch offers the server each legacy version alone (a ClientHello for TLS 1.0, then one for
TLS 1.1, with the cipher suites those versions use) and fails when it answers with a
ServerHello for it. It then completes handshakes offering TLS 1.2 and 1.3, then TLS 1.2 alone,
and passes when every legacy version is refused and at least one modern version works. The
evidence lists what was accepted and refused. Four connections, no request is sent over them.
Not applicable when the target is `http://`.

## Why it matters in production

TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on SHA-1 and CBC constructions with
known attacks (BEAST, POODLE-style padding oracles), and compliance regimes (PCI DSS) forbid
them. A server that still accepts them lets a downgrading attacker or an old client use them.

## Example

Bad:

```text
accepts TLS 1.0 (cipher suite 0xc009)
```

Good:

```text
TLS 1.3 and TLS 1.2 accepted; TLS 1.1 refused (alert protocol_version), TLS 1.0 refused (alert protocol_version)
```

## References

- RFC 8996: Deprecating TLS 1.0 and TLS 1.1
- OWASP Transport Layer Security Cheat Sheet
- Mozilla SSL Configuration Generator
"#,
};

impl Probe for TlsModernVersions {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    if let Some(na) = transport::not_https(t) {
        return Ok(na);
    }
    let mut accepted_legacy = Vec::new();
    let mut refused = Vec::new();
    for version in [LegacyVersion::Tls10, LegacyVersion::Tls11] {
        match t.legacy_tls(version).await? {
            LegacyAnswer::Accepted { cipher } => accepted_legacy.push(format!(
                "accepts {} (cipher suite 0x{cipher:04x})",
                version.name()
            )),
            LegacyAnswer::Refused(why) => {
                refused.push(format!("{} refused ({why})", version.name()))
            }
        }
    }
    let mut modern = Vec::new();
    if let Handshake::Done(s) = t.tls().await?.as_ref() {
        modern.push(s.version.clone());
    }
    if let Handshake::Done(s) = t.handshake(&[&rustls::version::TLS12]).await? {
        modern.push(s.version.clone());
    }
    modern.dedup();
    let modern_text = if modern.is_empty() {
        "neither TLS 1.3 nor TLS 1.2 accepted".to_string()
    } else {
        format!("{} accepted", modern.join(" and "))
    };
    let summary = format!("{modern_text}; {}", refused.join(", "));
    if !accepted_legacy.is_empty() {
        return Ok(Outcome::Fail {
            findings: accepted_legacy
                .into_iter()
                .map(|what| {
                    transport::at_origin(
                        t,
                        format!("the server {what}, a deprecated protocol version"),
                        summary.clone(),
                    )
                })
                .collect(),
        });
    }
    if modern.is_empty() {
        return Ok(Outcome::unknown(format!(
            "no TLS version could be negotiated: {summary}"
        )));
    }
    Ok(Outcome::pass_with(vec![transport::at_origin(
        t,
        "TLS 1.0 and 1.1 are refused",
        summary,
    )]))
}
