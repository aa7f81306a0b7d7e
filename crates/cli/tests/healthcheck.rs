//! `vouch healthcheck` against a really started server, an address nobody listens on, a server
//! answering 503 and one that accepts connections but never answers.

use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use vouch_server::{Config, Running};

fn healthcheck(args: &[&str], listen_env: Option<&str>) -> (Output, Duration) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vouch"));
    command.arg("healthcheck").args(args).env("NO_COLOR", "1");
    match listen_env {
        Some(value) => command.env("VOUCH_LISTEN", value),
        None => command.env_remove("VOUCH_LISTEN"),
    };
    let started = Instant::now();
    let out = command.output().expect("vouch runs");
    (out, started.elapsed())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A port that was free a moment ago, and is closed again.
fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

#[test]
fn a_running_server_is_healthy_through_url_and_through_vouch_listen() {
    let runtime = runtime();
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let running: Running = runtime.block_on(async {
        let db = vouch_server::open_database(&config).await.unwrap();
        vouch_server::start(config, db).await.unwrap()
    });
    let url = format!("{}/healthz", running.url());
    let (out, _) = healthcheck(&["--url", &url], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));

    // The container sets VOUCH_LISTEN=0.0.0.0:PORT: the check asks loopback on that port.
    let port = running.url().rsplit(':').next().unwrap().to_string();
    let wildcard = format!("0.0.0.0:{port}");
    let (out, _) = healthcheck(&[], Some(&wildcard));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn nothing_listening_is_unhealthy_at_once() {
    let addr = closed_port();
    let (out, took) = healthcheck(&[], Some(&addr.to_string()));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let reason = stderr(&out);
    assert!(reason.contains("cannot connect"), "{reason}");
    assert!(
        reason.contains(&format!("http://{addr}/healthz")),
        "{reason}"
    );
    assert_eq!(reason.trim_end().lines().count(), 1, "{reason}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn a_server_answering_503_is_unhealthy() {
    let runtime = runtime();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/healthz",
        axum::routing::get(|| async { (axum::http::StatusCode::SERVICE_UNAVAILABLE, "draining") }),
    );
    runtime.spawn(async move { axum::serve(listener, app).await });
    let (out, _) = healthcheck(&["--url", &format!("http://{addr}/healthz")], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("503"), "{}", stderr(&out));
}

#[test]
fn a_server_that_never_answers_is_unhealthy_after_the_timeout() {
    // Accepts (the kernel completes the handshake) but never reads or writes.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (out, took) = healthcheck(
        &["--url", &format!("http://{addr}/healthz"), "--timeout", "1"],
        None,
    );
    drop(listener);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no answer in time"),
        "{}",
        stderr(&out)
    );
    assert!(took >= Duration::from_secs(1), "took {took:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}
