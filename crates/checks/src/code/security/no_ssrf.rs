use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct NoSsrf;

static META: ControlMeta = ControlMeta {
    id: "CODE012",
    slug: "no_ssrf",
    title: "Outbound requests never go to URLs taken from the request",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Do not fetch URLs the client supplies. When the feature needs it (webhooks, link previews, \
                  imports), check the parsed host against an allow-list, resolve it and refuse private, \
                  loopback and link-local addresses (169.254.169.254), disable redirects or re-check each hop, \
                  and send the request through an egress proxy.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
        "https://owasp.org/Top10/A10_2021-Server-Side_Request_Forgery_%28SSRF%29/",
        "https://cwe.mitre.org/data/definitions/918.html",
    ],
    concepts: &[
        "SSRF",
        "server-side request forgery",
        "URL allow-list",
        "egress filtering",
        "outbound requests",
        "metadata endpoint",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Outbound HTTP calls (`requests`, `httpx`, `urllib`, `fetch`, `axios`, `got`, Go `http.Get` /
`http.NewRequest`, `reqwest`, Spring `RestTemplate`/`WebClient`) must not use a URL taken from
the incoming request (query parameter, body field, header, path parameter) unless the code
checks it against an allow-list first. The control fails at each such call.

Calls to URLs from configuration or constants, and calls preceded by an allow-list check of the
host, are not reported.

## Why it matters in production

A service that fetches any URL it is given becomes the attacker's proxy into the internal
network: cloud metadata endpoints (`http://169.254.169.254/` hands out instance credentials),
admin interfaces on localhost, databases and internal APIs that trust the service's network
position. SSRF through a "fetch this image" feature has led to full cloud account takeovers.

## Example

Bad:

```python
@app.post("/preview")
def preview(body: PreviewIn):
    page = requests.get(body.url, timeout=5)
    return {"title": extract_title(page.text)}
```

Good:

```python
ALLOWED_HOSTS = {"docs.example.com", "blog.example.com"}

@app.post("/preview")
def preview(body: PreviewIn):
    url = urlparse(body.url)
    if url.scheme != "https" or url.hostname not in ALLOWED_HOSTS:
        raise HTTPException(400, "host not allowed")
    page = requests.get(url.geturl(), timeout=5, allow_redirects=False)
    return {"title": extract_title(page.text)}
```

## References

- OWASP Server-Side Request Forgery Prevention Cheat Sheet
- OWASP Top 10 A10:2021 Server-Side Request Forgery
- CWE-918 Server-Side Request Forgery
"#,
};

impl Check for NoSsrf {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskSsrf),
            |fact| {
                format!(
                    "an outbound request goes to a URL taken from the client with no allow-list ({})",
                    fact.detail
                )
            },
            "no outbound request to a client-supplied URL found",
        )
    }
}
