//! Classifies a file once, by name and location (content sniffing for YAML roles happens after
//! parsing, in `lib.rs`).

/// Programming languages recognised by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Rust,
    Java,
    Kotlin,
    Ruby,
    Php,
    CSharp,
}

impl Lang {
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "Python",
            Lang::JavaScript => "JavaScript",
            Lang::TypeScript => "TypeScript",
            Lang::Go => "Go",
            Lang::Rust => "Rust",
            Lang::Java => "Java",
            Lang::Kotlin => "Kotlin",
            Lang::Ruby => "Ruby",
            Lang::Php => "PHP",
            Lang::CSharp => "C#",
        }
    }
}

/// Dependency ecosystems of manifests and lock files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    Python,
    Npm,
    Go,
    Cargo,
    Maven,
    Gradle,
}

/// CI systems recognised by file location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CiSystem {
    GithubActions,
    GitlabCi,
    CircleCi,
    AzurePipelines,
    Jenkins,
    Buildkite,
    Bitbucket,
    Travis,
}

impl CiSystem {
    pub fn name(self) -> &'static str {
        match self {
            CiSystem::GithubActions => "GitHub Actions",
            CiSystem::GitlabCi => "GitLab CI",
            CiSystem::CircleCi => "CircleCI",
            CiSystem::AzurePipelines => "Azure Pipelines",
            CiSystem::Jenkins => "Jenkins",
            CiSystem::Buildkite => "Buildkite",
            CiSystem::Bitbucket => "Bitbucket Pipelines",
            CiSystem::Travis => "Travis CI",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Dockerfile,
    DockerIgnore,
    Yaml,
    Json,
    Toml,
    Markdown,
    /// `.env`, `.env.production`, `app.env` (templates are `EnvTemplate`).
    EnvFile,
    /// `.env.example`, `.env.sample`, `.env.template`, `env.example`.
    EnvTemplate,
    Manifest(Ecosystem),
    LockFile(Ecosystem),
    Jenkinsfile,
    Source(Lang),
    Shell,
    Terraform,
    GitIgnore,
    Other,
}

impl FileKind {
    /// Kinds whose text the workspace keeps in memory (configuration, small and read by checks).
    pub fn keeps_text(self) -> bool {
        !matches!(
            self,
            FileKind::Source(_) | FileKind::Other | FileKind::LockFile(_)
        )
    }
}

/// Classifies by path (relative, `/`-separated).
pub fn classify(rel: &str) -> FileKind {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");

    if lower.ends_with(".dockerignore") {
        return FileKind::DockerIgnore;
    }
    if is_dockerfile_name(&lower) {
        return FileKind::Dockerfile;
    }
    match lower.as_str() {
        ".gitignore" => return FileKind::GitIgnore,
        "jenkinsfile" => return FileKind::Jenkinsfile,
        "requirements.txt" | "pyproject.toml" | "pipfile" | "setup.cfg" | "setup.py" => {
            return FileKind::Manifest(Ecosystem::Python);
        }
        "package.json" => return FileKind::Manifest(Ecosystem::Npm),
        "go.mod" => return FileKind::Manifest(Ecosystem::Go),
        "cargo.toml" => return FileKind::Manifest(Ecosystem::Cargo),
        "pom.xml" => return FileKind::Manifest(Ecosystem::Maven),
        "build.gradle" | "build.gradle.kts" => return FileKind::Manifest(Ecosystem::Gradle),
        "pipfile.lock" | "poetry.lock" | "uv.lock" | "pdm.lock" => {
            return FileKind::LockFile(Ecosystem::Python);
        }
        "package-lock.json"
        | "yarn.lock"
        | "pnpm-lock.yaml"
        | "npm-shrinkwrap.json"
        | "bun.lockb"
        | "bun.lock" => {
            return FileKind::LockFile(Ecosystem::Npm);
        }
        "go.sum" => return FileKind::LockFile(Ecosystem::Go),
        "cargo.lock" => return FileKind::LockFile(Ecosystem::Cargo),
        "gradle.lockfile" => return FileKind::LockFile(Ecosystem::Gradle),
        _ => {}
    }
    let in_requirements_dir =
        rel.to_ascii_lowercase().split('/').rev().nth(1) == Some("requirements");
    if (ext == "txt" || ext == "in")
        && (lower.starts_with("requirements")
            || lower.ends_with("-requirements.txt")
            || lower.ends_with("_requirements.txt")
            || in_requirements_dir)
    {
        return FileKind::Manifest(Ecosystem::Python);
    }
    if let Some(kind) = classify_env_name(&lower) {
        return kind;
    }
    match ext {
        "yml" | "yaml" => FileKind::Yaml,
        "json" => FileKind::Json,
        "toml" => FileKind::Toml,
        "md" | "markdown" => FileKind::Markdown,
        "sh" | "bash" => FileKind::Shell,
        "tf" | "hcl" => FileKind::Terraform,
        "py" => FileKind::Source(Lang::Python),
        "js" | "mjs" | "cjs" | "jsx" => FileKind::Source(Lang::JavaScript),
        "ts" | "tsx" | "mts" | "cts" => FileKind::Source(Lang::TypeScript),
        "go" => FileKind::Source(Lang::Go),
        "rs" => FileKind::Source(Lang::Rust),
        "java" => FileKind::Source(Lang::Java),
        "kt" | "kts" => FileKind::Source(Lang::Kotlin),
        "rb" => FileKind::Source(Lang::Ruby),
        "php" => FileKind::Source(Lang::Php),
        "cs" => FileKind::Source(Lang::CSharp),
        _ => FileKind::Other,
    }
}

/// Suffixes of templates and backups of Dockerfiles: not built as they are.
const NOT_BUILT_SUFFIXES: [&str; 11] = [
    ".j2",
    ".jinja",
    ".tmpl",
    ".tpl",
    ".template",
    ".erb",
    ".in",
    ".orig",
    ".bak",
    ".example",
    ".sample",
];

fn is_dockerfile_name(lower: &str) -> bool {
    if NOT_BUILT_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return false;
    }
    // `dockerfile.rs` or `dockerfile.md` is code or prose about Dockerfiles, not one.
    const CODE_OR_DOC: [&str; 16] = [
        ".rs", ".go", ".py", ".ts", ".js", ".md", ".txt", ".json", ".yaml", ".yml", ".toml", ".sh",
        ".java", ".rb", ".html", ".lock",
    ];
    if CODE_OR_DOC.iter().any(|ext| lower.ends_with(ext)) {
        return false;
    }
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.starts_with("dockerfile-")
        || lower.starts_with("dockerfile_")
        || lower.ends_with(".dockerfile")
        || lower.starts_with("containerfile.")
}

