//! What a run will do: the endpoints with their weights, the load model, and the bounds.
//! Everything is validated here, so the engine never meets an impossible plan.

use crate::error::{LoadError, usage};
use crate::target::TargetUrl;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use std::time::Duration;

/// Hard limits: a run never goes past these, whatever the options say.
pub const MAX_DURATION: Duration = Duration::from_secs(3600);
pub const MAX_REQUESTS: u64 = 100_000_000;
pub const MAX_RATE: f64 = 1_000_000.0;
pub const MAX_CONNECTIONS: usize = 10_000;
pub const MAX_TIMEOUT: Duration = Duration::from_secs(300);
/// The duration limit when only `--requests` bounds a run.
pub const DEFAULT_REQUESTS_DURATION_CAP: Duration = Duration::from_secs(600);
pub const DEFAULT_DURATION: Duration = Duration::from_secs(10);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_CONNECTIONS: usize = 64;

/// One kind of request the run sends.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub name: String,
    pub target: TargetUrl,
    pub method: Method,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Relative share of the requests (positive).
    pub weight: u32,
}

impl Endpoint {
    pub fn new(name: &str, target: TargetUrl) -> Endpoint {
        Endpoint {
            name: name.to_string(),
            target,
            method: Method::GET,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            weight: 1,
        }
    }

    pub fn set_method(&mut self, method: &str) -> Result<(), LoadError> {
        self.method = Method::from_bytes(method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| usage(format!("`{method}` is not an HTTP method")))?;
        Ok(())
    }

    /// Adds a `Name: value` header (as written on the command line).
    pub fn add_header_line(&mut self, line: &str) -> Result<(), LoadError> {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| usage(format!("header `{line}` must be `Name: value`")))?;
        self.add_header(name, value)
    }

    pub fn add_header(&mut self, name: &str, value: &str) -> Result<(), LoadError> {
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| usage(format!("`{}` is not a header name", name.trim())))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| usage(format!("the value of header `{name}` is not valid")))?;
        self.headers.append(name, value);
        Ok(())
    }
}

/// Open: requests leave at a fixed rate whatever the server does. Closed: N connections each
/// send the next request as soon as the previous one is answered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Model {
    Open { rate: f64, connections: usize },
    Closed { concurrency: usize },
}

impl Model {
    pub fn connections(&self) -> usize {
        match *self {
            Model::Open { connections, .. } => connections,
            Model::Closed { concurrency } => concurrency,
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            Model::Open { .. } => "open",
            Model::Closed { .. } => "closed",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub endpoints: Vec<Endpoint>,
    pub model: Model,
    /// Measured time (after warmup). The run ends at this time or at `max_requests`.
    pub duration: Duration,
    /// Measured requests at most (the open model sends exactly this many when given).
    pub max_requests: Option<u64>,
    /// Load sent before measuring starts; its results are discarded.
    pub warmup: Duration,
    /// Per request, connect included.
    pub timeout: Duration,
    /// Runtime worker threads (0 = one per core).
    pub threads: usize,
    /// How `https://` servers are trusted.
    pub trust: Trust,
}

/// Trust for `https://` targets: the system's roots plus `ca_cert_pem`, or nothing checked.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    /// `--insecure`: any certificate is accepted (explicit only).
    pub insecure: bool,
    /// `--ca-cert FILE`'s content (PEM), trusted on top of the system roots.
    pub ca_cert_pem: Option<Vec<u8>>,
}

impl Plan {
    /// Checks the bounds; the engine relies on them.
    pub fn validate(&self) -> Result<(), LoadError> {
        if self.endpoints.is_empty() {
            return Err(usage(
                "nothing to load: give a URL or a scenario with endpoints",
            ));
        }
        if self.endpoints.iter().any(|e| e.weight == 0) {
            return Err(usage("endpoint weights must be positive"));
        }
        let connections = self.model.connections();
        if connections == 0 || connections > MAX_CONNECTIONS {
            return Err(usage(format!(
                "connections must be between 1 and {MAX_CONNECTIONS}"
            )));
        }
        if let Model::Open { rate, .. } = self.model
            && !(rate > 0.0 && rate <= MAX_RATE)
        {
            return Err(usage(format!(
                "the rate must be above 0 and at most {MAX_RATE}/s"
            )));
        }
        if self.duration.is_zero() || self.duration + self.warmup > MAX_DURATION {
            return Err(usage(format!(
                "duration plus warmup must be above zero and at most {}s",
                MAX_DURATION.as_secs()
            )));
        }
        if self.timeout.is_zero() || self.timeout > MAX_TIMEOUT {
            return Err(usage(format!(
                "the timeout must be above zero and at most {}s",
                MAX_TIMEOUT.as_secs()
            )));
        }
        match self.max_requests {
            Some(0) => return Err(usage("--requests must be at least 1")),
            Some(n) if n > MAX_REQUESTS => {
                return Err(usage(format!("--requests is capped at {MAX_REQUESTS}")));
            }
            _ => {}
        }
        if let Model::Open { rate, .. } = self.model {
            let planned = rate * (self.duration + self.warmup).as_secs_f64();
            if planned > MAX_REQUESTS as f64 {
                return Err(usage(format!(
                    "rate × duration would send more than {MAX_REQUESTS} requests"
                )));
            }
        }
        Ok(())
    }

