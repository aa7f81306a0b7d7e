//! End-to-end tests of the Rust extractor: source text in, linked routes and facts out.

use crate::model::{Auth, FactKind, Route, RouteKind};
use crate::{CodeIndex, extract};

fn index(files: &[(&str, &str)]) -> CodeIndex {
    CodeIndex::build(
        files
            .iter()
            .map(|(p, s)| extract(p, s.as_bytes()).expect("rust file"))
            .collect(),
    )
}

fn route<'a>(ix: &'a CodeIndex, method: &str, path: &str) -> &'a Route {
    ix.routes()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| {
            panic!(
                "no {method} {path} in {:#?}",
                ix.routes()
                    .map(|r| (&r.method, &r.path))
                    .collect::<Vec<_>>()
            )
        })
}

fn kinds(ix: &CodeIndex) -> Vec<FactKind> {
    ix.facts().map(|(_, f)| f.kind.clone()).collect()
}

fn has(ix: &CodeIndex, pred: impl Fn(&FactKind) -> bool) -> bool {
    ix.facts().any(|(_, f)| pred(&f.kind))
}

#[test]
fn axum_layers_guard_routes_added_before_them() {
    let ix = index(&[(
        "src/main.rs",
        r#"
use axum::{Router, routing::{get, post}, middleware::from_fn};
async fn list() {}
async fn create(Json(b): Json<NewItem>) {}
async fn login(Json(b): Json<Login>) {}
#[tokio::main]
async fn main() {
    let app = Router::new()
        .route("/items", get(list).post(create))
        .route_layer(from_fn(require_auth))
        .route("/login", post(login));
    axum::serve(listener, app).await.unwrap();
}
"#,
    )]);
    assert!(route(&ix, "POST", "/items").auth.is_required());
    assert!(route(&ix, "GET", "/items").auth.is_required());
    assert_eq!(route(&ix, "POST", "/login").auth, Auth::None);
    assert_eq!(route(&ix, "POST", "/login").framework, "axum");
}

#[test]
fn axum_nest_across_files_with_extractor_auth() {
    let ix = index(&[
        (
            "src/main.rs",
            r#"
mod routes;
use crate::routes::users;
#[tokio::main]
async fn main() {
    let app = Router::new()
        .nest("/api/users", users::router())
        .nest("/admin", routes::admin::router().layer(from_fn(require_admin)));
    axum::serve(listener, app).await.unwrap();
}
"#,
        ),
        (
            "src/routes/users.rs",
            r#"
use axum::{Router, routing::{get, post, delete}};
use crate::handlers::remove_user;
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", post(create_user))
        .route("/{id}", get(get_user).delete(remove_user))
}
async fn create_user(State(s): State<AppState>, Json(b): Json<NewUser>) {}
async fn get_user(user: AuthUser, Path(id): Path<i64>) {}
"#,
        ),
        (
            "src/handlers.rs",
            r#"
pub async fn remove_user(Extension(claims): Extension<Claims>, Path(id): Path<i64>) {}
"#,
        ),
        (
            "src/routes/admin.rs",
            r#"
pub fn router() -> Router<AppState> {
    Router::new().route("/users", delete(purge))
}
async fn purge(State(s): State<AppState>) {}
"#,
        ),
    ]);
    assert_eq!(route(&ix, "POST", "/api/users").auth, Auth::None);
    assert!(route(&ix, "GET", "/api/users/{id}").auth.is_required());
    let removed = route(&ix, "DELETE", "/api/users/{id}");
    assert!(removed.auth.is_required(), "{:?}", removed.auth);
    let purge = route(&ix, "DELETE", "/admin/users");
    assert!(purge.auth.is_required());
    assert_eq!(purge.roles, vec!["admin".to_string()]);
}

#[test]
fn unmounted_router_is_unknown() {
    let ix = index(&[(
        "src/api.rs",
        r#"
pub fn router() -> Router { Router::new().route("/x", post(h)) }
async fn h(Json(b): Json<X>) {}
"#,
    )]);
    assert!(matches!(
        route(&ix, "POST", "/x").auth,
        Auth::Unknown { .. }
    ));
}

