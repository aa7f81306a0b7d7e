use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct NoDebugMode;

static META: ControlMeta = ControlMeta {
    id: "CODE008",
    slug: "no_debug_mode",
    title: "Production entry points run with debug mode off",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Take debug and auto-reload from configuration that defaults to off (`DEBUG = \
                  env.bool(\"DEBUG\", default=False)`, `app.run(debug=settings.debug)`), run production with a \
                  WSGI/ASGI server (gunicorn, `uvicorn` without `--reload`), and keep development-only \
                  settings in a development settings module.",
    references: &[
        "https://flask.palletsprojects.com/en/stable/debugging/",
        "https://docs.djangoproject.com/en/stable/ref/settings/#debug",
        "https://www.uvicorn.org/settings/#development",
        "https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/489.html",
    ],
    concepts: &[
        "debug mode",
        "debug off in production",
        "DEBUG=False",
        "production configuration",
        "auto-reload",
        "Werkzeug debugger",
        "verbose errors",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The code that starts the service in production must not switch debug features on with a
literal: Flask `app.run(debug=True)` or `app.debug = True`, Django `DEBUG = True` in the
production settings module (not in `settings/dev.py`/`local.py`), uvicorn `reload=True` in the
main module, Express `app.set("env", "development")`, Gin `gin.SetMode(gin.DebugMode)`, the H2
web console of a Spring Boot service (`spring.h2.console.enabled=true` in `application.yml` or
`application.properties`, outside development profiles such as `application-dev.yml` or a
`spring.config.activate.on-profile: local` document). Debug flags read from configuration with an off default,
and development-only modules, are not reported.

## Why it matters in production

Debug modes are built for a developer's laptop. The Werkzeug debugger executes arbitrary Python
from the browser; Django's debug pages print settings, SQL and environment; auto-reload watches
the filesystem and restarts the process under load. In production each of these is either a
remote code execution or a detailed map for an attacker.

## Example

Bad:

```python
if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, debug=True)
```

Good:

```python
if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, debug=settings.debug)  # DEBUG defaults to False
```

## References

- Flask documentation: Debugging Application Errors
- Django settings reference: DEBUG
- uvicorn settings: development options
- CWE-489 Active Debug Code
"#,
};

impl Check for NoDebugMode {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskDebugMode),
            |fact| {
                format!(
                    "debug mode is switched on in a production entry point ({})",
                    fact.detail
                )
            },
            "no debug mode switched on in production entry points found",
        )
    }
}
