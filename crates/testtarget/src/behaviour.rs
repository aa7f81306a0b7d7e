//! What an instance of the test target does: the good service, or the good service with one
//! production-readiness defect switched on.

use std::str::FromStr;
use std::time::Duration;

/// The bearer token the target accepts on protected routes (writes, `/metrics`).
pub const TOKEN: &str = "vouch-test-token";

/// Named presets. `Good` passes every probe; each other mode breaks one thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Good,
    /// No rate limiting at all.
    NoRateLimit,
    /// Error responses carry a stack trace, exception text and the failing SQL.
    LeaksStackTraces,
    /// `Access-Control-Allow-Origin: *` together with `Allow-Credentials: true`.
    WildcardCorsWithCredentials,
    /// POST/PUT/DELETE succeed without credentials.
    WritesWithoutAuth,
    /// One request in twenty takes 750 ms.
    SlowP99,
    /// Every request takes 30 s (timeouts).
    Hang,
    /// `/healthz` takes 1.5 s.
    SlowHealth,
    /// `Server` and `X-Powered-By` name products and versions.
    VersionHeaders,
    /// `/.env`, `/.git/config` and `/actuator/env` are served.
    ExposedEnv,
    /// Every unknown GET outside `/api` answers 200 with the HTML shell (a single-page app).
    SpaCatchAll,
    /// No `/metrics`.
    NoMetrics,
    /// `/metrics` is served without credentials.
    PublicMetrics,
    /// `/metrics` has malformed exposition lines.
    MalformedMetrics,
    /// No readiness endpoint.
    NoReadiness,
    /// 404/405/400 answered with `text/plain` bodies.
    PlainErrors,
    /// No X-Content-Type-Options, frame protection, CSP or Referrer-Policy.
    MissingSecurityHeaders,
    /// TRACE echoes the request.
    TraceEnabled,
    /// Request bodies of any size are read and accepted (no 413).
    UnlimitedBody,
    /// Overlong headers and URLs crash the handler: 500 instead of 431/414.
    OversizeServerError,
    /// Overlong headers and URLs are served like any other request.
    NoRequestLimits,
    /// No GraphQL endpoint (the good target's `/graphql` refuses introspection).
    NoGraphql,
    /// `/graphql` answers introspection queries with the schema.
    GraphqlIntrospectionOn,
    /// No `Strict-Transport-Security` header.
    NoHsts,
    /// The session cookie is set without Secure, HttpOnly or SameSite.
    InsecureCookies,
}

impl Mode {
    pub const ALL: [Mode; 25] = [
        Mode::Good,
        Mode::NoRateLimit,
        Mode::LeaksStackTraces,
        Mode::WildcardCorsWithCredentials,
        Mode::WritesWithoutAuth,
        Mode::SlowP99,
        Mode::Hang,
        Mode::SlowHealth,
        Mode::VersionHeaders,
        Mode::ExposedEnv,
        Mode::SpaCatchAll,
        Mode::NoMetrics,
        Mode::PublicMetrics,
        Mode::MalformedMetrics,
        Mode::NoReadiness,
        Mode::PlainErrors,
        Mode::MissingSecurityHeaders,
        Mode::TraceEnabled,
        Mode::UnlimitedBody,
        Mode::OversizeServerError,
        Mode::NoRequestLimits,
        Mode::NoGraphql,
        Mode::GraphqlIntrospectionOn,
        Mode::NoHsts,
        Mode::InsecureCookies,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Good => "good",
            Mode::NoRateLimit => "no-rate-limit",
            Mode::LeaksStackTraces => "leaks-stack-traces",
            Mode::WildcardCorsWithCredentials => "wildcard-cors-credentials",
            Mode::WritesWithoutAuth => "writes-without-auth",
            Mode::SlowP99 => "slow-p99",
            Mode::Hang => "hang",
            Mode::SlowHealth => "slow-health",
            Mode::VersionHeaders => "version-headers",
            Mode::ExposedEnv => "exposed-env",
            Mode::SpaCatchAll => "spa-catch-all",
            Mode::NoMetrics => "no-metrics",
            Mode::PublicMetrics => "public-metrics",
            Mode::MalformedMetrics => "malformed-metrics",
            Mode::NoReadiness => "no-readiness",
            Mode::PlainErrors => "plain-errors",
            Mode::MissingSecurityHeaders => "missing-security-headers",
            Mode::TraceEnabled => "trace-enabled",
            Mode::UnlimitedBody => "unlimited-body",
            Mode::OversizeServerError => "oversize-server-error",
            Mode::NoRequestLimits => "no-request-limits",
            Mode::NoGraphql => "no-graphql",
            Mode::GraphqlIntrospectionOn => "graphql-introspection-on",
            Mode::NoHsts => "no-hsts",
            Mode::InsecureCookies => "insecure-cookies",
        }
    }
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
                format!("unknown mode `{s}` (one of: {})", names.join(", "))
            })
    }
}

