use super::packages::{self, Install, Manager};
use super::shell::Command;
use crate::prelude::*;

pub struct ToolchainInFinalImage;

static META: ControlMeta = ControlMeta {
    id: "DKR002",
    slug: "multi_stage_build",
    title: "Build toolchains stay out of the final image (multi-stage build)",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Compile in a build stage (`FROM golang:1.22 AS build`) and copy only the artifact into a \
                  small final stage (`COPY --from=build /out/app /app`). If a package must be compiled in the \
                  final stage, remove the compiler in the same RUN (`apk add --virtual .build-deps gcc ... && \
                  apk del .build-deps`, `apt-get purge -y --auto-remove gcc`).",
    references: &[
        "https://docs.docker.com/build/building/multi-stage/",
        "https://docs.docker.com/build/building/best-practices/#use-multi-stage-builds",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "multi-stage build",
        "build toolchain",
        "compiler in image",
        "minimal image",
        "attack surface",
        "image size",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The final image (the last stage and the stages it is built `FROM`) must not keep a build
toolchain: no compiler or build tool installed with apt, apk, yum or dnf (`gcc`, `g++`,
`build-essential`, `build-base`, `make`, `cmake`, `golang`, `maven`, `gradle`, `rustc`,
`cargo`, a JDK...) that the same RUN does not remove again, and no compilation run in the
final stage (`go build`, `cargo build`, `mvn package`, `gradle build`, `npm run build`,
`dotnet publish`...). Toolchains in earlier build stages are fine: that is the point of a
multi-stage build.

## Why it matters in production

A compiler in a production image is a gift to an attacker who gets code execution: they can
build exploits and tools in place. Toolchains also add hundreds of megabytes and packages,
which means slower pulls and scale-outs, and many more CVEs to patch for software the service
never runs.

## Example

Bad:

```dockerfile
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/api ./cmd/api
CMD ["api"]
```

Good:

```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/api /api
ENTRYPOINT ["/api"]
```

## References

- Docker docs: multi-stage builds
- Docker build best practices: use multi-stage builds
- OWASP Docker Security Cheat Sheet
"#,
};

impl Check for ToolchainInFinalImage {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            let chain = super::final_chain(df);
            let instructions = super::chain_instructions(df, &chain);
            let mut failed = false;
            for (at, instr) in instructions.iter().enumerate() {
                if instr.keyword != "RUN" {
                    continue;
                }
                let note = super::inherited_note(df, &chain, instr);
                let vars = super::variables(df, &instructions[..at]);
                let run = packages::of_run(instr, &vars);
                let (removed, apt_all) = run.removed(&vars);
                for install in &run.installs {
                    let kept: Vec<&String> = install
                        .packages
                        .iter()
                        .filter(|p| is_toolchain(install, p))
                        .filter(|p| {
                            let name = packages::base_name(p);
                            !(removed.contains(&name)
                                || install
                                    .virtual_name
                                    .as_ref()
                                    .is_some_and(|v| removed.contains(v))
                                || apt_all && install.manager == Manager::Apt)
                        })
                        .collect();
                    let group = install.group && !install.packages.is_empty();
                    if let Some(first) = kept.first() {
                        failed = true;
                        let names: Vec<&str> = kept.iter().map(|s| s.as_str()).collect();
                        review.fail(super::finding_in(
                            src,
                            instr,
                            first,
                            format!(
                                "the final image installs the build toolchain `{}` and keeps it{note}",
                                names.join("`, `")
                            ),
                        ));
                    } else if group {
                        failed = true;
                        review.fail(super::finding_in(
                            src,
                            instr,
                            "install",
                            format!("the final image installs a development package group{note}"),
                        ));
                    }
                }
                if let Some((build, needle)) = run.commands.iter().find_map(compile_command) {
                    failed = true;
                    review.fail(super::finding_in(
                        src,
                        instr,
                        &needle,
                        format!(
                            "the final image compiles (`{build}`){note}: build in an earlier stage and copy the artifact"
                        ),
                    ));
                }
            }
            if !failed {
                let stage = chain.last().copied();
                let builders = df.stages.len().saturating_sub(chain.len());
                if let Some(stage) = stage {
                    review.pass(finding_at(
                        src,
                        stage.line,
                        1,
                        if builders > 0 {
                            format!("final stage is separate from {builders} build stage(s) and installs no build toolchain")
                        } else {
                            "final image installs no build toolchain".to_string()
                        },
                    ));
                }
            }
        })
    }
}

