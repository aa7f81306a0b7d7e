//! A real axum server on 127.0.0.1:0 with switchable misbehaviour, run on its own runtime so
//! the load generator under test never shares threads with it.

#![allow(dead_code)]

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::any;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Shared {
    hits: Mutex<HashMap<String, u64>>,
    stall_hits: AtomicU64,
    stall_until: Mutex<Option<Instant>>,
}

pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    _runtime: tokio::runtime::Runtime,
}

/// The `/stall` route freezes every request for this long, once, when its
/// `STALL_ON_HIT`-th request arrives.
pub const STALL: Duration = Duration::from_millis(500);
pub const STALL_ON_HIT: u64 = 400;

impl Server {
    pub fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("server runtime");
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .route("/ok", any(ok))
            .route("/a", any(ok))
            .route("/b", any(ok))
            .route("/c", any(ok))
            .route("/fail", any(fail))
            .route("/slow", any(slow))
            .route("/stall", any(stall))
            .with_state(shared.clone());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server {
            addr,
            shared,
            _runtime: runtime,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Requests the server received on `path`.
    pub fn hits(&self, path: &str) -> u64 {
        self.shared
            .hits
            .lock()
            .expect("hits lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

fn count(state: &Shared, path: &str) {
    *state
        .hits
        .lock()
        .expect("hits lock")
        .entry(path.to_string())
        .or_default() += 1;
}

async fn ok(State(state): State<Arc<Shared>>, uri: axum::http::Uri) -> &'static str {
    count(&state, uri.path());
    "ok"
}

async fn fail(State(state): State<Arc<Shared>>) -> (StatusCode, &'static str) {
    count(&state, "/fail");
    (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
}

async fn slow(State(state): State<Arc<Shared>>) -> &'static str {
    count(&state, "/slow");
    tokio::time::sleep(Duration::from_millis(30)).await;
    "slow"
}

async fn stall(State(state): State<Arc<Shared>>) -> &'static str {
    count(&state, "/stall");
    let n = state.stall_hits.fetch_add(1, Ordering::SeqCst) + 1;
    let now = Instant::now();
    let until = {
        let mut until = state.stall_until.lock().expect("stall lock");
        if n == STALL_ON_HIT {
            *until = Some(now + STALL);
        }
        *until
    };
    if let Some(until) = until
        && now < until
    {
        tokio::time::sleep_until(until.into()).await;
    }
    "ok"
}

/// A port where nothing listens (bound, then released).
pub fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// A listener that accepts connections and closes them at once, without answering.
pub fn rude_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(100_000) {
            drop(stream);
        }
    });
    addr
}

/// A listener that accepts connections and never answers.
pub fn silent_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(10_000) {
            held.push(stream);
        }
    });
    addr
}

/// A hand-written HTTP/1.1 server that answers every request with the same raw bytes, so the
/// tests control the framing exactly (chunked bodies, interim 1xx answers, closing after each
/// response). Counts the requests it read.
pub struct RawServer {
    pub addr: SocketAddr,
    requests: Arc<AtomicU64>,
}

impl RawServer {
    /// `close` ends the connection after each response.
    pub fn start(response: &'static [u8], close: bool) -> RawServer {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(AtomicU64::new(0));
        let counter = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(100_000) {
                let Ok(mut stream) = stream else { continue };
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let mut pending = Vec::new();
                    let mut buf = [0u8; 4096];
                    loop {
                        // Answer every complete request head (bodyless GETs) already received.
                        while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                            pending.drain(..end + 4);
                            counter.fetch_add(1, Ordering::SeqCst);
                            if stream.write_all(response).is_err() || close {
                                return;
                            }
                        }
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => pending.extend_from_slice(&buf[..n]),
                        }
                    }
                });
            }
        });
        RawServer { addr, requests }
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}
