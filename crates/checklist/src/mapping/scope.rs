//! Scope: the paths and components an item narrows its evidence to ("in `deploy/compose.yaml`",
//! "in the payments adapter", "for services/ledger"). Routes (`/metrics`) and tool names are not
//! scope.

use regex::Regex;
use std::sync::OnceLock;

/// Folder names that make a bare `a/b` token a path rather than a pair of words
/// ("requests/limits", "read/write").
const PATH_ROOTS: &[&str] = &[
    "src",
    "services",
    "service",
    "app",
    "apps",
    "lib",
    "libs",
    "pkg",
    "cmd",
    "internal",
    "deploy",
    "deployment",
    "deployments",
    "config",
    "configs",
    "charts",
    "chart",
    "k8s",
    "infra",
    "docker",
    "docs",
    "scripts",
    "packages",
    "crates",
    "modules",
    "api",
    "web",
    "server",
    "client",
    "tests",
    "test",
    "helm",
    "manifests",
    "terraform",
    "ops",
    "backend",
    "frontend",
];

/// Nouns that name a component in "in the X adapter".
const COMPONENT_NOUNS: &str = "adapter|service|module|package|component|crate|library|handler|controller|worker|app|\
     application|directory|folder|microservice|client|repository|repo";

/// File extensions that make a token a file name.
const EXTENSIONS: &str = "ya?ml|json|toml|py|js|ts|tsx|go|rs|java|kt|rb|php|cs|env|tf|md|txt|sh|cfg|ini|conf|lock|xml|properties|sql|dockerfile";

/// Lower-case paths and component names in the (markup-free, lower-case) item text.
pub fn extract_scope(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '\'' | '"'));
        let s = s.trim_end_matches('.');
        let s = s.to_lowercase();
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    for token in text.split(|c: char| c.is_whitespace() || c == '`') {
        if is_path(token) {
            push(token);
        }
    }
    for cap in component_pattern().captures_iter(text) {
        push(&cap[1]);
    }
    out
}

fn is_path(token: &str) -> bool {
    let token = token.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '\'' | '"'));
    let token = token.trim_end_matches('.');
    if token.is_empty() || token.starts_with('/') || token.contains("://") {
        return false;
    }
    if file_pattern().is_match(token) {
        return true;
    }
    if let Some((root, _)) = token.split_once('/') {
        return token.ends_with('/') || PATH_ROOTS.contains(&root) || root.starts_with('.');
    }
    false
}

fn file_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"^(?:[\w.\-]+/)*(?:[\w\-]+(?:\.[\w\-]+)*\.(?:{EXTENSIONS})|\.env(?:\.[\w\-]+)*|\.[a-z][\w\-]*ignore|dockerfile(?:\.[\w\-]+)?)$"
        ))
        .expect("static pattern compiles")
    })
}

fn component_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"\b(?:in|inside|within|for|of|from) the ([a-z][\w\-]*(?: [a-z][\w\-]*)?) (?:{COMPONENT_NOUNS})\b"
        ))
        .expect("static pattern compiles")
    })
}

#[cfg(test)]
mod tests {
    use super::extract_scope;

    #[test]
    fn paths_as_written() {
        assert_eq!(
            extract_scope("remove the hardcoded postgres password from `deploy/compose.yaml`"),
            ["deploy/compose.yaml"]
        );
        assert_eq!(
            extract_scope("remove hardcoded credentials from docker-compose.yml"),
            ["docker-compose.yml"]
        );
        assert_eq!(
            extract_scope("stop committing `.env.production`"),
            [".env.production"]
        );
        assert_eq!(
            extract_scope("coverage gate at 85% for `services/`"),
            ["services/"]
        );
        assert_eq!(
            extract_scope("tests for services/ledger"),
            ["services/ledger"]
        );
    }

    #[test]
    fn components_named_in_prose() {
        assert_eq!(
            extract_scope("fix sql injection in the payments adapter"),
            ["payments"]
        );
        assert_eq!(
            extract_scope("retries in the billing api client"),
            ["billing api"]
        );
    }

    #[test]
    fn routes_and_word_pairs_are_not_scope() {
        assert!(extract_scope("publish `/metrics` for prometheus").is_empty());
        assert!(extract_scope("cpu and memory requests/limits on every container").is_empty());
        assert!(extract_scope("throttle clients (100 req/min per key)").is_empty());
        assert!(extract_scope("rate limit `/upload` to 30 requests per hour").is_empty());
    }
}