#[test]
fn actix_scopes_resources_and_attribute_routes() {
    let ix = index(&[
        (
            "src/main.rs",
            r#"
use actix_web::{web, App, HttpServer};
mod handlers;
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    HttpServer::new(|| {
        App::new()
            .service(handlers::health)
            .service(
                web::scope("/api")
                    .wrap(HttpAuthentication::bearer(validator))
                    .service(web::resource("/orders").route(web::post().to(create_order)))
                    .service(handlers::delete_order),
            )
            .service(web::resource("/signup").route(web::post().to(signup)))
    })
    .bind(("0.0.0.0", 8080))?
    .run()
    .await
}
async fn create_order(body: web::Json<Order>) -> HttpResponse { HttpResponse::Ok().finish() }
async fn signup(body: web::Json<Signup>) -> HttpResponse { HttpResponse::Ok().finish() }
"#,
        ),
        (
            "src/handlers.rs",
            r#"
use actix_web::{get, delete, HttpResponse};
#[get("/healthz")]
pub async fn health() -> HttpResponse { HttpResponse::Ok().finish() }
#[delete("/orders/{id}")]
pub async fn delete_order(path: web::Path<i64>) -> HttpResponse { HttpResponse::Ok().finish() }
"#,
        ),
    ]);
    assert!(route(&ix, "POST", "/api/orders").auth.is_required());
    assert!(route(&ix, "DELETE", "/api/orders/{id}").auth.is_required());
    assert_eq!(route(&ix, "POST", "/signup").auth, Auth::None);
    assert_eq!(route(&ix, "GET", "/healthz").framework, "actix-web");
}

#[test]
fn websocket_and_graphql_routes() {
    let ix = index(&[(
        "src/main.rs",
        r#"
async fn ws_handler(ws: WebSocketUpgrade) -> Response { ws.on_upgrade(handle) }
async fn main() {
    let app = Router::new()
        .route("/ws", any(ws_handler))
        .route("/graphql", get(graphiql).post_service(GraphQL::new(schema)));
    axum::serve(l, app).await;
}
async fn graphiql() {}
"#,
    )]);
    assert_eq!(route(&ix, "GET", "/ws").kind, RouteKind::WebSocket);
    assert_eq!(route(&ix, "POST", "/graphql").kind, RouteKind::GraphQl);
}

#[test]
fn test_modules_are_not_read() {
    let ix = index(&[(
        "src/main.rs",
        r#"
fn main() { let app = Router::new().route("/a", get(a)); axum::serve(l, app); }
#[cfg(test)]
mod tests {
    fn app() -> Router { Router::new().route("/test-only", post(h)) }
}
"#,
    )]);
    assert!(ix.routes().all(|r| r.path != "/test-only"));
    let _ = kinds(&ix);
    let _ = has(&ix, |_| true);
}

fn one(src: &str) -> CodeIndex {
    index(&[("src/handlers.rs", src)])
}

