use crate::prelude::*;

pub struct FrameProtection;

static META: ControlMeta = ControlMeta {
    id: "HTTP011",
    slug: "frame_protection",
    title: "HTML pages cannot be framed by other sites",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Send `Content-Security-Policy: frame-ancestors 'none'` (or `'self'`) on HTML \
                  responses, and `X-Frame-Options: DENY` (or `SAMEORIGIN`) for older browsers.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Clickjacking_Defense_Cheat_Sheet.html",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/frame-ancestors",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Frame-Options",
    ],
    concepts: &[
        "clickjacking",
        "frame protection",
        "x-frame-options",
        "frame-ancestors",
        "security headers",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service's HTML page (`GET /`, following same-origin redirects) must carry
`X-Frame-Options: DENY` or `SAMEORIGIN`, or a `Content-Security-Policy` with a
`frame-ancestors` directive. `ALLOW-FROM` does not count (browsers ignore it). Not applicable
when the service serves no HTML page at `/` (a JSON API).

## Why it matters in production

A page that any site can frame can be overlaid with a decoy: the user thinks they click the
attacker's button and click "delete account" or "transfer" in the invisible frame
(clickjacking).

## Example

Bad: `GET / → 200 text/html` with neither header.

Good:

```text
Content-Security-Policy: default-src 'self'; frame-ancestors 'none'
X-Frame-Options: DENY
```

## References

- OWASP Clickjacking Defense Cheat Sheet
- MDN: CSP frame-ancestors
- MDN: X-Frame-Options
"#,
};

impl Probe for FrameProtection {
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
    let xfo = page
        .header("x-frame-options")
        .map(|v| v.trim().to_ascii_uppercase());
    let csp_ancestors = page
        .header_all("content-security-policy")
        .into_iter()
        .find(|v| v.to_ascii_lowercase().contains("frame-ancestors"));
    if let Some(csp) = csp_ancestors {
        return Ok(Outcome::pass_with(vec![seen(
            &page,
            format!("Content-Security-Policy: {csp}"),
        )]));
    }
    match xfo.as_deref() {
        Some(v @ ("DENY" | "SAMEORIGIN")) => Ok(Outcome::pass_with(vec![seen(
            &page,
            format!("X-Frame-Options: {v}"),
        )])),
        Some(v) => Ok(Outcome::Fail {
            findings: vec![seen(
                &page,
                format!(
                    "X-Frame-Options `{v}` does not protect (browsers ignore ALLOW-FROM and unknown values) and no CSP frame-ancestors"
                ),
            )],
        }),
        None => Ok(Outcome::Fail {
            findings: vec![seen(
                &page,
                "the HTML page has neither X-Frame-Options nor CSP frame-ancestors",
            )],
        }),
    }
}
