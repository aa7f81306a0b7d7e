use crate::http::exposure::{Sensitive, contains, inspect, not_html, text};
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

pub struct NoExposedFiles;

static META: ControlMeta = ControlMeta {
    id: "HTTP014",
    slug: "no_exposed_files",
    title: "Environment files, VCS metadata and backups are not served",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Serve only a build output directory, never the project root; deny dotfiles \
                  and backup extensions in the web server (`location ~ /\\. { deny all; }`), \
                  keep `.env`, `.git` and dumps out of the image (`.dockerignore`), and rotate \
                  every secret that was reachable.",
    references: &[
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information",
        "https://owasp.org/Top10/A05_2021-Security_Misconfiguration/",
        "https://cwe.mitre.org/data/definitions/538.html",
    ],
    concepts: &[
        "exposed .env",
        "exposed .git",
        "backup files",
        "sensitive files",
        "information disclosure",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Requests `/.env`, `/.env.production`, `/.git/config`, `/.git/HEAD`, `/.svn/entries`,
`/.DS_Store`, `/.htpasswd`, `/backup.sql`, `/dump.sql`, `/db.sql`, `/backup.zip`,
`/backup.tar.gz` and `/wp-config.php.bak` without credentials. A path counts as served only
when it answers 2xx, differs from what the service answers for any unknown path (single-page
apps answer 200 everywhere), and its body looks like that file: `NAME=value` lines, a
`[core]` section, `ref: refs/`, the `.DS_Store` magic, htpasswd hashes, SQL DDL or dump
headers, ZIP/gzip magic, `<?php`. Evidence quotes the start of the body with credentials
masked.

## Why it matters in production

A served `.env` hands out database passwords and API keys; `.git/config` and `.git/HEAD` let
anyone download the repository with its history; a SQL dump is the whole database. These are
among the first paths every internet-wide scanner requests.

## Example

Bad:

```text
GET /.env → 200 text/plain: DATABASE_URL=postgres://app:Pa****@db/app SECRET_KEY=9f****
```

Good:

```text
GET /.env → 404
```

## References

- OWASP WSTG-CONF-04: Review old backup and unreferenced files
- OWASP Top 10 A05: Security Misconfiguration
- CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory
"#,
};

impl Probe for NoExposedFiles {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(inspect(t, FILES))
    }
}

static ENV_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=").expect("static regex")
});
static HTPASSWD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[^:\s]+:(?:\$apr1\$|\$2[aby]\$|\{SHA\}|\$[56]\$)").expect("static regex")
});
static SQL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:CREATE TABLE|INSERT INTO)\b|-- MySQL dump|PostgreSQL database dump")
        .expect("static regex")
});

fn env_file(b: &[u8]) -> bool {
    not_html(b) && ENV_LINE.is_match(&text(b))
}

fn git_config(b: &[u8]) -> bool {
    not_html(b) && contains(b, "[core]")
}

fn git_head(b: &[u8]) -> bool {
    let t = text(b);
    let t = t.trim();
    t.starts_with("ref: refs/") || (t.len() == 40 && t.chars().all(|c| c.is_ascii_hexdigit()))
}

fn svn_entries(b: &[u8]) -> bool {
    let t = text(b);
    let first = t.lines().next().unwrap_or("").trim();
    not_html(b)
        && !first.is_empty()
        && first.chars().all(|c| c.is_ascii_digit())
        && t.contains("dir")
}

fn ds_store(b: &[u8]) -> bool {
    b.starts_with(b"\x00\x00\x00\x01Bud1")
}

fn htpasswd(b: &[u8]) -> bool {
    HTPASSWD.is_match(&text(b))
}

fn sql_dump(b: &[u8]) -> bool {
    not_html(b) && SQL.is_match(&text(b))
}

fn zip(b: &[u8]) -> bool {
    b.starts_with(b"PK\x03\x04")
}

fn gzip(b: &[u8]) -> bool {
    b.starts_with(b"\x1f\x8b")
}

fn php_source(b: &[u8]) -> bool {
    contains(b, "<?php")
}

const FILES: &[Sensitive] = &[
    Sensitive {
        path: "/.env",
        what: "an environment file (.env)",
        looks_like: env_file,
    },
    Sensitive {
        path: "/.env.production",
        what: "an environment file (.env.production)",
        looks_like: env_file,
    },
    Sensitive {
        path: "/.git/config",
        what: "the Git repository configuration",
        looks_like: git_config,
    },
    Sensitive {
        path: "/.git/HEAD",
        what: "the Git repository (HEAD)",
        looks_like: git_head,
    },
    Sensitive {
        path: "/.svn/entries",
        what: "the Subversion metadata",
        looks_like: svn_entries,
    },
    Sensitive {
        path: "/.DS_Store",
        what: "a macOS .DS_Store directory listing",
        looks_like: ds_store,
    },
    Sensitive {
        path: "/.htpasswd",
        what: "an htpasswd credential file",
        looks_like: htpasswd,
    },
    Sensitive {
        path: "/backup.sql",
        what: "a SQL dump",
        looks_like: sql_dump,
    },
    Sensitive {
        path: "/dump.sql",
        what: "a SQL dump",
        looks_like: sql_dump,
    },
    Sensitive {
        path: "/db.sql",
        what: "a SQL dump",
        looks_like: sql_dump,
    },
    Sensitive {
        path: "/backup.zip",
        what: "a backup archive (ZIP)",
        looks_like: zip,
    },
    Sensitive {
        path: "/backup.tar.gz",
        what: "a backup archive (tar.gz)",
        looks_like: gzip,
    },
    Sensitive {
        path: "/wp-config.php.bak",
        what: "a PHP configuration backup",
        looks_like: php_source,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_files_and_not_pages() {
        assert!(env_file(b"# comment\nDB_URL=postgres://x\n"));
        assert!(!env_file(b"<!doctype html><html>A=1</html>"));
        assert!(!env_file(b"{\"status\":\"not found\"}"));
        assert!(git_config(b"[core]\n\tbare = false\n"));
        assert!(git_head(b"ref: refs/heads/main\n"));
        assert!(git_head(b"0123456789abcdef0123456789abcdef01234567"));
        assert!(!git_head(b"<html>ref: refs/</html>"));
        assert!(htpasswd(b"admin:$apr1$abc$def\n"));
        assert!(sql_dump(b"-- PostgreSQL database dump\nCREATE TABLE x();"));
        assert!(!sql_dump(b"<html>we INSERT INTO our blog</html>"));
        assert!(zip(b"PK\x03\x04rest") && gzip(b"\x1f\x8b\x08"));
        assert!(ds_store(b"\x00\x00\x00\x01Bud1\x00"));
        assert!(svn_entries(b"12\n\ndir\n42\n"));
    }
}
