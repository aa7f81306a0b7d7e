//! The HTTPS accept loop (tokio-rustls in front of the axum router, HTTP/1.1) and the
//! plain-HTTP redirect app.

use super::TlsVersions;
use super::certs::Certificates;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

pub fn server_config(
    certs: &Certificates,
    versions: TlsVersions,
) -> std::io::Result<Arc<ServerConfig>> {
    let versions: &[&rustls::SupportedProtocolVersion] = match versions {
        TlsVersions::Tls12And13 => &[&rustls::version::TLS13, &rustls::version::TLS12],
        TlsVersions::Tls13Only => &[&rustls::version::TLS13],
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(std::io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(certs.chain.clone(), certs.private_key())
        .map_err(std::io::Error::other)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Accepts TLS connections until the task is aborted; dropping the task's connection set
/// closes every open connection with it.
pub async fn https(listener: TcpListener, config: Arc<ServerConfig>, app: Router) {
    let acceptor = TlsAcceptor::from(config);
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(_) => {
                // Out of descriptors or a reset before accept: back off instead of spinning.
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        connections.spawn(async move {
            // A failed handshake (an old protocol version, an untrusting client) is expected.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

/// Answers every request with `301` to the same path on `https://127.0.0.1:{port}`.
pub fn redirect_to(port: u16) -> Router {
    Router::new().fallback(move |uri: Uri| async move { moved(port, &uri) })
}

fn moved(port: u16, uri: &Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let location = format!("https://127.0.0.1:{port}{path}");
    let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(value) = HeaderValue::try_from(location) {
        r.headers_mut().insert(header::LOCATION, value);
    }
    r
}
