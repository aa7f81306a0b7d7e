//! The service under test: base URL, HTTP client, request budget, the operations it declares
//! (OpenAPI, or the routes read from its repository) and a memo of shared requests.

mod budget;
pub mod certificate;
mod error;
mod exchange;
pub mod legacy_tls;
mod size;
pub mod tls;
mod upload;
mod upload_exchange;
mod wire;

pub use budget::{Budget, Exhausted};
pub use certificate::CertificateInfo;
pub use error::{RequestError, TargetError};
pub use exchange::{BODY_LIMIT, Exchange};
pub use legacy_tls::{LegacyAnswer, LegacyVersion};
pub use size::{format_size, parse_size};
pub use tls::{Handshake, TlsSession, Verdict};
pub use upload::Upload;
pub use upload_exchange::Streamed;

use crate::operations::Operations;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::CertificateDer;
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Defaults are modest on purpose: vouch never floods a target.
pub const DEFAULT_MAX_REQUESTS: u32 = 300;
pub const DEFAULT_RATE: f64 = 20.0;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The oversized body the body-size probe streams (`--max-body`).
pub const DEFAULT_MAX_BODY: u64 = 10 * 1024 * 1024;
const USER_AGENT: &str = concat!(
    "vouch/",
    env!("CARGO_PKG_VERSION"),
    " (production-readiness probe)"
);

#[derive(Clone, Debug)]
pub struct TargetOptions {
    /// Sent with every request (`--header K:V`).
    pub headers: Vec<(String, String)>,
    /// Bearer token, sent only by requests that ask for credentials (`--token`).
    pub token: Option<String>,
    /// Per request, connect to last body byte.
    pub timeout: Duration,
    pub max_requests: u32,
    /// Requests per second.
    pub rate: f64,
    /// Accept invalid TLS certificates (`--insecure`, explicit only).
    pub insecure: bool,
    /// `--openapi FILE|URL`; when absent the usual locations are tried.
    pub openapi: Option<String>,
    /// `--repo PATH`: read the route inventory from the code.
    pub repo: Option<PathBuf>,
    /// Bytes of the oversized body the body-size probe streams (`--max-body`); set it above
    /// the largest body the service means to accept.
    pub max_body: u64,
    /// `--ca-cert FILE`'s content (PEM): trusted on top of the system roots.
    pub ca_cert_pem: Option<Vec<u8>>,
    /// `--http-port`: where the HTTPS service's plain-HTTP redirect listens (default 80).
    pub http_port: Option<u16>,
}

impl Default for TargetOptions {
    fn default() -> Self {
        TargetOptions {
            headers: Vec::new(),
            token: None,
            timeout: DEFAULT_TIMEOUT,
            max_requests: DEFAULT_MAX_REQUESTS,
            rate: DEFAULT_RATE,
            insecure: false,
            openapi: None,
            repo: None,
            max_body: DEFAULT_MAX_BODY,
            ca_cert_pem: None,
            http_port: None,
        }
    }
}

pub struct Target {
    base: Url,
    client: reqwest::Client,
    headers: HeaderMap,
    token: Option<HeaderValue>,
    timeout: Duration,
    max_body: u64,
    budget: Budget,
    /// What the service declares (OpenAPI operations, else routes from `--repo`).
    pub operations: Operations,
    memo: Mutex<HashMap<String, Arc<OnceCell<Arc<Exchange>>>>>,
    /// `--ca-cert` roots, for the dedicated TLS handshakes.
    extra_roots: Vec<CertificateDer<'static>>,
    judge: OnceLock<Result<Arc<dyn ServerCertVerifier>, String>>,
    tls_session: OnceCell<Arc<tls::Handshake>>,
    http_port: Option<u16>,
    /// `--insecure`: TLS chains are not checked.
    insecure: bool,
}

impl Target {
    /// Builds the client, checks that the base URL answers (any status) and discovers the
    /// operations. A base URL that does not answer within the timeout is an error.
    pub async fn connect(url: &str, options: TargetOptions) -> Result<Target, TargetError> {
        let target = Target::new(url, &options)?;
        target
            .send(Request::new(Method::GET, "/"))
            .await
            .map_err(|e| TargetError::Unreachable {
                url: target.base.to_string(),
                reason: match e {
                    RequestError::Timeout { after, .. } => {
                        format!("no answer within {}s (--timeout)", after.as_secs_f64())
                    }
                    RequestError::Failed { reason, .. } => reason,
                    other => other.to_string(),
                },
            })
            .map(|first| target.remember("GET /", first))?;
        let mut operations = crate::openapi::discover(&target, options.openapi.as_deref()).await?;
        if let Some(repo) = &options.repo {
            let routes = crate::operations::from_repo(repo)?;
            operations.extend_from_repo(routes.operations);
            operations.graphql = routes.graphql;
        }
        Ok(Target {
            operations,
            ..target
        })
    }

