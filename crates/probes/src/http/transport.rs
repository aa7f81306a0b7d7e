//! What the transport probes share: the HTTPS-only gate, the handshake made once per run,
//! and how a certificate chain is quoted.

use crate::target::{CertificateInfo, Handshake, RequestError, Target, TlsSession};
use vouch_core::{Finding, Location, Outcome};

/// NotApplicable on a plain-HTTP target: there is no TLS to judge.
pub fn not_https(t: &Target) -> Option<Outcome> {
    (!t.is_https()).then(|| {
        Outcome::not_applicable("target is http://: probe the https:// URL to judge transport")
    })
}

/// `https://example.com:8443`: where TLS findings are located.
pub fn origin(t: &Target) -> String {
    t.base().origin().ascii_serialization()
}

/// A finding about the TLS endpoint.
pub fn at_origin(t: &Target, message: impl Into<String>, snippet: impl Into<String>) -> Finding {
    Finding::new(Location::file(origin(t)), message).with_snippet(snippet)
}

/// The shared handshake, or the outcome to return when there is nothing to judge (plain
/// HTTP, a refused handshake).
pub async fn session(t: &Target) -> Result<Result<TlsSession, Outcome>, RequestError> {
    if let Some(na) = not_https(t) {
        return Ok(Err(na));
    }
    Ok(match t.tls().await?.as_ref() {
        Handshake::Done(s) if !s.chain.is_empty() => Ok(s.clone()),
        Handshake::Done(_) => Err(Outcome::unknown("the server presented no certificate")),
        Handshake::Refused(reason) => Err(Outcome::unknown(format!(
            "the TLS handshake (TLS 1.2 and 1.3 offered) failed: {reason}"
        ))),
    })
}

/// Every presented certificate that parses, leaf first, with its position.
pub fn certificates(s: &TlsSession) -> Vec<CertificateInfo> {
    s.chain
        .iter()
        .filter_map(|der| CertificateInfo::parse(der))
        .collect()
}

/// `CN=localhost ← CN=vouch test CA`: the leaf and who issued each certificate.
pub fn chain_text(s: &TlsSession) -> String {
    let certs = certificates(s);
    let Some(leaf) = certs.first() else {
        return format!("{} certificate(s) that do not parse", s.chain.len());
    };
    let mut parts = vec![leaf.subject.clone()];
    parts.extend(certs.iter().map(|c| format!("issued by {}", c.issuer)));
    parts.dedup();
    format!("{} ({})", parts.join(" ← "), s.version)
}
