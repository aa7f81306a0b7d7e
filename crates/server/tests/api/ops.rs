use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::Value;

both_backends!(operations_endpoints_headers_and_errors, metrics_need_a_key);

async fn operations_endpoints_headers_and_errors(backend: Backend) {
    let s = start_with(backend, |c| c.max_body_bytes = 64 * 1024).await;
    let health = s
        .request(Method::GET, "/healthz", None)
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let headers = health.headers().clone();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(headers[name], value, "{name}");
    }
    assert!(headers.get("server").is_none());
    let generated = headers["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 32, "{generated}");

    let echoed = s
        .request(Method::GET, "/readyz", None)
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.status(), 200);
    assert_eq!(echoed.headers()["x-request-id"], "trace-abc-123");
    let ready: Value = echoed.json().await.unwrap();
    assert_eq!(ready["status"], "ready");

    let forged = s
        .request(Method::GET, "/healthz", None)
        .header("x-request-id", "a b")
        .send()
        .await
        .unwrap();
    assert_ne!(forged.headers()["x-request-id"], "a b");

    problem(
        s.request(Method::GET, "/no/such/page", None)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let wrong_method = s
        .request(Method::DELETE, "/healthz", None)
        .send()
        .await
        .unwrap();
    assert!(wrong_method.headers().contains_key("allow"));
    problem(wrong_method, 405).await;

    s.create_project("api").await;
    let huge = vec![b' '; 70 * 1024];
    let too_big = s
        .request(Method::POST, "/api/v1/projects/api/runs", Some(&s.admin))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    problem(too_big, 413).await;

    // The head is bounded too: a long URL and a large header block are refused before any
    // handler, as problems with the request ID.
    let long_url = format!("/healthz?padding={}", "a".repeat(32 * 1024));
    let refused = s
        .request(Method::GET, &long_url, None)
        .send()
        .await
        .unwrap();
    assert!(refused.headers().contains_key("x-request-id"));
    problem(refused, 414).await;
    for (padding, status) in [(64 * 1024, 431), (4 * 1024, 200)] {
        let answer = s
            .request(Method::GET, "/api/v1/projects", Some(&s.admin))
            .header("x-padding", "p".repeat(padding))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), status, "{padding} bytes of padding");
    }
}

async fn metrics_need_a_key(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    s.get("/api/v1/projects/api", &s.admin).await;
    let anonymous = s
        .request(Method::GET, "/metrics", None)
        .send()
        .await
        .unwrap();
    problem(anonymous, 401).await;

    let scraper = s.key(&["metrics:read"]).await;
    let metrics = s.get("/metrics", &scraper).await;
    assert_eq!(metrics.status(), 200);
    assert!(
        metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains(
            "vouch_http_request_duration_seconds_count{route=\"/api/v1/projects/{name}\",method=\"GET\",status=\"200\"} 1"
        ),
        "{text}"
    );
    assert!(
        text.contains("route=\"/api/v1/projects\",method=\"POST\",status=\"201\""),
        "{text}"
    );
    assert!(text.contains("vouch_db_pool_max_connections 4"), "{text}");
    assert!(text.contains("vouch_db_pool_connections "), "{text}");
    // Pool gauges and the acquire-timeout counter: the metric lines, each with a value.
    for metric in [
        "vouch_db_pool_idle_connections",
        "vouch_db_pool_in_use_connections",
        "vouch_db_pool_acquire_timeouts_total",
    ] {
        let value = text
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{metric} ")))
            .unwrap_or_else(|| panic!("no {metric} in {text}"));
        assert!(value.parse::<u64>().is_ok(), "{metric} {value}");
    }
    assert!(
        text.contains("# TYPE vouch_db_pool_acquire_timeouts_total counter"),
        "{text}"
    );
}
