use crate::prelude::*;

pub struct TraceDisabled;

static META: ControlMeta = ControlMeta {
    id: "HTTP016",
    slug: "trace_disabled",
    title: "The TRACE method is disabled",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Reject TRACE (405 or 501): Apache `TraceEnable off`, and make sure no \
                  framework or proxy echoes requests (nginx and most frameworks refuse TRACE \
                  by default).",
    references: &[
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/06-Test_HTTP_Methods",
        "https://www.rfc-editor.org/rfc/rfc9110.html#name-trace",
        "https://httpd.apache.org/docs/2.4/mod/core.html#traceenable",
    ],
    concepts: &["http trace", "trace method", "http methods", "xst"],
    since: "0.1.0",
    doc: r#"## What it checks

Sends `TRACE /` with a marker header (`X-Vouch-Trace`). It fails when the service answers 2xx
and echoes the request back (the marker in the body, or a `message/http` response). Any
refusal (405, 501, 403, 404, 400) passes.

## Why it matters in production

TRACE echoes the request, headers included. Combined with a script injection it reads
`HttpOnly` cookies and `Authorization` headers (the XST attack), and behind a proxy it
reveals the headers the proxy adds (internal addresses, auth tokens forwarded upstream).

## Example

Bad:

```text
TRACE / → 200 message/http: TRACE / HTTP/1.1 x-vouch-trace: ...
```

Good:

```text
TRACE / → 405
```

## References

- OWASP WSTG-CONF-06: Test HTTP methods
- RFC 9110 §9.3.8 TRACE
- Apache `TraceEnable`
"#,
};

impl Probe for TraceDisabled {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

const MARKER: &str = "vouch-trace-probe-51c3";

async fn check(t: &Target) -> ProbeResult {
    let ex = t
        .send(Request::new(Method::TRACE, "/").header("x-vouch-trace", MARKER))
        .await?;
    let echoes = ex.text().contains(MARKER) || ex.media_type().as_deref() == Some("message/http");
    if ex.status.is_success() && echoes {
        return Ok(Outcome::Fail {
            findings: vec![seen(&ex, "TRACE is enabled: the request is echoed back")],
        });
    }
    let what = if ex.status.is_success() {
        format!(
            "TRACE answered {} without echoing the request",
            ex.status.as_u16()
        )
    } else {
        format!("TRACE refused with {}", ex.status.as_u16())
    };
    Ok(Outcome::pass_with(vec![seen(&ex, what)]))
}
