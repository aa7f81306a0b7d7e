use crate::code::support::{Sources, no_service};
use crate::prelude::*;
use vouch_code::FactKind;

pub struct IdempotencyKeys;

static META: ControlMeta = ControlMeta {
    id: "CODE027",
    slug: "idempotency_keys",
    title: "Routes that create work honour idempotency keys",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Accept an `Idempotency-Key` header on routes that create work (payments, orders, \
                  jobs): store the key with the result on first use, and return the stored result \
                  for a repeated key instead of enqueuing the work again. Libraries: \
                  `express-idempotency`, `django-idempotency-key`, Stripe-style middleware backed by \
                  Redis or the database.",
    references: &[
        "https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/",
        "https://docs.stripe.com/api/idempotent_requests",
        "https://aws.amazon.com/builders-library/making-retries-safe-with-idempotent-APIs/",
    ],
    concepts: &[
        "idempotency",
        "idempotency key",
        "Idempotency-Key header",
        "exactly-once processing",
        "duplicate request protection",
        "safe retries",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the service has write routes and enqueues background work (a job queue task is defined
or used), an `Idempotency-Key` header is read and honoured somewhere in the code. NotApplicable
for services without write routes or without a job queue.

## Why it matters in production

Clients retry: a mobile app on a flaky network, a load balancer after a timeout, a user
double-clicking "Pay". Each retry of a non-idempotent `POST` that enqueues work creates the work
again: two charges, two shipments, two emails. An idempotency key lets the server recognise the
retry and return the first result.

## Example

Bad:

```python
@router.post("/payments", status_code=202)
async def create_payment(body: PaymentIn):
    task = charge_card.delay(body.model_dump())
    return {"task_id": task.id}
```

Good:

```python
@router.post("/payments", status_code=202)
async def create_payment(body: PaymentIn, idempotency_key: str = Header(alias="Idempotency-Key")):
    if (existing := await store.get(idempotency_key)) is not None:
        return existing
    task = charge_card.delay(body.model_dump())
    result = {"task_id": task.id}
    await store.put(idempotency_key, result, ttl=86400)
    return result
```

## References

- IETF draft, The Idempotency-Key HTTP Header Field
- Stripe API, Idempotent requests
- AWS Builders' Library, "Making retries safe with idempotent APIs"
"#,
};

impl Check for IdempotencyKeys {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_service(ws) {
            return na;
        }
        let writes = ws.code.routes().filter(|r| r.is_write()).count();
        let queues = ws
            .code
            .facts()
            .filter(|(_, f)| matches!(f.kind, FactKind::JobQueue { .. }))
            .count();
        if writes == 0 || queues == 0 {
            return Outcome::NotApplicable {
                reason: "the service has no write routes that enqueue background work".into(),
            };
        }
        let mut sources = Sources::default();
        let evidence: Vec<Finding> = ws
            .code
            .facts()
            .filter(|(_, f)| matches!(f.kind, FactKind::HasIdempotencyKey))
            .map(|(file, fact)| sources.fact_finding(ws, file, fact, fact.detail.clone()))
            .collect();
        if evidence.is_empty() {
            Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    format!(
                        "{writes} write route(s) and {queues} job queue task(s), but no \
                         Idempotency-Key is read anywhere: retried requests enqueue the work again"
                    ),
                )],
            }
        } else {
            Outcome::Pass { evidence }
        }
    }
}
