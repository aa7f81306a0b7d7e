//! Transport probes (HTTP020–HTTP026) against the test target over real TLS: a generated CA
//! and leaf per target, a plain-HTTP listener beside it.

use crate::support::*;
use vouch_core::{ControlResult, OutcomeKind};
use vouch_probes::TargetOptions;
use vouch_testtarget::{
    Behaviour, CertVariant, CookieStyle, Mode, PlainHttp, RunningTls, TlsOptions, TlsVersions,
};

const TRANSPORT: [&str; 7] = [
    "HTTP020", "HTTP021", "HTTP022", "HTTP023", "HTTP024", "HTTP025", "HTTP026",
];

async fn tls_target(behaviour: impl Into<Behaviour>, tls: impl Into<TlsOptions>) -> RunningTls {
    vouch_testtarget::start_tls(behaviour, tls)
        .await
        .expect("TLS target starts")
}

/// Trusts the target's CA and knows its plain-HTTP port.
fn trusting(running: &RunningTls) -> TargetOptions {
    TargetOptions {
        ca_cert_pem: Some(running.ca_pem.clone().into_bytes()),
        http_port: running.http_addr.map(|a| a.port()),
        ..options()
    }
}

async fn probe_tls(running: &RunningTls, id: &str) -> ControlResult {
    run_on(&running.url(), id, trusting(running)).await
}

