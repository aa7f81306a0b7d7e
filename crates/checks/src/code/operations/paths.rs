//! Route path patterns as the frameworks write them, matched against concrete request paths
//! (a probe's `httpGet.path`, a scrape config's `metrics_path`).

/// One `/`-separated piece of a route pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// Matches exactly one non-empty segment: `{id}`, `:id`, `<int:id>`, `[id]`.
    Param,
    /// Matches any rest of the path: `*`, `/*splat`, `{*rest}`, `{path:path}`, `<path:p>`,
    /// `**`, `[...slug]`, `:path*`, a regex like `{rest:.*}`.
    CatchAll,
}

/// Classifies one segment of a route pattern.
pub fn segment(raw: &str) -> Segment {
    let s = raw.trim();
    let catch_all = s.starts_with('*')
        || s == "**"
        || s.starts_with("{*")
        || s.starts_with("[...")
        || s.starts_with("[[...")
        || s.contains("(.*)")
        || s.contains("(.+)")
        || (s.starts_with(':') && (s.ends_with('*') || s.ends_with('+')))
        || braced(s).is_some_and(|inner| {
            !inner.contains(':') && (inner.ends_with('*') || inner.ends_with('+'))
        })
        || is_braced_with(s, |spec| {
            spec == "path" || spec.contains(".*") || spec.contains(".+")
        })
        || (s.starts_with("<path:") && s.ends_with('>'));
    if catch_all {
        return Segment::CatchAll;
    }
    let param = s.starts_with(':')
        || (s.starts_with('{') && s.ends_with('}'))
        || (s.starts_with('<') && s.ends_with('>'))
        || (s.starts_with('[') && s.ends_with(']'));
    if param {
        Segment::Param
    } else {
        Segment::Literal(s.to_string())
    }
}

/// The inside of `{...}`.
fn braced(s: &str) -> Option<&str> {
    s.strip_prefix('{')?.strip_suffix('}')
}

/// `{name:spec}` where `spec` satisfies `accept` (Starlette converters, gorilla regexes).
fn is_braced_with(s: &str, accept: impl Fn(&str) -> bool) -> bool {
    braced(s)
        .and_then(|inner| inner.split_once(':'))
        .is_some_and(|(_, spec)| accept(spec.trim()))
}

/// The segments of a pattern; the root `/` is no segment.
pub fn segments(pattern: &str) -> Vec<Segment> {
    pieces(pattern).map(segment).collect()
}

/// Whether a route pattern answers any path (has a catch-all segment): such a route does not
/// count as serving a probe or scrape path, because it answers everything.
pub fn is_catch_all(pattern: &str) -> bool {
    segments(pattern).contains(&Segment::CatchAll)
}

/// A request path as sent: the query string and fragment dropped.
pub fn request_path(path: &str) -> &str {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    &path[..end]
}

/// Whether a route `pattern` without catch-all segments serves the concrete `path`. Trailing
/// slashes are ignored (frameworks redirect between the two forms and probes accept 3xx).
pub fn serves(pattern: &str, path: &str) -> bool {
    let pattern = segments(pattern);
    let path: Vec<&str> = pieces(request_path(path)).collect();
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(seg, part)| match seg {
            Segment::Literal(lit) => lit == part,
            Segment::Param => !part.is_empty(),
            Segment::CatchAll => false,
        })
}

/// A pattern that the catch-all in `pattern` would answer `path` with (the prefix before the
/// catch-all matches).
pub fn catch_all_answers(pattern: &str, path: &str) -> bool {
    let pattern = segments(pattern);
    let Some(star) = pattern.iter().position(|s| *s == Segment::CatchAll) else {
        return false;
    };
    let path: Vec<&str> = pieces(request_path(path)).collect();
    path.len() >= star
        && pattern[..star]
            .iter()
            .zip(&path)
            .all(|(seg, part)| match seg {
                Segment::Literal(lit) => lit == part,
                _ => true,
            })
}

fn pieces(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_framework_segments() {
        for p in [
            "{id}",
            ":id",
            ":id?",
            "<int:id>",
            "<id>",
            "[id]",
            "{id:[0-9]+}",
            "{id:int}",
        ] {
            assert_eq!(segment(p), Segment::Param, "{p}");
        }
        for c in [
            "*",
            "*splat",
            "*filepath",
            "{*rest}",
            "{path:path}",
            "<path:p>",
            "**",
            "[...slug]",
            "[[...slug]]",
            ":path*",
            ":path+",
            "{rest:.*}",
            "{proxy+}",
            "(.*)",
        ] {
            assert_eq!(segment(c), Segment::CatchAll, "{c}");
        }
        assert_eq!(segment("healthz"), Segment::Literal("healthz".into()));
    }

    #[test]
    fn matches_literals_and_params() {
        assert!(serves("/healthz", "/healthz"));
        assert!(serves("/healthz/", "/healthz"));
        assert!(serves("/healthz", "/healthz?verbose=1"));
        assert!(serves("/", "/"));
        assert!(serves("", "/"));
        assert!(serves("/api/{version}/health", "/api/v1/health"));
        assert!(serves("/api/:version/health", "/api/v1/health"));
        assert!(!serves("/healthz", "/health"));
        assert!(!serves("/healthz", "/healthz/live"));
        assert!(!serves("/api/{id}", "/api"));
        assert!(!serves("/Healthz", "/healthz"));
    }

    #[test]
    fn catch_all_never_serves_but_is_recognised() {
        assert!(!serves("/{path:path}", "/healthz"));
        assert!(!serves("*", "/healthz"));
        assert!(!serves("/*splat", "/healthz"));
        assert!(is_catch_all("/{full_path:path}"));
        assert!(is_catch_all("/static/*filepath"));
        assert!(!is_catch_all("/users/{id}"));
        assert!(catch_all_answers("/{path:path}", "/healthz"));
        assert!(catch_all_answers("*", "/"));
        assert!(!catch_all_answers("/static/*filepath", "/healthz"));
        assert!(catch_all_answers("/static/*filepath", "/static/app.js"));
    }
}
