//! Every YAML file of the project, including those the workspace did not keep (it keeps only
//! YAML with a known role or shape; Sloth SLOs, Artillery scripts or Fluent Bit YAML configs
//! have none of those keys).

use std::collections::HashSet;
use std::sync::Arc;
use vouch_workspace::facts::YAML_WORDS;
use vouch_workspace::yaml::parse_str;
use vouch_workspace::{FileKind, SourceText, Workspace, YamlDoc, YamlError, YamlRole};

/// Largest un-kept YAML file read (configuration, not data dumps).
const MAX_OTHER_YAML: u64 = 1024 * 1024;

/// Paths of the YAML files the workspace did not keep (their text is read on demand, so
/// large trees of data YAML never sit in memory).
struct OtherYaml {
    paths: Vec<String>,
}

fn other_yaml(ws: &Workspace) -> Arc<OtherYaml> {
    ws.cached(|ws| {
        let kept: HashSet<&str> = ws.yaml.iter().map(|y| y.path.as_str()).collect();
        let paths = ws
            .files_of(FileKind::Yaml)
            .filter(|f| !f.class.vendored() && f.size <= MAX_OTHER_YAML)
            .filter(|f| !f.binary && !kept.contains(f.rel.as_str()))
            .map(|f| f.rel.clone())
            .collect();
        OtherYaml { paths }
    })
}

/// One YAML file as seen by a visitor.
pub struct YamlView<'a> {
    pub text: &'a SourceText,
    pub docs: &'a Result<Vec<YamlDoc>, YamlError>,
    /// The workspace's role, when it kept the file.
    pub role: Option<YamlRole>,
}

impl YamlView<'_> {
    pub fn path(&self) -> &str {
        &self.text.path
    }
    pub fn docs(&self) -> &[YamlDoc] {
        self.docs.as_deref().unwrap_or(&[])
    }
}

/// Calls `visit` for every YAML file (kept or not, vendored excluded) whose text contains any
/// of `needles` (all files when `needles` is empty). Un-kept files are parsed on demand.
pub fn for_each_yaml(ws: &Workspace, needles: &[&str], visit: impl FnMut(&YamlView<'_>)) {
    let wanted = |has: &dyn Fn(&str) -> bool| needles.is_empty() || needles.iter().any(|n| has(n));
    for_each_yaml_where(ws, wanted, visit);
}

/// Calls `visit` for every YAML file (kept or not, vendored excluded) whose text satisfies
/// `wanted`, which asks `has(word)` ("does the text contain `word`?"). Un-kept files are
/// read and parsed only when `wanted` holds: for them, the walk recorded which of
/// `vouch_workspace::facts::YAML_WORDS` they contain; any other word makes this read the file.
pub fn for_each_yaml_where(
    ws: &Workspace,
    wanted: impl Fn(&dyn Fn(&str) -> bool) -> bool,
    mut visit: impl FnMut(&YamlView<'_>),
) {
    for y in &ws.yaml {
        if super::paths::is_vendored(&y.path) || !wanted(&|w: &str| y.text.text.contains(w)) {
            continue;
        }
        visit(&YamlView {
            text: &y.text,
            docs: &y.docs,
            role: Some(y.role),
        });
    }
    for path in &other_yaml(ws).paths {
        if let Some(mask) = ws.facts.unkept_yaml_words(path) {
            let unknown_word = std::cell::Cell::new(false);
            let has = |w: &str| match YAML_WORDS.iter().position(|k| *k == w) {
                Some(i) => mask & (1 << i) != 0,
                None => {
                    unknown_word.set(true);
                    true
                }
            };
            if !wanted(&has) && !unknown_word.get() {
                continue;
            }
        }
        let Some(text) = ws.text(path) else {
            continue;
        };
        if !wanted(&|w: &str| text.text.contains(w)) {
            continue;
        }
        let docs = parse_str(&text.text);
        visit(&YamlView {
            text: &text,
            docs: &docs,
            role: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use vouch_workspace::facts::{YAML_WORDS, yaml_words};

    #[test]
    fn words_of_a_file() {
        assert!(YAML_WORDS.contains(&"steady-state-hypothesis"));
        assert_eq!(yaml_words("pipelines:\n  logs:"), 1 << 10 | 1 << 15);
    }
}
