use crate::both_backends;
use crate::support::*;
use serde_json::Value;
use vouch_server::Mode;
use vouch_server::auth::keys::{self, hex};

both_backends!(
    keys_rotate_without_logging_anybody_out,
    production_refuses_a_missing_or_published_key,
);

fn seed() -> String {
    hex(&keys::random::<32>().unwrap())
}

async fn jwks(url: &str) -> Value {
    let response = reqwest::get(format!("{url}/.well-known/jwks.json"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn kid_of(token: &str) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let header = token.split('.').next().unwrap();
    let header: Value =
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(header).unwrap()).unwrap();
    assert_eq!(header["alg"], "EdDSA");
    header["kid"].as_str().unwrap().to_string()
}

async fn keys_rotate_without_logging_anybody_out(backend: Backend) {
    let old_seed = seed();
    let s = start_with(backend, |c| c.signing_key = Some(old_seed.clone())).await;
    s.create_user("ops", "viewer").await;
    let old_token = s.login("ops", PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let old_jwks = jwks(&s.running.url()).await;
    assert_eq!(old_jwks["keys"].as_array().unwrap().len(), 1);
    let old_key = &old_jwks["keys"][0];
    assert_eq!(old_key["kty"], "OKP");
    assert_eq!(old_key["crv"], "Ed25519");
    assert_eq!(old_key["kid"].as_str().unwrap(), kid_of(&old_token));

    // The rotated replica: a new signing key, the old public key (as JWKS shows it) listed.
    let new_seed = seed();
    let old_x = old_key["x"].as_str().unwrap().to_string();
    let rotated = s
        .another(|c| {
            c.signing_key = Some(new_seed.clone());
            c.previous_public_keys = vec![old_x.clone()];
        })
        .await;
    let url = rotated.url();
    let client = reqwest::Client::new();
    let get = |token: String| {
        client
            .get(format!("{url}/api/v1/projects"))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(get(old_token.clone()).await.unwrap().status(), 200);
    let new_jwks = jwks(&url).await;
    let kids: Vec<&str> = new_jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids.len(), 2);
    assert_eq!(kids[1], kid_of(&old_token));
    let login: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "ops", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_token = login["access_token"].as_str().unwrap().to_string();
    assert_eq!(kid_of(&new_token), kids[0]);
    assert_ne!(kids[0], kids[1]);
    rotated.shutdown().await.unwrap();

    // Once the old key is dropped from the list, its tokens are refused.
    let later = s
        .another(|c| {
            c.signing_key = Some(new_seed.clone());
            c.previous_public_keys = Vec::new();
        })
        .await;
    let refused = client
        .get(format!("{}/api/v1/projects", later.url()))
        .bearer_auth(&old_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let body = problem(refused, 401).await;
    assert!(
        body["detail"].as_str().unwrap().contains("unknown key"),
        "{body}"
    );
    let accepted = client
        .get(format!("{}/api/v1/projects", later.url()))
        .bearer_auth(&new_token)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
    later.shutdown().await.unwrap();
}

async fn production_refuses_a_missing_or_published_key(backend: Backend) {
    let s = start(backend).await;
    let rfc_8032_example = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    for (key, message) in [
        (None, "no token signing key"),
        (Some(rfc_8032_example), "well-known"),
    ] {
        let mut config = s.config.clone();
        config.mode = Mode::Production;
        config.init_admin_key = None;
        config.signing_key = key.map(String::from);
        let db = vouch_server::open_database(&config).await.unwrap();
        let error = match vouch_server::start(config, db).await {
            Ok(_) => panic!("production started without a usable signing key"),
            Err(e) => e.to_string(),
        };
        assert!(error.contains(message), "{error}");
    }
    let mut config = s.config.clone();
    config.mode = Mode::Production;
    config.init_admin_key = None;
    config.signing_key = Some(seed());
    // The sign-off key is refused the same way (a file only, see docs/server.md).
    let db = vouch_server::open_database(&config).await.unwrap();
    let error = match vouch_server::start(config.clone(), db).await {
        Ok(_) => panic!("production started without a sign-off key"),
        Err(e) => e.to_string(),
    };
    assert!(error.contains("no sign-off key"), "{error}");
    let dir = tempfile::tempdir().unwrap();
    let signoff_key = dir.path().join("signoff.pem");
    std::fs::write(&signoff_key, ed25519_pem()).unwrap();
    config.signoff_key_file = Some(signoff_key);
    let db = vouch_server::open_database(&config).await.unwrap();
    let running = vouch_server::start(config, db).await.unwrap();
    running.shutdown().await.unwrap();
}

/// A new Ed25519 private key as a PKCS#8 PEM file's text.
fn ed25519_pem() -> String {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
    ed25519_dalek::SigningKey::from_bytes(&vouch_server::auth::keys::random::<32>().unwrap())
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap()
        .to_string()
}
