//! A request target: an `http://` or `https://` URL split into what the engine needs
//! (authority to connect to, TLS or not, `Host` header, path and query to send).

use crate::error::{LoadError, usage};
use http::Uri;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetUrl {
    /// The URL as given.
    pub url: String,
    /// `https://`: connections speak TLS.
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// `host[:port]` as written, for the `Host` header.
    pub authority: String,
    /// Path and query sent in the request line (at least `/`).
    pub path_and_query: String,
    /// `path_and_query` parsed once, for the request line.
    pub request_uri: Uri,
}

impl TargetUrl {
    pub fn parse(url: &str) -> Result<TargetUrl, LoadError> {
        let uri: Uri = url
            .trim()
            .parse()
            .map_err(|e| usage(format!("`{url}` is not a URL: {e}")))?;
        let tls = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => {
                return Err(usage(format!(
                    "`{url}`: give a full http:// or https:// URL (e.g. http://127.0.0.1:8080/)"
                )));
            }
        };
        let authority = uri
            .authority()
            .ok_or_else(|| usage(format!("`{url}` has no host")))?;
        if authority.as_str().contains('@') {
            return Err(usage(format!(
                "`{url}`: credentials in the URL are not supported; use --header"
            )));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if host.is_empty() {
            return Err(usage(format!("`{url}` has no host")));
        }
        let path_and_query = uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".to_string());
        let request_uri = path_and_query
            .parse()
            .map_err(|e| usage(format!("`{url}`: bad path: {e}")))?;
        Ok(TargetUrl {
            url: url.trim().to_string(),
            tls,
            request_uri,
            path_and_query,
            host,
            port: authority.port_u16().unwrap_or(if tls { 443 } else { 80 }),
            authority: authority.as_str().to_string(),
        })
    }

    /// The same server with another path (`/items?page=2`), for scenario endpoints.
    pub fn with_path(&self, path: &str) -> Result<TargetUrl, LoadError> {
        if !path.starts_with('/') {
            return Err(usage(format!("path `{path}` must start with `/`")));
        }
        let scheme = if self.tls { "https" } else { "http" };
        let base = format!("{scheme}://{}", self.authority);
        TargetUrl::parse(&format!("{base}{path}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_an_http_url() {
        let t = TargetUrl::parse("http://127.0.0.1:8080/items?page=2").unwrap();
        assert_eq!(t.host, "127.0.0.1");
        assert_eq!(t.port, 8080);
        assert_eq!(t.authority, "127.0.0.1:8080");
        assert_eq!(t.path_and_query, "/items?page=2");
        let t = TargetUrl::parse("http://localhost").unwrap();
        assert_eq!((t.port, t.path_and_query.as_str()), (80, "/"));
        let t = TargetUrl::parse("http://[::1]:9000/").unwrap();
        assert_eq!(t.host, "::1");
        assert!(!t.tls);
        let t = TargetUrl::parse("https://api.example.com/v1").unwrap();
        assert_eq!(
            (t.port, t.tls, t.authority.as_str()),
            (443, true, "api.example.com")
        );
        assert!(t.with_path("/v2").unwrap().tls);
    }

    #[test]
    fn refuses_what_it_cannot_send() {
        for bad in ["127.0.0.1:8080", "ftp://x/", "http://u:p@h/", "not a url"] {
            assert!(TargetUrl::parse(bad).is_err(), "{bad}");
        }
        let t = TargetUrl::parse("http://127.0.0.1:1/").unwrap();
        assert!(t.with_path("items").is_err());
        assert_eq!(t.with_path("/a?b=1").unwrap().path_and_query, "/a?b=1");
    }
}