    /// The target without contacting it (no OpenAPI discovery).
    pub fn new(url: &str, options: &TargetOptions) -> Result<Target, TargetError> {
        let base = parse_base(url)?;
        // reqwest is built without a default crypto provider: use ring. A second call finds it
        // installed already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let extra_roots = match &options.ca_cert_pem {
            Some(pem) => tls::parse_ca_pem(pem)
                .map_err(|e| TargetError::InvalidOption(format!("--ca-cert: {e}")))?,
            None => Vec::new(),
        };
        let mut builder = reqwest::Client::builder();
        if !extra_roots.is_empty() {
            let certs = extra_roots
                .iter()
                .map(|der| reqwest::Certificate::from_der(der))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| TargetError::InvalidOption(format!("--ca-cert: {e}")))?;
            builder = builder.tls_certs_merge(certs);
        }
        let client = builder
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .tls_danger_accept_invalid_certs(options.insecure)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| TargetError::Client(error_chain(&e)))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &options.headers {
            let name = HeaderName::try_from(name.trim()).map_err(|_| {
                TargetError::InvalidOption(format!("header name `{name}` is not valid"))
            })?;
            let value = HeaderValue::try_from(value.trim()).map_err(|_| {
                TargetError::InvalidOption(format!("header `{name}` has an invalid value"))
            })?;
            headers.append(name, value);
        }
        let token = match &options.token {
            Some(t) => Some(
                HeaderValue::try_from(format!("Bearer {}", t.trim()))
                    .map_err(|_| TargetError::InvalidOption("token is not valid".into()))?,
            ),
            None => None,
        };
        if options.max_body == 0 {
            return Err(TargetError::InvalidOption(
                "--max-body must be at least 1 byte".into(),
            ));
        }
        if options.max_requests == 0 {
            return Err(TargetError::InvalidOption(
                "--max-requests must be at least 1".into(),
            ));
        }
        Ok(Target {
            base,
            client,
            headers,
            token,
            timeout: options.timeout,
            max_body: options.max_body,
            budget: Budget::new(options.max_requests, options.rate),
            operations: Operations::default(),
            memo: Mutex::new(HashMap::new()),
            extra_roots,
            judge: OnceLock::new(),
            tls_session: OnceCell::new(),
            http_port: options.http_port,
            insecure: options.insecure,
        })
    }

    /// `--http-port`, when given.
    pub fn http_port(&self) -> Option<u16> {
        self.http_port
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Bytes of the oversized body the body-size probe sends.
    pub fn max_body(&self) -> u64 {
        self.max_body
    }

    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// `path` (starting with `/`) under the base URL's path; an absolute `http(s)://` URL is
    /// taken as it is (an `--openapi URL` elsewhere).
    pub fn url(&self, path: &str) -> Result<Url, RequestError> {
        if path.starts_with("http://") || path.starts_with("https://") {
            return Url::parse(path).map_err(|e| RequestError::Invalid(format!("{path}: {e}")));
        }
        let prefix = self.base.path().trim_end_matches('/');
        let joined = format!("{prefix}/{}", path.trim_start_matches('/'));
        let mut url = self.base.clone();
        match joined.split_once('?') {
            Some((p, q)) => {
                url.set_path(p);
                url.set_query(Some(q));
            }
            None => {
                url.set_path(&joined);
                url.set_query(None);
            }
        }
        Ok(url)
    }

    /// The part of `url`'s path under the base URL's path (what [`Target::url`] takes).
    pub fn relative_path(&self, url: &Url) -> String {
        let base = self.base.path().trim_end_matches('/');
        let path = url.path();
        let rel = path
            .strip_prefix(base)
            .filter(|r| r.starts_with('/'))
            .unwrap_or(path);
        match url.query() {
            Some(q) => format!("{rel}?{q}"),
            None => rel.to_string(),
        }
    }

    /// Sends one request, drawing from the budget.
    pub async fn send(&self, mut request: Request) -> Result<Exchange, RequestError> {
        let url = self.url(&request.path)?;
        self.acquire().await?;
        let mut builder = self.builder(&request, &url);
        if let Some(body) = request.body.take() {
            builder = builder.body(body);
        }
        self.exchange(request, url, builder).await
    }

    async fn acquire(&self) -> Result<(), RequestError> {
        self.budget
            .acquire()
            .await
            .map_err(|e| RequestError::BudgetExhausted { max: e.max })
    }

    /// The request with the global headers and, when asked for, the credentials.
    fn builder(&self, request: &Request, url: &Url) -> reqwest::RequestBuilder {
        let mut builder = self
            .client
            .request(request.method.clone(), url.clone())
            .headers(self.headers.clone());
        if request.credentials
            && let Some(token) = &self.token
        {
            builder = builder.header(reqwest::header::AUTHORIZATION, token.clone());
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.clone(), value.clone());
        }
        builder
    }

    /// Sends `builder` and reads the answer.
    async fn exchange(
        &self,
        request: Request,
        url: Url,
        builder: reqwest::RequestBuilder,
    ) -> Result<Exchange, RequestError> {
        let with_credentials = request.credentials && self.token.is_some();
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                RequestError::Timeout {
                    method: request.method.to_string(),
                    url: url.to_string(),
                    after: self.timeout,
                }
            } else {
                RequestError::Failed {
                    method: request.method.to_string(),
                    url: url.to_string(),
                    reason: error_chain(&e),
                }
            }
        };
        let started = Instant::now();
        let mut response = builder.send().await.map_err(failed)?;
        let elapsed = started.elapsed();
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        let mut truncated = false;
        // HEAD answers have no body even when Content-Length says otherwise.
        if request.method != Method::HEAD {
            while let Some(chunk) = response.chunk().await.map_err(failed)? {
                let room = BODY_LIMIT - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
        Ok(Exchange {
            method: request.method,
            url,
            with_credentials,
            status,
            headers,
            body,
            truncated,
            elapsed,
        })
    }

    /// Sends anonymously; when the answer is 401/403 and a token was given, sends again with
    /// it (probes that look past an authentication gateway).
    pub async fn send_past_auth(&self, request: Request) -> Result<Exchange, RequestError> {
        let retry = request.clone().with_credentials();
        let first = self.send(request).await?;
        if matches!(first.status.as_u16(), 401 | 403) && self.has_token() {
            return self.send(retry).await;
        }
        Ok(first)
    }

    /// The exchange stored under `key`, made once by `make` (several probes judge the same
    /// response; the budget pays for it once). Failures are not stored.
    pub async fn memo<F>(&self, key: &str, make: F) -> Result<Arc<Exchange>, RequestError>
    where
        F: Future<Output = Result<Exchange, RequestError>>,
    {
        let cell = {
            let mut map = self.memo.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(key.to_string()).or_default().clone()
        };
        cell.get_or_try_init(|| async { make.await.map(Arc::new) })
            .await
            .cloned()
    }

    fn remember(&self, key: &str, exchange: Exchange) {
        let cell = OnceCell::new_with(Some(Arc::new(exchange)));
        self.memo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), Arc::new(cell));
    }

    /// `GET /` as the connection check saw it.
    pub async fn root(&self) -> Result<Arc<Exchange>, RequestError> {
        self.memo("GET /", self.send(Request::new(Method::GET, "/")))
            .await
    }
}

