//! A webhook receiver the tests control: a real axum server on 127.0.0.1:0 that answers 500 to
//! the first N requests (or while told to fail), then 200, and records every request it got.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Received {
    pub event: String,
    pub delivery: i64,
    pub timestamp: String,
    pub signature: Option<String>,
    pub raw: Bytes,
    pub body: Value,
    /// What the receiver answered.
    pub status: u16,
    pub at: Instant,
}

#[derive(Default)]
struct Shared {
    fail_first: AtomicUsize,
    failing: AtomicBool,
    hanging: AtomicBool,
    got: Mutex<Vec<Received>>,
}

pub struct Receiver {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    /// Fails the first `fail_first` requests with 500.
    pub async fn start(fail_first: usize) -> Receiver {
        let shared = Arc::new(Shared::default());
        shared.fail_first.store(fail_first, Ordering::SeqCst);
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver { url, shared, task }
    }

    /// While true, every request gets 500.
    pub fn set_failing(&self, failing: bool) {
        self.shared.failing.store(failing, Ordering::SeqCst);
    }

    /// While true, requests are recorded (status 0) and not answered for a minute.
    pub fn set_hanging(&self, hanging: bool) {
        self.shared.hanging.store(hanging, Ordering::SeqCst);
    }

    pub fn all(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }

    /// Requests answered 200.
    pub fn delivered(&self) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.status == 200).collect()
    }

    /// Waits (at most 20 s) until `count` requests were answered 200.
    pub async fn wait_delivered(&self, count: usize) -> Vec<Received> {
        self.wait(|r| r.delivered().len() >= count).await;
        self.delivered()
    }

    /// Waits (at most 20 s) until `count` requests arrived, whatever the answer.
    pub async fn wait_requests(&self, count: usize) -> Vec<Received> {
        self.wait(|r| r.all().len() >= count).await;
        self.all()
    }

    async fn wait(&self, done: impl Fn(&Receiver) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "the receiver did not get what was expected in time: {:#?}",
                self.all()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, raw: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let hang = shared.hanging.load(Ordering::SeqCst);
    let fail = hang
        || shared.failing.load(Ordering::SeqCst)
        || shared
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    let status = if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    shared.got.lock().unwrap().push(Received {
        event: header("x-vouch-event").unwrap_or_default(),
        delivery: header("x-vouch-delivery")
            .and_then(|d| d.parse().ok())
            .unwrap_or(-1),
        timestamp: header("x-vouch-timestamp").unwrap_or_default(),
        signature: header("x-vouch-signature"),
        body: serde_json::from_slice(&raw).unwrap_or(Value::Null),
        raw,
        status: if hang { 0 } else { status.as_u16() },
        at: Instant::now(),
    });
    if hang {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    status
}
