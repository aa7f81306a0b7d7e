use super::secret_names::{is_literal_secret, is_secret_name};
use crate::prelude::*;

pub struct BuildSecretInArg;

static META: ControlMeta = ControlMeta {
    id: "DKR016",
    slug: "build_secrets_not_in_args",
    title: "Build secrets come from secret mounts, not build arguments or ENV",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Declare the secret as a BuildKit secret and read it only in the RUN that needs it: \
                  `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci` with `docker build --secret \
                  id=npm_token,env=NPM_TOKEN .`. If an ARG is unavoidable, keep it in a build stage that is not \
                  part of the final image.",
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
        "https://docs.docker.com/reference/dockerfile/#arg",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    ],
    concepts: &[
        "build secrets",
        "secret mount",
        "build args",
        "docker history",
        "secret management",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

In the final image (the last stage and the stages it is built `FROM`), no `ARG` whose name
says it carries a credential (`NPM_TOKEN`, `GITHUB_TOKEN`, `PIP_INDEX_PASSWORD`, `*_API_KEY`,
`*_SECRET`...) may be declared, and no `ENV` may copy one in from a variable
(`ENV NPM_TOKEN=${NPM_TOKEN}`). Literal values are DKR006's finding and are not repeated here.
Secret-named ARGs in build stages that the final image does not inherit are fine: their values
stay out of the shipped image. Evidence for a pass names the `RUN --mount=type=secret` seen.

## Why it matters in production

Build-argument values are recorded in the image: `docker history` shows every RUN together with
the ARG values in scope, so a token passed with `--build-arg NPM_TOKEN=...` is readable by
anyone who can pull the image. `ENV` makes it worse: the token is in the running container's
environment, in crash dumps and in `/proc`. Secret mounts exist for exactly this: the value is
available to one RUN and never written to a layer.

## Example

Bad:

```dockerfile
FROM node:20-slim
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
```

Good:

```dockerfile
FROM node:20-slim
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
```

## References

- Docker docs: build secrets
- Docker build check SecretsUsedInArgOrEnv
- Dockerfile reference: ARG (build arguments are visible in the image history)
- OWASP Secrets Management Cheat Sheet
"#,
};

impl Check for BuildSecretInArg {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            let chain = super::final_chain(df);
            for instr in super::chain_instructions(df, &chain) {
                let note = super::inherited_note(df, &chain, instr);
                match instr.keyword.as_str() {
                    "ARG" | "ENV" => {
                        for (key, value) in instr.key_values() {
                            if !is_secret_name(&key) {
                                continue;
                            }
                            let literal = value.as_deref().is_some_and(is_literal_secret);
                            let from_variable = value.as_deref().is_some_and(|v| v.contains('$'));
                            let message = match (instr.keyword.as_str(), literal, from_variable) {
                                (_, true, _) => continue,
                                ("ARG", false, _) => format!(
                                    "build argument `{key}` is in scope of the final image{note}: its value is recorded in the image history"
                                ),
                                ("ENV", false, true) => format!(
                                    "ENV `{key}` copies a build-time secret into the image's environment{note}"
                                ),
                                _ => continue,
                            };
                            review.fail(super::finding_in(src, instr, &key, message));
                        }
                    }
                    "RUN"
                        if instr
                            .flags
                            .iter()
                            .any(|f| f.starts_with("--mount=") && f.contains("type=secret")) =>
                    {
                        review.pass(finding_at(
                            src,
                            instr.line,
                            1,
                            "build secret is read from a secret mount",
                        ));
                    }
                    _ => {}
                }
            }
        })
    }
}
