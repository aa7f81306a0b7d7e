use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

pub struct NoVersionDisclosure;

static META: ControlMeta = ControlMeta {
    id: "HTTP009",
    slug: "no_version_disclosure",
    title: "Response headers do not disclose server or framework versions",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Drop version details from `Server` (nginx `server_tokens off;`, Apache \
                  `ServerTokens Prod`) and remove `X-Powered-By` / `X-AspNet-Version` (Express \
                  `app.disable('x-powered-by')`, PHP `expose_php = Off`, ASP.NET \
                  `enableVersionHeader=false`).",
    references: &[
        "https://owasp.org/www-project-secure-headers/#x-powered-by",
        "https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html#server",
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens",
        "https://cwe.mitre.org/data/definitions/200.html",
    ],
    concepts: &[
        "version disclosure",
        "server header",
        "x-powered-by",
        "banner grabbing",
        "information disclosure",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Reads `Server`, `X-Powered-By`, `X-AspNet-Version`, `X-AspNetMvc-Version` and `X-Generator`
on `GET /`, the HTML page it redirects to and an error response. A value with a version number
(`nginx/1.18.0`, `PHP/7.4.3`, `Express 4.17`) fails; a product name alone (`nginx`) passes.
`X-AspNet-Version` and `X-AspNetMvc-Version` always carry a version.

## Why it matters in production

A version string lets scanners match the service to known CVEs without sending a single
exploit attempt; it is the first thing automated attacks look at. Hiding it costs nothing and
removes the service from the cheapest target lists.

## Example

Bad:

```text
Server: Apache/2.4.41 (Ubuntu)
X-Powered-By: PHP/7.4.3
```

Good:

```text
Server: nginx
```

## References

- OWASP Secure Headers Project: X-Powered-By
- OWASP HTTP Headers Cheat Sheet: Server
- nginx `server_tokens`
- CWE-200: Exposure of Sensitive Information
"#,
};

impl Probe for NoVersionDisclosure {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

const HEADERS: &[&str] = &[
    "server",
    "x-powered-by",
    "x-aspnet-version",
    "x-aspnetmvc-version",
    "x-generator",
];

static VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+\.\d+|/\s*\d|\bv\d").expect("static regex"));

/// True when a header value names a version.
pub fn discloses_version(header: &str, value: &str) -> bool {
    header.starts_with("x-aspnet") || VERSION.is_match(value)
}

async fn check(t: &Target) -> ProbeResult {
    let samples = shared::header_samples(t).await?;
    let mut findings = Vec::new();
    let mut seen_values = Vec::new();
    for ex in &samples {
        for name in HEADERS {
            for value in ex.header_all(name) {
                let line = format!("{name}: {value}");
                if discloses_version(name, value) {
                    if !findings
                        .iter()
                        .any(|f: &Finding| f.snippet.as_deref() == Some(line.as_str()))
                    {
                        findings.push(
                            Finding::new(
                                Location::file(ex.path()),
                                format!(
                                    "{} names a version on {}",
                                    header_title(name),
                                    ex.request_line()
                                ),
                            )
                            .with_snippet(line),
                        );
                    }
                } else if !seen_values.contains(&line) {
                    seen_values.push(line);
                }
            }
        }
    }
    if !findings.is_empty() {
        return Ok(Outcome::Fail { findings });
    }
    let what = if seen_values.is_empty() {
        "no Server or X-Powered-By header".to_string()
    } else {
        format!("no version in {}", seen_values.join(", "))
    };
    Ok(Outcome::pass_with(vec![seen(&samples[0], what)]))
}

fn header_title(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut c = part.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_told_from_product_names() {
        assert!(discloses_version("server", "nginx/1.18.0"));
        assert!(discloses_version("server", "Apache/2.4.41 (Ubuntu)"));
        assert!(discloses_version("x-powered-by", "PHP/7.4.3"));
        assert!(discloses_version("x-powered-by", "Express 4.17"));
        assert!(discloses_version("x-aspnet-version", "4.0.30319"));
        assert!(!discloses_version("server", "nginx"));
        assert!(!discloses_version("server", "cloudflare"));
        assert!(!discloses_version("x-powered-by", "Express"));
        assert_eq!(header_title("x-powered-by"), "X-Powered-By");
    }
}