/// How errors are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorStyle {
    /// RFC 7807 `application/problem+json`.
    Problem,
    /// `text/plain` one-liners.
    Plain,
    /// 500s and text bodies with a traceback, exception text and SQL.
    Leaky,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsStyle {
    /// Served, behind the bearer token.
    Protected,
    Public,
    Malformed,
    Absent,
}

/// What the target does with a request line or headers over its limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oversize {
    /// 414 URI Too Long / 431 Request Header Fields Too Large.
    Refused,
    /// Served like any other request (no limit below hyper's own, about 400 KiB).
    Served,
    /// 500: the handler fails on them.
    ServerError,
}

/// The GraphQL endpoint at `/graphql`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Graphql {
    Absent,
    IntrospectionOff,
    IntrospectionOn,
}

/// The session cookie `GET /` sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieStyle {
    /// `Secure; HttpOnly; SameSite=Lax`.
    Hardened,
    /// No attributes beyond `Path`.
    Insecure,
    /// No cookie at all.
    Absent,
}

/// Requests matching `every` (1 = all) are delayed by `by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delay {
    pub every: u64,
    pub by: Duration,
}

/// Every switch the target has; build one from a [`Mode`] or set fields directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Behaviour {
    /// Requests per [`Behaviour::rate_window`] before 429; `None`: unlimited.
    pub rate_limit: Option<u32>,
    /// The fixed window the rate limit counts in (real limits are per minute or per second).
    pub rate_window: Duration,
    pub errors: ErrorStyle,
    pub wildcard_cors_with_credentials: bool,
    pub writes_without_auth: bool,
    pub delay: Option<Delay>,
    /// Every request waits this long before it is handled.
    pub base_delay: Option<Duration>,
    pub health_delay: Option<Duration>,
    pub version_headers: bool,
    pub exposed_files: bool,
    pub spa_catch_all: bool,
    pub metrics: MetricsStyle,
    pub readiness: bool,
    pub security_headers: bool,
    pub trace_enabled: bool,
    /// Largest request body read, in bytes (413 above); `None`: unlimited.
    pub body_limit: Option<usize>,
    /// Longest request target (path and query) and largest header block, in bytes.
    pub url_limit: usize,
    pub header_limit: usize,
    pub oversize: Oversize,
    pub graphql: Graphql,
    /// The `Strict-Transport-Security` value sent on every response.
    pub hsts: Option<&'static str>,
    pub cookies: CookieStyle,
}

