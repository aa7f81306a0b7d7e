use super::image::{self, ImageRef};
use crate::prelude::*;

pub struct FullFinalBase;

static META: ControlMeta = ControlMeta {
    id: "DKR004",
    slug: "minimal_final_base",
    title: "The final image uses a minimal base (slim, alpine, distroless, chiseled)",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Base the final stage on a minimal image: a `-slim` or `-alpine` variant of the runtime \
                  (`python:3.12-slim`, `node:20-alpine`), a JRE instead of a JDK, a distroless image \
                  (`gcr.io/distroless/static-debian12:nonroot`), a chiseled Ubuntu/.NET image, or `scratch` for \
                  static binaries. Keep SDK images (`golang`, `maven`, `rust`, `dotnet/sdk`) in build stages.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image",
        "https://github.com/GoogleContainerTools/distroless",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
        "https://www.nist.gov/publications/application-container-security-guide",
    ],
    concepts: &[
        "minimal base image",
        "slim image",
        "distroless",
        "alpine",
        "attack surface",
        "image size",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The image the final stage starts from (following `FROM <earlier stage>` and build-argument
defaults) must be minimal: `scratch`, distroless, Chainguard/Wolfi, a `-slim`, `-alpine`,
`-chiseled`, `-minimal` or `-micro` variant, busybox, a JRE, or a runtime image that is itself
built on a slim base (nginx, httpd, php, .NET runtime/aspnet, Bitnami). It fails for SDK and
toolchain images (`golang`, `rust`, `maven`, `gradle`, `gcc`, `buildpack-deps`, `dotnet/sdk`,
JDK images) and for full distributions (`python:3.12`, `node:20`, `ruby:3.3`, `ubuntu`,
`debian:bookworm`, `centos`, `fedora`, `amazonlinux`, `ubi9/ubi`). Any other image (an
internal base image, for example) is Unknown: vouch cannot see what it contains.

## Why it matters in production

A full `python:3.12` or `node:20` image carries compilers, headers, a package manager and
hundreds of OS packages the service never uses: roughly ten times the size of the slim
variant and hundreds more CVEs in every scan. Each extra tool is one more thing an attacker
can use after a compromise, and each extra megabyte slows pulls during scale-out and recovery.

## Example

Bad:

```dockerfile
FROM python:3.12
COPY . /app
CMD ["python", "/app/main.py"]
```

Good:

```dockerfile
FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/main.py"]
```

## References

- Docker build best practices: choose the right base image
- Distroless container images
- OWASP Docker Security Cheat Sheet
- NIST SP 800-190, Application Container Security Guide
"#,
};

enum Base {
    Minimal(String),
    Heavy(String),
    Unknown,
}

impl Check for FullFinalBase {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            let chain = super::final_chain(df);
            let Some(root) = chain.first() else {
                return;
            };
            let base = match image::resolve_from(df, &root.base) {
                Ok(b) => b,
                Err(arg) => {
                    review.unknown(format!(
                        "{}:{}: the final base image depends on `{arg}`, which has no default value",
                        src.path, root.line
                    ));
                    return;
                }
            };
            match classify(&base) {
                Base::Minimal(why) => review.pass(finding_at(
                    src,
                    root.line,
                    1,
                    format!("final image is based on `{base}`, {why}"),
                )),
                Base::Heavy(why) => review.fail(finding_at(
                    src,
                    root.line,
                    1,
                    format!("final image is based on `{base}`, {why}"),
                )),
                Base::Unknown => review.unknown(format!(
                    "{}:{}: cannot tell whether base image `{base}` is minimal",
                    src.path, root.line
                )),
            }
        })
    }
}

const MARKERS: [&str; 9] = [
    "slim",
    "alpine",
    "distroless",
    "chiseled",
    "minimal",
    "micro",
    "busybox",
    "wolfi",
    "scratch",
];
const JVM: [&str; 8] = [
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "ibm-semeru-runtimes",
    "sapmachine",
    "azul/zulu-openjdk",
    "bellsoft/liberica-openjdk-debian",
    "bellsoft/liberica-openjdk-alpine",
];
const SDK: [&str; 10] = [
    "golang",
    "rust",
    "maven",
    "gradle",
    "gcc",
    "buildpack-deps",
    "sbtscala/scala-sbt",
    "dotnet/sdk",
    "dotnet/core/sdk",
    "haskell",
];
const FULL_RUNTIMES: [&str; 5] = ["python", "node", "ruby", "perl", "pypy"];
const FULL_OS: [&str; 14] = [
    "ubuntu",
    "debian",
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "opensuse/leap",
    "opensuse/tumbleweed",
    "archlinux",
    "ubi8/ubi",
    "ubi9/ubi",
    "kalilinux/kali-rolling",
];
/// Runtime images whose official builds start from a slim Debian or Alpine base.
const SLIM_BASED: [&str; 16] = [
    "nginx",
    "nginxinc/nginx-unprivileged",
    "httpd",
    "caddy",
    "traefik",
    "haproxy",
    "php",
    "postgres",
    "redis",
    "memcached",
    "dotnet/aspnet",
    "dotnet/runtime",
    "dotnet/runtime-deps",
    "tomcat",
    "jetty",
    "rabbitmq",
];

