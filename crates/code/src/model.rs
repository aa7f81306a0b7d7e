//! What the language extractors find in a source file. Controls read only these types: they
//! never see a syntax tree, so one control works for every language that emits its facts.

use serde::Serialize;

/// A tree-sitter grammar vouch parses with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    /// TypeScript with JSX (`.tsx`): its own grammar.
    Tsx,
    Go,
    Rust,
    Java,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "Python",
            Language::JavaScript => "JavaScript",
            Language::TypeScript => "TypeScript",
            Language::Tsx => "TSX",
            Language::Go => "Go",
            Language::Rust => "Rust",
            Language::Java => "Java",
        }
    }

    /// The grammar for a path, from its extension.
    pub fn of_path(path: &str) -> Option<Language> {
        let ext = path.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "py" | "pyw" => Language::Python,
            "js" | "jsx" | "mjs" | "cjs" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "go" => Language::Go,
            "rs" => Language::Rust,
            "java" => Language::Java,
            _ => return None,
        })
    }
}

/// 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// Whether an auth guard applies to a route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Auth {
    /// A guard applies; `evidence` names it (`Depends(get_current_user)`, `router.use(requireAuth)`).
    Required { evidence: String },
    /// Explicitly public or nothing guards it, and the extractor saw everything that could.
    None,
    /// The tool cannot tell (a guard could come from code it cannot follow).
    Unknown { reason: String },
}

impl Auth {
    pub fn is_required(&self) -> bool {
        matches!(self, Auth::Required { .. })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteKind {
    Http,
    GraphQl,
    WebSocket,
}

/// One HTTP route, GraphQL endpoint or WebSocket handler.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    /// Upper-case method (`GET`, `POST`, ...), `ANY` when every method is accepted.
    pub method: String,
    /// The full path once prefixes of routers and groups are applied (after linking).
    pub path: String,
    /// Handler function or class#method name; empty for an inline closure.
    pub handler: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// `fastapi`, `flask`, `express`, `gin`, `axum`, `spring`, ...
    pub framework: &'static str,
    pub kind: RouteKind,
    pub auth: Auth,
    /// Roles or permissions required beyond being logged in (empty: none seen).
    pub roles: Vec<String>,
    /// The router/app/group variable the route is registered on, for linking across files
    /// (language-specific key; empty when not relevant).
    #[serde(skip)]
    pub scope: String,
}

impl Route {
    pub fn is_write(&self) -> bool {
        matches!(
            self.method.as_str(),
            "POST" | "PUT" | "PATCH" | "DELETE" | "ANY"
        ) && self.kind == RouteKind::Http
    }
}

/// A value as the code writes it, resolved as far as one file allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    Literal(String),
    /// A list of literals (CORS origins, algorithms).
    List(Vec<String>),
    /// Read from the environment, with a literal default when the code gives one.
    Env {
        name: String,
        default: Option<String>,
    },
    /// A named setting or constant (`settings.cors_origins`, `CORS_ORIGINS`), resolved across
    /// files with [`crate::CodeIndex::resolve`]. The name is the last path segment, lower-cased.
    Config(String),
    /// Echoes the request (a reflected origin, `origin: true`).
    Reflected,
    Unknown,
}

/// A constant or setting defined in code: `X = "..."`, `os.getenv("X", "default")`,
/// pydantic-settings fields, `process.env.X ?? "default"`, Go `os.Getenv` with a fallback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfigValue {
    /// Last path segment, lower-cased (`cors_origins` for `Settings.CORS_ORIGINS`).
    pub name: String,
    pub value: Value,
    pub at: Pos,
}

/// Something a control cares about, found at one place in a file. Extractors emit only what
/// they recognised with confidence: a false positive is as bad as a miss.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub kind: FactKind,
    pub at: Pos,
    /// Short human detail for the finding message (`cursor.execute with an f-string`).
    pub detail: String,
    /// A credential inside the evidence line that must be redacted before it is shown.
    #[serde(skip)]
    pub secret: Option<String>,
}

impl Fact {
    pub fn new(kind: FactKind, at: Pos, detail: impl Into<String>) -> Fact {
        Fact {
            kind,
            at,
            detail: detail.into(),
            secret: None,
        }
    }
}

