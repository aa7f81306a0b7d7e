//! Dependency manifests: which libraries a service declares, per ecosystem.
//!
//! One submodule per format. Every dependency carries its manifest path and the line that
//! declares it. Structured formats (TOML, JSON, XML, go.mod, requirements files) that do not
//! parse give `Err("line N: ...")`; `setup.py` and Gradle build scripts are programs, read
//! best-effort with patterns, and never fail.
//!
//! What is deliberately left out: Go requirements marked `// indirect` (the module does not
//! import them itself), Maven `dependencyManagement` and plugin dependencies, Gradle
//! `buildscript` classpath and `platform(...)` BOMs, Python build-system requirements, local
//! path requirements (`-e .`, `./libs/x`) and URLs whose project name cannot be known.

mod cargo;
mod go;
mod gradle;
pub use gradle::SPRING_BOOT_PLUGIN_NAME;
mod json;
mod maven;
mod npm;
mod pep508;
mod pyproject;
mod requirements;
mod setuptools;
mod toml_util;

use crate::classify::Ecosystem;
use crate::source::SourceText;

/// One declared dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// Normalised name: lower-case; Python `-`/`_`/`.` folded to `-`; Maven `group:artifact`.
    pub name: String,
    /// The version requirement as declared (`==3.0.2`, `^4.18.2`, `v1.9.0`, `1.0`), when any.
    pub version: Option<String>,
    /// Manifest path relative to the root.
    pub path: String,
    pub line: u32,
    /// Declared for development or tests only.
    pub dev: bool,
}

/// Parses a manifest of `ecosystem`; errors are messages with a line when known.
pub fn parse(ecosystem: Ecosystem, src: &SourceText) -> Result<Vec<Dependency>, String> {
    let name = src
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&src.path)
        .to_ascii_lowercase();
    match ecosystem {
        Ecosystem::Python => match name.as_str() {
            "pyproject.toml" => pyproject::pyproject(src),
            "pipfile" => pyproject::pipfile(src),
            "setup.cfg" => setuptools::setup_cfg(src),
            "setup.py" => Ok(setuptools::setup_py(src)),
            _ => requirements::parse(src),
        },
        Ecosystem::Npm => npm::package_json(src),
        Ecosystem::Go => go::go_mod(src),
        Ecosystem::Cargo => cargo::cargo_toml(src),
        Ecosystem::Maven => maven::pom(src),
        Ecosystem::Gradle => Ok(gradle::build_gradle(src)),
    }
}

/// Collects dependencies of one manifest.
struct Sink<'a> {
    src: &'a SourceText,
    ecosystem: Ecosystem,
    out: Vec<Dependency>,
}

impl<'a> Sink<'a> {
    fn new(src: &'a SourceText, ecosystem: Ecosystem) -> Self {
        Sink {
            src,
            ecosystem,
            out: Vec::new(),
        }
    }

    /// Adds a dependency; `name` must already be normalised.
    fn push(&mut self, name: String, version: Option<String>, line: usize, dev: bool) {
        self.out.push(Dependency {
            ecosystem: self.ecosystem,
            name,
            version: version.filter(|v| !v.is_empty()),
            path: self.src.path.clone(),
            line: line as u32,
            dev,
        });
    }

    /// Line (1-based) of a byte offset in the manifest.
    fn line_at(&self, offset: usize) -> usize {
        self.src.position(offset).0
    }
}

