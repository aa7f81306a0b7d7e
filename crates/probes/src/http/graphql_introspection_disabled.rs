use crate::prelude::*;
use crate::target::RequestError;
use serde_json::Value;

pub struct GraphqlIntrospectionDisabled;

static META: ControlMeta = ControlMeta {
    id: "HTTP030",
    slug: "graphql_introspection_disabled",
    title: "GraphQL introspection is disabled",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Turn introspection off in production and publish the schema to the clients \
                  that need it instead: Apollo Server `introspection: false`, graphql-yoga \
                  `useDisableIntrospection`, gqlgen without `handler.NewDefaultServer`'s \
                  introspection extension, graphql-java `NoIntrospectionGraphqlFieldVisibility`, \
                  Spring `spring.graphql.schema.introspection.enabled=false`, Hot Chocolate \
                  `AllowIntrospection(false)`.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#introspection-graphiql",
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/12-API_Testing/01-Testing_GraphQL",
        "https://www.apollographql.com/docs/apollo-server/api/apollo-server#introspection",
        "https://spec.graphql.org/October2021/#sec-Introspection",
    ],
    concepts: &[
        "GraphQL",
        "GraphQL introspection",
        "introspection",
        "schema exposure",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Looks for a GraphQL endpoint: paths with `graphql` in the OpenAPI document, GraphQL routes of
the `--repo` route inventory, else `/graphql` and `/api/graphql`. Each candidate gets the
harmless query `{__typename}` (`POST`, JSON, retried with `--token` on 401/403); it is a
GraphQL endpoint when the answer carries `data.__typename`. On the first one found, the
introspection query `{__schema{types{name}}}` must not return the schema: it fails when the
answer lists `data.__schema.types`, and passes on any refusal (a GraphQL error, a 4xx).

NotApplicable when no candidate answers like GraphQL. Unknown when a declared GraphQL path (or
a guessed one, while unknown paths answer 404) asks for credentials and no `--token` gets
past it.

## Why it matters in production

Introspection hands anyone the complete schema: every type, field, argument and mutation,
including the internal and admin ones no client uses. It turns blind probing into a map for
authorization bugs, expensive nested queries and injection points. Clients do not need it at
run time; code generation can read the schema from the repository.

## Example

Bad:

```text
POST /graphql {"query":"{__schema{types{name}}}"} → 200 application/json: {"data":{"__schema":{"types":[{"name":"Query"},…
```

Good:

```text
POST /graphql {"query":"{__schema{types{name}}}"} → 400 application/json: {"errors":[{"message":"GraphQL introspection is not allowed"}]}
```

## References

- OWASP GraphQL Cheat Sheet: Introspection and GraphiQL
- OWASP WSTG-APIT-01: Testing GraphQL
- Apollo Server `introspection`
- GraphQL specification: Introspection
"#,
};

