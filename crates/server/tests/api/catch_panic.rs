//! A handler that panics answers its request with a 500 problem (no panic text in the body)
//! and the server goes on serving. Tested on a router of its own: the server's routes do not
//! panic on purpose.

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::get;
use vouch_server::http::catch_panic::catch_panic;

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_server_keeps_serving() {
    let app = Router::new()
        .route(
            "/boom",
            get(|| async {
                if std::hint::black_box(true) {
                    panic!("secret internal state");
                }
                "unreachable"
            }),
        )
        .route("/fine", get(|| async { "fine" }))
        .layer(from_fn(catch_panic));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();

    let response = client.get(format!("{base}/boom")).send().await.unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body = response.text().await.unwrap();
    assert!(!body.contains("secret internal state"), "{body}");
    assert!(body.contains("\"status\":500"), "{body}");

    let response = client.get(format!("{base}/fine")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "fine");
    server.abort();
}
