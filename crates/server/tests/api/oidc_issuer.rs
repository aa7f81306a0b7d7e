//! A local OIDC issuer for the tests: axum on 127.0.0.1:0 serving its discovery document and
//! a key set the test can change (key rotation), counting key-set fetches, and signing RS256,
//! ES256 and EdDSA tokens with keys generated here.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use base64ct::{Base64UrlUnpadded, Encoding};
use rand_core::OsRng;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The audience the test server is configured with.
pub const AUDIENCE: &str = "vouch-test";

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

enum Secret {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ec(p256::ecdsa::SigningKey),
    Ed(ed25519_dalek::SigningKey),
}

/// A signing key of the issuer with its `kid`.
pub struct Key {
    pub kid: String,
    secret: Secret,
}

impl Key {
    pub fn rsa(kid: &str) -> Key {
        let key = rsa::RsaPrivateKey::new(&mut OsRng, 2048).expect("RSA key");
        Key {
            kid: kid.into(),
            secret: Secret::Rsa(Box::new(key)),
        }
    }

    pub fn ec(kid: &str) -> Key {
        Key {
            kid: kid.into(),
            secret: Secret::Ec(p256::ecdsa::SigningKey::random(&mut OsRng)),
        }
    }

    pub fn ed(kid: &str) -> Key {
        let mut seed = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut OsRng, &mut seed);
        Key {
            kid: kid.into(),
            secret: Secret::Ed(ed25519_dalek::SigningKey::from_bytes(&seed)),
        }
    }

    pub fn alg(&self) -> &'static str {
        match self.secret {
            Secret::Rsa(_) => "RS256",
            Secret::Ec(_) => "ES256",
            Secret::Ed(_) => "EdDSA",
        }
    }

    /// The public half as a JWK.
    pub fn jwk(&self) -> Value {
        match &self.secret {
            Secret::Rsa(key) => json!({
                "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": b64(&key.n().to_bytes_be()), "e": b64(&key.e().to_bytes_be()),
            }),
            Secret::Ec(key) => {
                let point = key.verifying_key().to_encoded_point(false);
                json!({
                    "kty": "EC", "crv": "P-256", "use": "sig", "kid": self.kid,
                    "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap()),
                })
            }
            Secret::Ed(key) => json!({
                "kty": "OKP", "crv": "Ed25519", "use": "sig", "kid": self.kid,
                "x": b64(key.verifying_key().as_bytes()),
            }),
        }
    }

    /// A token with the usual header (this key's algorithm and kid).
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with_header(
            &json!({"alg": self.alg(), "typ": "JWT", "kid": self.kid}),
            claims,
        )
    }

    /// A token with any header, signed by this key's algorithm.
    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let signature = match &self.secret {
            Secret::Rsa(key) => rsa::pkcs1v15::SigningKey::<Sha256>::new((**key).clone())
                .sign(input.as_bytes())
                .to_vec(),
            Secret::Ec(key) => {
                let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
                signature.to_bytes().to_vec()
            }
            Secret::Ed(key) => key.sign(input.as_bytes()).to_bytes().to_vec(),
        };
        format!("{input}.{}", b64(&signature))
    }
}

struct Published {
    url: String,
    jwks: Mutex<Value>,
    jwks_fetches: AtomicUsize,
}

pub struct Issuer {
    /// The issuer identifier (`iss`), also its base URL.
    pub url: String,
    published: Arc<Published>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

async fn discovery(State(p): State<Arc<Published>>) -> axum::Json<Value> {
    axum::Json(json!({
        "issuer": p.url,
        "jwks_uri": format!("{}/keys", p.url),
        "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
    }))
}

async fn jwks(State(p): State<Arc<Published>>) -> axum::Json<Value> {
    p.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    axum::Json(p.jwks.lock().unwrap().clone())
}

impl Issuer {
    pub async fn start(keys: &[&Key]) -> Issuer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let published = Arc::new(Published {
            url: url.clone(),
            jwks: Mutex::new(Value::Null),
            jwks_fetches: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/keys", get(jwks))
            .with_state(published.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        let issuer = Issuer {
            url,
            published,
            stop,
            task,
        };
        issuer.publish(keys);
        issuer
    }

    /// Replaces the published key set (a key rotation at the issuer).
    pub fn publish(&self, keys: &[&Key]) {
        let set = json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()});
        *self.published.jwks.lock().unwrap() = set;
    }

    pub fn jwks_fetches(&self) -> usize {
        self.published.jwks_fetches.load(Ordering::SeqCst)
    }

    /// Claims of a current token for `sub` with these groups.
    pub fn claims(&self, sub: &str, groups: Value) -> Value {
        let now = vouch_server::clock::now_ms() / 1000;
        json!({
            "iss": self.url, "aud": AUDIENCE, "sub": sub, "groups": groups,
            "iat": now, "exp": now + 300,
        })
    }

    /// Stops serving; open connections are closed.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap();
    }
}

/// The test server's OIDC settings for an issuer at `url`.
pub fn configure(config: &mut vouch_server::Config, url: &str) {
    config.oidc_issuer = Some(url.to_string());
    config.oidc_audience = Some(AUDIENCE.to_string());
    config.oidc_role_map = [
        ("vouch-admins", "admin"),
        ("vouch-engineers", "engineer"),
        ("vouch-viewers", "viewer"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    config.oidc_fetch_timeout_ms = 2_000;
}
