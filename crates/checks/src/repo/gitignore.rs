//! Enough of git's ignore rules to tell whether a path is ignored by the repository's own
//! `.gitignore` files (root and nested): comments, `!` negation, `\` escapes, anchoring by a
//! leading or inner `/`, directory-only patterns (`dir/`), `*`, `?`, `[...]` and `**`. A file
//! inside an ignored directory stays ignored even when a later rule negates the file, as in git.
//! Not read: `.git/info/exclude` and the user's global excludes file, which other clones of the
//! repository do not share.

use regex::Regex;
use std::sync::Arc;
use vouch_workspace::{FileKind, Workspace};

/// One pattern line of a `.gitignore` file.
#[derive(Debug)]
pub(crate) struct Rule {
    /// The `.gitignore` file that holds it.
    pub source: String,
    pub line: u32,
    /// The line as written (trimmed).
    pub raw: String,
    pub negated: bool,
    dir_only: bool,
    /// Directory of the `.gitignore` file, `""` at the root, else `a/b/`.
    base: String,
    regex: Regex,
}

#[derive(Debug, Default)]
pub(crate) struct GitIgnore {
    /// Shallower files first, then by line, so later rules take precedence.
    rules: Vec<Rule>,
    /// Paths of the `.gitignore` files read.
    pub files: Vec<String>,
}

impl GitIgnore {
    /// Every `.gitignore` in the audited tree, parsed once per audit.
    pub(crate) fn of(ws: &Workspace) -> Arc<GitIgnore> {
        ws.cached(GitIgnore::from_workspace)
    }

    fn from_workspace(ws: &Workspace) -> GitIgnore {
        let sources: Vec<(String, String)> = ws
            .files_of(FileKind::GitIgnore)
            .filter(|f| f.name() == ".gitignore")
            .filter_map(|f| Some((f.rel.clone(), ws.text(&f.rel)?.text.clone())))
            .collect();
        GitIgnore::from_sources(&sources)
    }

    pub(crate) fn from_sources(sources: &[(String, String)]) -> GitIgnore {
        let mut sorted: Vec<&(String, String)> = sources.iter().collect();
        sorted.sort_by_key(|(path, _)| (path.matches('/').count(), path.clone()));
        let mut out = GitIgnore::default();
        for (path, text) in sorted {
            let base = path.strip_suffix(".gitignore").unwrap_or("").to_string();
            out.files.push(path.clone());
            for (i, line) in text.lines().enumerate() {
                if let Some(rule) = Rule::parse(path, &base, i as u32 + 1, line) {
                    out.rules.push(rule);
                }
            }
        }
        out
    }

    /// The rule that decides whether the file `path` is ignored: an ignoring rule (on the file
    /// or one of its directories), a negating rule that re-includes it, or None (not matched).
    pub(crate) fn decide(&self, path: &str) -> Option<&Rule> {
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash;
            if let Some(rule) = self.last_match(&path[..end], true)
                && !rule.negated
            {
                return Some(rule);
            }
            end += 1;
        }
        self.last_match(path, false)
    }

    #[cfg(test)]
    pub(crate) fn is_ignored(&self, path: &str) -> bool {
        self.decide(path).is_some_and(|r| !r.negated)
    }

    fn last_match(&self, path: &str, is_dir: bool) -> Option<&Rule> {
        self.rules.iter().rev().find(|rule| {
            (is_dir || !rule.dir_only)
                && path
                    .strip_prefix(rule.base.as_str())
                    .is_some_and(|rel| rule.regex.is_match(rel))
        })
    }
}

impl Rule {
    fn parse(source: &str, base: &str, line: u32, text: &str) -> Option<Rule> {
        let mut pattern = trim_unescaped_trailing_spaces(text.trim_end_matches('\r'));
        if pattern.is_empty() || pattern.starts_with('#') {
            return None;
        }
        let negated = pattern.starts_with('!');
        if negated {
            pattern = &pattern[1..];
        }
        if pattern.starts_with("\\#") || pattern.starts_with("\\!") {
            pattern = &pattern[1..];
        }
        let dir_only = pattern.ends_with('/');
        let pattern = pattern.trim_end_matches('/');
        if pattern.is_empty() {
            return None;
        }
        let anchored = pattern.contains('/');
        let pattern = pattern.strip_prefix('/').unwrap_or(pattern);
        let glob = glob_to_regex(pattern);
        let full = if anchored {
            format!("^{glob}$")
        } else {
            format!("^(?:.*/)?{glob}$")
        };
        Some(Rule {
            source: source.to_string(),
            line,
            raw: text.trim().to_string(),
            negated,
            dir_only,
            base: base.to_string(),
            regex: Regex::new(&full).ok()?,
        })
    }
}

fn trim_unescaped_trailing_spaces(s: &str) -> &str {
    let trimmed = s.trim_end_matches(' ');
    if trimmed.ends_with('\\') && trimmed.len() < s.len() {
        &s[..trimmed.len() + 1]
    } else {
        trimmed
    }
}

