//! PEP 508 requirement strings (`name[extras] specifier ; marker`, `name @ url`) and PEP 503
//! name normalisation, shared by every Python manifest.

/// A parsed requirement: the normalised project name and its version specifier, if any.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Requirement {
    pub name: String,
    pub version: Option<String>,
}

/// PEP 503: lower-case, runs of `-`, `_` and `.` folded to one `-`.
pub(super) fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// Whether `name` is a valid distribution name (letters, digits, `-_.`, alphanumeric ends).
pub(super) fn is_valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// Parses one requirement string. The version is the specifier set without spaces
/// (`>=2,<3`), None for a bare name or a direct URL reference.
pub(super) fn parse(s: &str) -> Result<Requirement, String> {
    let s = s.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let raw_name = &s[..end];
    if !is_valid_name(raw_name) {
        return Err(format!("`{s}` is not a valid requirement"));
    }
    let mut rest = s[end..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        let close = extras
            .find(']')
            .ok_or_else(|| format!("`{s}`: unclosed `[` of extras"))?;
        rest = extras[close + 1..].trim_start();
    }
    let name = normalise(raw_name);
    if rest.starts_with('@') {
        return Ok(Requirement {
            name,
            version: None,
        });
    }
    let spec = rest.split(';').next().unwrap_or("").trim();
    let spec = spec
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(spec)
        .trim();
    if spec.is_empty() {
        return Ok(Requirement {
            name,
            version: None,
        });
    }
    let valid = spec.split(',').all(|clause| {
        let clause = clause.trim();
        let version = clause.trim_start_matches(['<', '>', '=', '!', '~']);
        clause.len() > version.len() && !version.trim().is_empty()
    });
    if !valid {
        return Err(format!("`{s}`: invalid version specifier `{spec}`"));
    }
    Ok(Requirement {
        name,
        version: Some(spec.split_whitespace().collect()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(s: &str) -> (String, Option<String>) {
        let r = parse(s).unwrap();
        (r.name, r.version)
    }

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalise("Flask_SQLAlchemy"), "flask-sqlalchemy");
        assert_eq!(normalise("zope.interface"), "zope-interface");
        assert_eq!(normalise("a__-.b"), "a-b");
    }

    #[test]
    fn requirement_forms() {
        assert_eq!(req("requests"), ("requests".into(), None));
        assert_eq!(
            req("requests[security,socks] >= 2.8.1, == 2.8.*"),
            ("requests".into(), Some(">=2.8.1,==2.8.*".into()))
        );
        assert_eq!(
            req("importlib-metadata>=4.6; python_version < \"3.10\""),
            ("importlib-metadata".into(), Some(">=4.6".into()))
        );
        assert_eq!(req("name (>=1.0)"), ("name".into(), Some(">=1.0".into())));
        assert_eq!(
            req("pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee"),
            ("pip".into(), None)
        );
        assert_eq!(req("uvicorn[standard]"), ("uvicorn".into(), None));
        assert_eq!(req("foo===1.0"), ("foo".into(), Some("===1.0".into())));
    }

    #[test]
    fn invalid_requirements() {
        assert!(parse("flask 3.0").is_err());
        assert!(parse("-flask").is_err());
        assert!(parse("flask[async").is_err());
        assert!(parse("flask>=").is_err());
        assert!(parse("").is_err());
    }
}