    /// The endpoint for request number `n`: a weighted draw from a hash of `n`, so the mix is
    /// stable from run to run and needs no shared random state.
    pub fn pick(&self, n: u64) -> usize {
        if self.endpoints.len() == 1 {
            return 0;
        }
        let total: u64 = self.endpoints.iter().map(|e| u64::from(e.weight)).sum();
        let mut draw = splitmix64(n) % total;
        for (i, e) in self.endpoints.iter().enumerate() {
            let w = u64::from(e.weight);
            if draw < w {
                return i;
            }
            draw -= w;
        }
        self.endpoints.len() - 1
    }

    /// The URL shown in reports: the only endpoint's, or the common server's.
    pub fn display_target(&self) -> String {
        match self.endpoints.as_slice() {
            [only] => only.target.url.clone(),
            [first, ..] => format!("http://{}", first.target.authority),
            [] => String::new(),
        }
    }
}

/// A well-mixed 64-bit hash (SplitMix64's finaliser).
fn splitmix64(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(weights: &[u32]) -> Plan {
        let t = TargetUrl::parse("http://127.0.0.1:1/").unwrap();
        Plan {
            endpoints: weights
                .iter()
                .map(|w| Endpoint {
                    weight: *w,
                    ..Endpoint::new("e", t.clone())
                })
                .collect(),
            model: Model::Closed { concurrency: 1 },
            duration: Duration::from_secs(1),
            max_requests: None,
            warmup: Duration::ZERO,
            timeout: DEFAULT_TIMEOUT,
            threads: 0,
            trust: Trust::default(),
        }
    }

    #[test]
    fn picks_follow_the_weights() {
        let p = plan(&[1, 3, 6]);
        let mut counts = [0u32; 3];
        for n in 0..100_000 {
            counts[p.pick(n)] += 1;
        }
        for (got, want) in counts.iter().zip([10_000.0, 30_000.0, 60_000.0]) {
            assert!((f64::from(*got) - want).abs() / want < 0.03, "{counts:?}");
        }
    }

    #[test]
    fn bounds_are_enforced() {
        assert!(plan(&[1]).validate().is_ok());
        assert!(plan(&[0]).validate().is_err());
        assert!(plan(&[]).validate().is_err());
        let mut p = plan(&[1]);
        p.duration = Duration::from_secs(7200);
        assert!(p.validate().is_err());
        let mut p = plan(&[1]);
        p.model = Model::Open {
            rate: 1e9,
            connections: 1,
        };
        assert!(p.validate().is_err());
        let mut p = plan(&[1]);
        p.max_requests = Some(0);
        assert!(p.validate().is_err());
    }

    #[test]
    fn headers_and_methods_are_checked() {
        let mut e = Endpoint::new("e", TargetUrl::parse("http://127.0.0.1:1/").unwrap());
        assert!(e.add_header_line("X-Token: abc").is_ok());
        assert!(e.add_header_line("no colon").is_err());
        assert!(e.add_header_line("bad name: x").is_err());
        assert!(e.set_method("post").is_ok());
        assert_eq!(e.method, Method::POST);
        assert!(e.set_method("GE T").is_err());
    }
}
