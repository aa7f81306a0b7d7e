//! Scenario files (YAML): several endpoints with weights, methods, headers and bodies, the
//! thresholds, and optionally the load shape. See docs/load.md for the format.
//!
//! ```yaml
//! target: http://127.0.0.1:8080
//! headers: { Accept: application/json }
//! load: { rate: 500/s, duration: 30s, warmup: 2s, timeout: 5s }
//! thresholds: ["p(95)<100ms", "errors<1%"]
//! endpoints:
//!   - { name: list, path: /items, weight: 3 }
//!   - { name: create, method: POST, path: /items, body: '{"name":"x"}',
//!       headers: { Content-Type: application/json } }
//! ```

use crate::error::LoadError;
use crate::plan::Endpoint;
use crate::target::TargetUrl;
use bytes::Bytes;
use vouch_workspace::yaml::{Node, parse_str};

/// The load shape a scenario may set; command-line options win over it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadShape {
    pub rate: Option<String>,
    pub concurrency: Option<String>,
    pub connections: Option<String>,
    pub duration: Option<String>,
    pub requests: Option<String>,
    pub warmup: Option<String>,
    pub timeout: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub target: Option<String>,
    pub endpoints: Vec<EndpointSpec>,
    pub thresholds: Vec<String>,
    pub load: LoadShape,
}

/// An endpoint as written; turned into an [`Endpoint`] once the target is known.
#[derive(Clone, Debug)]
pub struct EndpointSpec {
    pub line: u32,
    pub name: String,
    pub path: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub weight: u32,
}

const MAX_ENDPOINTS: usize = 1000;

impl Scenario {
    pub fn parse(path: &str, text: &str) -> Result<Scenario, LoadError> {
        let err = |line: u32, message: String| LoadError::Scenario {
            path: format!("{path}:{line}"),
            message,
        };
        let docs = parse_str(text).map_err(|e| err(e.line, e.message.clone()))?;
        let root = match docs.as_slice() {
            [doc] => &doc.root,
            [] => return Err(err(1, "the file is empty".into())),
            _ => return Err(err(1, "expected one YAML document".into())),
        };
        if root.as_map().is_none() {
            return Err(err(root.line, "expected a mapping with `endpoints`".into()));
        }
        for (key, node) in root.entries() {
            if !["target", "headers", "load", "thresholds", "endpoints"].contains(&key) {
                return Err(err(node.line, format!("unknown key `{key}`")));
            }
        }
        let common = headers(root.get("headers"), &err)?;
        let endpoints_node = root
            .get("endpoints")
            .ok_or_else(|| err(root.line, "`endpoints` is missing".into()))?;
        let items = endpoints_node
            .as_seq()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                err(
                    endpoints_node.line,
                    "`endpoints` must be a non-empty list".into(),
                )
            })?;
        if items.len() > MAX_ENDPOINTS {
            return Err(err(
                endpoints_node.line,
                format!("at most {MAX_ENDPOINTS} endpoints"),
            ));
        }
        let mut endpoints = Vec::new();
        for (i, item) in items.iter().enumerate() {
            endpoints.push(endpoint(item, i, &common, &err)?);
        }
        let thresholds = match root.get("thresholds") {
            None => Vec::new(),
            Some(node) => node
                .as_seq()
                .ok_or_else(|| err(node.line, "`thresholds` must be a list".into()))?
                .iter()
                .map(|t| scalar(t, "threshold", &err))
                .collect::<Result<_, _>>()?,
        };
        Ok(Scenario {
            target: root
                .get("target")
                .map(|n| scalar(n, "target", &err))
                .transpose()?,
            endpoints,
            thresholds,
            load: load_shape(root.get("load"), &err)?,
        })
    }

    /// Endpoints on `target` (the scenario's own, or the URL given on the command line).
    pub fn endpoints_on(&self, target: &TargetUrl, path: &str) -> Result<Vec<Endpoint>, LoadError> {
        self.endpoints
            .iter()
            .map(|spec| {
                let at = |e: LoadError| LoadError::Scenario {
                    path: format!("{path}:{}", spec.line),
                    message: e.to_string(),
                };
                let mut e = Endpoint::new(&spec.name, target.with_path(&spec.path).map_err(at)?);
                e.set_method(&spec.method).map_err(at)?;
                for (name, value) in &spec.headers {
                    e.add_header(name, value).map_err(at)?;
                }
                e.body = Bytes::from(spec.body.clone());
                e.weight = spec.weight;
                Ok(e)
            })
            .collect()
    }
}

fn scalar(
    node: &Node,
    what: &str,
    err: &impl Fn(u32, String) -> LoadError,
) -> Result<String, LoadError> {
    node.as_str()
        .map(str::to_string)
        .ok_or_else(|| err(node.line, format!("`{what}` must be a single value")))
}

fn headers(
    node: Option<&Node>,
    err: &impl Fn(u32, String) -> LoadError,
) -> Result<Vec<(String, String)>, LoadError> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    if node.as_map().is_none() {
        return Err(err(
            node.line,
            "`headers` must be a mapping of name: value".into(),
        ));
    }
    node.entries()
        .map(|(k, v)| Ok((k.to_string(), scalar(v, k, err)?)))
        .collect()
}

