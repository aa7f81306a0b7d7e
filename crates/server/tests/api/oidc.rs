//! OIDC against a local issuer started by each test: tokens signed RS256, ES256 and EdDSA act
//! as their mapped role; tokens that do not verify are 401; a key rotated at the issuer is
//! fetched on first use; a flood of unknown keys fetches nothing more; an issuer that is down
//! or hangs leaves cached keys working and costs a bounded wait.

use crate::both_backends;
use crate::oidc_issuer::{AUDIENCE, Issuer, Key, b64, configure};
use crate::support::*;
use hmac::Mac;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

both_backends!(
    issuer_tokens_act_as_their_mapped_role,
    tokens_that_do_not_verify_are_refused_with_401,
    a_key_rotated_at_the_issuer_is_fetched_on_first_use,
    a_flood_of_unknown_keys_fetches_the_key_set_once,
    cached_keys_outlive_the_issuer_and_unknown_keys_fail_fast,
    a_hanging_issuer_costs_a_timeout_not_a_hang,
);

async fn status(
    s: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = s.request(method.parse().unwrap(), path, Some(token));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let code = response.status().as_u16();
    if code == 401 {
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer error=\"invalid_token\""
        );
    }
    (code, response.json().await.unwrap_or(Value::Null))
}

async fn login_failures(s: &TestServer) -> Vec<Value> {
    let log = s.get_json("/api/v1/audit-log").await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "auth.login_failed")
        .cloned()
        .collect()
}

async fn issuer_tokens_act_as_their_mapped_role(backend: Backend) {
    let (rsa, ec, ed) = (Key::rsa("rsa-1"), Key::ec("ec-1"), Key::ed("ed-1"));
    let issuer = Issuer::start(&[&rsa, &ec, &ed]).await;
    let s = start_with(backend, |c| configure(c, &issuer.url)).await;

    let admin = rsa.sign(&issuer.claims("alice", json!(["staff", "vouch-admins"])));
    let made = json!({"name": "billing", "owner_team": "payments", "tier": "critical"});
    let (code, body) = status(&s, "POST", "/api/v1/projects", &admin, Some(made)).await;
    assert_eq!(code, 201, "{body}");

    let viewer = ec.sign(&issuer.claims("bob", json!(["vouch-viewers", "staff"])));
    let (code, body) = status(&s, "GET", "/api/v1/projects", &viewer, None).await;
    assert_eq!(code, 200);
    assert_eq!(body["items"][0]["name"], "billing", "{body}");
    let again = json!({"name": "other", "owner_team": "x", "tier": "standard"});
    let (code, body) = status(&s, "POST", "/api/v1/projects", &viewer, Some(again)).await;
    assert_eq!(code, 403);
    assert_eq!(
        body["detail"],
        "the `viewer` role does not allow this (it needs `projects:write`)"
    );

    // Several mapped groups: the highest role wins; a string claim works as a list of one.
    let engineer = ed.sign(&issuer.claims("carol", json!(["vouch-viewers", "vouch-engineers"])));
    let upload = Some(audit_report(80, 80));
    let (code, body) = status(
        &s,
        "POST",
        "/api/v1/projects/billing/runs",
        &engineer,
        upload,
    )
    .await;
    assert_eq!(code, 201, "{body}");
    let (code, _) = status(&s, "GET", "/api/v1/api-keys", &engineer, None).await;
    assert_eq!(code, 403);
    let single = rsa.sign(&issuer.claims("dave", json!("vouch-admins")));
    assert_eq!(
        status(&s, "GET", "/api/v1/api-keys", &single, None).await.0,
        200
    );

    // A valid token whose groups map to no role: 403, and an audit-log entry.
    let stranger = rsa.sign(&issuer.claims("erin", json!(["staff"])));
    let (code, body) = status(&s, "GET", "/api/v1/projects", &stranger, None).await;
    assert_eq!(code, 403);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no value of the `groups` claim maps to a vouch role"),
        "{body}"
    );
    let mut claims = issuer.claims("frank", json!([]));
    claims.as_object_mut().unwrap().remove("groups");
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &rsa.sign(&claims), None)
            .await
            .0,
        403
    );
    let failures = login_failures(&s).await;
    let actors: Vec<&str> = failures
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["oidc:erin", "oidc:frank"]);

    // Local accounts keep working next to the issuer; its keys were fetched once.
    let local = s.user("local", "viewer").await;
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &local.access_token, None)
            .await
            .0,
        200
    );
    assert_eq!(issuer.jwks_fetches(), 1);
    issuer.stop().await;
}

