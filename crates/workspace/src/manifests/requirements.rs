//! pip requirements files (`requirements*.txt`, pip-tools `requirements*.in`).
//!
//! Follows pip's reading: `\` joins lines, `#` starts a comment at the line start or after
//! whitespace, options (`-r`, `-c`, `-i`, `--hash`, ...) are not requirements. Editable and
//! URL requirements count when their project name is known (`#egg=name`, a wheel file name);
//! local paths (`-e .`, `./libs/x`) are skipped.

use super::pep508::{self, Requirement};
use super::{Sink, is_dev_group};
use crate::classify::Ecosystem;
use crate::source::SourceText;

pub(super) fn parse(src: &SourceText) -> Result<Vec<super::Dependency>, String> {
    let dev = is_dev_file(&src.path);
    let mut sink = Sink::new(src, Ecosystem::Python);
    let mut logical = String::new();
    let mut start = 0;
    let mut flush = |logical: &mut String, start: usize| -> Result<(), String> {
        let line = std::mem::take(logical);
        match requirement_line(&line) {
            Ok(Some(r)) => sink.push(r.name, r.version, start, dev),
            Ok(None) => {}
            Err(e) => return Err(format!("line {start}: {e}")),
        }
        Ok(())
    };
    for (n, raw) in src.lines() {
        let line = strip_comment(raw);
        if logical.is_empty() {
            start = n;
        }
        match line.trim_end().strip_suffix('\\') {
            Some(continued) => {
                logical.push_str(continued);
                logical.push(' ');
            }
            None => {
                logical.push_str(line);
                flush(&mut logical, start)?;
            }
        }
    }
    if !logical.trim().is_empty() {
        flush(&mut logical, start)?;
    }
    Ok(sink.out)
}

/// `requirements-dev.txt`, `requirements/test.in`, `dev-requirements.txt`: dev only.
fn is_dev_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.rsplit('/');
    let name = parts.next().unwrap_or("");
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let own = stem.replace("requirements", "");
    let dir_is_requirements = parts.next() == Some("requirements");
    is_dev_group(&own) || (dir_is_requirements && is_dev_group(stem))
}

/// pip's comment rule: `#` at the start of the line or after whitespace (a `#egg=` fragment
/// inside a URL is not a comment).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// One logical line: Ok(None) for blank lines, options and unnamed local paths.
/// Also used for requirement strings of PDM/uv dev groups, which accept `-e` lines.
pub(super) fn requirement_line(line: &str) -> Result<Option<Requirement>, String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(None);
    }
    if let Some(option) = line.strip_prefix('-') {
        return match editable_target(option) {
            Some(target) => Ok(url_or_path(target)),
            None => Ok(None),
        };
    }
    let line = without_requirement_options(line);
    if line.starts_with(['.', '/', '~']) || is_windows_path(line) {
        return Ok(url_or_path(line));
    }
    let first_token = line.split_whitespace().next().unwrap_or("");
    if first_token.contains("://") || first_token.starts_with("file:") {
        return Ok(url_or_path(line));
    }
    match pep508::parse(line) {
        Ok(r) => Ok(Some(r)),
        // A relative path without `./` (`libs/shared`) is a local project, not a requirement.
        Err(_) if first_token.contains('/') && !line.contains(" @") => Ok(url_or_path(line)),
        Err(e) => Err(e),
    }
}

/// The target of `-e X`, `-eX`, `--editable X`, `--editable=X`; None for any other option.
fn editable_target(option: &str) -> Option<&str> {
    let rest = if let Some(r) = option.strip_prefix("-editable") {
        r.strip_prefix('=').unwrap_or(r)
    } else {
        option.strip_prefix('e')?
    };
    Some(rest.trim()).filter(|t| !t.is_empty())
}

/// Cuts per-requirement options (`--hash=sha256:...`, `--config-settings ...`).
fn without_requirement_options(line: &str) -> &str {
    let bytes = line.as_bytes();
    for i in 1..bytes.len().saturating_sub(1) {
        if bytes[i - 1].is_ascii_whitespace() && bytes[i] == b'-' && bytes[i + 1] == b'-' {
            return line[..i].trim_end();
        }
    }
    line
}

fn is_windows_path(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/')
}

