use crate::support::*;
use vouch_testtarget::Mode;

#[tokio::test]
async fn security_headers_pass_on_the_good_target() {
    for id in ["HTTP009", "HTTP010", "HTTP011", "HTTP012", "HTTP013"] {
        let r = probe(Mode::Good, id).await;
        assert_pass(&r);
    }
}

#[tokio::test]
async fn version_headers_fail_with_the_header_line() {
    let r = probe(Mode::VersionHeaders, "HTTP009").await;
    assert_fail(&r);
    let snippets: Vec<&str> = r.findings.iter().map(snippet).collect();
    assert_eq!(
        snippets,
        vec!["server: Apache/2.4.41 (Ubuntu)", "x-powered-by: PHP/7.4.3"],
        "one finding per disclosed value"
    );
    assert_eq!(r.findings[0].location.path, "/");
}

#[tokio::test]
async fn missing_security_headers_fail_each_control() {
    let r = probe(Mode::MissingSecurityHeaders, "HTTP010").await;
    assert_fail(&r);
    let paths: Vec<&str> = r
        .findings
        .iter()
        .map(|f| f.location.path.as_str())
        .collect();
    assert_eq!(paths, vec!["/", "/vouch-probe-no-such-route-7d41c2"]);
    for (id, words) in [
        ("HTTP011", "neither X-Frame-Options nor CSP frame-ancestors"),
        ("HTTP012", "no Content-Security-Policy"),
        ("HTTP013", "no Referrer-Policy"),
    ] {
        let r = probe(Mode::MissingSecurityHeaders, id).await;
        let f = assert_fail(&r);
        assert!(f.message.contains(words), "{id}: {}", f.message);
        assert!(snippet(f).starts_with("GET / → 200 text/html"), "{id}");
    }
}
