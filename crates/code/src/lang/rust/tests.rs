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
                ix.routes().map(|r| (&r.method, &r.path)).collect::<Vec<_>>()
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
    assert!(matches!(route(&ix, "POST", "/x").auth, Auth::Unknown { .. }));
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
