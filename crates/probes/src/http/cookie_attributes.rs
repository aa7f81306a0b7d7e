use super::transport;
use crate::prelude::*;

pub struct CookieAttributes;

static META: ControlMeta = ControlMeta {
    id: "HTTP026",
    slug: "cookie_attributes",
    title: "Cookies are set with Secure, HttpOnly and SameSite",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Set cookies with `Secure; HttpOnly; SameSite=Lax` (or `Strict`); leave \
                  HttpOnly off only for a CSRF token cookie that scripts must read.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies",
        "https://www.rfc-editor.org/rfc/rfc6265#section-4.1.2",
    ],
    concepts: &[
        "secure cookies",
        "httponly",
        "samesite",
        "session cookie",
        "cookie flags",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every cookie the service sets on the responses vouch already fetched (`GET /`, its HTML page,
an unknown route) must carry `Secure`, `HttpOnly` and `SameSite`. A cookie whose name says it
is a CSRF token (`csrftoken`, `XSRF-TOKEN`) is exempt from HttpOnly (scripts must read it);
cookies being deleted (`Max-Age=0`) are not judged. One finding per cookie names the missing
attributes; cookie values are never quoted. Not applicable when the service sets no cookie,
or when the target is `http://` (judge the HTTPS service).

## Why it matters in production

Without `Secure` the cookie also travels over plain HTTP, where it can be read on the
network. Without `HttpOnly` any injected script can steal the session. Without `SameSite`
the browser's default applies (and varies), leaving cross-site request forgery open.

## Example

Bad:

```text
Set-Cookie: session=…; Path=/
```

Good:

```text
Set-Cookie: session=…; Path=/; Secure; HttpOnly; SameSite=Lax
```

## References

- OWASP Session Management Cheat Sheet: cookies
- MDN: restrict access to cookies
- RFC 6265 section 4.1.2: cookie attributes
"#,
};

impl Probe for CookieAttributes {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    if let Some(na) = transport::not_https(t) {
        return Ok(na);
    }
    let mut findings = Vec::new();
    let mut evidence = Vec::new();
    let mut judged: Vec<String> = Vec::new();
    for ex in shared::header_samples(t).await? {
        for line in ex.header_all("set-cookie") {
            let Some(cookie) = Cookie::parse(line) else {
                continue;
            };
            if cookie.deleted || judged.contains(&cookie.name) {
                continue;
            }
            judged.push(cookie.name.clone());
            let missing = cookie.missing();
            let location = Location::file(ex.path());
            if missing.is_empty() {
                evidence.push(
                    Finding::new(location, format!("cookie `{}` is hardened", cookie.name))
                        .with_snippet(cookie.redacted()),
                );
            } else {
                findings.push(
                    Finding::new(
                        location,
                        format!("cookie `{}` lacks {}", cookie.name, missing.join(", ")),
                    )
                    .with_snippet(cookie.redacted()),
                );
            }
        }
    }
    if judged.is_empty() {
        return Ok(Outcome::not_applicable(
            "the service sets no cookie on the responses probed",
        ));
    }
    Ok(Outcome::from_findings(findings, evidence))
}

/// One `Set-Cookie` line: the name and the attributes that matter here.
struct Cookie {
    name: String,
    /// Attributes as sent, without the value (`Path=/; Secure`).
    attributes: Vec<String>,
    secure: bool,
    http_only: bool,
    same_site: bool,
    deleted: bool,
}

impl Cookie {
    fn parse(line: &str) -> Option<Cookie> {
        let mut parts = line.split(';');
        let (name, _value) = parts.next()?.split_once('=')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let mut cookie = Cookie {
            name: name.to_string(),
            attributes: Vec::new(),
            secure: false,
            http_only: false,
            same_site: false,
            deleted: false,
        };
        for attribute in parts.map(str::trim).filter(|a| !a.is_empty()) {
            let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
            match key.trim().to_ascii_lowercase().as_str() {
                "secure" => cookie.secure = true,
                "httponly" => cookie.http_only = true,
                "samesite" => cookie.same_site = !value.trim().is_empty(),
                "max-age" => {
                    cookie.deleted = value.trim().parse::<i64>().is_ok_and(|s| s <= 0);
                }
                _ => {}
            }
            cookie.attributes.push(attribute.to_string());
        }
        Some(cookie)
    }

    /// CSRF double-submit cookies are read by scripts on purpose.
    fn is_csrf_token(&self) -> bool {
        let lower = self.name.to_ascii_lowercase();
        lower.contains("csrf") || lower.contains("xsrf")
    }

    fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if !self.secure {
            missing.push("Secure");
        }
        if !self.http_only && !self.is_csrf_token() {
            missing.push("HttpOnly");
        }
        if !self.same_site {
            missing.push("SameSite");
        }
        missing
    }

    /// `set-cookie: session=…; Path=/`: the value is never quoted.
    fn redacted(&self) -> String {
        let mut out = format!("set-cookie: {}=…", self.name);
        for a in &self.attributes {
            out.push_str("; ");
            out.push_str(a);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_case_insensitive_and_values_are_not_quoted() {
        let c = Cookie::parse("sid=abc123; path=/; SECURE; httponly; samesite=Strict").unwrap();
        assert!(c.missing().is_empty());
        assert!(!c.redacted().contains("abc123"));
        let bare = Cookie::parse("sid=abc123; Path=/").unwrap();
        assert_eq!(bare.missing(), vec!["Secure", "HttpOnly", "SameSite"]);
        assert_eq!(bare.redacted(), "set-cookie: sid=…; Path=/");
    }

    #[test]
    fn csrf_cookies_may_be_script_readable_and_deletions_are_skipped() {
        let csrf = Cookie::parse("XSRF-TOKEN=t; Secure; SameSite=Lax").unwrap();
        assert!(csrf.missing().is_empty());
        assert!(Cookie::parse("sid=; Max-Age=0").unwrap().deleted);
        assert!(Cookie::parse("garbage").is_none());
    }
}