/// A project named by a URL or archive path: `#egg=name`, or a wheel/sdist file name.
fn url_or_path(target: &str) -> Option<Requirement> {
    let target = target.split_whitespace().next().unwrap_or("");
    if let Some((_, fragment)) = target.split_once('#') {
        let egg = fragment.split('&').find_map(|kv| kv.strip_prefix("egg="))?;
        let egg = egg.split('[').next().unwrap_or(egg);
        return pep508::is_valid_name(egg).then(|| Requirement {
            name: pep508::normalise(egg),
            version: None,
        });
    }
    let file = target.rsplit(['/', '\\']).next().unwrap_or(target);
    let file = file.split('?').next().unwrap_or(file);
    if let Some(stem) = file.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        let name = parts.next()?;
        let version = parts.next()?;
        return pep508::is_valid_name(name).then(|| Requirement {
            name: pep508::normalise(name),
            version: Some(format!("=={version}")),
        });
    }
    let stem = [".tar.gz", ".tar.bz2", ".zip", ".tgz"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))?;
    let split = stem
        .char_indices()
        .filter(|(i, c)| *c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .map(|(i, _)| i)
        .next_back()?;
    let (name, version) = (&stem[..split], &stem[split + 1..]);
    pep508::is_valid_name(name).then(|| Requirement {
        name: pep508::normalise(name),
        version: Some(format!("=={version}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(path: &str, text: &str) -> Vec<(String, Option<String>, u32, bool)> {
        let src = SourceText::new(path, text.to_string());
        parse(&src)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.version, d.line, d.dev))
            .collect()
    }

    fn d(name: &str, v: Option<&str>, line: u32, dev: bool) -> (String, Option<String>, u32, bool) {
        (name.into(), v.map(Into::into), line, dev)
    }

    #[test]
    fn realistic_requirements_file() {
        let text = r#"# Production dependencies
-r base.txt
-c constraints.txt
--index-url https://pypi.org/simple
--extra-index-url https://${PIP_TOKEN}@pypi.internal.example.com/simple

Django==4.2.7  # LTS
djangorestframework>=3.14,<4
psycopg2-binary==2.9.9 ; sys_platform != "win32"
celery[redis]~=5.3
gunicorn
Flask_SQLAlchemy == 3.1.1
-e git+https://github.com/acme/internal-sdk.git@v1.4.0#egg=acme_sdk
-e .
./vendor/legacy_pkg-0.3.1-py3-none-any.whl
https://files.example.com/packages/requests-oauthlib-1.3.1.tar.gz
libs/shared
pyjwt[crypto] @ git+https://github.com/jpadilla/pyjwt.git@2.8.0
"#;
        assert_eq!(
            deps("requirements.txt", text),
            [
                d("django", Some("==4.2.7"), 7, false),
                d("djangorestframework", Some(">=3.14,<4"), 8, false),
                d("psycopg2-binary", Some("==2.9.9"), 9, false),
                d("celery", Some("~=5.3"), 10, false),
                d("gunicorn", None, 11, false),
                d("flask-sqlalchemy", Some("==3.1.1"), 12, false),
                d("acme-sdk", None, 13, false),
                d("legacy-pkg", Some("==0.3.1"), 15, false),
                d("requests-oauthlib", Some("==1.3.1"), 16, false),
                d("pyjwt", None, 18, false),
            ]
        );
    }

    #[test]
    fn pip_compile_output_with_hashes() {
        let text = "#\n# This file is autogenerated by pip-compile with Python 3.12\n#\n\
anyio==4.2.0 \\\n    --hash=sha256:745843b39e829e108e518c489b31dc757de7d2131d53fac32bd8df268227bfee \\\n    --hash=sha256:e1875bb4b4e2de1669f4bc7869b6d3f54231cdced71605e6e64c9be77e3be50f\n    # via\n    #   httpx\n    #   starlette\n\
certifi==2023.11.17 \\\n    --hash=sha256:9b469f3a900bf28dc19b8cfbf8019bf47f7fdd1a65a1d4ffb98fc14166beb4d1\n    # via httpx\n";
        assert_eq!(
            deps("requirements.txt", text),
            [
                d("anyio", Some("==4.2.0"), 4, false),
                d("certifi", Some("==2023.11.17"), 10, false),
            ]
        );
    }

    #[test]
    fn dev_files_by_name() {
        assert_eq!(
            deps("requirements-dev.txt", "pytest==7.4.3\n"),
            [d("pytest", Some("==7.4.3"), 1, true)]
        );
        assert!(is_dev_file("requirements/test.in"));
        assert!(is_dev_file("requirements_lint.txt"));
        assert!(is_dev_file("dev-requirements.txt"));
        assert!(!is_dev_file("requirements.txt"));
        assert!(!is_dev_file("requirements/prod.txt"));
        assert!(!is_dev_file("services/devices/requirements.txt"));
    }

    #[test]
    fn editable_forms() {
        assert_eq!(
            requirement_line("--editable=git+https://x/y.git#egg=Foo-Bar").unwrap(),
            Some(Requirement {
                name: "foo-bar".into(),
                version: None
            })
        );
        assert_eq!(requirement_line("-e ./packages/core").unwrap(), None);
        assert_eq!(
            requirement_line("-e git+https://x/y.git@main").unwrap(),
            None
        );
        assert_eq!(requirement_line("--require-hashes").unwrap(), None);
    }

    #[test]
    fn malformed_line_is_an_error_with_its_line() {
        let src = SourceText::new("requirements.txt", "flask==3.0\nrequests 2.31\n".into());
        let err = parse(&src).unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
        let src = SourceText::new("requirements.txt", "Flask[async\n".into());
        assert!(parse(&src).unwrap_err().starts_with("line 1:"));
    }

    #[test]
    fn trailing_continuation_at_end_of_file() {
        assert_eq!(
            deps("requirements.txt", "numpy==1.26.2 \\"),
            [d("numpy", Some("==1.26.2"), 1, false)]
        );
    }
}
