//! All files' facts, linked, with the lookups controls need.

use crate::model::{ConfigValue, Fact, FactKind, FileCode, Language, Route, Value};
use crate::parse::{Deferred, extract_config};
use aho_corasick::AhoCorasickBuilder;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// How many rounds of on-demand config reading follow a chain of settings across files.
const MAX_DEFERRED_HOPS: usize = 4;

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

    /// Like [`CodeIndex::build`], with files whose only trigger words were config reads
    /// (`deferred`): when a setting named by a fact (directly or through other settings) does
    /// not resolve, the
    /// deferred files whose text names it (any case) are read with `read`, parsed in parallel,
    /// and their config values added; this repeats along the chain for a few hops. Most
    /// repositories resolve everything from the eagerly parsed files and read none.
    pub fn build_lazy(
        mut files: Vec<FileCode>,
        mut deferred: Vec<Deferred>,
        read: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    ) -> CodeIndex {
        for _ in 0..MAX_DEFERRED_HOPS {
            if deferred.is_empty() {
                break;
            }
            let missing = unresolved_names(&files);
            if missing.is_empty() {
                break;
            }
            let Ok(names) = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(&missing)
            else {
                break;
            };
            let loaded: Vec<Option<FileCode>> = deferred
                .par_iter()
                .map(|d| {
                    let src = read(&d.path)?;
                    names.is_match(&src).then(|| extract_config(d, &src))
                })
                .collect();
            let mut rest = Vec::with_capacity(deferred.len());
            let mut added = false;
            for (d, file) in deferred.into_iter().zip(loaded) {
                match file {
                    Some(file) => {
                        added = true;
                        files.push(file);
                    }
                    None => rest.push(d),
                }
            }
            deferred = rest;
            if !added {
                break;
            }
        }
        CodeIndex::build(files)
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

    /// Follows `Value::Config` through settings and constants, and Spring property references
    /// (`Value::Env` with a dotted name) through configuration files, up to a few hops, to the
    /// value that defines it. When several definitions exist the first literal-bearing one wins.
    pub fn resolve(&self, value: &Value) -> Value {
        let mut current = value.clone();
        for _ in 0..8 {
            if let Value::Env { name, .. } = &current
                && name.contains('.')
            {
                // A Spring property (`@Value("${app.cors.origins:*}")`): the configuration
                // file's value wins over the default written beside the reference.
                let key = crate::lang::java::properties::canonical_key(name);
                let file_value = self.config(&key).find(|(f, _)| f.language.is_none());
                match file_value.or_else(|| self.config(&key).next()) {
                    Some((_, def)) => {
                        current = def.value.clone();
                        continue;
                    }
                    None => return current,
                }
            }
            let Value::Config(name) = &current else {
                return current;
            };
            // A configuration file's definition (no language) wins over a default in code.
            let defs = || {
                self.config(name)
                    .filter(|(_, c)| !matches!(c.value, Value::Config(ref n) if n == name))
            };
            let Some((_, def)) = defs()
                .find(|(f, _)| f.language.is_none())
                .or_else(|| defs().next())
            else {
                return current;
            };
            current = def.value.clone();
        }
        current
    }

    /// Whether any non-skipped source file was parsed (configuration files such as Spring's
    /// `application.yml` are not source).
    pub fn has_code(&self) -> bool {
        self.source_files().next().is_some()
    }

    /// Parsed (not skipped) source files.
    pub fn source_files(&self) -> impl Iterator<Item = &FileCode> {
        self.files
            .iter()
            .filter(|f| f.skipped.is_none() && f.language.is_some())
    }
}

/// Settings named by facts (`Value::Config`) that no config value of `files` defines, following
/// chains of settings (sorted, deduplicated).
fn unresolved_names(files: &[FileCode]) -> Vec<String> {
    let mut defined: HashMap<&str, &Value> = HashMap::new();
    for value in files.iter().flat_map(|f| &f.config) {
        let own = matches!(&value.value, Value::Config(n) if *n == value.name);
        if !own {
            defined.entry(value.name.as_str()).or_insert(&value.value);
        }
    }
    // Only settings a fact uses: seeding from every config value would chase names such as
    // `timeout` through every deferred file for values nothing consumes.
    let used = files
        .iter()
        .flat_map(|f| f.facts.iter().filter_map(|fact| fact_value(&fact.kind)));
    let mut missing = BTreeSet::new();
    for value in used {
        let mut current = value;
        for _ in 0..8 {
            let Value::Config(name) = current else {
                break;
            };
            match defined.get(name.as_str()) {
                Some(next) => current = next,
                None => {
                    missing.insert(name.clone());
                    break;
                }
            }
        }
    }
    missing.into_iter().filter(|n| !n.is_empty()).collect()
}

/// The setting-bearing value of a fact, when it has one.
fn fact_value(kind: &FactKind) -> Option<&Value> {
    match kind {
        FactKind::CorsPolicy { origins, .. } => Some(origins),
        _ => None,
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

    #[test]
    fn spring_properties_win_over_defaults_in_code() {
        let at = Pos { line: 1, column: 1 };
        let value = |name: &str, value: Value| ConfigValue {
            name: name.into(),
            value,
            at,
        };
        let files = vec![
            // `@ConfigurationProperties(prefix = "app.cors")` with a default, and a `@Value`.
            FileCode {
                path: "src/main/java/com/acme/CorsProperties.java".into(),
                language: Some(Language::Java),
                config: vec![
                    value("origins", Value::Config("app.cors.origins".into())),
                    value("app.cors.origins", Value::List(vec!["*".into()])),
                    value(
                        "allowed",
                        Value::Env {
                            name: "app.cors.allowed-origins".into(),
                            default: Some("*".into()),
                        },
                    ),
                ],
                ..FileCode::default()
            },
            FileCode {
                path: "src/main/resources/application.yml".into(),
                config: vec![
                    value(
                        "app.cors.origins",
                        Value::Literal("https://shop.example.com".into()),
                    ),
                    value(
                        "app.cors.allowedorigins",
                        Value::Literal("https://admin.example.com".into()),
                    ),
                ],
                ..FileCode::default()
            },
        ];
        let index = CodeIndex::build(files);
        assert_eq!(
            index.resolve(&Value::Config("origins".into())),
            Value::Literal("https://shop.example.com".into())
        );
        assert_eq!(
            index.resolve(&Value::Config("allowed".into())),
            Value::Literal("https://admin.example.com".into())
        );
        // No definition anywhere: the reference and its default stay as written.
        let index = CodeIndex::build(vec![]);
        assert_eq!(
            index.resolve(&Value::Env {
                name: "app.cors.other".into(),
                default: Some("*".into())
            }),
            Value::Env {
                name: "app.cors.other".into(),
                default: Some("*".into())
            }
        );
    }
}
