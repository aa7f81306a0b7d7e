//! Certificates generated at start: a local CA and a leaf for 127.0.0.1/localhost whose
//! validity window is what the variant tests (valid, expiring soon, expired, wrong host).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

/// Which leaf certificate the HTTPS listener presents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertVariant {
    /// Valid for 90 days from now.
    Valid,
    /// Ends in 10 days (a warning for a 30-day policy).
    Expiring10Days,
    /// Ends in 3 days (critical).
    Expiring3Days,
    /// Ended two days ago.
    Expired,
    /// Valid dates, but issued for `other.example.test` only.
    WrongHost,
}

impl CertVariant {
    pub const ALL: [CertVariant; 5] = [
        CertVariant::Valid,
        CertVariant::Expiring10Days,
        CertVariant::Expiring3Days,
        CertVariant::Expired,
        CertVariant::WrongHost,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CertVariant::Valid => "valid",
            CertVariant::Expiring10Days => "expiring-10d",
            CertVariant::Expiring3Days => "expiring-3d",
            CertVariant::Expired => "expired",
            CertVariant::WrongHost => "wrong-host",
        }
    }

    /// The leaf's validity window relative to `now`. The hour of slack keeps "10 days left"
    /// true for the whole test run.
    fn window(self, now: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
        let yesterday = now - Duration::days(1);
        match self {
            CertVariant::Valid | CertVariant::WrongHost => (yesterday, now + Duration::days(90)),
            CertVariant::Expiring10Days => {
                (yesterday, now + Duration::days(10) + Duration::hours(1))
            }
            CertVariant::Expiring3Days => (yesterday, now + Duration::days(3) + Duration::hours(1)),
            CertVariant::Expired => (now - Duration::days(60), now - Duration::days(2)),
        }
    }

    fn names(self) -> Vec<String> {
        match self {
            CertVariant::WrongHost => vec!["other.example.test".into()],
            _ => vec!["localhost".into(), "127.0.0.1".into()],
        }
    }
}

impl std::str::FromStr for CertVariant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CertVariant::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = CertVariant::ALL.iter().map(|v| v.name()).collect();
                format!("unknown certificate `{s}` (one of: {})", names.join(", "))
            })
    }
}

/// A generated CA and the leaf it signed, with the leaf's key.
pub struct Certificates {
    /// The CA certificate (PEM): what a client passes as `--ca-cert`.
    pub ca_pem: String,
    /// The leaf certificate (PEM), for servers configured from files (nginx).
    pub leaf_pem: String,
    /// The leaf's private key (PKCS#8 PEM).
    pub key_pem: String,
    /// Leaf then CA, as the server presents them.
    pub chain: Vec<CertificateDer<'static>>,
    key_der: Vec<u8>,
    pub not_after: OffsetDateTime,
}

impl Certificates {
    pub fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()))
    }
}

/// A fresh CA (valid a year around now) and a leaf of `variant` signed by it.
pub fn generate(variant: CertVariant) -> Result<Certificates, rcgen::Error> {
    let now = OffsetDateTime::now_utc();
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "vouch test CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = now - Duration::days(90);
    ca.not_after = now + Duration::days(365);
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca, ca_key);

    let leaf_key = KeyPair::generate()?;
    let mut leaf = CertificateParams::new(variant.names())?;
    leaf.distinguished_name
        .push(DnType::CommonName, variant.names()[0].clone());
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    (leaf.not_before, leaf.not_after) = variant.window(now);
    let not_after = leaf.not_after;
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer)?;
    Ok(Certificates {
        ca_pem: ca_cert.pem(),
        leaf_pem: leaf_cert.pem(),
        key_pem: leaf_key.serialize_pem(),
        chain: vec![leaf_cert.der().clone(), ca_cert.der().clone()],
        key_der: leaf_key.serialize_der(),
        not_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_set_the_leaf_window_and_names_round_trip() {
        for v in CertVariant::ALL {
            assert_eq!(v.name().parse::<CertVariant>(), Ok(v));
            let certs = generate(v).unwrap();
            assert_eq!(certs.chain.len(), 2);
            assert!(certs.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
            let days = (certs.not_after - OffsetDateTime::now_utc()).whole_days();
            let want = match v {
                CertVariant::Valid | CertVariant::WrongHost => 89..=90,
                CertVariant::Expiring10Days => 10..=10,
                CertVariant::Expiring3Days => 3..=3,
                CertVariant::Expired => -2..=-2,
            };
            assert!(want.contains(&days), "{v:?}: {days}");
        }
        assert!("nope".parse::<CertVariant>().is_err());
    }
}
