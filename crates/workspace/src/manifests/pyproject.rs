//! `pyproject.toml` (PEP 621 `[project]`, PEP 735 `[dependency-groups]`, Poetry, PDM and uv
//! development groups) and Pipenv's `Pipfile`.

use super::toml_util::{self, string, table, table_at};
use super::{Dependency, Sink, is_dev_group, pep508, requirements};
use crate::classify::Ecosystem;
use crate::source::SourceText;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(super) fn pyproject(src: &SourceText) -> Result<Vec<Dependency>, String> {
    let doc = toml_util::parse(src)?;
    let root = doc.get_ref();
    let mut sink = Sink::new(src, Ecosystem::Python);
    if let Some(project) = table(root, "project") {
        if let Some(list) = project.get("dependencies") {
            requirement_list(&mut sink, list, false)?;
        }
        for (extra, list) in table(project, "optional-dependencies")
            .into_iter()
            .flatten()
        {
            requirement_list(&mut sink, list, is_dev_group(extra.get_ref()))?;
        }
    }
    // PEP 735 groups are never installed with the package: development by construction.
    for (_, list) in table(root, "dependency-groups").into_iter().flatten() {
        requirement_list(&mut sink, list, true)?;
    }
    if let Some(poetry) = table_at(root, &["tool", "poetry"]) {
        if let Some(deps) = table(poetry, "dependencies") {
            name_table(&mut sink, deps, false);
        }
        if let Some(deps) = table(poetry, "dev-dependencies") {
            name_table(&mut sink, deps, true);
        }
        for (group, body) in table(poetry, "group").into_iter().flatten() {
            if let DeValue::Table(body) = body.get_ref()
                && let Some(deps) = table(body, "dependencies")
            {
                name_table(&mut sink, deps, group.get_ref() != "main");
            }
        }
    }
    for (_, list) in table_at(root, &["tool", "pdm", "dev-dependencies"])
        .into_iter()
        .flatten()
    {
        requirement_list(&mut sink, list, true)?;
    }
    if let Some(list) = table_at(root, &["tool", "uv"]).and_then(|uv| uv.get("dev-dependencies")) {
        requirement_list(&mut sink, list, true)?;
    }
    Ok(sink.out)
}

pub(super) fn pipfile(src: &SourceText) -> Result<Vec<Dependency>, String> {
    let doc = toml_util::parse(src)?;
    let root = doc.get_ref();
    let mut sink = Sink::new(src, Ecosystem::Python);
    if let Some(packages) = table(root, "packages") {
        name_table(&mut sink, packages, false);
    }
    if let Some(packages) = table(root, "dev-packages") {
        name_table(&mut sink, packages, true);
    }
    Ok(sink.out)
}

/// An array of PEP 508 strings; tables (`{include-group = "test"}`) are skipped.
fn requirement_list(sink: &mut Sink, list: &Spanned<DeValue>, dev: bool) -> Result<(), String> {
    let DeValue::Array(items) = list.get_ref() else {
        let line = sink.line_at(list.span().start);
        return Err(format!(
            "line {line}: expected an array of requirement strings"
        ));
    };
    for item in items.iter() {
        let Some(text) = item.get_ref().as_str() else {
            continue;
        };
        let line = sink.line_at(item.span().start);
        match requirements::requirement_line(text) {
            Ok(Some(r)) => sink.push(r.name, r.version, line, dev),
            Ok(None) => {}
            Err(e) => return Err(format!("line {line}: {e}")),
        }
    }
    Ok(())
}