const TEMPLATE_WORDS: [&str; 6] = ["example", "sample", "template", "dist", "tmpl", "defaults"];

fn classify_env_name(lower: &str) -> Option<FileKind> {
    let is_env = lower == ".env"
        || lower.starts_with(".env.")
        || lower.ends_with(".env")
        || lower == "env.example"
        || lower == "env.sample"
        || lower == "env.template"
        || lower == "env.dist";
    if !is_env || lower.ends_with(".py") || lower.ends_with(".sh") {
        return None;
    }
    if TEMPLATE_WORDS.iter().any(|w| lower.contains(w)) {
        Some(FileKind::EnvTemplate)
    } else {
        Some(FileKind::EnvFile)
    }
}

/// Content sniffing for files whose name says nothing (`build/app.docker`, `images/base`):
/// a Dockerfile's first instruction (after comments and ARGs) is `FROM image`, followed by
/// other Dockerfile instructions.
pub fn looks_like_dockerfile(rel: &str, text: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    if name.contains('.') && !name.ends_with(".docker") {
        return false;
    }
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .skip_while(|l| l.to_ascii_uppercase().starts_with("ARG "));
    let Some(first) = lines.next() else {
        return false;
    };
    let from = first.len() > 5 && first[..5].eq_ignore_ascii_case("FROM ");
    const NEXT: [&str; 8] = [
        "RUN ",
        "COPY ",
        "CMD ",
        "ENTRYPOINT ",
        "USER ",
        "WORKDIR ",
        "ENV ",
        "ADD ",
    ];
    from && lines.take(20).any(|l| {
        NEXT.iter()
            .any(|k| l.len() > k.len() && l[..k.len()].eq_ignore_ascii_case(k))
    })
}

