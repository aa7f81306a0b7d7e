//! Environment variables the application reads, by literal name, shared by the env-template
//! controls: the reads the workspace extracted in its single pass
//! (`vouch_workspace::env_reads`), narrowed to application code.

use std::collections::BTreeSet;
use std::sync::Arc;
use vouch_workspace::Workspace;
pub(crate) use vouch_workspace::env_reads::{EnvRead, is_application_code};

/// Every literal-name read in application code, sorted by path and line.
pub(crate) struct EnvReads {
    pub reads: Vec<EnvRead>,
    /// Application files that read the environment (some perhaps only by computed names).
    pub files: BTreeSet<String>,
}

impl EnvReads {
    /// Reads the application cannot do without: no fallback, not a platform variable.
    pub(crate) fn required(&self) -> impl Iterator<Item = &EnvRead> {
        self.reads
            .iter()
            .filter(|r| !r.has_default && !is_platform_variable(&r.name))
    }
}

pub(crate) fn env_reads(ws: &Workspace) -> Arc<EnvReads> {
    ws.cached(|ws| {
        let files: BTreeSet<String> = ws
            .facts
            .env_reads
            .iter()
            .filter(|hit| is_application_code(&hit.path))
            .map(|hit| hit.path.clone())
            .collect();
        // One representative read per name (required reads first), in path order.
        let mut reads: Vec<EnvRead> = ws.facts.env_read_names.values().cloned().collect();
        reads.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        EnvReads { reads, files }
    })
}

/// Variables a platform, runtime or CI system provides: not the application's configuration.
pub(crate) fn is_platform_variable(name: &str) -> bool {
    const EXACT: [&str; 28] = [
        "PATH",
        "HOME",
        "USER",
        "USERNAME",
        "SHELL",
        "PWD",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TERM",
        "TMPDIR",
        "TEMP",
        "TMP",
        "HOSTNAME",
        "PORT",
        "NODE_ENV",
        "CI",
        "PYTHONPATH",
        "PYTHONUNBUFFERED",
        "VIRTUAL_ENV",
        "GOPATH",
        "GOROOT",
        "GOOS",
        "GOARCH",
        "JAVA_HOME",
        "RUST_BACKTRACE",
        "K_SERVICE",
        "K_REVISION",
    ];
    const PREFIXES: [&str; 13] = [
        "GITHUB_",
        "GITLAB_",
        "CI_",
        "RUNNER_",
        "BUILDKITE",
        "CIRCLE",
        "TRAVIS",
        "AWS_LAMBDA_",
        "KUBERNETES_",
        "npm_",
        "LC_",
        "XDG_",
        "CARGO_",
    ];
    EXACT.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_code_only() {
        assert!(is_application_code("src/app/settings.py"));
        assert!(is_application_code("migrations/env.py"));
        assert!(!is_application_code("tests/test_settings.py"));
        assert!(!is_application_code("scripts/release.py"));
        assert!(!is_application_code("web/vite.config.ts"));
        assert!(!is_application_code("docs/conf.py"));
        assert!(!is_application_code("examples/client.go"));
        assert!(!is_application_code("benches/parse.rs"));
        assert!(!is_application_code("xtask/src/main.rs"));
    }

    #[test]
    fn platform_variables() {
        assert!(is_platform_variable("PORT"));
        assert!(is_platform_variable("GITHUB_SHA"));
        assert!(!is_platform_variable("DATABASE_URL"));
        assert!(!is_platform_variable("GOOGLE_CLOUD_PROJECT"));
    }
}
