use crate::code::support::{no_service, risk_control};
use crate::prelude::*;
use vouch_code::FactKind;

pub struct RequestBodyValidated;

static META: ControlMeta = ControlMeta {
    id: "CODE026",
    slug: "request_body_validated",
    title: "Request bodies are validated against a schema",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Parse each write handler's body into a typed model or schema before using it: a \
                  pydantic model parameter in FastAPI, a marshmallow/pydantic schema or a Django \
                  REST framework serializer with `is_valid(raise_exception=True)`, zod/joi/celebrate \
                  or a NestJS DTO with `ValidationPipe`, a Go struct with `validator` tags, serde \
                  types with `validator` in Rust, `@Valid @RequestBody` in Spring. Pass on only the \
                  validated fields, never the raw `request.json()`/`req.body`.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Input_Validation_Cheat_Sheet.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html",
        "https://fastapi.tiangolo.com/tutorial/body/",
    ],
    concepts: &[
        "input validation",
        "request validation",
        "schema validation",
        "typed request models",
        "mass assignment",
        "DTO validation",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Write handlers that pass the raw request body on (to a database call, an ORM constructor, a
queue, another service) without validating it against a typed model or schema fail, each at its
line: `data = await request.json()` followed by `User(**data)`, `Model.create(req.body)`,
`json.NewDecoder(r.Body).Decode(&m)` into a `map[string]any`. Handlers that declare a typed
body (pydantic model, DTO with a validation pipe, `@Valid`) pass. NotApplicable when the code
serves no HTTP routes.

## Why it matters in production

An unvalidated body lets clients set fields they should not (`is_admin`, `owner_id`, `price`),
send types the code does not expect (a list where a string was assumed, a 10 MB string), and
push malformed data into the database where it breaks other readers later. A schema rejects the
request up front with a clear `422`/`400`.

## Example

Bad:

```python
@router.post("/users")
async def create_user(request: Request):
    data = await request.json()
    user = User(**data)
    session.add(user)
```

Good:

```python
class UserIn(BaseModel):
    email: EmailStr
    name: str = Field(max_length=100)

@router.post("/users")
async def create_user(body: UserIn):
    user = User(email=body.email, name=body.name)
    session.add(user)
```

## References

- OWASP API Security Top 10 2023, API3: Broken Object Property Level Authorization
- OWASP Input Validation Cheat Sheet
- OWASP Mass Assignment Cheat Sheet
- FastAPI, Request Body
"#,
};

impl Check for RequestBodyValidated {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_service(ws) {
            return na;
        }
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskUnvalidatedBody),
            |fact| {
                format!(
                    "request body used without schema validation: {}",
                    fact.detail
                )
            },
            "no write handler passes a raw request body on unvalidated",
        )
    }
}