/// The vocabulary shared by extractors and controls. `Risk*` kinds are failures wherever they
/// appear in non-test code; `Has*` kinds are evidence that a capability is present and wired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FactKind {
    // --- security risks ---
    /// SQL/NoSQL/PostgREST filter text built by interpolation, concatenation or formatting from
    /// non-constant values and passed to an execute/query/raw/filter call.
    RiskSqlInterpolation,
    /// CORS allowing any origin (`*`) or reflecting the request origin.
    CorsPolicy { origins: Value, credentials: bool },
    /// A literal password, static bearer token or default admin password in code.
    RiskHardcodedCredential,
    /// An authorization function/guard that always allows.
    RiskAuthAlwaysAllows,
    /// JWT decoded without signature verification, or the `none` algorithm accepted.
    RiskJwtUnverified,
    /// JWT signing secret with a literal fallback (`os.getenv("JWT_SECRET", "dev-secret")`).
    RiskJwtSecretFallback,
    /// Debug mode enabled in a production entry point (Flask `debug=True`, Django `DEBUG = True`
    /// in production settings, uvicorn `reload=True` in the main module).
    RiskDebugMode,
    /// Exception text or a stack trace returned to the client.
    RiskExceptionToClient,
    /// `pickle.load`, `yaml.load` without SafeLoader, `torch.load` of user input, ...
    RiskUnsafeDeserialization,
    /// A shell command built from non-constant input.
    RiskShellInjection,
    /// An outbound request to a URL taken from the request, with no allow-list.
    RiskSsrf,
    /// Passwords hashed with a fast hash (MD5, SHA-1, SHA-256) instead of bcrypt/argon2/scrypt.
    RiskWeakPasswordHash,
    /// A token, key or password generated with non-cryptographic randomness.
    RiskInsecureRandom,
    /// GraphQL introspection enabled outside development.
    RiskGraphqlIntrospection,
    /// Code that lets users set a password (registration, reset).
    PasswordSet,
    /// A minimum length or breached/common-password check on new passwords.
    HasPasswordPolicy,
    /// A handler that raises NotImplementedError / returns a hardcoded placeholder /
    /// contains "TODO: implement", or a function that simulates or mocks a result.
    RiskStub,

    // --- API quality and resilience ---
    /// A rate limiter attached to the app or routes (not just imported).
    HasRateLimiter,
    /// A maximum request body size configured.
    HasBodySizeLimit,
    /// An outbound HTTP call; `timeout` says whether a timeout applies (call or client level).
    HttpClientCall { timeout: bool },
    /// Retries with backoff around outbound calls (tenacity, backoff, retry-axios, ...).
    HasRetryBackoff,
    /// A circuit breaker around an external provider.
    HasCircuitBreaker,
    /// Errors rendered in one structured format (RFC 7807 or an app-wide error handler/schema).
    HasStructuredErrors,
    /// A write handler passing the raw request body on without schema validation.
    RiskUnvalidatedBody,
    /// A write handler validating its body with a typed model/schema.
    HasBodyValidation,
    /// An `Idempotency-Key` header read and honoured.
    HasIdempotencyKey,
    /// A job queue task/worker; `limits` says whether time limits and retries are configured.
    JobQueue { limits: bool },
    /// A queue/event consumer; `retry_dlq` says whether retry and dead-letter are handled.
    QueueConsumer { retry_dlq: bool },
    /// A WebSocket handler; `limits` says whether deadlines and message size limits apply.
    WebSocketHandler { limits: bool },
    /// A database connection pool; `bounded` says whether its size is bounded.
    DbPool { bounded: bool },
    /// A central settings layer (pydantic-settings, viper, figment, config-rs, convict).
    HasSettingsLayer,
    /// Graceful shutdown (signal handling, server shutdown with drain).
    HasGracefulShutdown,
    /// Panic/exception recovery middleware.
    HasRecoveryMiddleware,

    // --- observability ---
    /// A Prometheus metrics endpoint served at `path`.
    MetricsEndpoint { path: String },
    /// Structured (JSON) logging configured.
    HasStructuredLogging,
    /// A request/correlation ID middleware.
    HasRequestId,
    /// OpenTelemetry tracer provider initialised.
    HasTracing,
    /// Error tracking (Sentry, Rollbar, Bugsnag) initialised; `dsn_from_env` when its DSN/key
    /// comes from the environment or settings.
    ErrorTracking { dsn_from_env: bool },
}