async fn tokens_that_do_not_verify_are_refused_with_401(backend: Backend) {
    let (rsa, ec) = (Key::rsa("rsa-1"), Key::ec("ec-1"));
    let issuer = Issuer::start(&[&rsa, &ec]).await;
    let s = start_with(backend, |c| configure(c, &issuer.url)).await;
    let good = issuer.claims("mallory", json!(["vouch-admins"]));
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &rsa.sign(&good), None)
            .await
            .0,
        200
    );

    let with = |change: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut claims = good.clone();
        change(claims.as_object_mut().unwrap());
        claims
    };
    let now = vouch_server::clock::now_ms() / 1000;
    let part = |v: &Value| b64(v.to_string().as_bytes());
    let alg_none = format!(
        "{}.{}.",
        part(&json!({"alg": "none", "kid": "rsa-1"})),
        part(&good)
    );
    // The HS256 confusion attack: an HMAC keyed with the issuer's public key.
    let hs256 = {
        let input = format!(
            "{}.{}",
            part(&json!({"alg": "HS256", "kid": "rsa-1"})),
            part(&good)
        );
        let secret = rsa.jwk().to_string();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", b64(&mac.finalize().into_bytes()))
    };
    let impostor = Key::ec("ec-1");
    let valid = rsa.sign(&good);
    let (head, rest) = valid.split_once('.').unwrap();
    let signature = rest.rsplit_once('.').unwrap().1;
    let escalated = format!(
        "{head}.{}.{signature}",
        part(&with(&|c| {
            c.insert("sub".into(), json!("root"));
        }))
    );
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "alg none",
            alg_none,
            "the token's algorithm `none` is not accepted (only RS256, ES256 and EdDSA)",
        ),
        (
            "HS256 with the public key",
            hs256,
            "the token's algorithm `HS256` is not accepted (only RS256, ES256 and EdDSA)",
        ),
        (
            "wrong audience",
            rsa.sign(&with(&|c| {
                c.insert("aud".into(), json!(["someone-else"]));
            })),
            "the token was issued for another audience",
        ),
        (
            "expired",
            rsa.sign(&with(&|c| {
                c.insert("iat".into(), json!(now - 7200));
                c.insert("exp".into(), json!(now - 3600));
            })),
            "the token has expired",
        ),
        (
            "not yet valid",
            rsa.sign(&with(&|c| {
                c.insert("nbf".into(), json!(now + 3600));
            })),
            "the token is not valid yet",
        ),
        (
            "no expiry",
            rsa.sign(&with(&|c| {
                c.remove("exp");
            })),
            "the token has no expiry (`exp`)",
        ),
        (
            "another key under a known kid",
            impostor.sign(&good),
            "the token's signature is not valid",
        ),
        (
            "an RSA kid with an ES256 signature",
            ec.sign_with_header(&json!({"alg": "ES256", "kid": "rsa-1"}), &good),
            "the token's signature is not valid",
        ),
        (
            "a changed payload",
            escalated,
            "the token's signature is not valid",
        ),
        (
            "a key the issuer does not publish",
            Key::ec("ec-9").sign(&good),
            "the token was signed by a key its issuer does not publish",
        ),
    ];
    for (what, token, detail) in &cases {
        let (code, body) = status(&s, "GET", "/api/v1/projects", token, None).await;
        assert_eq!(code, 401, "{what}: {body}");
        assert_eq!(body["detail"], *detail, "{what}");
    }
    // Another issuer's token is not this issuer's business: the local verifier refuses it.
    let foreign = rsa.sign(&with(&|c| {
        c.insert("iss".into(), json!("https://elsewhere.example"));
    }));
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &foreign, None)
            .await
            .0,
        401
    );

    // Only refusals of tokens the issuer really signed reach the audit log.
    let failures = login_failures(&s).await;
    let notes: Vec<&str> = failures
        .iter()
        .map(|e| e["detail"]["note"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        [
            "the token was issued for another audience",
            "the token has expired",
            "the token is not valid yet",
            "the token has no expiry (`exp`)"
        ]
    );
    assert!(failures.iter().all(|e| e["actor"] == "oidc:mallory"));
    issuer.stop().await;
}

