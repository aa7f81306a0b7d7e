use crate::prelude::*;
use regex::Regex;
use std::sync::{Arc, LazyLock};

pub struct NoErrorInternals;

static META: ControlMeta = ControlMeta {
    id: "HTTP008",
    slug: "no_error_internals",
    title: "Error responses show no stack traces, exception text, SQL or debug pages",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Turn debug mode off in production (`DEBUG=False`, `APP_DEBUG=false`, \
                  `FLASK_DEBUG=0`, no Werkzeug debugger), install a last-resort error handler \
                  that logs the exception server-side and answers a generic problem+json with \
                  a request ID, and never echo database errors to the client.",
    references: &[
        "https://owasp.org/www-community/Improper_Error_Handling",
        "https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/209.html",
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/08-Testing_for_Error_Handling/01-Testing_For_Improper_Error_Handling",
    ],
    concepts: &[
        "stack trace",
        "error leakage",
        "debug mode",
        "exception handling",
        "information disclosure",
        "verbose errors",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Provokes error responses and reads their bodies: an unknown route (and one under the API
prefix), DELETE on a read-only path, a malformed JSON body to a write operation, and a GET
whose path parameter is `'"<` (from the OpenAPI document; GET only, so nothing changes). Every
4xx/5xx body is searched for stack traces (Python, Java, .NET, Node.js, Go, Rust, PHP, Ruby),
SQL errors (PostgreSQL, MySQL, SQLite, Oracle, SQL Server, SQLAlchemy's `[SQL: ...]`) and
framework debug pages (Werkzeug, Django `DEBUG = True`, Laravel/Ignition, Rails, ASP.NET,
Symfony). Evidence quotes the text around the match, credentials masked.

## Why it matters in production

A stack trace tells an attacker the language, framework, library versions, file layout and
the code path their input reached; a SQL error confirms an injection point and shows the
query to shape the next payload. Debug pages often go further and run code (the Werkzeug
console). CWE-209.

## Example

Bad:

```text
POST /api/items → 500 text/plain: Traceback (most recent call last): File "/app/handlers.py",
line 42 ... sqlalchemy.exc.ProgrammingError ... [SQL: SELECT id FROM items WHERE ...]
```

Good:

```text
POST /api/items → 400 application/problem+json:
{"title":"Bad Request","status":400,"detail":"invalid JSON","instance":"req-8f2c"}
```

## References

- OWASP: Improper Error Handling
- OWASP Error Handling Cheat Sheet
- CWE-209: Generation of Error Message Containing Sensitive Information
- OWASP WSTG-ERRH-01: Testing for Improper Error Handling
"#,
};

impl Probe for NoErrorInternals {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// What a leak looks like: a label and a pattern.
static LEAKS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("a Python traceback", r"Traceback \(most recent call last\)"),
        ("a Java stack trace", r"\bat [\w$.]+\([\w$]+\.java:\d+\)|Exception in thread "),
        ("a Java exception", r"\bjava\.(?:lang|io|sql)\.\w+(?:Exception|Error)\b"),
        ("a .NET stack trace", r"\bat [\w.`<>]+\(.*\) in .+:line \d+"),
        ("a .NET exception", r"\bSystem\.\w+Exception\b"),
        ("a Node.js stack trace", r"\n\s+at (?:[\w.<>]+ )?\(?(?:/|[A-Z]:\\|node:)[^)\s]+:\d+:\d+\)?"),
        ("a Go panic", r"goroutine \d+ \[running\]|panic: runtime error"),
        ("a Rust panic", r"panicked at [^\s]+\.rs:\d+|stack backtrace:"),
        ("a PHP error", r"(?:Fatal error|Parse error|Warning): .+ in /.+ on line \d+|Stack trace:\s*#0"),
        ("a Ruby stack trace", r"\.rb:\d+:in `"),
        ("a SQL error", r"(?i)(?:you have an error in your sql syntax|syntax error at or near|ORA-\d{5}|SQLSTATE\[|psycopg2?\.errors|sqlite3\.OperationalError|unclosed quotation mark after the character string|\[SQL: )"),
        ("a Werkzeug debugger page", r"Werkzeug Debugger|The debugger caught an exception"),
        ("a Django debug page", r"You're seeing this error because you have <code>DEBUG = True</code>"),
        ("a Laravel/Ignition debug page", r"Whoops, looks like something went wrong|Illuminate\\[A-Z]\w+\\"),
        ("a Rails debug page", r"Action Controller: Exception caught"),
        ("an ASP.NET error page", r"Server Error in '/' Application|ASP\.NET is configured to show verbose error messages"),
        ("a Symfony debug page", r"Symfony\\Component\\[A-Z]\w+\\|symfony-profiler"),
    ]
    .into_iter()
    .map(|(label, re)| (label, Regex::new(re).expect("static regex")))
    .collect()
});