impl Probe for GraphqlIntrospectionDisabled {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// Paths tried when the service declares no GraphQL endpoint.
const GUESSED: &[&str] = &["/graphql", "/api/graphql"];
const TYPENAME_QUERY: &str = r#"{"query":"{__typename}"}"#;
const INTROSPECTION_QUERY: &str = r#"{"query":"{__schema{types{name}}}"}"#;

async fn check(t: &Target) -> ProbeResult {
    let declared = declared_paths(t);
    let mut candidates: Vec<(String, bool)> = declared.iter().map(|p| (p.clone(), true)).collect();
    for guess in GUESSED {
        if !declared.iter().any(|d| d == guess) {
            candidates.push(((*guess).to_string(), false));
        }
    }
    let mut gated = None;
    for (path, is_declared) in &candidates {
        let ex = t.send_past_auth(query(path, TYPENAME_QUERY)).await?;
        if typename(&ex).is_some() {
            return introspect(t, path, ex.with_credentials).await;
        }
        if gated.is_none()
            && matches!(ex.status.as_u16(), 401 | 403)
            && (*is_declared || !unknown_route_gated(t).await?)
        {
            gated = Some(ex);
        }
    }
    if let Some(ex) = gated {
        return Ok(shared::needs_credentials(t, &ex).unwrap_or_else(|| {
            Outcome::unknown(format!("{} answered {}", ex.request_line(), ex.status))
        }));
    }
    let tried: Vec<&str> = candidates.iter().map(|(p, _)| p.as_str()).collect();
    Ok(Outcome::not_applicable(format!(
        "no GraphQL endpoint: {{__typename}} got no GraphQL answer at {}",
        tried.join(", ")
    )))
}

/// GraphQL paths the OpenAPI document or the repository declares.
fn declared_paths(t: &Target) -> Vec<String> {
    let mut paths: Vec<String> = t
        .operations
        .iter()
        .filter(|o| !o.has_params() && o.path.to_ascii_lowercase().contains("graphql"))
        .map(|o| o.path.clone())
        .chain(t.operations.graphql.iter().cloned())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// True when a path no service has asks for credentials too (a gateway in front of all).
async fn unknown_route_gated(t: &Target) -> Result<bool, RequestError> {
    let ex = shared::unknown_route(t).await?;
    Ok(matches!(ex.status.as_u16(), 401 | 403))
}

fn query(path: &str, body: &'static str) -> Request {
    Request::new(Method::POST, path).body("application/json", body)
}

fn typename(ex: &Exchange) -> Option<String> {
    let doc = ex.json()?;
    doc.get("data")?
        .get("__typename")?
        .as_str()
        .map(str::to_string)
}

async fn introspect(t: &Target, path: &str, with_credentials: bool) -> ProbeResult {
    let mut request = query(path, INTROSPECTION_QUERY);
    if with_credentials {
        request = request.with_credentials();
    }
    let ex = t.send(request).await?;
    let types = schema_types(&ex);
    if !types.is_empty() {
        let shown: Vec<&str> = types.iter().take(8).map(String::as_str).collect();
        let more = if types.len() > shown.len() {
            ", …"
        } else {
            ""
        };
        return Ok(Outcome::Fail {
            findings: vec![seen(
                &ex,
                format!(
                    "introspection is enabled: {{__schema{{types{{name}}}}}} lists {} types ({}{more})",
                    types.len(),
                    shown.join(", ")
                ),
            )],
        });
    }
    let why = ex
        .json()
        .and_then(|d| {
            d.get("errors")?
                .get(0)?
                .get("message")?
                .as_str()
                .map(str::to_string)
        })
        .map_or_else(String::new, |m| format!(": {m}"));
    Ok(Outcome::pass_with(vec![seen(
        &ex,
        format!(
            "GraphQL endpoint found; introspection refused with {}{why}",
            ex.status.as_u16()
        ),
    )]))
}

/// Type names in `data.__schema.types`, when the answer has them.
fn schema_types(ex: &Exchange) -> Vec<String> {
    let Some(doc) = ex.json() else {
        return Vec::new();
    };
    doc.pointer("/data/__schema/types")
        .and_then(Value::as_array)
        .map(|types| {
            types
                .iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::{Operation, Source};
    use crate::target::TargetOptions;

    #[test]
    fn declared_graphql_paths_come_from_openapi_and_the_repo() {
        let mut t = Target::new("http://127.0.0.1:9", &TargetOptions::default()).unwrap();
        for (method, path) in [
            ("POST", "/v1/graphql"),
            ("GET", "/v1/items"),
            ("GET", "/v1/graphql"),
        ] {
            t.operations.list.push(Operation {
                method: method.into(),
                path: path.into(),
                json_body: false,
                source: Source::OpenApi,
            });
        }
        t.operations.graphql.push("/gql/GraphQL".into());
        t.operations.graphql.push("/query".into());
        assert_eq!(
            declared_paths(&t),
            ["/gql/GraphQL", "/query", "/v1/graphql"]
        );
    }
}
