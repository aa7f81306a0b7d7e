use super::secret_names::{is_literal_secret, is_secret_name};
use crate::prelude::*;
use vouch_workspace::Instruction;

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
stay out of the shipped image. Evidence for a pass names each `RUN --mount=type=secret` seen
(with its secret id), in the final image or in a build stage.

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
                    _ => {}
                }
            }
            // Secret mounts anywhere, the build stages included: that is where they usually are.
            for stage in &df.stages {
                let in_final = chain.iter().any(|c| std::ptr::eq(*c, stage));
                for instr in df.stage_instructions(stage) {
                    if instr.keyword != "RUN" {
                        continue;
                    }
                    let place = match (&stage.name, in_final) {
                        (_, true) => String::new(),
                        (Some(name), false) => format!(" in build stage `{name}`"),
                        (None, false) => format!(" in build stage {}", stage.index),
                    };
                    for id in secret_mounts(instr) {
                        let what = id.map_or("a build secret".to_string(), |id| {
                            format!("build secret `{id}`")
                        });
                        review.pass(finding_at(
                            src,
                            instr.line,
                            1,
                            format!("{what} is read from a secret mount{place}"),
                        ));
                    }
                }
            }
        })
    }
}

/// The secret mounts of a RUN (`--mount=type=secret,id=npm_token`, options in any order),
/// by id when one is given.
fn secret_mounts(instr: &Instruction) -> Vec<Option<&str>> {
    instr
        .flags
        .iter()
        .filter_map(|f| f.strip_prefix("--mount="))
        .filter(|m| m.split(',').any(|o| o.trim() == "type=secret"))
        .map(|m| m.split(',').find_map(|o| o.trim().strip_prefix("id=")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_workspace::{LoadOptions, load};

    #[test]
    fn secret_mount_in_a_build_stage_is_evidence() {
        let dir = tempfile::tempdir().unwrap();
        let dockerfile = "FROM node:20.12.2-slim AS build\n\
                          RUN --mount=type=cache,target=/root/.npm \\\n    \
                          --mount=type=secret,id=npm_token,env=NODE_AUTH_TOKEN npm ci\n\
                          FROM nginx:1.27.0-alpine\n\
                          COPY --from=build /dist /usr/share/nginx/html\n";
        std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
        let ws = load(dir.path(), &LoadOptions::default()).unwrap();
        match BuildSecretInArg.run(&ws) {
            Outcome::Pass { evidence } => {
                assert_eq!(evidence.len(), 1);
                assert_eq!(evidence[0].location.line, Some(2));
                assert_eq!(
                    evidence[0].message,
                    "build secret `npm_token` is read from a secret mount in build stage `build`"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