/// Compilers and build tools, per package manager.
fn is_toolchain(install: &Install, pkg: &str) -> bool {
    let name = packages::base_name(pkg);
    let n = name.as_str();
    let common = matches!(
        n,
        "gcc"
            | "g++"
            | "clang"
            | "make"
            | "cmake"
            | "autoconf"
            | "automake"
            | "libtool"
            | "maven"
            | "gradle"
            | "cargo"
            | "rustc"
            | "ninja-build"
            | "bazel"
    ) || n.starts_with("gcc-") && n[4..].chars().all(|c| c.is_ascii_digit())
        || n.starts_with("g++-")
        || n.starts_with("clang-") && n[6..].chars().all(|c| c.is_ascii_digit());
    common
        || match install.manager {
            Manager::Apt => {
                matches!(
                    n,
                    "build-essential"
                        | "golang"
                        | "golang-go"
                        | "default-jdk"
                        | "default-jdk-headless"
                ) || n.starts_with("golang-") && n.ends_with("-go")
                    || n.starts_with("openjdk-")
                        && (n.ends_with("-jdk") || n.ends_with("-jdk-headless"))
            }
            Manager::Apk => {
                matches!(n, "build-base" | "go" | "rust" | "alpine-sdk")
                    || n.starts_with("openjdk") && n.chars().skip(7).all(|c| c.is_ascii_digit())
            }
            Manager::Yum => {
                matches!(n, "gcc-c++" | "golang" | "rust")
                    || n.starts_with("java-") && n.ends_with("-devel")
                    || n.contains("development tools")
            }
            Manager::Pip => false,
        }
}

/// A compilation run in the final stage: the words that show it (`go build -o`) and the
/// text to find its line with (`go build`).
fn compile_command(c: &Command) -> Option<(String, String)> {
    let words = c.program_words();
    let program = c.program();
    let sub = words
        .iter()
        .skip(1)
        .find(|w| !w.starts_with('-'))
        .map(String::as_str)
        .unwrap_or("");
    let hit = match program {
        "go" => matches!(sub, "build" | "install"),
        "cargo" => matches!(sub, "build" | "install"),
        "mvn" | "mvnw" => words
            .iter()
            .any(|w| matches!(w.as_str(), "package" | "install" | "verify" | "compile")),
        "gradle" | "gradlew" => words.iter().any(|w| {
            matches!(
                w.as_str(),
                "build" | "assemble" | "bootJar" | "jar" | "shadowJar" | "installDist"
            )
        }),
        "npm" | "yarn" | "pnpm" | "bun" => {
            let args: Vec<&str> = words
                .iter()
                .skip(1)
                .filter(|w| !w.starts_with('-'))
                .map(String::as_str)
                .collect();
            let script = match args.as_slice() {
                ["run" | "run-script", s, ..] => Some(*s),
                [s, ..] if program != "npm" => Some(*s),
                _ => None,
            };
            script.is_some_and(|s| s == "build" || s.starts_with("build:"))
        }
        "npx" => sub == "tsc",
        "dotnet" => matches!(sub, "build" | "publish"),
        "tsc" | "javac" => true,
        _ => false,
    };
    if !hit {
        return None;
    }
    // `mvn -B package -DskipTests` is shown as `mvn package`.
    let shown: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.starts_with('-'))
        .take(
            if matches!(program, "npm" | "yarn" | "pnpm" | "bun") && sub == "run" {
                3
            } else {
                2
            },
        )
        .collect();
    let needle = words[..2.min(words.len())].join(" ");
    Some((shown.join(" "), needle))
}
