//! `vouch load` end to end against an axum server on 127.0.0.1: exit codes for passing and
//! failing thresholds, usage errors, the JSON document and its LOAD controls; and against the
//! HTTPS test target: trusted through `--ca-cert`, or `--insecure`; without either, the
//! private CA is refused and nothing is measured.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use std::net::SocketAddr;
use std::process::Command;
use vouch_testtarget::{Mode, TlsOptions};

struct Server {
    addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

fn server() -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let app = Router::new().route("/ok", get(|| async { "ok" })).route(
        "/broken",
        get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
    );
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server {
        addr,
        _runtime: runtime,
    }
}

fn vouch(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("load")
        .args(args)
        .output()
        .expect("vouch runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn passing_thresholds_exit_0_and_failing_ones_exit_1_with_a_table() {
    let s = server();
    let url = format!("http://{}/ok", s.addr);
    let (code, out, err) = vouch(&[
        &url,
        "-n",
        "300",
        "-c",
        "2",
        "-t",
        "p(99)<2s",
        "-t",
        "errors<1%",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("PASS  p(99)<2s"), "{out}");
    assert!(out.contains("200 × 300"), "{out}");

    let url = format!("http://{}/broken", s.addr);
    let (code, out, _) = vouch(&[
        &url,
        "-n",
        "100",
        "-c",
        "2",
        "-t",
        "errors<1%",
        "-t",
        "p(99)<2s",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL  errors<1%"), "{out}");
    assert!(out.contains("PASS  p(99)<2s"), "{out}");
    assert!(out.contains("100.00 %"), "{out}");
}

#[test]
fn json_carries_the_schema_the_numbers_and_the_load_controls() {
    let s = server();
    let url = format!("http://{}/ok", s.addr);
    let (code, out, err) = vouch(&[
        &url,
        "--rate",
        "200/s",
        "-n",
        "200",
        "-t",
        "p(95)<1s",
        "-t",
        "rps>1000000",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["schema"], "vouch.load/v1");
    assert_eq!(doc["config"]["model"], "open");
    assert_eq!(doc["requests"]["planned"], 200);
    assert_eq!(doc["requests"]["total"], 200);
    assert_eq!(doc["status_codes"]["200"], 200);
    assert!(doc["latency_ms"]["p99"].as_f64().expect("p99") > 0.0);
    assert_eq!(doc["passed"], false);
    let outcome = |id: &str| {
        doc["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["control"]["id"] == id)
            .map(|r| r["outcome"].clone())
            .expect("control present")
    };
    assert_eq!(outcome("LOAD001"), "pass");
    assert_eq!(outcome("LOAD002"), "not_applicable");
    assert_eq!(outcome("LOAD003"), "fail");
}

#[test]
fn bad_input_is_a_usage_error() {
    let s = server();
    let url = format!("http://{}/ok", s.addr);
    for (args, words) in [
        (vec![url.as_str(), "-t", "p(95)<soon"], "not a duration"),
        (vec![url.as_str(), "-t", "errors<1"], "percentage"),
        (vec![url.as_str(), "--duration", "2h"], "at most"),
        (vec!["127.0.0.1:8080"], "full http:// or https:// URL"),
        (vec![url.as_str(), "-H", "no-colon"], "Name: value"),
    ] {
        let (code, out, err) = vouch(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(words), "{args:?}: {err}");
        assert!(
            out.is_empty(),
            "{args:?}: nothing is sent or printed: {out}"
        );
    }
    let (code, _, err) = vouch(&[&url, "--rate", "10/s", "-c", "2"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_scenario_error_names_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("load.yaml");
    std::fs::write(&path, "endpoints:\n  - { path: /ok, weight: -1 }\n").expect("write");
    let s = server();
    let url = format!("http://{}", s.addr);
    let (code, _, err) = vouch(&[&url, "--scenario", path.to_str().expect("utf-8")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("load.yaml:2"), "{err}");
    assert!(err.contains("weight"), "{err}");
}

#[test]
fn nothing_answering_is_exit_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let url = format!("http://{port}/");
    let (code, out, err) = vouch(&[&url, "-n", "20", "-c", "1"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no request got an HTTP response"), "{err}");
    assert!(err.contains("connect × 20"), "{err}");
}

#[test]
fn https_targets_are_loaded_with_the_ca_or_insecure_and_refused_otherwise() {
    let target = vouch_testtarget::spawn_tls(Mode::NoRateLimit, TlsOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &target.ca_pem).unwrap();
    let url = format!("{}/healthz", target.url().trim_end_matches('/'));
    assert!(url.starts_with("https://"), "{url}");
    let ca_args = ["--ca-cert", ca.to_str().unwrap()];
    for trust in [&ca_args[..], &["--insecure"][..]] {
        let mut args = vec![url.as_str(), "-n", "60", "-c", "3", "--format", "json"];
        args.extend(trust);
        let (code, out, err) = vouch(&args);
        assert_eq!(code, 0, "{trust:?}: {err}");
        let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(doc["requests"]["total"], 60, "{trust:?}");
        assert_eq!(doc["status_codes"]["200"], 60, "{trust:?}: {out}");
    }
    let (code, out, err) = vouch(&[&url, "-n", "5", "-c", "1"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no request got an HTTP response"), "{err}");
    assert!(err.contains("connect"), "{err}");
}
