//! All files' facts, linked, with the lookups controls need.

use crate::model::{ConfigValue, Fact, FileCode, Language, Route, Value};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct CodeIndex {
    /// Sorted by path.
    pub files: Vec<FileCode>,
    config: HashMap<String, Vec<(usize, usize)>>,
}

impl CodeIndex {
    /// Links the files (language passes, then mounts and guards) and indexes config values.
    pub fn build(mut files: Vec<FileCode>) -> CodeIndex {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        crate::lang::link(&mut files);
        crate::link::apply(&mut files);
        let mut config: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (fi, file) in files.iter().enumerate() {
            for (ci, value) in file.config.iter().enumerate() {
                config.entry(value.name.clone()).or_default().push((fi, ci));
            }
        }
        CodeIndex { files, config }
    }

    /// Every route of every file, in path then line order.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.files.iter().flat_map(|f| f.routes.iter())
    }

    /// Every fact with the file it was found in.
    pub fn facts(&self) -> impl Iterator<Item = (&FileCode, &Fact)> {
        self.files
            .iter()
            .flat_map(|f| f.facts.iter().map(move |fact| (f, fact)))
    }

    /// Files in a language (`None`: every parsed file).
    pub fn files_in(&self, language: Option<Language>) -> impl Iterator<Item = &FileCode> {
        self.files
            .iter()
            .filter(move |f| language.is_none() || f.language == language)
    }

    /// Definitions of a setting or constant by its normalised name.
    pub fn config(&self, name: &str) -> impl Iterator<Item = (&FileCode, &ConfigValue)> {
        self.config
            .get(&name.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .map(|&(fi, ci)| (&self.files[fi], &self.files[fi].config[ci]))
    }

    /// Follows `Value::Config` through settings and constants (up to a few hops) to the value
    /// that defines it. When several definitions exist the first literal-bearing one wins.
    pub fn resolve(&self, value: &Value) -> Value {
        let mut current = value.clone();
        for _ in 0..8 {
            let Value::Config(name) = &current else {
                return current;
            };
            let Some((_, def)) = self
                .config(name)
                .find(|(_, c)| !matches!(c.value, Value::Config(ref n) if n == name))
            else {
                return current;
            };
            current = def.value.clone();
        }
        current
    }

    /// Whether any non-skipped source file was parsed.
    pub fn has_code(&self) -> bool {
        self.files.iter().any(|f| f.skipped.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pos;

    #[test]
    fn resolves_config_across_files() {
        let files = vec![
            FileCode {
                path: "settings.py".into(),
                config: vec![ConfigValue {
                    name: "cors_origins".into(),
                    value: Value::Env {
                        name: "CORS_ORIGINS".into(),
                        default: Some("*".into()),
                    },
                    at: Pos { line: 3, column: 1 },
                }],
                ..FileCode::default()
            },
            FileCode {
                path: "consts.py".into(),
                config: vec![ConfigValue {
                    name: "origins".into(),
                    value: Value::Config("cors_origins".into()),
                    at: Pos { line: 1, column: 1 },
                }],
                ..FileCode::default()
            },
        ];
        let index = CodeIndex::build(files);
        assert_eq!(
            index.resolve(&Value::Config("ORIGINS".to_lowercase())),
            Value::Env {
                name: "CORS_ORIGINS".into(),
                default: Some("*".into())
            }
        );
        assert_eq!(
            index.resolve(&Value::Config("nope".into())),
            Value::Config("nope".into())
        );
    }
}
