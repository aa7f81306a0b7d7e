use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct NoStubsInProduction;

static META: ControlMeta = ControlMeta {
    id: "CODE017",
    slug: "no_stubs_in_production",
    title: "Production code has no stubs, placeholders or simulated results",
    area: Area::Testing,
    severity: Severity::High,
    remediation: "Implement the handler or remove its route before release; move fakes, mocks and simulated \
                  providers into the test tree (or behind an explicit development-only flag that production \
                  configuration cannot enable), and replace hardcoded placeholder responses with the real \
                  data source.",
    references: &[
        "https://owasp.org/www-project-application-security-verification-standard/",
        "https://cwe.mitre.org/data/definitions/1164.html",
        "https://cwe.mitre.org/data/definitions/489.html",
        "https://martinfowler.com/articles/mocksArentStubs.html",
    ],
    concepts: &[
        "no stubs",
        "zero mocked data",
        "no mocks in production",
        "no placeholder implementations",
        "no TODOs in production code",
        "feature complete",
        "simulated logic",
        "dead code",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Code that runs in production (not test files, fixtures or examples) must do the real work. The
control fails at:

- route handlers that raise `NotImplementedError`, `throw new Error("not implemented")`, call
  `todo!()`/`unimplemented!()`, `panic("not implemented")` or throw
  `UnsupportedOperationException`;
- handlers that return a hardcoded placeholder (`return {"status": "ok"}` standing in for real
  data, `"TODO"`, `"lorem ipsum"`, a fixed fake record);
- `TODO: implement` comments inside route handlers;
- functions outside tests that simulate or mock a result (`simulate_payment`, `mock_charge`,
  `fake_send_email` returning success without calling anything).

A readiness checklist that claims "zero mocked data" or "no stubs" is checked against this.

## Why it matters in production

A stub passes code review, type checks and often tests, but the feature does not exist: a
payment that is "simulated" ships goods without money, a notification that is faked is never
sent, and an endpoint that raises NotImplementedError is a 500 for every user who finds it.
Placeholders written to unblock a front-end are the most common way this reaches production.

## Example

Bad:

```python
@router.post("/payments")
def charge(body: ChargeIn):
    # TODO: implement Stripe integration
    return {"status": "succeeded", "id": "pi_mock_123"}
```

Good:

```python
@router.post("/payments")
def charge(body: ChargeIn, user: User = Depends(get_current_user)):
    intent = stripe.PaymentIntent.create(
        amount=body.amount, currency=body.currency, customer=user.stripe_id,
        idempotency_key=body.idempotency_key,
    )
    return {"status": intent.status, "id": intent.id}
```

## References

- OWASP ASVS V1 "Architecture, Design and Threat Modeling" (no unfinished functionality)
- CWE-1164 Irrelevant Code, CWE-489 Active Debug Code
- Martin Fowler: Mocks Aren't Stubs
"#,
};

impl Check for NoStubsInProduction {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskStub),
            |fact| {
                format!(
                    "production code is a stub or returns simulated data ({}): implement it or move it to tests",
                    fact.detail
                )
            },
            "no stub handlers, placeholder responses or simulated results found outside tests",
        )
    }
}
