//! Image references (`registry/repo:tag@digest`) and build-argument substitution in them.

use vouch_workspace::Dockerfile;

/// An image reference split into its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// Registry host when written (`ghcr.io`, `localhost:5000`).
    pub registry: Option<String>,
    /// Repository path without registry (`library/` removed): `python`, `distroless/static`.
    pub repo: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (
                &rest[..last_slash + i],
                Some(rest[last_slash + i + 1..].to_string()),
            ),
            None => (rest, None),
        };
        let mut parts: Vec<&str> = name.split('/').collect();
        let registry = (parts.len() > 1
            && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost"))
            .then(|| parts.remove(0).to_string());
        if registry
            .as_deref()
            .is_none_or(|r| r == "docker.io" || r == "index.docker.io")
            && parts.len() == 2
            && parts[0] == "library"
        {
            parts.remove(0);
        }
        ImageRef {
            registry: registry.filter(|r| r != "docker.io" && r != "index.docker.io"),
            repo: parts.join("/").to_ascii_lowercase(),
            tag,
            digest,
        }
    }

    /// Last path segment of the repository (`ghcr.io/acme/api` → `api`).
    pub fn basename(&self) -> &str {
        self.repo.rsplit('/').next().unwrap_or(&self.repo)
    }

    /// A Docker Hub official image (`python`, `redis`), not a project's own image.
    pub fn is_official_library(&self) -> bool {
        self.registry.is_none() && !self.repo.contains('/')
    }
}

/// Substitutes `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}` and `${NAME:+alt}`
/// from `lookup`. Err(name) when a variable has no value and no default.
pub(crate) fn substitute(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let Some(close) = inner.find('}') else {
                return Err(inner.to_string());
            };
            let body = &inner[..close];
            out.push_str(&expand(body, lookup)?);
            rest = &inner[close + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            let name = &after[..len];
            out.push_str(&lookup(name).ok_or_else(|| name.to_string())?);
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn expand(body: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    for (op, use_default_when_empty) in [(":-", true), ("-", false)] {
        if let Some((name, default)) = body.split_once(op) {
            return Ok(match lookup(name) {
                Some(v) if !(use_default_when_empty && v.is_empty()) => v,
                _ => default.to_string(),
            });
        }
    }
    if let Some((name, alt)) = body.split_once(":+") {
        return Ok(match lookup(name) {
            Some(v) if !v.is_empty() => alt.to_string(),
            _ => String::new(),
        });
    }
    lookup(body).ok_or_else(|| body.to_string())
}

/// The image a `FROM` (or `COPY --from`) names once global build arguments are substituted
/// with their defaults. Err(name) when an argument has no default.
pub(crate) fn resolve_from(df: &Dockerfile, reference: &str) -> Result<String, String> {
    // A template placeholder (`ruby:{base_image_tag}`, `<image>`) is filled in by a generator.
    if let Some(start) = reference
        .find(['{', '<'])
        .filter(|&i| !reference[..i].ends_with('$'))
    {
        return Err(reference[start..].to_string());
    }
    if !reference.contains('$') {
        return Ok(reference.to_string());
    }
    let lookup = |name: &str| {
        df.global_args
            .iter()
            .flat_map(|i| i.key_values())
            .rfind(|(k, _)| k == name)
            .and_then(|(_, v)| v)
    };
    substitute(reference, &lookup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("localhost:5000/team/api:1.2@sha256:abc");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.repo, "team/api");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("docker.io/library/python");
        assert_eq!((r.registry, r.repo.as_str(), r.tag), (None, "python", None));
        assert!(ImageRef::parse("node:20").is_official_library());
        assert_eq!(
            ImageRef::parse("gcr.io/distroless/static:nonroot").basename(),
            "static"
        );
    }

    #[test]
    fn substitutes_variables() {
        let vars = |n: &str| (n == "PY").then(|| "3.12".to_string());
        assert_eq!(
            substitute("python:${PY}-slim", &vars).unwrap(),
            "python:3.12-slim"
        );
        assert_eq!(
            substitute("${BASE:-alpine:3.20}", &vars).unwrap(),
            "alpine:3.20"
        );
        assert_eq!(substitute("$BASE", &vars).unwrap_err(), "BASE");
        assert_eq!(substitute("a$", &vars).unwrap(), "a$");
    }
}
