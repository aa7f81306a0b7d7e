//! A dedicated TLS handshake that records what the transport probes judge: the chain the
//! server presents, what the verifier (system roots plus `--ca-cert`, the same verifier
//! reqwest uses) says about it for this host, and the negotiated version and cipher suite.
//! Each handshake draws one request from the budget.

use super::Target;
use super::error::RequestError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme, SupportedProtocolVersion};
use std::sync::{Arc, Mutex};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// What the verifier said about the presented chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Trusted,
    /// Why a client would refuse it ("the certificate has expired").
    Rejected(String),
    /// No verifier could be built (no trust roots on this machine).
    NotJudged(String),
}

/// A completed handshake.
#[derive(Clone, Debug)]
pub struct TlsSession {
    /// `TLS 1.3`
    pub version: String,
    pub cipher: String,
    /// Leaf first, as presented.
    pub chain: Vec<CertificateDer<'static>>,
    pub verdict: Verdict,
    /// The host the chain was judged for (`example.com`, `127.0.0.1`).
    pub server_name: String,
}

#[derive(Clone, Debug)]
pub enum Handshake {
    Done(TlsSession),
    /// The server (or the client) ended the handshake: the reason as rustls says it.
    Refused(String),
}

/// Parses `--ca-cert` PEM: every certificate in it.
pub fn parse_ca_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("not a PEM certificate file: {e}"))?;
    if certs.is_empty() {
        return Err("no `BEGIN CERTIFICATE` block found".into());
    }
    Ok(certs)
}