fn classify(base: &str) -> Base {
    if base.eq_ignore_ascii_case("scratch") {
        return Base::Minimal("an empty image".into());
    }
    let image = ImageRef::parse(base);
    let repo = image.repo.as_str();
    let repo_tail = repo.trim_start_matches("library/");
    let tag = image
        .tag
        .as_deref()
        .unwrap_or("latest")
        .to_ascii_lowercase();
    let tag_parts: Vec<&str> = tag.split(['-', '.', '_']).collect();
    let ms = |r: &str| repo_tail == r || repo_tail.ends_with(&format!("/{r}"));

    // Toolchains first: a slim JDK or an alpine Go image is still an SDK.
    if SDK.iter().any(|r| ms(r)) {
        return Base::Heavy("an SDK image with the whole build toolchain".into());
    }
    let jdk_tag = tag_parts.iter().any(|p| p.starts_with("jdk"));
    if JVM.iter().any(|r| ms(r)) || jdk_tag {
        return if tag_parts.iter().any(|p| p.starts_with("jre")) {
            Base::Minimal("a JRE without the compiler".into())
        } else {
            Base::Heavy("a full JDK (compiler included): use a JRE or distroless Java image".into())
        };
    }
    if repo.contains("distroless") {
        return Base::Minimal("a distroless image".into());
    }
    if image.registry.as_deref() == Some("cgr.dev") || repo.starts_with("chainguard/") {
        return Base::Minimal("a Chainguard minimal image".into());
    }
    let marker = MARKERS.iter().find(|m| {
        tag_parts.iter().any(|p| p.starts_with(*m)) || image.basename().split('-').any(|p| p == **m)
    });
    if let Some(m) = marker {
        return Base::Minimal(format!("a minimal `{m}` image"));
    }
    if repo.starts_with("bitnami/") {
        return Base::Minimal("built on Bitnami's minideb".into());
    }
    if FULL_RUNTIMES.iter().any(|r| ms(r)) {
        return Base::Heavy(format!(
            "a full Debian image with compilers and hundreds of packages: use `{}:{}-slim` or `-alpine`",
            repo,
            image.tag.as_deref().unwrap_or("<version>")
        ));
    }
    if FULL_OS.iter().any(|r| ms(r)) || repo == "ubi9" || repo == "ubi8" {
        return Base::Heavy(
            "a full OS image: use a slim, alpine, chiseled or distroless base".into(),
        );
    }
    if SLIM_BASED.iter().any(|r| ms(r)) {
        return Base::Minimal("a runtime image built on a slim base".into());
    }
    Base::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heavy(b: &str) -> bool {
        matches!(classify(b), Base::Heavy(_))
    }
    fn minimal(b: &str) -> bool {
        matches!(classify(b), Base::Minimal(_))
    }

    #[test]
    fn classifies_bases() {
        for b in [
            "python:3.12",
            "node:20",
            "golang:1.22-alpine",
            "ubuntu:24.04",
            "maven:3.9-eclipse-temurin-21",
            "openjdk:17-jdk-slim",
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "debian:bookworm",
            "eclipse-temurin:21",
            "registry.access.redhat.com/ubi9/ubi:9.4",
        ] {
            assert!(heavy(b), "{b}");
        }
        for b in [
            "python:3.12-slim",
            "node:20-alpine",
            "gcr.io/distroless/static-debian12:nonroot",
            "scratch",
            "eclipse-temurin:21-jre",
            "mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled",
            "nginx:1.27",
            "debian:bookworm-slim",
            "registry.access.redhat.com/ubi9/ubi-minimal:9.4",
            "cgr.dev/chainguard/python:latest",
            "alpine:3.20",
        ] {
            assert!(minimal(b), "{b}");
        }
        assert!(matches!(
            classify("registry.acme.io/platform/base:2.1"),
            Base::Unknown
        ));
    }
}
