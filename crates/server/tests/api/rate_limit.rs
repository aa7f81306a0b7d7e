//! Rate limits per client address and per API key: 429 problems with `Retry-After`, health
//! endpoints exempt, one key's limit not charged to another.

use crate::both_backends;
use crate::support::*;
use reqwest::Method;

both_backends!(
    one_address_is_limited_before_authentication,
    one_key_is_limited_and_others_are_not
);

async fn one_address_is_limited_before_authentication(backend: Backend) {
    let s = start_with(backend, |c| {
        c.rate_limit_ip_per_sec = 1;
        c.rate_limit_ip_burst = 5;
        c.rate_limit_key_per_sec = 0;
    })
    .await;
    // Five guesses at a key are answered (401); the sixth is refused before the key is looked at.
    for _ in 0..5 {
        let guess = s.get("/api/v1/projects", "vk_not-a-key").await;
        assert_eq!(guess.status(), 401);
    }
    let refused = s.get("/api/v1/projects", &s.admin).await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body = problem(refused, 429).await;
    assert!(
        body["detail"].as_str().unwrap().contains("this address"),
        "{body}"
    );
    // The orchestrator's probes are never refused.
    for path in ["/healthz", "/readyz"] {
        for _ in 0..10 {
            let response = s.request(Method::GET, path, None).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
        }
    }
}

async fn one_key_is_limited_and_others_are_not(backend: Backend) {
    let s = start_with(backend, |c| {
        c.rate_limit_ip_per_sec = 0;
        c.rate_limit_key_per_sec = 1;
        c.rate_limit_key_burst = 4;
    })
    .await;
    // Minting the second key is one of the admin key's four.
    let reader = s.key(&["read"]).await;
    for _ in 0..3 {
        assert_eq!(s.get("/api/v1/projects", &s.admin).await.status(), 200);
    }
    let refused = s.get("/api/v1/projects", &s.admin).await;
    assert!(refused.headers().contains_key("retry-after"));
    let body = problem(refused, 429).await;
    assert!(
        body["detail"].as_str().unwrap().contains("API key"),
        "{body}"
    );
    // Another key has its own allowance.
    assert_eq!(s.get("/api/v1/projects", &reader).await.status(), 200);
}