impl FactKind {
    /// The variant's name (`RiskSqlInterpolation`), as extractors declare coverage with it.
    pub fn variant_name(&self) -> &'static str {
        use FactKind::*;
        match self {
            RiskSqlInterpolation => "RiskSqlInterpolation",
            CorsPolicy { .. } => "CorsPolicy",
            RiskHardcodedCredential => "RiskHardcodedCredential",
            RiskAuthAlwaysAllows => "RiskAuthAlwaysAllows",
            RiskJwtUnverified => "RiskJwtUnverified",
            RiskJwtSecretFallback => "RiskJwtSecretFallback",
            RiskDebugMode => "RiskDebugMode",
            RiskExceptionToClient => "RiskExceptionToClient",
            RiskUnsafeDeserialization => "RiskUnsafeDeserialization",
            RiskShellInjection => "RiskShellInjection",
            RiskSsrf => "RiskSsrf",
            RiskWeakPasswordHash => "RiskWeakPasswordHash",
            RiskInsecureRandom => "RiskInsecureRandom",
            RiskGraphqlIntrospection => "RiskGraphqlIntrospection",
            PasswordSet => "PasswordSet",
            HasPasswordPolicy => "HasPasswordPolicy",
            RiskStub => "RiskStub",
            HasRateLimiter => "HasRateLimiter",
            HasBodySizeLimit => "HasBodySizeLimit",
            HttpClientCall { .. } => "HttpClientCall",
            HasRetryBackoff => "HasRetryBackoff",
            HasCircuitBreaker => "HasCircuitBreaker",
            HasStructuredErrors => "HasStructuredErrors",
            RiskUnvalidatedBody => "RiskUnvalidatedBody",
            HasBodyValidation => "HasBodyValidation",
            HasIdempotencyKey => "HasIdempotencyKey",
            JobQueue { .. } => "JobQueue",
            QueueConsumer { .. } => "QueueConsumer",
            WebSocketHandler { .. } => "WebSocketHandler",
            DbPool { .. } => "DbPool",
            HasSettingsLayer => "HasSettingsLayer",
            HasGracefulShutdown => "HasGracefulShutdown",
            HasRecoveryMiddleware => "HasRecoveryMiddleware",
            MetricsEndpoint { .. } => "MetricsEndpoint",
            HasStructuredLogging => "HasStructuredLogging",
            HasRequestId => "HasRequestId",
            HasTracing => "HasTracing",
            ErrorTracking { .. } => "ErrorTracking",
        }
    }

    /// One value of every variant (data variants in each boolean state), so a control's
    /// predicate over kinds can be turned into the variant names it looks at.
    pub fn samples() -> Vec<FactKind> {
        use FactKind::*;
        let mut out = vec![
            RiskSqlInterpolation,
            RiskHardcodedCredential,
            RiskAuthAlwaysAllows,
            RiskJwtUnverified,
            RiskJwtSecretFallback,
            RiskDebugMode,
            RiskExceptionToClient,
            RiskUnsafeDeserialization,
            RiskShellInjection,
            RiskSsrf,
            RiskWeakPasswordHash,
            RiskInsecureRandom,
            RiskGraphqlIntrospection,
            PasswordSet,
            HasPasswordPolicy,
            RiskStub,
            HasRateLimiter,
            HasBodySizeLimit,
            HasRetryBackoff,
            HasCircuitBreaker,
            HasStructuredErrors,
            RiskUnvalidatedBody,
            HasBodyValidation,
            HasIdempotencyKey,
            HasSettingsLayer,
            HasGracefulShutdown,
            HasRecoveryMiddleware,
            MetricsEndpoint {
                path: "/metrics".into(),
            },
            HasStructuredLogging,
            HasRequestId,
            HasTracing,
        ];
        for b in [false, true] {
            out.extend([
                CorsPolicy {
                    origins: Value::Literal("*".into()),
                    credentials: b,
                },
                HttpClientCall { timeout: b },
                JobQueue { limits: b },
                QueueConsumer { retry_dlq: b },
                WebSocketHandler { limits: b },
                DbPool { bounded: b },
                ErrorTracking { dsn_from_env: b },
            ]);
        }
        out
    }
}

/// The facts of one source file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileCode {
    pub path: String,
    pub language: Option<Language>,
    /// Syntax errors tree-sitter recovered from: (position, message). The rest of the file
    /// still yields facts.
    pub parse_errors: Vec<(Pos, String)>,
    /// Set when the file was not parsed at all (too big, minified): why.
    pub skipped: Option<String>,
    pub routes: Vec<Route>,
    pub facts: Vec<Fact>,
    pub config: Vec<ConfigValue>,
    /// Imported modules/packages as written (`fastapi`, `github.com/gin-gonic/gin`).
    pub imports: Vec<String>,
    /// Language-specific data for the linking pass (router mounts, middleware scopes), as
    /// `(key, value)` pairs the language's `link` understands.
    #[serde(skip)]
    pub link_hints: Vec<LinkHint>,
}

/// A cross-file relation the language's linker resolves after every file is extracted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkHint {
    /// Routes registered on `child` are served under `parent` with `prefix`, and `auth` (when
    /// Required) applies to all of them (`app.include_router(users.router, prefix="/users",
    /// dependencies=[Depends(auth)])`, `app.use("/api", requireAuth, apiRouter)`).
    Mount {
        parent: String,
        child: String,
        prefix: String,
        auth: Option<String>,
        /// Line of the mount in its file when registration order matters (Express/Koa
        /// `app.use`: a guard the parent registers after the mount does not cover it); 0 when
        /// every guard of the parent applies.
        line: u32,
    },
    /// A guard applied to every route of `scope` registered after `line` (or all, line 0).
    Guard {
        scope: String,
        evidence: String,
        line: u32,
    },
}