fn endpoint(
    item: &Node,
    index: usize,
    common: &[(String, String)],
    err: &impl Fn(u32, String) -> LoadError,
) -> Result<EndpointSpec, LoadError> {
    if item.as_map().is_none() {
        return Err(err(
            item.line,
            "an endpoint must be a mapping with `path`".into(),
        ));
    }
    for (key, node) in item.entries() {
        if !["name", "path", "method", "headers", "body", "weight"].contains(&key) {
            return Err(err(node.line, format!("unknown endpoint key `{key}`")));
        }
    }
    let field = |key: &str| item.get(key).map(|n| scalar(n, key, err)).transpose();
    let path = field("path")?.ok_or_else(|| err(item.line, "the endpoint has no `path`".into()))?;
    let weight = match item.get("weight") {
        None => 1,
        Some(n) => n
            .as_str()
            .and_then(|s| s.trim().parse::<u32>().ok())
            .filter(|w| (1..=1_000_000).contains(w))
            .ok_or_else(|| {
                err(
                    n.line,
                    "`weight` must be a whole number from 1 to 1000000".into(),
                )
            })?,
    };
    let mut all_headers = common.to_vec();
    all_headers.extend(headers(item.get("headers"), err)?);
    Ok(EndpointSpec {
        line: item.line,
        name: field("name")?.unwrap_or_else(|| format!("endpoint {}", index + 1)),
        method: field("method")?.unwrap_or_else(|| "GET".into()),
        body: field("body")?.unwrap_or_default(),
        path,
        headers: all_headers,
        weight,
    })
}

fn load_shape(
    node: Option<&Node>,
    err: &impl Fn(u32, String) -> LoadError,
) -> Result<LoadShape, LoadError> {
    let Some(node) = node else {
        return Ok(LoadShape::default());
    };
    if node.as_map().is_none() {
        return Err(err(node.line, "`load` must be a mapping".into()));
    }
    let mut shape = LoadShape::default();
    for (key, value) in node.entries() {
        let text = Some(scalar(value, key, err)?);
        match key {
            "rate" => shape.rate = text,
            "concurrency" => shape.concurrency = text,
            "connections" => shape.connections = text,
            "duration" => shape.duration = text,
            "requests" => shape.requests = text,
            "warmup" => shape.warmup = text,
            "timeout" => shape.timeout = text,
            _ => return Err(err(value.line, format!("unknown load key `{key}`"))),
        }
    }
    Ok(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
target: http://127.0.0.1:8080
headers: { Accept: application/json }
load: { rate: 500/s, duration: 30s }
thresholds: ["p(95)<100ms", "errors<1%"]
endpoints:
  - { name: list, path: /items, weight: 3 }
  - name: create
    method: POST
    path: /items
    body: '{"name":"x"}'
    headers: { Content-Type: application/json }
"#;

    #[test]
    fn reads_a_full_scenario() {
        let s = Scenario::parse("s.yaml", GOOD).unwrap();
        assert_eq!(s.target.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(s.thresholds, vec!["p(95)<100ms", "errors<1%"]);
        assert_eq!(s.load.rate.as_deref(), Some("500/s"));
        assert_eq!(s.endpoints.len(), 2);
        assert_eq!(s.endpoints[0].weight, 3);
        assert_eq!(s.endpoints[1].method, "POST");
        assert_eq!(s.endpoints[1].headers.len(), 2);
        let target = TargetUrl::parse("http://127.0.0.1:9/").unwrap();
        let e = s.endpoints_on(&target, "s.yaml").unwrap();
        assert_eq!(e[1].target.url, "http://127.0.0.1:9/items");
        assert_eq!(&e[1].body[..], br#"{"name":"x"}"#);
        assert_eq!(
            e[1].headers.get("content-type").unwrap(),
            "application/json"
        );
    }

    #[test]
    fn mistakes_point_at_the_line() {
        for (text, line, words) in [
            ("endpoints: []\n", 1, "non-empty"),
            ("endpoints:\n  - { path: /a, weight: 0 }\n", 2, "weight"),
            ("endpoints:\n  - { name: a }\n", 2, "no `path`"),
            (
                "endpoints:\n  - { path: /a, wieght: 2 }\n",
                2,
                "unknown endpoint key",
            ),
            ("target: http://x\nendpoint: []\n", 2, "unknown key"),
            ("endpoints: [ {path: /a\n", 2, ""),
            ("", 1, "empty"),
        ] {
            match Scenario::parse("s.yaml", text) {
                Err(LoadError::Scenario { path, message }) => {
                    assert_eq!(path, format!("s.yaml:{line}"), "{text}: {message}");
                    assert!(message.contains(words), "{text}: {message}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        let s = Scenario::parse(
            "s.yaml",
            "endpoints:\n  - { path: /a, method: 'BAD METHOD' }\n",
        )
        .unwrap();
        let target = TargetUrl::parse("http://127.0.0.1:9/").unwrap();
        assert!(s.endpoints_on(&target, "s.yaml").is_err());
    }
}