/// CI system of a pipeline file, by location.
pub fn ci_system(rel: &str) -> Option<CiSystem> {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if lower.starts_with(".github/workflows/")
        && yaml
        && !lower["./github/workflows/".len() - 1..].contains('/')
    {
        return Some(CiSystem::GithubActions);
    }
    if lower == ".gitlab-ci.yml"
        || (lower.starts_with(".gitlab/ci/") && yaml)
        || lower.ends_with(".gitlab-ci.yml")
    {
        return Some(CiSystem::GitlabCi);
    }
    if lower == ".circleci/config.yml" || lower == ".circleci/config.yaml" {
        return Some(CiSystem::CircleCi);
    }
    if (name == "azure-pipelines.yml" || name == "azure-pipelines.yaml")
        || (lower.starts_with(".azure-pipelines/") && yaml)
    {
        return Some(CiSystem::AzurePipelines);
    }
    if name == "jenkinsfile" || name.starts_with("jenkinsfile.") {
        return Some(CiSystem::Jenkins);
    }
    if lower.starts_with(".buildkite/") && yaml && name.starts_with("pipeline") {
        return Some(CiSystem::Buildkite);
    }
    if lower == "bitbucket-pipelines.yml" {
        return Some(CiSystem::Bitbucket);
    }
    if lower == ".travis.yml" {
        return Some(CiSystem::Travis);
    }
    None
}

/// Whether a path is test-only code or test data (tests/, testdata/, fixtures, benches/,
/// `*_test.go`, `test_*.py`, `*.spec.ts`, ...). Used to keep test fixtures out of production findings.
pub fn is_test_path(rel: &str) -> bool {
    // Called for every file by several controls: compared without allocating.
    let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    if !dirs.is_empty()
        && dirs.split('/').any(|part| {
            [
                "test",
                "tests",
                "__tests__",
                "testdata",
                "test-data",
                "test_data",
                "fixtures",
                "__fixtures__",
                "spec",
                "specs",
                "e2e",
                "testing",
                "__mocks__",
                "mocks",
                // Benchmark harnesses and their data generators are not shipped.
                "bench",
                "benches",
                "benchmark",
                "benchmarks",
            ]
            .iter()
            .any(|d| part.eq_ignore_ascii_case(d))
        })
    {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name);
    let jvm = ends_with_ci(name, ".java") || ends_with_ci(name, ".kt");
    // `test_*.py` is pytest's convention; elsewhere `test_helpers.go` is production code.
    (starts_with_ci(name, "test_") && ends_with_ci(name, ".py"))
        || ends_with_ci(stem, "_test")
        || ends_with_ci(stem, "_tests")
        || contains_ci(name, ".test.")
        || contains_ci(name, ".spec.")
        || name.eq_ignore_ascii_case("conftest.py")
        || jvm && (stem.ends_with("Test") || stem.ends_with("Tests") || stem.ends_with("IT"))
}

/// Whether a path is documentation or an example (docs/, examples/, README, *.md).
pub fn is_docs_or_example_path(rel: &str) -> bool {
    if ends_with_ci(rel, ".md") || ends_with_ci(rel, ".rst") || ends_with_ci(rel, ".adoc") {
        return true;
    }
    let mut after_src = false;
    for part in rel.split('/') {
        // Inside a JVM source root, folders are package names: `com/example/shop` is the
        // package Spring Initializr generates, not an examples folder.
        if after_src && (part.eq_ignore_ascii_case("main") || part.eq_ignore_ascii_case("test")) {
            return false;
        }
        if [
            "docs",
            "doc",
            "documentation",
            "examples",
            "example",
            "samples",
            "sample",
        ]
        .iter()
        .any(|d| part.eq_ignore_ascii_case(d))
        {
            return true;
        }
        after_src = part.eq_ignore_ascii_case("src");
    }
    false
}