/// Poetry and Pipfile shape: `name = "spec"` or `name = { version = "spec", ... }`.
fn name_table(sink: &mut Sink, deps: &DeTable, dev: bool) {
    for (key, value) in deps.iter() {
        let name = key.get_ref();
        if name.eq_ignore_ascii_case("python") || !pep508::is_valid_name(name) {
            continue;
        }
        let version = match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            DeValue::Table(t) => string(t, "version").map(str::to_string),
            _ => None,
        };
        let line = sink.line_at(key.span().start);
        sink.push(pep508::normalise(name), version, line, dev);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, Option<String>, u32, bool);

    fn rows(deps: Vec<Dependency>) -> Vec<Row> {
        let mut rows: Vec<Row> = deps
            .into_iter()
            .map(|d| (d.name, d.version, d.line, d.dev))
            .collect();
        rows.sort_by_key(|r| r.2);
        rows
    }

    fn r(name: &str, v: Option<&str>, line: u32, dev: bool) -> Row {
        (name.into(), v.map(Into::into), line, dev)
    }

    #[test]
    fn pep621_with_extras_and_groups() {
        let text = r#"[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "orders-api"
version = "1.4.0"
requires-python = ">=3.11"
dependencies = [
    "fastapi>=0.110,<1",
    "uvicorn[standard]==0.29.0",
    "SQLAlchemy[asyncio]>=2.0",
    'tomli>=2.0; python_version < "3.11"',
]

[project.optional-dependencies]
postgres = ["asyncpg>=0.29"]
test = ["pytest>=8", "pytest-asyncio"]

[dependency-groups]
lint = ["ruff==0.4.4"]
dev = [{include-group = "lint"}, "mypy>=1.10"]

[tool.uv]
dev-dependencies = ["pre-commit"]
"#;
        let src = SourceText::new("pyproject.toml", text.into());
        assert_eq!(
            rows(pyproject(&src).unwrap()),
            [
                r("fastapi", Some(">=0.110,<1"), 10, false),
                r("uvicorn", Some("==0.29.0"), 11, false),
                r("sqlalchemy", Some(">=2.0"), 12, false),
                r("tomli", Some(">=2.0"), 13, false),
                r("asyncpg", Some(">=0.29"), 17, false),
                r("pytest", Some(">=8"), 18, true),
                r("pytest-asyncio", None, 18, true),
                r("ruff", Some("==0.4.4"), 21, true),
                r("mypy", Some(">=1.10"), 22, true),
                r("pre-commit", None, 25, true),
            ]
        );
    }

    #[test]
    fn poetry_main_dev_and_groups() {
        let text = r#"[tool.poetry]
name = "billing"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.11"
Django = "^5.0"
celery = { version = "^5.3", extras = ["redis"] }
internal-lib = { git = "https://github.com/acme/internal-lib.git", tag = "v2" }

[tool.poetry.dev-dependencies]
black = "^24.1"

[tool.poetry.group.test.dependencies]
pytest = "^8.0"

[tool.poetry.group.main.dependencies]
structlog = "^24.1"
"#;
        let src = SourceText::new("pyproject.toml", text.into());
        assert_eq!(
            rows(pyproject(&src).unwrap()),
            [
                r("django", Some("^5.0"), 7, false),
                r("celery", Some("^5.3"), 8, false),
                r("internal-lib", None, 9, false),
                r("black", Some("^24.1"), 12, true),
                r("pytest", Some("^8.0"), 15, true),
                r("structlog", Some("^24.1"), 18, false),
            ]
        );
    }

    #[test]
    fn pdm_dev_groups_accept_editables() {
        let text = r#"[project]
name = "x"
dependencies = ["httpx"]

[tool.pdm.dev-dependencies]
test = ["pytest", "-e file:///${PROJECT_ROOT}/packages/core#egg=acme-core"]
"#;
        let src = SourceText::new("pyproject.toml", text.into());
        assert_eq!(
            rows(pyproject(&src).unwrap()),
            [
                r("httpx", None, 3, false),
                r("pytest", None, 6, true),
                r("acme-core", None, 6, true),
            ]
        );
    }

    #[test]
    fn tool_config_only_pyproject_has_no_dependencies() {
        let src = SourceText::new(
            "pyproject.toml",
            "[tool.black]\nline-length = 100\n[tool.ruff]\nselect = [\"E\"]\n".into(),
        );
        assert!(pyproject(&src).unwrap().is_empty());
    }

    #[test]
    fn pyproject_errors_have_lines() {
        let src = SourceText::new(
            "pyproject.toml",
            "[project]\nname = \"x\"\ndependencies = [\n".into(),
        );
        assert!(pyproject(&src).unwrap_err().starts_with("line "));
        let src = SourceText::new(
            "pyproject.toml",
            "[project]\ndependencies = [\n  \"ok\",\n  \"bad spec\",\n]\n".into(),
        );
        assert!(pyproject(&src).unwrap_err().starts_with("line 4:"));
        let src = SourceText::new(
            "pyproject.toml",
            "[project]\ndependencies = \"flask\"\n".into(),
        );
        assert!(pyproject(&src).unwrap_err().starts_with("line 2:"));
    }

    #[test]
    fn pipfile_packages_and_dev_packages() {
        let text = r#"[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
requests = "*"
"Flask-Cors" = "==4.0.0"
psycopg = {version = ">=3.1", extras = ["binary"]}

[dev-packages]
pytest-cov = "*"

[requires]
python_version = "3.12"
"#;
        let src = SourceText::new("Pipfile", text.into());
        assert_eq!(
            rows(pipfile(&src).unwrap()),
            [
                r("requests", Some("*"), 7, false),
                r("flask-cors", Some("==4.0.0"), 8, false),
                r("psycopg", Some(">=3.1"), 9, false),
                r("pytest-cov", Some("*"), 12, true),
            ]
        );
    }
}
