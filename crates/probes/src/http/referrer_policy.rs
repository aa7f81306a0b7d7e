use crate::prelude::*;

pub struct ReferrerPolicy;

static META: ControlMeta = ControlMeta {
    id: "HTTP013",
    slug: "referrer_policy",
    title: "HTML pages set a Referrer-Policy",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer`) on \
                  HTML responses, so full URLs with IDs or tokens never reach other sites.",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Referrer-Policy",
        "https://owasp.org/www-project-secure-headers/#referrer-policy",
        "https://www.w3.org/TR/referrer-policy/",
    ],
    concepts: &[
        "referrer policy",
        "referrer leakage",
        "security headers",
        "privacy",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service's HTML page (`GET /`, following same-origin redirects) must set a referrer policy
(the `Referrer-Policy` header or a `<meta name="referrer">` tag) that does not send full URLs
cross-origin: `unsafe-url` and `no-referrer-when-downgrade` fail. Not applicable when the
service serves no HTML page at `/`.

## Why it matters in production

URLs carry reset tokens, document IDs, search terms and session identifiers. Without a policy
(or with `unsafe-url`) each link or embedded resource sends the full URL to a third party,
which lands in their logs and analytics.

## Example

Bad: `Referrer-Policy: unsafe-url`, or no policy at all.

Good:

```text
Referrer-Policy: strict-origin-when-cross-origin
```

## References

- MDN: Referrer-Policy
- OWASP Secure Headers Project
- W3C Referrer Policy
"#,
};

impl Probe for ReferrerPolicy {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// Policies that send the full URL to other origins.
const LEAKY: &[&str] = &["unsafe-url", "no-referrer-when-downgrade"];

async fn check(t: &Target) -> ProbeResult {
    let Some(page) = shared::html_page(t).await? else {
        return Ok(Outcome::not_applicable(
            "the service serves no HTML page at /",
        ));
    };
    let policy = page
        .header("referrer-policy")
        .map(str::to_string)
        .or_else(|| {
            let body = page.text().to_ascii_lowercase();
            body.contains("name=\"referrer\"")
                .then(|| "<meta name=\"referrer\"> in the page".to_string())
        });
    let Some(policy) = policy else {
        return Ok(Outcome::Fail {
            findings: vec![seen(&page, "the HTML page sets no Referrer-Policy")],
        });
    };
    // With several comma-separated values, the last one the browser knows applies.
    let effective = policy
        .rsplit(',')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if LEAKY.contains(&effective.as_str()) {
        return Ok(Outcome::Fail {
            findings: vec![seen(
                &page,
                format!("Referrer-Policy `{effective}` sends full URLs to other sites"),
            )],
        });
    }
    Ok(Outcome::pass_with(vec![seen(
        &page,
        format!("Referrer-Policy: {policy}"),
    )]))
}
