//! End-to-end: `vouch probe` and `vouch audit --url` against the HTTPS test target, trusting
//! its generated CA through `--ca-cert`.

mod support;

use support::{json, result, root_dockerfile_repo, vouch};
use vouch_testtarget::{CertVariant, Mode, TOKEN, TlsOptions};

const TRANSPORT: &str = "HTTP020,HTTP021,HTTP022,HTTP023,HTTP024,HTTP025,HTTP026";

#[test]
fn ca_cert_and_http_port_make_every_transport_probe_pass() {
    let target = vouch_testtarget::spawn_tls(Mode::Good, TlsOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &target.ca_pem).unwrap();
    let port = target.http_addr.unwrap().port().to_string();
    let url = target.url();
    let args = [
        "probe",
        &url,
        "--rate",
        "100/s",
        "--timeout",
        "5s",
        "--token",
        TOKEN,
        "--ca-cert",
        ca.to_str().unwrap(),
        "--http-port",
        &port,
        "--select",
        TRANSPORT,
        "--format",
        "json",
        "--fail-on",
        "low",
    ];
    let out = vouch(&args, dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for r in results {
        assert_eq!(r["outcome"], "pass", "{r:#}");
    }
}

#[test]
fn without_ca_cert_the_private_ca_is_refused_and_audit_reports_the_expiry() {
    let target = vouch_testtarget::spawn_tls(Mode::Good, CertVariant::Expiring3Days).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Without --ca-cert (nor --insecure) the connection check itself fails: exit 2.
    let url = target.url();
    let out = vouch(&["probe", &url, "--timeout", "5s"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot reach"), "{stderr}");

    root_dockerfile_repo(dir.path());
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &target.ca_pem).unwrap();
    let out = vouch(
        &[
            "audit",
            ".",
            "--url",
            &url,
            "--ca-cert",
            ca.to_str().unwrap(),
            "--rate",
            "100/s",
            "--select",
            "HTTP022",
            "--format",
            "json",
            "--fail-on",
            "critical",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let expiry = result(&report, "HTTP022");
    assert_eq!(expiry["outcome"], "fail");
    let finding = &expiry["findings"][0];
    assert_eq!(
        finding["message"],
        "the certificate expires in 3 days (policy: more than 7 days)"
    );
    assert!(
        finding["snippet"]
            .as_str()
            .unwrap()
            .ends_with("3 days left"),
        "{finding:#}"
    );
}

#[test]
fn an_unreadable_ca_cert_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = vouch(
        &["probe", "https://127.0.0.1:9", "--ca-cert", "missing.pem"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--ca-cert missing.pem"), "{stderr}");
}

#[test]
fn the_body_size_upload_runs_over_tls_with_the_ca_or_insecure() {
    let target = vouch_testtarget::spawn_tls(Mode::Good, TlsOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &target.ca_pem).unwrap();
    let url = target.url();
    let ca_arg = ["--ca-cert", ca.to_str().unwrap()];
    for trust in [&ca_arg[..], &["--insecure"][..]] {
        let mut args = vec!["probe", &url, "--token", TOKEN, "--select", "HTTP027"];
        args.extend(["--format", "json", "--timeout", "10s"]);
        args.extend(trust);
        let out = vouch(&args, dir.path());
        let report = json(&out);
        let r = result(&report, "HTTP027");
        assert_eq!(r["outcome"], "pass", "{trust:?}: {r:#}");
        let message = r["evidence"][0]["message"].as_str().unwrap();
        assert!(message.contains("refused with 413"), "{message}");
    }
}
