//! The latency options: every request waits the base delay, every Nth the slow one on top
//! (what `bench/load/run.sh` compares load generators' percentiles on).

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vouch_testtarget::{Behaviour, Delay, Mode, start};

async fn timed_get(addr: std::net::SocketAddr) -> (Duration, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    (
        started.elapsed(),
        String::from_utf8_lossy(&out).into_owned(),
    )
}

#[tokio::test]
async fn base_and_slow_delays_apply_per_request() {
    let mut behaviour = Behaviour::from(Mode::NoRateLimit);
    behaviour.base_delay = Some(Duration::from_millis(30));
    behaviour.delay = Some(Delay {
        every: 3,
        by: Duration::from_millis(60),
    });
    let target = start(behaviour).await.unwrap();
    for n in 1..=6 {
        let (took, answer) = timed_get(target.addr).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let least = if n % 3 == 0 { 90 } else { 30 };
        assert!(
            took >= Duration::from_millis(least),
            "request {n} took {took:?}"
        );
    }
}

#[test]
fn bad_latency_options_are_usage_errors() {
    let bin = env!("CARGO_BIN_EXE_vouch-testtarget");
    for args in [
        &["--delay", "soon"][..],
        &["--slow", "10"],
        &["--slow", "0:5"],
        &["--tls", "valid", "--delay", "5"],
    ] {
        let out = std::process::Command::new(bin).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("usage:"),
            "{args:?}"
        );
    }
}
