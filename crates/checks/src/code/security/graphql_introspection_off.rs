use crate::code::support::{no_code, risk_control};
use crate::prelude::*;
use vouch_code::{FactKind, RouteKind};

pub struct GraphqlIntrospectionOff;

static META: ControlMeta = ControlMeta {
    id: "CODE015",
    slug: "graphql_introspection_off",
    title: "GraphQL introspection is off in production",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Tie introspection (and GraphiQL/Playground) to the environment: Apollo Server \
                  `introspection: process.env.NODE_ENV !== \"production\"`, graphql-yoga `useDisableIntrospection`, \
                  Strawberry `DisableIntrospection` extension, gqlgen without `introspection` in production, \
                  Spring `spring.graphql.schema.introspection.enabled=false`. Publish the schema to the clients \
                  that need it instead.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html",
        "https://www.apollographql.com/docs/apollo-server/api/apollo-server#introspection",
        "https://cwe.mitre.org/data/definitions/200.html",
    ],
    concepts: &[
        "GraphQL",
        "GraphQL introspection",
        "schema exposure",
        "GraphiQL",
        "GraphQL playground",
        "attack surface",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

GraphQL servers must not answer introspection queries in production. The control fails where the
code turns introspection on unconditionally (`introspection: true`, `graphiql=True` on the
production route, Strawberry/Graphene/gqlgen/juniper/Spring setups with introspection enabled and
no environment condition). Introspection enabled only when the environment is development is not
reported. Spring for GraphQL (and Netflix DGS) answer introspection unless the production
configuration sets `spring.graphql.schema.introspection.enabled: false`
(`dgs.graphql.introspection.enabled: false`): a Spring GraphQL controller without it fails, and
a development profile that turns it back on is not reported. Services with no GraphQL endpoint and no GraphQL server library imported are not
applicable.

## Why it matters in production

Introspection hands anyone the complete schema: every query, mutation, argument and internal
type, including admin mutations and fields the front-end never uses. It turns blind probing into
a guided tour and makes batch and depth attacks easy to build. It is not a vulnerability alone,
but it removes a layer of cost for every other attack.

## Example

Bad:

```javascript
const server = new ApolloServer({ typeDefs, resolvers, introspection: true });
```

Good:

```javascript
const server = new ApolloServer({
  typeDefs,
  resolvers,
  introspection: process.env.NODE_ENV !== "production",
});
```

## References

- OWASP GraphQL Cheat Sheet: Introspection and GraphiQL
- Apollo Server documentation: `introspection`
- CWE-200 Exposure of Sensitive Information to an Unauthorized Actor
"#,
};

impl Check for GraphqlIntrospectionOff {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_code(ws).or_else(|| no_graphql(ws)) {
            return na;
        }
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskGraphqlIntrospection),
            |fact| {
                format!(
                    "GraphQL introspection is enabled outside development ({}): the whole schema is public",
                    fact.detail
                )
            },
            "no GraphQL server with introspection enabled in production found",
        )
    }
}

/// GraphQL server libraries, as their import names contain them.
const GRAPHQL_LIBRARIES: [&str; 9] = [
    "graphql",
    "apollo",
    "strawberry",
    "graphene",
    "ariadne",
    "gqlgen",
    "juniper",
    "yoga",
    "mercurius",
];

/// NotApplicable when no GraphQL endpoint is routed, no GraphQL library is imported and no
/// introspection risk was seen.
fn no_graphql(ws: &Workspace) -> Option<Outcome> {
    let routed = ws.code.routes().any(|r| r.kind == RouteKind::GraphQl);
    let imported = ws.code.files.iter().flat_map(|f| &f.imports).any(|import| {
        let import = import.to_ascii_lowercase();
        GRAPHQL_LIBRARIES.iter().any(|lib| import.contains(lib))
    });
    let risky = ws
        .code
        .facts()
        .any(|(_, fact)| fact.kind == FactKind::RiskGraphqlIntrospection);
    (!routed && !imported && !risky).then(|| Outcome::NotApplicable {
        reason: "no GraphQL endpoint or GraphQL server library in the code".into(),
    })
}
