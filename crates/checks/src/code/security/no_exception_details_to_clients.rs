use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct NoExceptionDetailsToClients;

static META: ControlMeta = ControlMeta {
    id: "CODE009",
    slug: "no_exception_details_to_clients",
    title: "Error responses do not expose exception text or stack traces",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Log the exception with its stack trace on the server (with the request ID) and return a \
                  generic message and an error code to the client (`{\"error\": \"internal_error\", \
                  \"request_id\": ...}`). Install one app-wide error handler so no handler formats \
                  exceptions itself.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html",
        "https://owasp.org/www-community/Improper_Error_Handling",
        "https://cwe.mitre.org/data/definitions/209.html",
        "https://cwe.mitre.org/data/definitions/497.html",
    ],
    concepts: &[
        "error handling",
        "stack traces",
        "information disclosure",
        "generic error messages",
        "exception handling",
        "error leakage",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Handlers and error middleware must not put exception text or stack traces in the response. The
control fails where the code returns `str(e)`, `repr(e)`, `traceback.format_exc()`,
`err.message`/`err.stack`, `err.Error()`, `e.getMessage()`/`printStackTrace` output or the
`Display` of an error as the response body or as an `HTTPException` detail, and where a Spring
Boot service's production configuration puts them in every error response
(`server.error.include-stacktrace: always` or `on-param`, `include-message: always`,
`include-exception: true`).

Logging the exception, and returning messages the code wrote itself, are not reported.

## Why it matters in production

Exception text describes the inside of the service: SQL statements and table names, file paths,
library versions, hostnames of internal services, sometimes connection strings with passwords.
Attackers trigger errors on purpose to collect it and to tune injection payloads. A stack trace
in a response is also a sign that errors are not tracked where the team would see them.

## Example

Bad:

```javascript
app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message, stack: err.stack });
});
```

Good:

```javascript
app.use((err, req, res, next) => {
  req.log.error({ err }, "unhandled error");
  res.status(500).json({ error: "internal_error", requestId: req.id });
});
```

## References

- OWASP Error Handling Cheat Sheet
- OWASP ASVS V7.4 "Error Handling"
- CWE-209 Generation of Error Message Containing Sensitive Information
"#,
};

impl Check for NoExceptionDetailsToClients {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskExceptionToClient),
            |fact| {
                format!(
                    "exception details are sent to the client ({}): log them and return a generic error",
                    fact.detail
                )
            },
            "no exception text or stack trace returned to clients found",
        )
    }
}
