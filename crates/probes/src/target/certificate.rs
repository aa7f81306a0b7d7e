//! What the transport probes quote from a certificate: subject, issuer and validity window.

use std::time::{Duration, SystemTime};
use x509_cert::der::Decode;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// RFC 4514 form: `CN=example.com,O=Example`.
    pub subject: String,
    pub issuer: String,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
}

impl CertificateInfo {
    /// Parses a DER certificate; `None` when it is not one.
    pub fn parse(der: &[u8]) -> Option<CertificateInfo> {
        let cert = x509_cert::Certificate::from_der(der).ok()?;
        let tbs = &cert.tbs_certificate;
        Some(CertificateInfo {
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            not_before: tbs.validity.not_before.to_system_time(),
            not_after: tbs.validity.not_after.to_system_time(),
        })
    }

    /// Whole days from `now` to notAfter: negative once expired (`-1` the day after).
    pub fn days_left(&self, now: SystemTime) -> i64 {
        match self.not_after.duration_since(now) {
            Ok(left) => (left.as_secs() / 86_400) as i64,
            Err(past) => -(past.duration().as_secs().div_ceil(86_400) as i64),
        }
    }

    /// notAfter as `2026-02-20 13:05:00 UTC`.
    pub fn not_after_text(&self) -> String {
        utc_text(self.not_after)
    }
}

/// `2026-02-20 13:05:00 UTC`
pub fn utc_text(at: SystemTime) -> String {
    let secs = match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => format!("{secs} seconds after 1970"),
    }
}

/// A day, for tests and callers computing windows.
pub const DAY: Duration = Duration::from_secs(86_400);

#[cfg(test)]
mod tests {
    use super::*;

    fn info(not_after: SystemTime) -> CertificateInfo {
        CertificateInfo {
            subject: "CN=x".into(),
            issuer: "CN=ca".into(),
            not_before: SystemTime::UNIX_EPOCH,
            not_after,
        }
    }

    #[test]
    fn days_left_rounds_down_and_goes_negative_once_expired() {
        let now = SystemTime::UNIX_EPOCH + DAY * 1000;
        assert_eq!(info(now + DAY * 10 + DAY / 2).days_left(now), 10);
        assert_eq!(info(now + DAY / 2).days_left(now), 0);
        assert_eq!(info(now - DAY / 2).days_left(now), -1);
        assert_eq!(info(now - DAY * 2).days_left(now), -2);
    }

    #[test]
    fn dates_print_in_utc_and_garbage_is_not_a_certificate() {
        assert_eq!(
            utc_text(SystemTime::UNIX_EPOCH + DAY * 365),
            "1971-01-01 00:00:00 UTC"
        );
        assert_eq!(CertificateInfo::parse(b"not a certificate"), None);
    }
}
