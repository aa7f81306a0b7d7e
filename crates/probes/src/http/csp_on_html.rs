use crate::prelude::*;

pub struct CspOnHtml;

static META: ControlMeta = ControlMeta {
    id: "HTTP012",
    slug: "csp_on_html",
    title: "HTML pages carry a Content-Security-Policy",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Send an enforcing `Content-Security-Policy` on HTML responses, starting from \
                  `default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors \
                  'none'` and adding the origins the page needs; roll it out with \
                  `Content-Security-Policy-Report-Only` first, then enforce.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Content_Security_Policy_Cheat_Sheet.html",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP",
        "https://www.w3.org/TR/CSP3/",
    ],
    concepts: &["content security policy", "csp", "xss mitigation"],
    since: "0.1.0",
    doc: r#"## What it checks

The service's HTML page (`GET /`, following same-origin redirects) must carry an enforcing
`Content-Security-Policy` header (a `<meta http-equiv>` policy in the page counts too). A
`Content-Security-Policy-Report-Only` header alone fails: it reports, it does not protect. Not
applicable when the service serves no HTML page at `/`.

## Why it matters in production

A CSP is the second line of defence against cross-site scripting: when a template forgets to
escape one value, the policy still stops the injected script from running or sending data
away.

## Example

Bad: `GET / → 200 text/html` with no policy, or only `Content-Security-Policy-Report-Only`.

Good:

```text
Content-Security-Policy: default-src 'self'; object-src 'none'; frame-ancestors 'none'
```

## References

- OWASP Content Security Policy Cheat Sheet
- MDN: Content Security Policy
- W3C Content Security Policy Level 3
"#,
};

impl Probe for CspOnHtml {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let Some(page) = shared::html_page(t).await? else {
        return Ok(Outcome::not_applicable(
            "the service serves no HTML page at /",
        ));
    };
    if let Some(csp) = page.header("content-security-policy") {
        return Ok(Outcome::pass_with(vec![seen(
            &page,
            format!("Content-Security-Policy: {csp}"),
        )]));
    }
    let body = page.text().to_ascii_lowercase();
    if body.contains("http-equiv=\"content-security-policy\"")
        || body.contains("http-equiv='content-security-policy'")
    {
        return Ok(Outcome::pass_with(vec![seen(
            &page,
            "a <meta http-equiv> Content-Security-Policy in the page",
        )]));
    }
    let what = if page.header("content-security-policy-report-only").is_some() {
        "only Content-Security-Policy-Report-Only: the policy reports but does not protect"
    } else {
        "the HTML page has no Content-Security-Policy"
    };
    Ok(Outcome::Fail {
        findings: vec![seen(&page, what)],
    })
}