/// Translates a gitignore glob into a regex body matching `/`-separated relative paths.
fn glob_to_regex(glob: &str) -> String {
    let chars: Vec<char> = glob.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at_segment_start = i == 0 || chars[i - 1] == '/';
        match c {
            '*' if at_segment_start && chars.get(i + 1) == Some(&'*') => {
                match chars.get(i + 2) {
                    Some('/') => {
                        out.push_str("(?:.*/)?");
                        i += 3;
                    }
                    None => {
                        out.push_str(".*");
                        i += 2;
                    }
                    // `**x` is two ordinary stars.
                    Some(_) => {
                        out.push_str("[^/]*");
                        i += 2;
                    }
                }
                continue;
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '[' => match class_end(&chars, i) {
                Some(end) => {
                    out.push('[');
                    let mut j = i + 1;
                    if matches!(chars.get(j), Some('!') | Some('^')) {
                        out.push('^');
                        j += 1;
                    }
                    for &k in &chars[j..end] {
                        if matches!(k, '\\' | '[' | ']' | '^' | '&' | '~') {
                            out.push('\\');
                        }
                        out.push(k);
                    }
                    out.push(']');
                    i = end;
                }
                None => out.push_str("\\["),
            },
            '\\' => {
                if let Some(&next) = chars.get(i + 1) {
                    out.push_str(&regex::escape(&next.to_string()));
                    i += 1;
                }
            }
            _ => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    out
}

/// Index of the `]` closing the class opened at `start`, if any (a `]` right after `[` or
/// `[!` is a member, not the end).
fn class_end(chars: &[char], start: usize) -> Option<usize> {
    let mut j = start + 1;
    if matches!(chars.get(j), Some('!') | Some('^')) {
        j += 1;
    }
    if chars.get(j) == Some(&']') {
        j += 1;
    }
    (j..chars.len()).find(|&k| chars[k] == ']')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gi(files: &[(&str, &str)]) -> GitIgnore {
        let owned: Vec<(String, String)> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        GitIgnore::from_sources(&owned)
    }

    #[test]
    fn common_env_patterns() {
        let g = gi(&[(".gitignore", "# secrets\n.env\n")]);
        assert!(g.is_ignored(".env"));
        assert!(g.is_ignored("api/.env"));
        assert!(!g.is_ignored(".env.local"));

        let g = gi(&[(".gitignore", ".env*\n!.env.example\n")]);
        assert!(g.is_ignored(".env.production"));
        assert!(g.is_ignored("svc/.env"));
        assert!(!g.is_ignored(".env.example"));
        assert!(g.decide(".env.example").unwrap().negated);

        let g = gi(&[(".gitignore", "*.env\n")]);
        assert!(g.is_ignored(".env"));
        assert!(g.is_ignored("deploy/prod.env"));
        assert!(!g.is_ignored(".env.local"));

        let g = gi(&[(".gitignore", "/.env\n")]);
        assert!(g.is_ignored(".env"));
        assert!(!g.is_ignored("api/.env"));

        let g = gi(&[(".gitignore", "**/.env\n.env.*.local\n")]);
        assert!(g.is_ignored("a/b/.env"));
        assert!(g.is_ignored(".env.development.local"));
    }

    #[test]
    fn directories_and_anchoring() {
        let g = gi(&[(".gitignore", "config/.env\nsecrets/\nbuild\n")]);
        assert!(g.is_ignored("config/.env"));
        assert!(!g.is_ignored("app/config/.env"));
        assert!(g.is_ignored("secrets/.env"));
        assert!(g.is_ignored("a/secrets/x.key"));
        // `secrets/` only matches directories, never a file named `secrets`.
        assert!(!g.is_ignored("secrets"));
        assert!(g.is_ignored("build/out.txt"));
        // A directory-only pattern spelled `.env/` does not cover the file `.env`.
        let g = gi(&[(".gitignore", ".env/\n")]);
        assert!(!g.is_ignored(".env"));
    }

    #[test]
    fn excluded_directory_cannot_be_reincluded() {
        let g = gi(&[(".gitignore", "conf/\n!conf/.env.example\n")]);
        assert!(g.is_ignored("conf/.env.example"));
        let g = gi(&[(".gitignore", "conf/*\n!conf/.env.example\n")]);
        assert!(!g.is_ignored("conf/.env.example"));
    }

    #[test]
    fn nested_gitignore_applies_below_its_directory() {
        let g = gi(&[
            (".gitignore", "node_modules/\n"),
            ("services/api/.gitignore", ".env\n"),
        ]);
        assert!(g.is_ignored("services/api/.env"));
        assert!(!g.is_ignored("services/web/.env"));
        let rule = g.decide("services/api/config/.env").unwrap();
        assert_eq!(
            (rule.source.as_str(), rule.line),
            ("services/api/.gitignore", 1)
        );
        // A deeper file overrides the root.
        let g = gi(&[
            (".gitignore", "*.env\n"),
            ("web/.gitignore", "!public.env\n"),
        ]);
        assert!(!g.is_ignored("web/public.env"));
        assert!(g.is_ignored("api/public.env"));
    }

    #[test]
    fn globs_classes_and_escapes() {
        let g = gi(&[(
            ".gitignore",
            "\\#notes\n*.[oa]\nlog?.txt\n[!x]y\nfoo/**/bar\ndocs/**\n\\!important \n",
        )]);
        assert!(g.is_ignored("#notes"));
        assert!(g.is_ignored("lib.a"));
        assert!(!g.is_ignored("lib.c"));
        assert!(g.is_ignored("log1.txt"));
        assert!(!g.is_ignored("log10.txt"));
        assert!(g.is_ignored("ay"));
        assert!(!g.is_ignored("xy"));
        assert!(g.is_ignored("foo/bar"));
        assert!(g.is_ignored("foo/a/b/bar"));
        assert!(g.is_ignored("docs/a/b.md"));
        assert!(g.is_ignored("!important"));
        // A broken class is a literal `[`.
        let g = gi(&[(".gitignore", "a[b\n")]);
        assert!(g.is_ignored("a[b"));
    }
}
