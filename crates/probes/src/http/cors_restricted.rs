use crate::prelude::*;

pub struct CorsRestricted;

static META: ControlMeta = ControlMeta {
    id: "HTTP019",
    slug: "cors_restricted",
    title: "CORS trusts only known origins and declared methods",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Answer CORS with an allow-list: echo `Origin` into \
                  `Access-Control-Allow-Origin` only when it is one of your front-ends (and \
                  add `Vary: Origin`), never combine `*` or an echoed arbitrary origin with \
                  `Access-Control-Allow-Credentials: true`, and list in \
                  `Access-Control-Allow-Methods` only the methods the route serves.",
    references: &[
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/11-Client-side_Testing/07-Testing_Cross_Origin_Resource_Sharing",
        "https://fetch.spec.whatwg.org/#http-cors-protocol",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS",
        "https://portswigger.net/web-security/cors",
    ],
    concepts: &[
        "cors",
        "cross-origin resource sharing",
        "allowed origins",
        "access-control-allow-origin",
        "preflight",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Sends `GET` to the service with a foreign `Origin` (`https://vouch-probe.invalid`), then a
preflight (`OPTIONS` with `Access-Control-Request-Method: DELETE`) from the same origin to a
declared path that does not serve DELETE (else `/`). It fails when:

- an answer reflects the foreign origin (or `null`) in `Access-Control-Allow-Origin` together
  with `Access-Control-Allow-Credentials: true`;
- an answer sends `Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`;
- the preflight approves DELETE (or `*`) for a path whose declared methods do not include it.

A foreign origin reflected without credentials is not a finding (public data may be shared).
The method check needs declared operations (OpenAPI or `--repo`); without them only the
origin checks run.

## Why it matters in production

A policy that trusts any origin with credentials lets every web page a logged-in user visits
read their data through the API, with their cookies. A preflight that approves every method
opens state-changing requests from other origins. Permissive CORS is often added during
development (`origin: true, credentials: true`) and shipped.

## Example

Bad:

```text
GET / (Origin: https://vouch-probe.invalid) → 200, access-control-allow-origin: *,
access-control-allow-credentials: true
```

Good:

```text
GET / (Origin: https://vouch-probe.invalid) → 200, no access-control-allow-origin
```

## References

- OWASP WSTG-CLNT-07: Testing Cross Origin Resource Sharing
- Fetch standard: the CORS protocol
- MDN: Cross-Origin Resource Sharing
- PortSwigger: CORS vulnerabilities
"#,
};

impl Probe for CorsRestricted {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// A reserved domain (RFC 2606): no real front-end lives there.
const FOREIGN_ORIGIN: &str = "https://vouch-probe.invalid";
/// The method the preflight asks for.
const PREFLIGHT_METHOD: &str = "DELETE";

async fn check(t: &Target) -> ProbeResult {
    let mut findings = Vec::new();
    let mut evidence = Vec::new();
    let simple = t
        .send(Request::get("/").header("origin", FOREIGN_ORIGIN))
        .await?;
    judge_origin(&simple, &mut findings, &mut evidence);

    let (path, declared) = preflight_path(t);
    let preflight = t
        .send(
            Request::new(Method::OPTIONS, path.clone())
                .header("origin", FOREIGN_ORIGIN)
                .header("access-control-request-method", PREFLIGHT_METHOD),
        )
        .await?;
    judge_origin(&preflight, &mut findings, &mut evidence);
    if let Some(declared) = declared {
        let allowed = preflight
            .header("access-control-allow-methods")
            .unwrap_or("");
        let approves = allowed
            .split(',')
            .map(str::trim)
            .any(|m| m == "*" || m.eq_ignore_ascii_case(PREFLIGHT_METHOD));
        if approves && allows_origin(&preflight) {
            findings.push(seen(
                &preflight,
                format!(
                    "the preflight from a foreign origin approves {PREFLIGHT_METHOD} on {path} \
                     (allow-methods: {allowed}), which declares only {}",
                    declared.join(", ")
                ),
            ));
        } else {
            evidence.push(seen(
                &preflight,
                format!("the preflight does not approve {PREFLIGHT_METHOD} on {path}"),
            ));
        }
    }
    Ok(Outcome::from_findings(findings, evidence))
}

/// Adds a finding when `ex` trusts the foreign origin with credentials, else evidence.
fn judge_origin(ex: &Exchange, findings: &mut Vec<Finding>, evidence: &mut Vec<Finding>) {
    let origin = ex.header("access-control-allow-origin").map(str::trim);
    let credentials = ex
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let what = format!("{} (Origin: {FOREIGN_ORIGIN})", ex.request_line());
    match origin {
        Some("*") if credentials => findings.push(seen(
            ex,
            format!("{what}: `Access-Control-Allow-Origin: *` with credentials allowed"),
        )),
        Some(o) if credentials && (o == FOREIGN_ORIGIN || o == "null") => findings.push(seen(
            ex,
            format!("{what}: the foreign origin is trusted with credentials (`{o}` reflected)"),
        )),
        Some(o) => evidence.push(seen(
            ex,
            format!("{what}: allow-origin `{o}` without credentials"),
        )),
        None => evidence.push(seen(
            ex,
            format!("{what}: the foreign origin is not allowed"),
        )),
    }
}

fn allows_origin(ex: &Exchange) -> bool {
    ex.header("access-control-allow-origin")
        .is_some_and(|o| matches!(o.trim(), "*" | "null" | FOREIGN_ORIGIN))
}

/// A declared path without DELETE and its declared methods; `/` (methods unknown) otherwise.
fn preflight_path(t: &Target) -> (String, Option<Vec<String>>) {
    t.operations
        .iter()
        .filter(|o| !o.has_params())
        .map(|o| {
            let methods: Vec<String> = t
                .operations
                .methods_of(&o.path)
                .into_iter()
                .map(str::to_string)
                .collect();
            (o.path.clone(), methods)
        })
        .find(|(_, methods)| !methods.iter().any(|m| m == PREFLIGHT_METHOD))
        .map_or_else(|| ("/".to_string(), None), |(p, m)| (p, Some(m)))
}