/// Group, extra or configuration names that mean "for development or tests only".
fn is_dev_group(name: &str) -> bool {
    const DEV_WORDS: [&str; 18] = [
        "dev",
        "devel",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "lint",
        "linting",
        "linters",
        "docs",
        "doc",
        "typing",
        "mypy",
        "qa",
        "ci",
        "style",
        "format",
    ];
    name.to_ascii_lowercase()
        .split(['-', '_', '.', '/'])
        .any(|w| DEV_WORDS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatches_by_file_name() {
        let src = SourceText::new("svc/Pipfile", "[packages]\nflask = \"*\"\n".into());
        let deps = parse(Ecosystem::Python, &src).unwrap();
        assert_eq!(deps[0].name, "flask");
        assert_eq!(deps[0].path, "svc/Pipfile");
        let src = SourceText::new("requirements.in", "Flask_Login\n".into());
        assert_eq!(
            parse(Ecosystem::Python, &src).unwrap()[0].name,
            "flask-login"
        );
    }

    #[test]
    fn utf16le_requirements_file() {
        let mut bytes = vec![0xFF, 0xFE];
        let text = "# pinned\r\nDjango==4.2.7\r\npsycopg2-binary>=2.9\r\n";
        for unit in text.encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let src = SourceText::from_bytes("requirements.txt", &bytes);
        let deps = parse(Ecosystem::Python, &src).unwrap();
        let got: Vec<_> = deps
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.line))
            .collect();
        assert_eq!(
            got,
            [
                ("django", Some("==4.2.7"), 2),
                ("psycopg2-binary", Some(">=2.9"), 3)
            ]
        );
    }

    #[test]
    fn load_reads_manifests_and_reports_broken_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "redis==5.0.1\n".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        std::fs::write(dir.path().join("requirements.txt"), utf16).unwrap();
        std::fs::write(dir.path().join("package.json"), "{\"dependencies\": {").unwrap();
        let ws = crate::load(dir.path(), &crate::LoadOptions::default()).unwrap();
        let names: Vec<_> = ws.dependencies.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["redis"]);
        assert!(ws.find_dependency(&["redis"]).is_some());
        let broken: Vec<_> = ws.input_errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(broken, ["package.json"]);
    }

    #[test]
    fn hostile_inputs_end_in_ok_or_err() {
        let deep_toml = format!(
            "[dependencies]\nx = {}1{}\n",
            "[".repeat(20_000),
            "]".repeat(20_000)
        );
        let deep_inline = format!("a = {}\n", "{b = ".repeat(20_000));
        let deep_json = format!("{{\"dependencies\": {}}}", "[".repeat(20_000));
        let deep_xml = format!("<project>{}", "<a>".repeat(20_000));
        let inputs: Vec<String> = vec![
            String::new(),
            "\0\0\0".into(),
            "é\\\n\\".into(),
            "[".into(),
            "{".into(),
            "<".into(),
            "\"é".into(),
            "requires = [\"é[\"]".into(),
            "[project]\ndependencies = [\"é\"]".into(),
            "[options]\ninstall_requires =\n    é\n".into(),
            "require (\n\té v1\n)".into(),
            "install_requires=['é', \"\"\"x".into(),
            "dependencies {\n implementation 'é:é:é'\n group: 'x', name:".into(),
            deep_toml,
            deep_inline,
            deep_json,
            deep_xml,
        ];
        let targets = [
            (Ecosystem::Python, "requirements.txt"),
            (Ecosystem::Python, "pyproject.toml"),
            (Ecosystem::Python, "Pipfile"),
            (Ecosystem::Python, "setup.cfg"),
            (Ecosystem::Python, "setup.py"),
            (Ecosystem::Npm, "package.json"),
            (Ecosystem::Go, "go.mod"),
            (Ecosystem::Cargo, "Cargo.toml"),
            (Ecosystem::Maven, "pom.xml"),
            (Ecosystem::Gradle, "build.gradle.kts"),
        ];
        for (eco, name) in targets {
            for input in &inputs {
                let src = SourceText::new(name, input.clone());
                let _ = parse(eco, &src);
            }
        }
    }

    #[test]
    fn dev_group_names() {
        for dev in [
            "dev",
            "test",
            "tests",
            "lint",
            "docs",
            "dev-tools",
            "type_checking-mypy",
        ] {
            assert!(is_dev_group(dev), "{dev}");
        }
        for runtime in ["postgres", "redis", "server", "all", "device", "latest"] {
            assert!(!is_dev_group(runtime), "{runtime}");
        }
    }
}
