use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct RateLimiterWired;

static META: ControlMeta = ControlMeta {
    id: "CODE020",
    slug: "rate_limiter_wired",
    title: "A rate limiter is wired into the web service",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Attach a rate limiter to the application or its routes, not just the dependency: \
                  `slowapi` (`app.state.limiter = limiter` plus `SlowAPIMiddleware` or `@limiter.limit`), \
                  `flask-limiter`, `express-rate-limit` (`app.use(limiter)`), `@fastify/rate-limit`, \
                  `@nestjs/throttler`, `golang.org/x/time/rate` or `tollbooth` middleware, \
                  `tower_governor`/`actix-governor`, Bucket4j or Resilience4j `RateLimiter`. Limits \
                  may also live at the gateway; then record that decision next to the service.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Denial_of_Service_Cheat_Sheet.html",
        "https://sre.google/sre-book/handling-overload/",
    ],
    concepts: &[
        "rate limiting",
        "rate limiter",
        "throttling",
        "request throttling",
        "API quotas",
        "429 Too Many Requests",
        "abuse protection",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service's code attaches a rate limiter to the application or to its routes: a limiter
middleware registered on the app (`app.use(rateLimit(...))`, `SlowAPIMiddleware`,
`ThrottlerGuard`, `tower_governor`), or per-route limit decorators. A limiter library that is only
imported or declared in the manifest does not count. Applies to code that serves HTTP routes.

## Why it matters in production

Without a limit, one client (a buggy retry loop, a scraper, an attacker trying passwords) can
consume all workers, database connections and upstream quota, and every other user sees timeouts.
A limiter turns that into `429 Too Many Requests` for the offender only. Login, signup and
password-reset routes are the first targets of credential stuffing.

## Example

Bad:

```python
app = FastAPI()

@app.post("/login")
async def login(body: LoginIn): ...
```

Good:

```python
limiter = Limiter(key_func=get_remote_address)
app = FastAPI()
app.state.limiter = limiter
app.add_middleware(SlowAPIMiddleware)

@app.post("/login")
@limiter.limit("5/minute")
async def login(request: Request, body: LoginIn): ...
```

## References

- OWASP API Security Top 10 2023, API4: Unrestricted Resource Consumption
- OWASP Denial of Service Cheat Sheet
- Google SRE book, "Handling Overload"
"#,
};

impl Check for RateLimiterWired {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasRateLimiter),
            "no rate limiter is attached to the application or its routes",
        )
    }
}