fn starts_with_ci(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn ends_with_ci(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Byte offset of the first ASCII-case-insensitive occurrence of `needle`.
fn find_ci(text: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (text.as_bytes(), needle.as_bytes());
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

fn contains_ci(text: &str, needle: &str) -> bool {
    find_ci(text, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths_in_any_case() {
        for test in [
            "tests/test_api.py",
            "pkg/Tests/helpers.go",
            "web/__tests__/App.jsx",
            "svc/testdata/big.json",
            "app/FIXTURES/x.yml",
            "test_orders.py",
            "api/Test_Orders.PY",
            "orders_test.go",
            "orders_tests.rs",
            "src/app.test.ts",
            "src/App.Spec.TSX",
            "conftest.py",
            "src/main/java/com/acme/OrderServiceTest.java",
            "src/main/java/com/acme/OrderRepositoryIT.java",
            "app/src/main/kotlin/FooTests.kt",
            "benches/parse_manifests.rs",
            "bench/secrets/gen-history.py",
        ] {
            assert!(is_test_path(test), "{test}");
        }
        for code in [
            "src/test_helpers.go",
            "src/contest.py",
            "src/attest/signer.go",
            "src/main/java/com/acme/Testimonial.java",
            "src/main/java/com/acme/Latest.java",
            "src/main/java/com/acme/OrderServiceit.java",
            "latest/app.py",
            "specification.md",
            "src/workbench/layout.ts",
            "",
        ] {
            assert!(!is_test_path(code), "{code}");
        }
    }

    #[test]
    fn jvm_package_named_example_is_code() {
        assert!(!is_docs_or_example_path(
            "SRC/MAIN/java/com/example/shop/OrderController.java"
        ));
        assert!(is_docs_or_example_path("Docs/Guide.MD"));
        assert!(is_docs_or_example_path("README.rst"));
        assert!(!is_docs_or_example_path("src/docsearch/index.ts"));
        assert!(!is_docs_or_example_path(
            "src/main/java/com/example/shop/OrderController.java"
        ));
        assert!(is_docs_or_example_path(
            "examples/demo/src/main/java/com/acme/Demo.java"
        ));
        assert!(is_docs_or_example_path("docs/guide.md"));
    }

    #[test]
    fn names() {
        assert_eq!(classify("svc/Dockerfile"), FileKind::Dockerfile);
        assert_eq!(classify("Dockerfile.prod"), FileKind::Dockerfile);
        assert_eq!(classify("api.Dockerfile"), FileKind::Dockerfile);
        assert_eq!(classify(".env"), FileKind::EnvFile);
        assert_eq!(classify("config/.env.production"), FileKind::EnvFile);
        assert_eq!(classify(".env.example"), FileKind::EnvTemplate);
        assert_eq!(
            classify("requirements-dev.txt"),
            FileKind::Manifest(Ecosystem::Python)
        );
        assert_eq!(
            classify("web/package-lock.json"),
            FileKind::LockFile(Ecosystem::Npm)
        );
        assert_eq!(classify("a/b.tsx"), FileKind::Source(Lang::TypeScript));
        assert_eq!(classify("settings.env.py"), FileKind::Source(Lang::Python));
        assert_eq!(classify("Dockerfile-prod"), FileKind::Dockerfile);
        assert_eq!(
            classify("requirements/test.in"),
            FileKind::Manifest(Ecosystem::Python)
        );
        assert_eq!(
            classify("dev-requirements.txt"),
            FileKind::Manifest(Ecosystem::Python)
        );
        assert_eq!(classify("env.template"), FileKind::EnvTemplate);
        assert_eq!(classify("Dockerfile.j2"), FileKind::Other);
        assert_eq!(classify("src/dockerfile.rs"), FileKind::Source(Lang::Rust));
        assert_eq!(
            classify("api/Dockerfile.dockerignore"),
            FileKind::DockerIgnore
        );
    }

    #[test]
    fn dockerfile_by_content() {
        assert!(looks_like_dockerfile(
            "images/base",
            "# base image\nARG V=1\nFROM debian:12\nRUN apt-get update\n"
        ));
        assert!(looks_like_dockerfile(
            "build/app.docker",
            "FROM alpine:3.20\nCOPY app /app\n"
        ));
        assert!(!looks_like_dockerfile(
            "notes",
            "FROM the start we knew\nit would rain\n"
        ));
        assert!(!looks_like_dockerfile("README.md", "FROM a\nRUN b\n"));
    }

    #[test]
    fn ci_locations() {
        assert_eq!(
            ci_system(".github/workflows/ci.yml"),
            Some(CiSystem::GithubActions)
        );
        assert_eq!(ci_system(".github/workflows/sub/ci.yml"), None);
        assert_eq!(ci_system(".gitlab-ci.yml"), Some(CiSystem::GitlabCi));
        assert_eq!(ci_system("Jenkinsfile"), Some(CiSystem::Jenkins));
        assert_eq!(ci_system("deploy/app.yml"), None);
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path("tests/unit/test_api.py"));
        assert!(is_test_path("pkg/server_test.go"));
        assert!(is_test_path("web/src/app.spec.ts"));
        assert!(is_test_path("src/test/java/com/x/ApiTest.java"));
        assert!(!is_test_path("src/api/server.go"));
        assert!(!is_test_path("src/latest.py"));
        assert!(!is_test_path("pkg/test_helpers.go"));
        assert!(is_test_path("test_api.py"));
    }
}
