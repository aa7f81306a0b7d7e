//! The engine against real servers on 127.0.0.1: request counts at a fixed rate, coordinated
//! omission, scenario weights, error accounting, thresholds and bounded time.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};
use support::Server;
use vouch_load::options::{Options, build};
use vouch_load::progress::Live;
use vouch_load::{LoadResult, Threshold, judge, measured};

fn run(options: Options) -> LoadResult {
    let (plan, _) = build(options).expect("valid options");
    vouch_load::run(&plan, Arc::new(Live::default())).expect("run")
}

fn opts(url: &str) -> Options {
    Options {
        url: Some(url.to_string()),
        threads: 1,
        ..Options::default()
    }
}

#[test]
fn fixed_rate_sends_the_planned_number_of_requests() {
    let server = Server::start();
    let mut o = opts(&server.url("/ok"));
    o.rate = Some("500/s".into());
    o.duration = Some("2s".into());
    let result = run(o);
    let hits = server.hits("/ok") as f64;
    assert!((hits - 1000.0).abs() <= 20.0, "server saw {hits}");
    assert!(
        (result.requests.total as f64 - 1000.0).abs() <= 20.0,
        "{:?}",
        result.requests
    );
    assert_eq!(result.requests.planned, Some(1000));
    assert_eq!(result.requests.missed, 0);
    assert!(
        (result.throughput_rps - 500.0).abs() / 500.0 < 0.05,
        "{}",
        result.throughput_rps
    );
    assert_eq!(
        result.status_codes.get(&200),
        Some(&result.requests.responses)
    );
    assert_eq!(result.error_rate_percent, 0.0);
}

#[test]
fn warmup_requests_are_sent_but_not_measured() {
    let server = Server::start();
    let mut o = opts(&server.url("/ok"));
    o.rate = Some("400/s".into());
    o.duration = Some("1s".into());
    o.warmup = Some("500ms".into());
    let result = run(o);
    assert!(
        (server.hits("/ok") as f64 - 600.0).abs() <= 12.0,
        "{}",
        server.hits("/ok")
    );
    assert!(
        (result.requests.total as f64 - 400.0).abs() <= 8.0,
        "{:?}",
        result.requests
    );
}

#[test]
fn a_stall_shows_in_the_open_models_p99_and_hardly_in_the_closed() {
    let server = Server::start();
    let mut o = opts(&server.url("/stall"));
    o.rate = Some("400/s".into());
    o.duration = Some("3s".into());
    let open = run(o);
    let open_p99 = open.latency_ms.as_ref().expect("latency").p99;
    // About 200 of 1200 requests were due during the 500 ms stall: p99 sits inside it.
    assert!(open_p99 >= 300.0, "open p99 {open_p99}ms");
    assert!(
        open.requests.late > 0,
        "requests due during the stall left late"
    );
    // What a tool without the correction would report: only the requests stuck in the stall.
    let service_p50 = open.service_time_ms.as_ref().expect("service").p50;
    assert!(service_p50 < 50.0, "service p50 {service_p50}ms");

    let server = Server::start();
    let mut c = opts(&server.url("/stall"));
    c.concurrency = Some("4".into());
    c.duration = Some("3s".into());
    let closed = run(c);
    let closed = closed.latency_ms.as_ref().expect("latency");
    assert!(
        server.hits("/stall") > support::STALL_ON_HIT,
        "the stall happened"
    );
    assert!(
        closed.max >= 400.0,
        "the closed model still sees the stall in max: {}",
        closed.max
    );
    assert!(
        closed.p99 < open_p99 / 3.0,
        "closed p99 {} vs open p99 {open_p99}",
        closed.p99
    );
}

#[test]
fn scenario_weights_are_respected() {
    let server = Server::start();
    let mut o = opts(&format!("http://{}", server.addr));
    o.scenario = Some((
        "weights.yaml".into(),
        "endpoints:\n  - { path: /a, weight: 1 }\n  - { path: /b, weight: 3 }\n  - { path: /c, weight: 6, method: POST, body: hello }\n".into(),
    ));
    o.concurrency = Some("4".into());
    o.requests = Some("4000".into());
    let result = run(o);
    assert_eq!(result.requests.total, 4000);
    for (path, share) in [("/a", 0.1), ("/b", 0.3), ("/c", 0.6)] {
        let want = 4000.0 * share;
        let got = server.hits(path) as f64;
        assert!((got - want).abs() / want <= 0.05, "{path}: {got} vs {want}");
    }
    let counted: u64 = result.endpoints.iter().map(|e| e.requests).sum();
    assert_eq!(counted, 4000);
}

#[test]
fn server_errors_and_connection_errors_are_counted() {
    let server = Server::start();
    let mut o = opts(&server.url("/fail"));
    o.requests = Some("200".into());
    o.concurrency = Some("2".into());
    let result = run(o);
    assert_eq!(result.status_codes.get(&503), Some(&200));
    assert_eq!(result.requests.http_errors, 200);
    assert_eq!(result.error_rate_percent, 100.0);

    let mut o = opts(&format!("http://{}/", support::closed_port()));
    o.requests = Some("50".into());
    o.concurrency = Some("2".into());
    let result = run(o);
    assert_eq!(result.requests.responses, 0);
    assert_eq!(
        result
            .transport_errors
            .get(&vouch_load::recorder::TransportError::Connect),
        Some(&50)
    );

    let mut o = opts(&format!("http://{}/", support::rude_server()));
    o.requests = Some("50".into());
    o.concurrency = Some("2".into());
    let result = run(o);
    assert_eq!(
        result.requests.transport_errors, 50,
        "{:?}",
        result.transport_errors
    );
    assert!(
        result
            .transport_errors
            .contains_key(&vouch_load::recorder::TransportError::Closed),
        "{:?}",
        result.transport_errors
    );
}