async fn a_key_rotated_at_the_issuer_is_fetched_on_first_use(backend: Backend) {
    let (old, new) = (Key::ec("2026-01"), Key::ed("2026-02"));
    let issuer = Issuer::start(&[&old]).await;
    let s = start_with(backend, |c| {
        configure(c, &issuer.url);
        c.oidc_jwks_min_refetch_secs = 0;
    })
    .await;
    let claims = issuer.claims("alice", json!(["vouch-viewers"]));
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &old.sign(&claims), None)
            .await
            .0,
        200
    );
    assert_eq!(issuer.jwks_fetches(), 1);

    issuer.publish(&[&new]);
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &new.sign(&claims), None)
            .await
            .0,
        200
    );
    assert_eq!(issuer.jwks_fetches(), 2);
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &new.sign(&claims), None)
            .await
            .0,
        200
    );
    assert_eq!(issuer.jwks_fetches(), 2, "a known key needs no fetch");
    // The issuer withdrew the old key: its tokens stop working.
    let (code, body) = status(&s, "GET", "/api/v1/projects", &old.sign(&claims), None).await;
    assert_eq!(code, 401);
    assert_eq!(
        body["detail"],
        "the token was signed by a key its issuer does not publish"
    );
    issuer.stop().await;
}

async fn a_flood_of_unknown_keys_fetches_the_key_set_once(backend: Backend) {
    let key = Key::ec("real");
    let issuer = Issuer::start(&[&key]).await;
    let s = start_with(backend, |c| {
        configure(c, &issuer.url);
        c.oidc_jwks_min_refetch_secs = 600;
        c.rate_limit_ip_per_sec = 0;
    })
    .await;
    let claims = issuer.claims("alice", json!(["vouch-viewers"]));
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &key.sign(&claims), None)
            .await
            .0,
        200
    );
    let forged: Vec<String> = (0..40)
        .map(|i| {
            key.sign_with_header(
                &json!({"alg": "ES256", "kid": format!("made-up-{i}")}),
                &claims,
            )
        })
        .collect();
    let answers = futures_util::future::join_all(
        forged
            .iter()
            .map(|t| status(&s, "GET", "/api/v1/projects", t, None)),
    )
    .await;
    assert!(answers.iter().all(|(code, _)| *code == 401), "{answers:?}");
    assert_eq!(issuer.jwks_fetches(), 1);
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &key.sign(&claims), None)
            .await
            .0,
        200
    );
    issuer.stop().await;
}

async fn cached_keys_outlive_the_issuer_and_unknown_keys_fail_fast(backend: Backend) {
    let key = Key::rsa("rsa-1");
    let issuer = Issuer::start(&[&key]).await;
    let url = issuer.url.clone();
    // Keys go stale at once, so every request below tries the issuer first.
    let s = start_with(backend, |c| {
        configure(c, &url);
        c.oidc_jwks_cache_secs = 0;
        c.oidc_jwks_min_refetch_secs = 0;
        c.oidc_fetch_timeout_ms = 500;
    })
    .await;
    let claims = issuer.claims("alice", json!(["vouch-viewers"]));
    let token = key.sign(&claims);
    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &token, None).await.0,
        200
    );
    issuer.stop().await;

    assert_eq!(
        status(&s, "GET", "/api/v1/projects", &token, None).await.0,
        200
    );
    // Signed before the clock starts: RSA key generation is slow in instrumented builds.
    let unknown = Key::rsa("rsa-2").sign(&claims);
    let started = Instant::now();
    let (code, body) = status(&s, "GET", "/api/v1/projects", &unknown, None).await;
    assert_eq!(code, 401, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

async fn a_hanging_issuer_costs_a_timeout_not_a_hang(backend: Backend) {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let s = start_with(backend, |c| {
        configure(c, &url);
        c.oidc_fetch_timeout_ms = 300;
    })
    .await;
    let key = Key::ec("k");
    let now = vouch_server::clock::now_ms() / 1000;
    let token = key.sign(&json!({"iss": url, "aud": AUDIENCE, "sub": "a", "exp": now + 60, "groups": ["vouch-admins"]}));
    let started = Instant::now();
    let (code, body) = status(&s, "GET", "/api/v1/projects", &token, None).await;
    assert_eq!(code, 401, "{body}");
    assert_eq!(
        body["detail"],
        "the token was signed by a key its issuer does not publish"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    silent.abort();
}