impl Behaviour {
    pub fn good() -> Self {
        Behaviour {
            // Above what the other probes spend on one target, below the 200-request burst.
            rate_limit: Some(150),
            rate_window: Duration::from_secs(10),
            errors: ErrorStyle::Problem,
            wildcard_cors_with_credentials: false,
            writes_without_auth: false,
            delay: None,
            base_delay: None,
            health_delay: None,
            version_headers: false,
            exposed_files: false,
            spa_catch_all: false,
            metrics: MetricsStyle::Protected,
            readiness: true,
            security_headers: true,
            trace_enabled: false,
            body_limit: Some(1024 * 1024),
            // nginx's and Node's defaults: 8 KiB request line, 16 KiB of headers.
            url_limit: 8 * 1024,
            header_limit: 16 * 1024,
            oversize: Oversize::Refused,
            graphql: Graphql::IntrospectionOff,
            hsts: Some("max-age=31536000; includeSubDomains"),
            cookies: CookieStyle::Hardened,
        }
    }
}

impl From<Mode> for Behaviour {
    fn from(mode: Mode) -> Self {
        let good = Behaviour::good();
        match mode {
            Mode::Good => good,
            Mode::NoRateLimit => Behaviour {
                rate_limit: None,
                ..good
            },
            Mode::LeaksStackTraces => Behaviour {
                errors: ErrorStyle::Leaky,
                ..good
            },
            Mode::WildcardCorsWithCredentials => Behaviour {
                wildcard_cors_with_credentials: true,
                ..good
            },
            Mode::WritesWithoutAuth => Behaviour {
                writes_without_auth: true,
                ..good
            },
            Mode::SlowP99 => Behaviour {
                delay: Some(Delay {
                    every: 20,
                    by: Duration::from_millis(750),
                }),
                ..good
            },
            Mode::Hang => Behaviour {
                delay: Some(Delay {
                    every: 1,
                    by: Duration::from_secs(30),
                }),
                ..good
            },
            Mode::SlowHealth => Behaviour {
                health_delay: Some(Duration::from_millis(1500)),
                ..good
            },
            Mode::VersionHeaders => Behaviour {
                version_headers: true,
                ..good
            },
            Mode::ExposedEnv => Behaviour {
                exposed_files: true,
                ..good
            },
            Mode::SpaCatchAll => Behaviour {
                spa_catch_all: true,
                ..good
            },
            Mode::NoMetrics => Behaviour {
                metrics: MetricsStyle::Absent,
                ..good
            },
            Mode::PublicMetrics => Behaviour {
                metrics: MetricsStyle::Public,
                ..good
            },
            Mode::MalformedMetrics => Behaviour {
                metrics: MetricsStyle::Malformed,
                ..good
            },
            Mode::NoReadiness => Behaviour {
                readiness: false,
                ..good
            },
            Mode::PlainErrors => Behaviour {
                errors: ErrorStyle::Plain,
                ..good
            },
            Mode::MissingSecurityHeaders => Behaviour {
                security_headers: false,
                ..good
            },
            Mode::TraceEnabled => Behaviour {
                trace_enabled: true,
                ..good
            },
            Mode::UnlimitedBody => Behaviour {
                body_limit: None,
                ..good
            },
            Mode::OversizeServerError => Behaviour {
                oversize: Oversize::ServerError,
                ..good
            },
            Mode::NoRequestLimits => Behaviour {
                oversize: Oversize::Served,
                ..good
            },
            Mode::NoGraphql => Behaviour {
                graphql: Graphql::Absent,
                ..good
            },
            Mode::GraphqlIntrospectionOn => Behaviour {
                graphql: Graphql::IntrospectionOn,
                ..good
            },
            Mode::NoHsts => Behaviour { hsts: None, ..good },
            Mode::InsecureCookies => Behaviour {
                cookies: CookieStyle::Insecure,
                ..good
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_mode_differs_from_good_and_names_round_trip() {
        for mode in Mode::ALL {
            assert_eq!(mode.name().parse::<Mode>(), Ok(mode));
            let b = Behaviour::from(mode);
            assert_eq!(b == Behaviour::good(), mode == Mode::Good, "{mode:?}");
        }
        assert!("nope".parse::<Mode>().is_err());
    }
}