#[test]
fn sql_built_with_format_is_a_risk_but_binds_and_allow_lists_are_not() {
    let ix = one(r#"
async fn search(State(db): State<PgPool>, Query(q): Query<Search>) {
    let sql = format!("SELECT * FROM users WHERE name = '{}'", q.name);
    sqlx::query(&sql).fetch_all(&db).await;
}
"#);
    assert_eq!(kinds(&ix), vec![FactKind::RiskSqlInterpolation]);
    let ix = one(r#"
const TABLE: &str = "users";
async fn list(State(db): State<PgPool>, Query(q): Query<Search>, Path(id): Path<i64>) {
    let column = match q.sort.as_deref() { Some("name") => "name", _ => "created_at" };
    sqlx::query(&format!("SELECT * FROM {TABLE} ORDER BY {column} LIMIT $1")).bind(q.limit).fetch_all(&db).await;
    sqlx::query(&format!("SELECT * FROM users WHERE id = {}", id)).fetch_one(&db).await;
    let placeholders = q.ids.iter().map(|_| "?").collect::<Vec<_>>().join(", ");
    sqlx::query(&format!("SELECT * FROM users WHERE id IN ({placeholders})")).fetch_all(&db).await;
    sqlx::query!("SELECT * FROM users WHERE name = $1", q.name).fetch_all(&db).await;
    // sqlx::query(&format!("SELECT * FROM users WHERE name = '{}'", q.name));
}
"#);
    assert!(
        !has(&ix, |k| *k == FactKind::RiskSqlInterpolation),
        "{:?}",
        kinds(&ix)
    );
}

#[test]
fn shell_commands_from_input() {
    let ix = one(r#"
async fn convert(Json(req): Json<Convert>) {
    let out = Command::new("sh").arg("-c").arg(format!("convert {} out.png", req.file)).output().await;
    let ok = Command::new("sh").arg("-c").arg("ls -la /tmp").output().await;
    let ok2 = Command::new("convert").arg(&req.file).output().await;
}
"#);
    let k = kinds(&ix);
    let shells = k.iter().filter(|k| **k == FactKind::RiskShellInjection);
    assert_eq!(shells.count(), 1, "{k:?}");
}

#[test]
fn cors_jwt_and_secrets() {
    let ix = one(r#"
use jsonwebtoken::{decode, Validation};
fn cors() -> CorsLayer { CorsLayer::very_permissive() }
fn cors2() -> CorsLayer { CorsLayer::new().allow_origin(Any).allow_methods(Any) }
fn cors3() -> CorsLayer { CorsLayer::new().allow_origin(AllowOrigin::mirror_request()).allow_credentials(true) }
fn cors4(s: &Settings) -> CorsLayer { CorsLayer::new().allow_origin(s.cors_origin.parse::<HeaderValue>().unwrap()) }
fn validation() -> Validation {
    let mut v = Validation::new(Algorithm::HS256);
    v.insecure_disable_signature_validation();
    v.validate_exp = false;
    v
}
fn secret() -> String { std::env::var("JWT_SECRET").unwrap_or_else(|_| "dev-secret-key".to_string()) }
"#);
    let cors: Vec<_> = ix
        .facts()
        .filter_map(|(_, f)| match &f.kind {
            FactKind::CorsPolicy {
                origins,
                credentials,
            } => Some((origins.clone(), *credentials)),
            _ => None,
        })
        .collect();
    use crate::model::Value;
    assert_eq!(
        cors,
        vec![
            (Value::Reflected, true),
            (Value::Literal("*".into()), false),
            (Value::Reflected, true),
            (Value::Config("cors_origin".into()), false),
        ]
    );
    assert_eq!(
        ix.facts()
            .filter(|(_, f)| f.kind == FactKind::RiskJwtUnverified)
            .count(),
        2
    );
    let fallback = ix
        .facts()
        .find(|(_, f)| f.kind == FactKind::RiskJwtSecretFallback)
        .expect("fallback");
    assert_eq!(fallback.1.secret.as_deref(), Some("dev-secret-key"));
    assert!(ix.config("jwt_secret").next().is_none());
}

#[test]
fn credentials_hashes_randomness_and_stubs() {
    let ix = one(r#"
const ADMIN_PASSWORD: &str = "S3cret!admin";
const PASSWORD_MIN_LENGTH: usize = 12;
const API_KEY_HEADER: &str = "x-api-key";
const DB_PASSWORD: &str = "changeme";
pub const ENV_INIT_ADMIN_PASSWORD: &str = "VOUCH_INIT_ADMIN_PASSWORD";
const SIGNING_SECRET_VAR: &str = "APP_SIGNING_SECRET";
const ENV_DB_PASSWORD: &str = "s3cret_Prod_2024";
pub const API_KEY_CREATED: &str = "api_key.created";
const SESSION_TOKEN_ROTATED: &str = "session-token:rotated";
fn check(token: &str) -> bool { token == "static-token-123" }
fn authorize(user: &User, action: &str) -> bool { true }
fn hash(password: &str) -> String { format!("{:x}", Sha256::digest(password.as_bytes())) }
fn reset_token() -> String { (0..32).map(|_| fastrand::alphanumeric()).collect() }
fn pick_color() -> u8 { fastrand::u8(..) }
async fn export(State(s): State<App>) -> Json<Export> { todo!() }
"#);
    let k = kinds(&ix);
    let count = |kind: FactKind| k.iter().filter(|x| **x == kind).count();
    // ADMIN_PASSWORD, the compared token, and ENV_DB_PASSWORD (its value is no variable name);
    // not the constants that name the variables credentials are read from, nor event names
    // that spell their constant's name.
    assert_eq!(count(FactKind::RiskHardcodedCredential), 3, "{k:?}");
    assert_eq!(count(FactKind::RiskAuthAlwaysAllows), 1);
    assert_eq!(count(FactKind::RiskWeakPasswordHash), 1);
    assert_eq!(count(FactKind::RiskInsecureRandom), 1);
    assert_eq!(count(FactKind::RiskStub), 1);
}

#[test]
fn capabilities_wired_in_main() {
    let ix = index(&[(
        "src/main.rs",
        r#"
use axum::Router;
#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().json().with_env_filter(EnvFilter::from_default_env()).init();
    let _guard = sentry::init((std::env::var("SENTRY_DSN").ok(), sentry::ClientOptions::default()));
    let pool = PgPoolOptions::new().max_connections(20).connect(&url).await.unwrap();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let governor = GovernorConfigBuilder::default().finish().unwrap();
    let app = Router::new()
        .route("/metrics", get(move || async move { handle.render() }))
        .layer(GovernorLayer { config: Arc::new(governor) })
        .layer(CatchPanicLayer::new())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(RequestBodyLimitLayer::new(1024 * 1024));
    let builder = PrometheusBuilder::new();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await.unwrap();
}
"#,
    )]);
    let k = kinds(&ix);
    for want in [
        FactKind::HasStructuredLogging,
        FactKind::ErrorTracking { dsn_from_env: true },
        FactKind::DbPool { bounded: true },
        FactKind::HttpClientCall { timeout: true },
        FactKind::HasRateLimiter,
        FactKind::HasRecoveryMiddleware,
        FactKind::HasRequestId,
        FactKind::HasBodySizeLimit,
        FactKind::HasGracefulShutdown,
        FactKind::MetricsEndpoint {
            path: "/metrics".into(),
        },
    ] {
        assert!(k.contains(&want), "missing {want:?} in {k:?}");
    }
}

#[test]
fn config_values_from_consts_and_env() {
    let ix = index(&[(
        "src/config.rs",
        r#"
pub const CORS_ORIGINS: &[&str] = &["https://app.example.com"];
pub fn load() -> Settings {
    Settings {
        cors_origin: env::var("CORS_ORIGIN").unwrap_or_else(|_| "*".into()),
        port: env::var("PORT").unwrap_or("8080".to_string()),
    }
}
"#,
    )]);
    use crate::model::Value;
    assert_eq!(
        ix.resolve(&Value::Config("cors_origin".into())),
        Value::Env {
            name: "CORS_ORIGIN".into(),
            default: Some("*".into())
        }
    );
    assert_eq!(
        ix.resolve(&Value::Config("cors_origins".into())),
        Value::List(vec!["https://app.example.com".into()])
    );
}

#[test]
fn unknown_middleware_makes_auth_unknown_and_known_layers_do_not() {
    let ix = index(&[
        (
            "src/main.rs",
            r#"
mod api;
#[tokio::main]
async fn main() {
    let stack = ServiceBuilder::new().layer(TraceLayer::new_for_http()).layer(CompressionLayer::new());
    let app = Router::new()
        .route("/a", post(a))
        .layer(stack)
        .route("/b", post(b))
        .layer(from_fn(check_request))
        .nest("/api", api::router())
        .layer(from_fn_with_state(state.clone(), gatekeeper));
    axum::serve(listener, app).await.unwrap();
}
async fn a(Json(x): Json<X>) {}
async fn b(Json(x): Json<X>) {}
"#,
        ),
        (
            "src/api.rs",
            r#"
pub fn router() -> Router<AppState> { Router::new().route("/c", post(c)) }
async fn c(Json(x): Json<X>) {}
"#,
        ),
    ]);
    assert!(matches!(
        route(&ix, "POST", "/a").auth,
        Auth::Unknown { .. }
    ));
    assert!(matches!(
        route(&ix, "POST", "/b").auth,
        Auth::Unknown { .. }
    ));
    let c = route(&ix, "POST", "/api/c");
    assert!(matches!(c.auth, Auth::Unknown { .. }), "{:?}", c.auth);

    let ix = index(&[(
        "src/main.rs",
        r#"
#[tokio::main]
async fn main() {
    let app = Router::new()
        .route("/a", post(a))
        .layer(TraceLayer::new_for_http())
        .layer(CorsLayer::new().allow_headers([AUTHORIZATION]))
        .layer(from_fn(track_metrics));
    axum::serve(listener, app).await.unwrap();
}
async fn a(Json(x): Json<X>) {}
"#,
    )]);
    assert_eq!(route(&ix, "POST", "/a").auth, Auth::None);
}

#[test]
fn long_chains_and_deep_nesting_do_not_overflow() {
    let mut src = String::from("fn main() { let app = Router::new()");
    for i in 0..3_000 {
        src.push_str(&format!("\n    .route(\"/r{i}\", post(h))"));
    }
    src.push_str("; axum::serve(l, app); }\nasync fn h(Json(x): Json<X>) {}\n");
    let ix = index(&[("src/main.rs", &src)]);
    assert_eq!(ix.routes().count(), 3_000);

    let depth = 10_000;
    let nested = format!(
        "fn f() {{ sqlx::query(&format!(\"SELECT * FROM t WHERE a = {{}}\", {}x{})); let y = {}1{}; }}",
        "(\n".repeat(depth),
        ")\n".repeat(depth),
        "[\n".repeat(depth),
        "]\n".repeat(depth)
    );
    let _ = index(&[("src/db.rs", &nested)]);
}

#[test]
fn traps_stay_silent() {
    let ix = one(r#"
// sqlx::query(&format!("SELECT * FROM users WHERE name = '{}'", name));
/* let cors = CorsLayer::permissive(); */
const TOKEN_URL: &str = "https://auth.example.com/oauth/token";
const PASSWORD_RESET_PATH: &str = "/password/reset";
fn connect() -> String { std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://localhost/app".into()) }
fn label(password_hint: &str) -> String { format!("hint: {}", password_hint) }
async fn list(State(db): State<PgPool>) {
    sqlx::query("SELECT * FROM users WHERE name LIKE '%' || $1 || '%'").bind("x").fetch_all(&db).await;
}
#[tokio::test]
async fn seeds() {
    let password = "hunter2-test-only";
    sqlx::query(&format!("DELETE FROM {}", table_name)).execute(&db).await;
    todo!()
}
"#);
    let risks: Vec<_> = kinds(&ix)
        .into_iter()
        .filter(|k| {
            format!("{k:?}").starts_with("Risk") || matches!(k, FactKind::CorsPolicy { .. })
        })
        .collect();
    assert!(risks.is_empty(), "{risks:?}");
}

#[test]
fn actix_configure_and_rocket_mounts() {
    let ix = index(&[
        (
            "src/main.rs",
            r#"
use actix_web::{web, App, HttpServer};
mod api;
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    HttpServer::new(|| App::new().service(web::scope("/v1").configure(api::config)))
        .bind(("0.0.0.0", 8080))?.run().await
}
"#,
        ),
        (
            "src/api.rs",
            r#"
use actix_web::web;
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/items").route(web::get().to(list)).route(web::post().to(create)));
}
async fn list() -> HttpResponse { HttpResponse::Ok().finish() }
async fn create(user: Identity, body: web::Json<Item>) -> HttpResponse { HttpResponse::Ok().finish() }
"#,
        ),
    ]);
    assert_eq!(route(&ix, "GET", "/v1/items").auth, Auth::None);
    assert!(route(&ix, "POST", "/v1/items").auth.is_required());

    let ix = index(&[(
        "src/main.rs",
        r#"
#[macro_use] extern crate rocket;
#[post("/orders", data = "<order>")]
fn create(order: Json<Order>) -> Status { Status::Created }
#[delete("/orders/<id>")]
fn remove(user: AdminUser, id: i64) -> Status { Status::NoContent }
#[launch]
fn rocket() -> _ { rocket::build().mount("/api", routes![create, remove]) }
"#,
    )]);
    let create = route(&ix, "POST", "/api/orders");
    assert_eq!((create.framework, &create.auth), ("rocket", &Auth::None));
    let remove = route(&ix, "DELETE", "/api/orders/<id>");
    assert_eq!(remove.roles, vec!["admin".to_string()]);
}

#[test]
fn configured_layers_are_classified_by_the_layer_they_build() {
    let ix = index(&[(
        "src/main.rs",
        r#"
#[tokio::main]
async fn main() {
    let cors = CorsLayer::new().allow_origin(origin).allow_credentials(true);
    let app = Router::new()
        .route("/a", post(a))
        .layer(cors)
        .layer(TraceLayer::new_for_http().make_span_with(DefaultMakeSpan::new()));
    axum::serve(listener, app).await.unwrap();
}
async fn a(Json(x): Json<X>) {}
"#,
    )]);
    assert_eq!(route(&ix, "POST", "/a").auth, Auth::None);
}

#[test]
fn credential_lookalikes_stay_silent() {
    let ix = one(r#"
pub const ACCESS_TOKEN_AUDIENCE: &'static str = "orders-api-clients";
pub const TOKEN_ISSUER: &str = "https://id.example.com";
fn access_log_enabled() -> bool { true }
fn is_anonymous(token: &str) -> bool { token == "anonymous" }
fn can_retry(attempt: u32) -> bool { attempt < 3 }
"#);
    let risks: Vec<_> = kinds(&ix)
        .into_iter()
        .filter(|k| format!("{k:?}").starts_with("Risk"))
        .collect();
    assert!(risks.is_empty(), "{risks:?}");
    assert!(ix.config("access_token_audience").next().is_some());
}
