use super::transport;
use crate::prelude::*;
use crate::target::RequestError;

pub struct HttpsRedirect;

static META: ControlMeta = ControlMeta {
    id: "HTTP024",
    slug: "https_redirect",
    title: "Plain HTTP redirects to HTTPS",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Answer every plain-HTTP request with a permanent redirect (301 or 308) to the \
                  same path on https://, and serve nothing else over plain HTTP.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security",
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.4",
    ],
    concepts: &[
        "http to https redirect",
        "https redirect",
        "force https",
        "plain http",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For an `https://` target, vouch sends `GET /` to the same host over plain HTTP, on port 80 or
the port given with `--http-port`, and follows same-host plain-HTTP redirects (at most three).
It passes when the answer redirects to an `https://` URL, and fails when the service answers
over plain HTTP instead (content, or an error page without a redirect). Unknown when nothing
listens on that port; not applicable when the target itself is `http://`.

## Why it matters in production

Users and links still type `http://`. Without a redirect they either get the content over
cleartext, where anyone on the path can read and change it (and steal cookies without
`Secure`), or an error. The redirect is also what lets a browser learn the HSTS policy.

## Example

Bad:

```text
GET http://api.example.com/ → 200 text/html
```

Good:

```text
GET http://api.example.com/ → 301 Location: https://api.example.com/
```

## References

- OWASP Transport Layer Security Cheat Sheet
- MDN: Strict-Transport-Security
- RFC 9110 section 15.4: redirection
"#,
};

impl Probe for HttpsRedirect {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// Same-host plain-HTTP redirects followed before judging.
const MAX_HOPS: usize = 3;

async fn check(t: &Target) -> ProbeResult {
    if let Some(na) = transport::not_https(t) {
        return Ok(na);
    }
    let mut url = t.base().clone();
    let port = t.http_port().unwrap_or(80);
    // Both only fail for URLs that cannot carry a port (not http/https ones).
    let _ = url.set_scheme("http");
    let _ = url.set_port(if port == 80 { None } else { Some(port) });
    url.set_path("/");
    url.set_query(None);
    for _ in 0..=MAX_HOPS {
        let ex = match t.send(Request::get(url.as_str())).await {
            Ok(ex) => ex,
            Err(RequestError::Failed { reason, .. }) => {
                return Ok(Outcome::unknown(format!(
                    "nothing answers on {url} ({reason}); pass --http-port when the plain-HTTP \
                     listener is elsewhere"
                )));
            }
            Err(e) => return Err(e),
        };
        let summary = format!("GET {url} → {}", ex.status.as_u16());
        if !ex.status.is_redirection() {
            let message = if ex.status.is_success() {
                "the service answers over plain HTTP instead of redirecting to HTTPS".to_string()
            } else {
                format!(
                    "plain HTTP answers {} without redirecting to HTTPS",
                    ex.status.as_u16()
                )
            };
            return Ok(Outcome::Fail {
                findings: vec![transport::at_origin(t, message, summary)],
            });
        }
        let Some(next) = ex.header("location").and_then(|l| url.join(l).ok()) else {
            return Ok(Outcome::Fail {
                findings: vec![transport::at_origin(
                    t,
                    "plain HTTP answers a redirect without a usable Location",
                    summary,
                )],
            });
        };
        let snippet = format!("{summary} Location: {next}");
        if next.scheme() == "https" {
            return Ok(Outcome::pass_with(vec![transport::at_origin(
                t,
                "plain HTTP redirects to HTTPS",
                snippet,
            )]));
        }
        if next.host_str() != url.host_str() {
            return Ok(Outcome::Fail {
                findings: vec![transport::at_origin(
                    t,
                    "plain HTTP redirects to another plain-HTTP host",
                    snippet,
                )],
            });
        }
        url = next;
    }
    Ok(Outcome::Fail {
        findings: vec![transport::at_origin(
            t,
            format!("plain HTTP still redirects to plain HTTP after {MAX_HOPS} hops"),
            url.to_string(),
        )],
    })
}