pub(super) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl Target {
    pub fn is_https(&self) -> bool {
        self.base.scheme() == "https"
    }

    /// The handshake with TLS 1.2 and 1.3 offered, made once per run.
    pub async fn tls(&self) -> Result<Arc<Handshake>, RequestError> {
        self.tls_session
            .get_or_try_init(|| async {
                self.handshake(&[&rustls::version::TLS13, &rustls::version::TLS12])
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
    }

    /// A handshake offering only `versions`.
    pub async fn handshake(
        &self,
        versions: &[&'static SupportedProtocolVersion],
    ) -> Result<Handshake, RequestError> {
        let (host, port) = self.tls_endpoint()?;
        let server_name = server_name(&host)?;
        let recorder = Arc::new(Recorder {
            judge: self.judge(),
            provider: provider(),
            seen: Mutex::new(None),
        });
        let mut config = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .map_err(|e| RequestError::Invalid(format!("TLS versions: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(recorder.clone())
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let connector = TlsConnector::from(Arc::new(config));
        let url = format!("{host}:{port}");
        self.budget
            .acquire()
            .await
            .map_err(|e| RequestError::BudgetExhausted { max: e.max })?;
        let attempt = async {
            let tcp = TcpStream::connect((host.as_str(), port))
                .await
                .map_err(|e| failed(&url, format!("TCP connect: {e}")))?;
            Ok::<_, RequestError>(match connector.connect(server_name.clone(), tcp).await {
                Ok(stream) => {
                    let (_, conn) = stream.get_ref();
                    let version = conn
                        .protocol_version()
                        .map_or("unknown".into(), version_name);
                    let cipher = conn
                        .negotiated_cipher_suite()
                        .map_or("unknown".into(), |c| format!("{:?}", c.suite()));
                    let (chain, verdict) = recorder
                        .seen
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .take()
                        .unwrap_or_default();
                    Handshake::Done(TlsSession {
                        version,
                        cipher,
                        chain,
                        verdict,
                        server_name: host.clone(),
                    })
                }
                Err(e) => Handshake::Refused(e.to_string()),
            })
        };
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(result) => result,
            Err(_) => Err(RequestError::Timeout {
                method: "TLS handshake".into(),
                url,
                after: self.timeout,
            }),
        }
    }

    /// A TLS connection over `tcp` for a request vouch writes itself (the body-size upload).
    /// The chain must pass the same verifier reqwest uses, unless `--insecure`.
    pub(super) async fn tls_stream(
        &self,
        host: &str,
        tcp: TcpStream,
    ) -> Result<tokio_rustls::client::TlsStream<TcpStream>, String> {
        let server_name = server_name(host).map_err(|e| e.to_string())?;
        let recorder = Arc::new(Recorder {
            judge: self.judge(),
            provider: provider(),
            seen: Mutex::new(None),
        });
        let mut config = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| format!("TLS versions: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(recorder.clone())
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let stream = TlsConnector::from(Arc::new(config))
            .connect(server_name, tcp)
            .await
            .map_err(|e| format!("TLS handshake: {e}"))?;
        let verdict = recorder
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .map(|(_, verdict)| verdict)
            .unwrap_or_default();
        match verdict {
            Verdict::Trusted => Ok(stream),
            _ if self.insecure => Ok(stream),
            Verdict::Rejected(why) | Verdict::NotJudged(why) => Err(format!(
                "TLS certificate: {why} (--insecure to probe anyway)"
            )),
        }
    }

    /// Host and port of the base URL (the port defaults by scheme).
    pub fn tls_endpoint(&self) -> Result<(String, u16), RequestError> {
        let host = self
            .base
            .host_str()
            .ok_or_else(|| RequestError::Invalid("the URL has no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = self
            .base
            .port_or_known_default()
            .ok_or_else(|| RequestError::Invalid("the URL has no port".into()))?;
        Ok((host, port))
    }

    /// The verifier reqwest uses (system roots plus `--ca-cert`), built once.
    fn judge(&self) -> Result<Arc<dyn ServerCertVerifier>, String> {
        self.judge
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new_with_extra_roots(
                    self.extra_roots.iter().cloned(),
                    provider(),
                )
                .map(|v| Arc::new(v) as Arc<dyn ServerCertVerifier>)
                .map_err(|e| format!("no trust roots to judge the chain with: {e}"))
            })
            .clone()
    }
}

/// `TLS 1.3`
fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".into(),
        other => format!("{other:?}"),
    }
}

fn failed(url: &str, reason: String) -> RequestError {
    RequestError::Failed {
        method: "TLS handshake".into(),
        url: url.to_string(),
        reason,
    }
}

/// An IP literal is judged against the certificate's IP names; anything else is a DNS name.
fn server_name(host: &str) -> Result<ServerName<'static>, RequestError> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(host.to_string())
        .map_err(|e| RequestError::Invalid(format!("host `{host}`: {e}")))
}

/// Accepts any chain (so a bad one can still be quoted) after asking the real verifier.
#[derive(Debug)]
struct Recorder {
    judge: Result<Arc<dyn ServerCertVerifier>, String>,
    provider: Arc<CryptoProvider>,
    seen: Mutex<Option<(Vec<CertificateDer<'static>>, Verdict)>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = match &self.judge {
            Ok(judge) => match judge.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Ok(_) => Verdict::Trusted,
                Err(e) => Verdict::Rejected(describe(&e, server_name)),
            },
            Err(reason) => Verdict::NotJudged(reason.clone()),
        };
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = Some((chain, verdict));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

impl Default for Verdict {
    fn default() -> Self {
        Verdict::NotJudged("the server presented no certificate".into())
    }
}

/// A verifier error as a client would explain it.
fn describe(e: &rustls::Error, server_name: &ServerName<'_>) -> String {
    let rustls::Error::InvalidCertificate(cert) = e else {
        return e.to_string();
    };
    match cert {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "the certificate has expired".into()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "the certificate is not valid yet".into()
        }
        CertificateError::UnknownIssuer => {
            "the chain does not lead to a trusted root (unknown issuer; pass --ca-cert for a \
             private CA)"
                .into()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!("the certificate is not valid for {}", server_name.to_str())
        }
        CertificateError::BadSignature => "a signature in the chain does not verify".into(),
        CertificateError::Revoked => "the certificate is revoked".into(),
        other => format!("the chain is invalid: {other:?}"),
    }
}
