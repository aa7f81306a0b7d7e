//! The HTTPS target as a plain TLS client sees it: the generated chain verifies against the
//! generated CA, versions and the plain-HTTP listener behave as configured.

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vouch_testtarget::{CertVariant, Mode, PlainHttp, TlsOptions, TlsVersions, start_tls};

fn client(
    ca_pem: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

const BOTH: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

/// `GET /` over plain TCP (`stream` already connected), the whole answer as text.
async fn get_root<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
) -> String {
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_valid_chain_verifies_and_serves_the_app_with_hsts_and_a_hardened_cookie() {
    let running = start_tls(Mode::Good, TlsOptions::default()).await.unwrap();
    let tcp = TcpStream::connect(running.addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = client(&running.ca_pem, BOTH)
        .connect(name, tcp)
        .await
        .unwrap();
    assert_eq!(
        tls.get_ref().1.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3)
    );
    let answer = get_root(tls).await.to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 200"), "{answer}");
    assert!(answer.contains("strict-transport-security: max-age=31536000"));
    assert!(
        answer.contains("set-cookie: vouch_session=3f9a1c; path=/; secure; httponly; samesite=lax")
    );
}

#[tokio::test]
async fn expired_and_wrong_host_certificates_are_refused_by_a_verifying_client() {
    for variant in [CertVariant::Expired, CertVariant::WrongHost] {
        let running = start_tls(Mode::Good, variant).await.unwrap();
        let tcp = TcpStream::connect(running.addr).await.unwrap();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let err = client(&running.ca_pem, BOTH)
            .connect(name, tcp)
            .await
            .unwrap_err();
        let text = err.to_string();
        let want = if variant == CertVariant::Expired {
            "expired"
        } else {
            "not valid for name"
        };
        assert!(
            text.to_ascii_lowercase().contains(want),
            "{variant:?}: {text}"
        );
    }
}

#[tokio::test]
async fn a_tls_1_3_only_listener_refuses_a_tls_1_2_client() {
    let options = TlsOptions {
        versions: TlsVersions::Tls13Only,
        ..TlsOptions::default()
    };
    let running = start_tls(Mode::Good, options).await.unwrap();
    let tcp = TcpStream::connect(running.addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let only12 = client(&running.ca_pem, &[&rustls::version::TLS12]);
    assert!(only12.connect(name, tcp).await.is_err());
}

#[tokio::test]
async fn the_plain_listener_redirects_serves_or_is_absent() {
    let running = start_tls(Mode::Good, TlsOptions::default()).await.unwrap();
    let http = running.http_addr.expect("redirect listener");
    let answer = get_root(TcpStream::connect(http).await.unwrap()).await;
    assert!(answer.starts_with("HTTP/1.1 301"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains(&format!(
            "location: https://127.0.0.1:{}/\r\n",
            running.addr.port()
        )),
        "{answer}"
    );

    let serving = TlsOptions {
        plain_http: PlainHttp::ServesApp,
        ..TlsOptions::default()
    };
    let running = start_tls(Mode::Good, serving).await.unwrap();
    let answer = get_root(
        TcpStream::connect(running.http_addr.unwrap())
            .await
            .unwrap(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let absent = TlsOptions {
        plain_http: PlainHttp::Absent,
        ..TlsOptions::default()
    };
    assert_eq!(start_tls(Mode::Good, absent).await.unwrap().http_addr, None);
}

#[test]
fn the_background_target_serves_until_dropped() {
    let bg = vouch_testtarget::spawn_tls(Mode::Good, TlsOptions::default()).unwrap();
    assert!(bg.url().starts_with("https://127.0.0.1:"));
    assert!(std::net::TcpStream::connect(bg.addr).is_ok());
    let addr = bg.addr;
    drop(bg);
    assert!(std::net::TcpStream::connect(addr).is_err());
}