fn messages(r: &ControlResult) -> String {
    let list = if r.findings.is_empty() {
        &r.evidence
    } else {
        &r.findings
    };
    list.iter()
        .map(|f| format!("{} | {}", f.message, snippet(f)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn every_transport_probe_passes_on_the_good_tls_target() {
    let running = tls_target(Mode::Good, TlsOptions::default()).await;
    for id in TRANSPORT {
        let r = probe_tls(&running, id).await;
        assert_pass(&r);
        assert_eq!(
            r.evidence[0].location.path,
            if matches!(id, "HTTP025" | "HTTP026") {
                "/".to_string()
            } else {
                running.url()
            },
            "{id}"
        );
    }
    let chain = probe_tls(&running, "HTTP020").await;
    assert_eq!(
        snippet(&chain.evidence[0]),
        "CN=localhost ← issued by CN=vouch test CA (TLS 1.3)"
    );
    let versions = probe_tls(&running, "HTTP023").await;
    let summary = snippet(&versions.evidence[0]);
    assert!(
        summary.starts_with("TLS 1.3 and TLS 1.2 accepted; TLS 1.0 refused"),
        "{summary}"
    );
    assert!(summary.contains("TLS 1.1 refused"), "{summary}");
    let redirect = probe_tls(&running, "HTTP024").await;
    assert!(
        snippet(&redirect.evidence[0]).ends_with(&format!("→ 301 Location: {}/", running.url())),
        "{}",
        messages(&redirect)
    );
}

#[tokio::test]
async fn the_host_name_form_of_the_url_verifies_too() {
    let running = tls_target(Mode::Good, TlsOptions::default()).await;
    let r = run_on(&running.localhost_url(), "HTTP020", trusting(&running)).await;
    assert_pass(&r);
    assert!(r.evidence[0].message.contains("for localhost"));
}

#[tokio::test]
async fn an_untrusted_wrong_host_or_expired_chain_fails() {
    let running = tls_target(Mode::Good, TlsOptions::default()).await;
    // Without --ca-cert the private CA is unknown; --insecure lets the requests through but
    // the verdict on the chain stays.
    let untrusted = TargetOptions {
        insecure: true,
        ..options()
    };
    let r = run_on(&running.url(), "HTTP020", untrusted).await;
    let f = assert_fail(&r);
    assert!(f.message.contains("unknown issuer"), "{}", f.message);
    assert!(snippet(f).starts_with("CN=localhost ← issued by CN=vouch test CA"));

    let wrong = tls_target(Mode::Good, CertVariant::WrongHost).await;
    let r = probe_tls_insecure(&wrong, "HTTP020").await;
    let f = assert_fail(&r);
    assert!(
        f.message.contains("not valid for 127.0.0.1"),
        "{}",
        f.message
    );
    assert!(snippet(f).starts_with("CN=other.example.test"));

    let expired = tls_target(Mode::Good, CertVariant::Expired).await;
    let r = probe_tls_insecure(&expired, "HTTP020").await;
    assert!(
        assert_fail(&r)
            .message
            .contains("the certificate has expired")
    );
}

/// A bad certificate fails reqwest's own connection check unless --insecure.
async fn probe_tls_insecure(running: &RunningTls, id: &str) -> ControlResult {
    let options = TargetOptions {
        insecure: true,
        ..trusting(running)
    };
    run_on(&running.url(), id, options).await
}

#[tokio::test]
async fn expiry_warns_at_30_days_and_is_critical_at_7() {
    let soon = tls_target(Mode::Good, CertVariant::Expiring10Days).await;
    let warn = probe_tls(&soon, "HTTP021").await;
    let f = assert_fail(&warn);
    assert_eq!(
        f.message,
        "the certificate expires in 10 days (policy: more than 30 days)"
    );
    let not_after = vouch_probes::target::certificate::utc_text(soon.not_after.into());
    assert_eq!(
        snippet(f),
        format!("CN=localhost: notAfter {not_after}, 10 days left")
    );
    assert_pass(&probe_tls(&soon, "HTTP022").await);

    let imminent = tls_target(Mode::Good, CertVariant::Expiring3Days).await;
    for id in ["HTTP021", "HTTP022"] {
        let r = probe_tls(&imminent, id).await;
        assert!(
            assert_fail(&r).message.contains("expires in 3 days"),
            "{id}"
        );
    }

    let expired = tls_target(Mode::Good, CertVariant::Expired).await;
    for id in ["HTTP021", "HTTP022"] {
        let r = probe_tls_insecure(&expired, id).await;
        let f = assert_fail(&r);
        assert_eq!(f.message, "the certificate expired 2 days ago", "{id}");
        assert!(snippet(f).ends_with("expired 2 days ago"), "{}", snippet(f));
    }
}

#[tokio::test]
async fn a_tls_1_3_only_server_passes_the_version_probe() {
    let tls13 = TlsOptions {
        versions: TlsVersions::Tls13Only,
        ..TlsOptions::default()
    };
    let running = tls_target(Mode::Good, tls13).await;
    let r = probe_tls(&running, "HTTP023").await;
    assert_pass(&r);
    assert!(snippet(&r.evidence[0]).starts_with("TLS 1.3 accepted; "));
}

#[tokio::test]
async fn plain_http_that_serves_the_app_fails_and_no_listener_is_unknown() {
    let serving = TlsOptions {
        plain_http: PlainHttp::ServesApp,
        ..TlsOptions::default()
    };
    let running = tls_target(Mode::Good, serving).await;
    let r = probe_tls(&running, "HTTP024").await;
    let f = assert_fail(&r);
    assert_eq!(
        f.message,
        "the service answers over plain HTTP instead of redirecting to HTTPS"
    );
    let http = running.http_addr.expect("plain listener");
    assert_eq!(snippet(f), format!("GET http://{http}/ → 200"));

    let absent = TlsOptions {
        plain_http: PlainHttp::Absent,
        ..TlsOptions::default()
    };
    let running = tls_target(Mode::Good, absent).await;
    // A port nothing listens on: the one the absent listener would have had is unknown, so
    // bind and release one.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let options = TargetOptions {
        http_port: Some(free),
        ..trusting(&running)
    };
    let r = run_on(&running.url(), "HTTP024", options).await;
    assert_eq!(r.outcome, OutcomeKind::Unknown, "{:?}", r.reason);
    assert!(
        r.reason
            .as_deref()
            .unwrap_or("")
            .contains("nothing answers")
    );
}

#[tokio::test]
async fn missing_hsts_and_insecure_cookies_fail_with_the_header() {
    let running = tls_target(Mode::NoHsts, TlsOptions::default()).await;
    let f = assert_fail(&probe_tls(&running, "HTTP025").await).clone();
    assert_eq!(
        f.message,
        "the HTTPS response sets no Strict-Transport-Security"
    );
    assert!(snippet(&f).starts_with("GET / → 200 text/html"));

    let running = tls_target(Mode::InsecureCookies, TlsOptions::default()).await;
    let r = probe_tls(&running, "HTTP026").await;
    let f = assert_fail(&r);
    assert_eq!(
        f.message,
        "cookie `vouch_session` lacks Secure, HttpOnly, SameSite"
    );
    assert_eq!(snippet(f), "set-cookie: vouch_session=…; Path=/");
    assert_eq!(f.location.path, "/");
}

#[tokio::test]
async fn a_short_hsts_max_age_fails_and_no_cookie_is_not_applicable() {
    let short = Behaviour {
        hsts: Some("max-age=3600"),
        ..Behaviour::good()
    };
    let running = tls_target(short, TlsOptions::default()).await;
    let r = probe_tls(&running, "HTTP025").await;
    let f = assert_fail(&r);
    assert_eq!(f.message, "HSTS max-age is 0 days (at least 180 required)");
    assert_eq!(snippet(f), "strict-transport-security: max-age=3600");

    let no_cookie = Behaviour {
        cookies: CookieStyle::Absent,
        ..Behaviour::good()
    };
    let running = tls_target(no_cookie, TlsOptions::default()).await;
    let r = probe_tls(&running, "HTTP026").await;
    assert_eq!(r.outcome, OutcomeKind::NotApplicable);
    assert!(r.reason.as_deref().unwrap_or("").contains("sets no cookie"));
}

#[tokio::test]
async fn transport_probes_are_not_applicable_on_plain_http() {
    let running = target(Mode::Good).await;
    for id in TRANSPORT {
        let r = run_on(&running.url(), id, options()).await;
        assert_eq!(
            r.outcome,
            OutcomeKind::NotApplicable,
            "{id}: {:?}",
            r.reason
        );
        assert!(
            r.reason
                .as_deref()
                .unwrap_or("")
                .starts_with("target is http://"),
            "{id}: {:?}",
            r.reason
        );
    }
}

#[tokio::test]
async fn a_ca_cert_that_is_not_pem_is_a_clear_error() {
    let options = TargetOptions {
        ca_cert_pem: Some(b"hello".to_vec()),
        ..options()
    };
    let err = vouch_probes::Target::new("https://127.0.0.1:9", &options)
        .err()
        .expect("rejected");
    assert!(err.to_string().contains("--ca-cert"), "{err}");
}