/// A request to send; `path` is relative to the base URL.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Vec<u8>>,
    pub credentials: bool,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: None,
            credentials: false,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Request::new(Method::GET, path)
    }

    pub fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
        self
    }

    pub fn body(mut self, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        self.headers.push((
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        ));
        self.body = Some(body.into());
        self
    }

    /// Sends the `--token` credentials (when given).
    pub fn with_credentials(mut self) -> Self {
        self.credentials = true;
        self
    }
}

fn parse_base(url: &str) -> Result<Url, TargetError> {
    let invalid = |reason: &str| TargetError::InvalidUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("only http:// and https:// URLs can be probed"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    Ok(parsed)
}

/// The error and its causes: "error sending request: connection refused (os error 111)".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_under_the_base_path() {
        let t = Target::new("http://127.0.0.1:9/app/", &TargetOptions::default()).unwrap();
        assert_eq!(
            t.url("/healthz").unwrap().as_str(),
            "http://127.0.0.1:9/app/healthz"
        );
        assert_eq!(
            t.url("/a?b=1").unwrap().as_str(),
            "http://127.0.0.1:9/app/a?b=1"
        );
        let root = Target::new("http://127.0.0.1:9", &TargetOptions::default()).unwrap();
        assert_eq!(root.url("/").unwrap().as_str(), "http://127.0.0.1:9/");
    }

    #[test]
    fn rejects_non_http_urls_and_bad_options() {
        assert!(matches!(
            Target::new("ftp://x", &TargetOptions::default()),
            Err(TargetError::InvalidUrl { .. })
        ));
        assert!(Target::new("not a url", &TargetOptions::default()).is_err());
        let bad_header = TargetOptions {
            headers: vec![("bad name".into(), "v".into())],
            ..TargetOptions::default()
        };
        assert!(matches!(
            Target::new("http://x", &bad_header),
            Err(TargetError::InvalidOption(_))
        ));
    }
}
