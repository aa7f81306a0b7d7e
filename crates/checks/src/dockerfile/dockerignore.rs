//! `.dockerignore` matching with Docker's rules: patterns relative to the context root,
//! `*`/`?`/`**`, `!` re-includes, the last matching pattern wins, and a pattern matching a
//! directory excludes everything under it.

use regex::Regex;

pub(crate) struct IgnoreRules {
    rules: Vec<(Regex, bool)>,
}

impl IgnoreRules {
    pub fn parse(text: &str) -> IgnoreRules {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (negated, pattern) = match line.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, line),
            };
            let pattern = clean(pattern);
            if pattern.is_empty() {
                continue;
            }
            if let Ok(re) = Regex::new(&to_regex(&pattern)) {
                rules.push((re, negated));
            }
        }
        IgnoreRules { rules }
    }

    /// Extra exclusions from `COPY --exclude=PATTERN`.
    pub fn with_excludes(mut self, patterns: &[String]) -> IgnoreRules {
        for p in patterns {
            if let Ok(re) = Regex::new(&to_regex(&clean(p))) {
                self.rules.push((re, false));
            }
        }
        self
    }

    /// Whether `path` (relative to the context root) stays out of the build context.
    pub fn excludes(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let mut excluded = false;
        for (re, negated) in &self.rules {
            if *negated != excluded {
                continue;
            }
            let hit =
                re.is_match(path) || (1..parts.len()).any(|n| re.is_match(&parts[..n].join("/")));
            if hit {
                excluded = !negated;
            }
        }
        excluded
    }
}

fn clean(pattern: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in pattern.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn to_regex(pattern: &str) -> String {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                if chars.get(i + 1) == Some(&'/') {
                    i += 1;
                }
                re.push_str(if i + 1 >= chars.len() { ".*" } else { "(.*/)?" });
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '\\' if i + 1 < chars.len() => {
                i += 1;
                re.push_str(&regex::escape(&chars[i].to_string()));
            }
            c @ ('.' | '+' | '(' | ')' | '|' | '{' | '}' | '$') => {
                re.push('\\');
                re.push(c);
            }
            c => re.push(c),
        }
        i += 1;
    }
    re.push('$');
    re
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_semantics() {
        let r = IgnoreRules::parse("# vcs\n.git\n**/.env\n*.env\nnode_modules/\n!keep.env\n");
        assert!(r.excludes(".git"));
        assert!(r.excludes(".git/HEAD"));
        assert!(r.excludes(".env"));
        assert!(r.excludes("config/.env"));
        assert!(r.excludes("prod.env"));
        assert!(!r.excludes("keep.env"));
        assert!(r.excludes("node_modules/x/y.js"));
        assert!(!r.excludes("src/app.py"));
        let allow = IgnoreRules::parse("*\n!src\n!package.json\n");
        assert!(allow.excludes(".git") && allow.excludes(".env"));
        assert!(!allow.excludes("src/index.ts"));
        let partial = IgnoreRules::parse("/.git/\n.env.*\n");
        assert!(partial.excludes(".git"));
        assert!(!partial.excludes(".env"));
    }
}