#[test]
fn thresholds_pass_and_fail_on_measured_values() {
    let server = Server::start();
    let mut o = opts(&server.url("/slow"));
    o.concurrency = Some("4".into());
    o.duration = Some("1s".into());
    let result = run(o);
    let parse = |t: &str| Threshold::parse(t).expect("threshold");
    let set = [
        parse("p(95)<10ms"),
        parse("p(95)<1s"),
        parse("med>=30ms"),
        parse("errors<1%"),
        parse("rps>1000000"),
    ];
    let verdicts = judge(&result, &set);
    let passed: Vec<bool> = verdicts.iter().map(|v| v.passed).collect();
    assert_eq!(passed, vec![false, true, true, true, false]);
    assert!(verdicts[0].observed.expect("observed") >= 30.0);
    let p95 = measured(&result, "latency_p95").expect("p95");
    assert_eq!(Some(p95), verdicts[0].observed);
    assert_eq!(measured(&result, "error_rate"), Some(0.0));
    assert!(measured(&result, "throughput").expect("rps") > 50.0);
    assert_eq!(measured(&result, "coverage"), None);
}

#[test]
fn a_silent_server_cannot_stretch_the_run() {
    let addr = support::silent_server();
    for model in ["open", "closed"] {
        let mut o = opts(&format!("http://{addr}/"));
        if model == "open" {
            o.rate = Some("50/s".into());
        } else {
            o.concurrency = Some("4".into());
        }
        o.duration = Some("1s".into());
        o.timeout = Some("300ms".into());
        let started = Instant::now();
        let result = run(o);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(3), "{model}: took {took:?}");
        assert_eq!(result.requests.responses, 0, "{model}");
        assert!(result.requests.transport_errors > 0, "{model}");
        assert!(
            result
                .transport_errors
                .keys()
                .all(|k| *k == vouch_load::recorder::TransportError::Timeout),
            "{model}: {:?}",
            result.transport_errors
        );
    }
}

#[test]
fn closed_model_sends_exactly_the_requested_count_across_threads() {
    let server = Server::start();
    let mut o = opts(&server.url("/ok"));
    o.threads = 2;
    o.concurrency = Some("7".into());
    o.requests = Some("1234".into());
    let result = run(o);
    assert_eq!(server.hits("/ok"), 1234);
    assert_eq!(result.requests.total, 1234);
    assert_eq!(result.status_codes.get(&200), Some(&1234));
    // axum answers "ok" with a Content-Length of 2.
    assert_eq!(result.bytes_received, 2 * 1234);
}

/// Sends `count` requests over `concurrency` connections to a raw server.
fn against_raw(response: &'static [u8], close: bool, count: u64) -> (LoadResult, u64) {
    let server = support::RawServer::start(response, close);
    let mut o = opts(&server.url());
    o.concurrency = Some("3".into());
    o.requests = Some(count.to_string());
    o.timeout = Some("2s".into());
    let result = run(o);
    (result, server.requests())
}

#[test]
fn chunked_bodies_are_read_to_their_end_and_the_connection_reused() {
    let (result, seen) = against_raw(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
        false,
        300,
    );
    assert_eq!(seen, 300);
    assert_eq!(result.status_codes.get(&200), Some(&300));
    assert_eq!(result.requests.transport_errors, 0);
    assert_eq!(result.bytes_received, 11 * 300);
}

#[test]
fn interim_answers_are_skipped_and_closing_servers_get_new_connections() {
    let (result, seen) = against_raw(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndone",
        true,
        60,
    );
    assert_eq!(seen, 60);
    assert_eq!(result.status_codes.get(&201), Some(&60));
    assert_eq!(result.requests.transport_errors, 0);
    assert_eq!(result.bytes_received, 4 * 60);

    // No length at all: the body runs to the close, and counts as a whole response.
    let (result, seen) = against_raw(b"HTTP/1.1 200 OK\r\n\r\nuntil the end", true, 40);
    assert_eq!(seen, 40);
    assert_eq!(result.status_codes.get(&200), Some(&40));
    assert_eq!(result.bytes_received, 13 * 40);
}

#[test]
fn malformed_responses_are_protocol_errors() {
    let (result, _) = against_raw(b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", false, 20);
    assert_eq!(result.requests.responses, 0);
    assert_eq!(
        result
            .transport_errors
            .get(&vouch_load::recorder::TransportError::Protocol),
        Some(&20)
    );
    // A body cut short by the server is not a response.
    let (result, _) = against_raw(
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        true,
        20,
    );
    assert_eq!(result.requests.responses, 0);
    assert_eq!(
        result
            .transport_errors
            .get(&vouch_load::recorder::TransportError::Closed),
        Some(&20)
    );
}
