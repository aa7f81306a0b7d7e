//! Size limits: an oversized streamed body, a long header and a long URL.

use crate::support::*;
use std::io::{Read, Write};
use vouch_core::OutcomeKind;
use vouch_probes::TargetOptions;
use vouch_testtarget::Mode;

/// Reading and parsing 10 MiB in a debug build on a loaded machine takes seconds.
fn upload_options() -> TargetOptions {
    TargetOptions {
        timeout: std::time::Duration::from_secs(60),
        ..options()
    }
}

#[tokio::test]
async fn an_oversized_body_gets_413_before_it_is_all_sent() {
    let r = probe(Mode::Good, "HTTP027").await;
    assert_pass(&r);
    let e = &r.evidence[0];
    assert_eq!(e.location.path, "/api/items");
    // The target reads 1 MiB, then answers; the probe stops sending well before 10 MiB.
    assert!(
        e.message
            .starts_with("POST /api/items with a 10 MiB JSON body: refused with 413 after ")
            && e.message.ends_with(" of 10 MiB were sent"),
        "{}",
        e.message
    );
    // axum's own rejection, before the handler runs.
    assert_eq!(
        snippet(e),
        "POST /api/items (with credentials) → 413 text/plain: Failed to buffer the request body: \
         length limit exceeded"
    );
}

#[tokio::test]
async fn an_unlimited_body_fails_once_all_of_it_was_accepted() {
    let r = probe_with(Mode::UnlimitedBody, "HTTP027", upload_options()).await;
    let f = assert_fail(&r);
    assert_eq!(
        f.message,
        "POST /api/items with a 10 MiB JSON body: accepted with 201 after all 10 MiB were \
         sent: no body-size limit below 10 MiB"
    );
}

#[tokio::test]
async fn max_body_sets_the_size_sent() {
    // 512 KiB is under the good target's 1 MiB limit: it is accepted, and says so.
    let r = probe_with(
        Mode::Good,
        "HTTP027",
        TargetOptions {
            max_body: 512 * 1024,
            ..upload_options()
        },
    )
    .await;
    let f = assert_fail(&r);
    assert!(
        f.message
            .contains("accepted with 201 after all 512 KiB were sent"),
        "{}",
        f.message
    );
}

#[tokio::test]
async fn without_a_token_a_401_after_the_whole_body_is_unknown() {
    let r = probe_with(
        Mode::UnlimitedBody,
        "HTTP027",
        TargetOptions {
            token: None,
            ..upload_options()
        },
    )
    .await;
    assert_eq!(r.outcome, OutcomeKind::Unknown);
    let reason = r.reason.unwrap();
    assert!(
        reason.contains("answered 401 after all 10 MiB were sent") && reason.contains("--token"),
        "{reason}"
    );
}

#[tokio::test]
async fn long_headers_and_urls_are_refused_by_the_good_target() {
    let r = probe(Mode::Good, "HTTP028").await;
    assert_pass(&r);
    assert_eq!(
        r.evidence[0].message,
        "GET / with a 64 KiB X-Vouch-Padding header: refused with 431"
    );
    let r = probe(Mode::Good, "HTTP029").await;
    assert_pass(&r);
    assert_eq!(r.evidence[0].location.path, "/");
    assert!(
        snippet(&r.evidence[0])
            .starts_with("GET /?vouch-padding=<32 KiB> → 414 application/problem+json"),
        "{}",
        snippet(&r.evidence[0])
    );
}

#[tokio::test]
async fn a_500_on_long_headers_and_urls_fails() {
    for id in ["HTTP028", "HTTP029"] {
        let r = probe(Mode::OversizeServerError, id).await;
        let f = assert_fail(&r);
        assert!(
            f.message.contains("answered 500: the server fails on it"),
            "{id}: {}",
            f.message
        );
        assert!(
            snippet(f).contains("→ 500 application/problem+json"),
            "{id}"
        );
    }
}

#[tokio::test]
async fn long_headers_and_urls_served_normally_fail() {
    for id in ["HTTP028", "HTTP029"] {
        let r = probe(Mode::NoRequestLimits, id).await;
        let f = assert_fail(&r);
        assert!(
            f.message
                .contains("served like any other request: 200, as GET / without the padding"),
            "{id}: {}",
            f.message
        );
    }
}

/// A server that answers small requests and drops the connection on a request head over
/// 16 KiB without a word: the limit probes cannot call that a pass. It lives on its own
/// thread until the test process ends.
fn dropping_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut socket in listener.incoming().flatten() {
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            let answered = loop {
                match socket.read(&mut buf) {
                    Ok(0) | Err(_) => break false,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
                if head.len() > 16 * 1024 {
                    break false; // dropped: no answer
                }
                if head.windows(4).any(|w| w == b"\r\n\r\n") {
                    break true;
                }
            };
            if answered {
                let _ = socket.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            }
        }
    });
    url
}

#[tokio::test]
async fn a_dropped_connection_is_unknown_not_a_pass() {
    let url = dropping_server();
    for (id, words) in [
        (
            "HTTP028",
            "GET / with a 64 KiB X-Vouch-Padding header: the connection ended without an HTTP answer",
        ),
        (
            "HTTP029",
            "GET /?vouch-padding=<32 KiB>: the connection ended without an HTTP answer",
        ),
    ] {
        let r = run_on(&url, id, options()).await;
        assert_eq!(r.outcome, OutcomeKind::Unknown, "{id}");
        let reason = r.reason.unwrap();
        assert!(reason.starts_with(words), "{id}: {reason}");
    }
}