/// The first leak in `text`: its label and the text around it.
pub fn find_leak(text: &str) -> Option<(&'static str, String)> {
    LEAKS.iter().find_map(|(label, re)| {
        re.find(text)
            .map(|m| (*label, crate::evidence::around(text, m.start(), m.end())))
    })
}

/// `'"<` in a path parameter: breaks naive SQL and templates, changes nothing (GET).
const HOSTILE_PARAM: &str = "%27%22%3C";

async fn check(t: &Target) -> ProbeResult {
    let mut seen_errors: Vec<Arc<Exchange>> = Vec::new();
    seen_errors.push(shared::unknown_route(t).await?);
    if let Some(prefix) = t.operations.api_prefix() {
        seen_errors
            .push(shared::get_past_auth(t, &format!("{prefix}{}", shared::UNKNOWN_PATH)).await?);
    }
    if let Some(ex) = shared::wrong_method(t).await? {
        seen_errors.push(ex);
    }
    if let Some(ex) = shared::malformed_json(t).await? {
        seen_errors.push(ex);
    }
    let param_get = t
        .operations
        .iter()
        .find(|o| o.method == "GET" && o.has_params())
        .map(|o| o.concrete_path(HOSTILE_PARAM));
    if let Some(path) = param_get {
        seen_errors.push(shared::get_past_auth(t, &path).await?);
    }
    let errors: Vec<&Arc<Exchange>> = seen_errors
        .iter()
        .filter(|ex| ex.status.as_u16() >= 400)
        .collect();
    if errors.is_empty() {
        return Ok(Outcome::unknown(
            "no request produced an error response to inspect",
        ));
    }
    let mut findings = Vec::new();
    for ex in &errors {
        if let Some((label, context)) = find_leak(&ex.text()) {
            findings.push(
                Finding::new(
                    Location::file(ex.path()),
                    format!(
                        "{} {} answered {} with {label}",
                        ex.method,
                        ex.path(),
                        ex.status.as_u16()
                    ),
                )
                .with_snippet(context),
            );
        }
    }
    if !findings.is_empty() {
        return Ok(Outcome::Fail { findings });
    }
    Ok(Outcome::pass_with(
        errors
            .iter()
            .map(|ex| seen(ex, "error response without internals"))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_common_leaks() {
        let cases = [
            (
                "Traceback (most recent call last):\n  File \"x.py\"",
                "a Python traceback",
            ),
            (
                "java.lang.NullPointerException\n\tat com.acme.Foo.bar(Foo.java:42)",
                "a Java stack trace",
            ),
            (
                "Error: boom\n    at Object.<anonymous> (/app/index.js:10:5)",
                "a Node.js stack trace",
            ),
            ("goroutine 1 [running]:\nmain.main()", "a Go panic"),
            ("thread 'main' panicked at src/main.rs:4:5", "a Rust panic"),
            ("ERROR: syntax error at or near \"WHERE\"", "a SQL error"),
            (
                "PHP Fatal error: Uncaught Error in /var/www/index.php on line 3",
                "a PHP error",
            ),
            ("app/models/user.rb:12:in `find'", "a Ruby stack trace"),
        ];
        for (text, label) in cases {
            assert_eq!(find_leak(text).map(|l| l.0), Some(label), "{text}");
        }
    }

    #[test]
    fn ordinary_error_bodies_are_not_leaks() {
        for text in [
            r#"{"title":"Bad Request","status":400,"detail":"request body is not valid JSON: EOF while parsing an object at line 1 column 20"}"#,
            r#"{"error":"not_found","message":"No route matches GET /x"}"#,
            "<html><body><h1>404 Not Found</h1><hr><center>nginx</center></body></html>",
            "Cannot DELETE /healthz",
            r#"{"detail":[{"type":"json_invalid","loc":["body",19],"msg":"JSON decode error"}]}"#,
        ] {
            assert_eq!(find_leak(text), None, "{text}");
        }
    }
}
