//! The scanner's hits grouped the way people act on them: one secret (rule + value
//! fingerprint) with every place it appears, each place labelled with where it sits (tracked
//! or untracked, test file, docs, env file, example file).

use std::collections::BTreeMap;
use vouch_workspace::Workspace;
use vouch_workspace::facts::paths::{file_name, lowercase};
use vouch_workspace::secrets::{Category, ruleset};

pub struct Place {
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// Length of the secret in bytes (to redact it in the quoted line).
    pub len: usize,
    pub context: &'static str,
}

/// The place's line with the secret replaced by its redacted form.
pub fn redacted_line(ws: &Workspace, place: &Place, redacted: &str) -> Option<String> {
    let src = ws.text(&place.path)?;
    let line = src.line(place.line as usize);
    let start = line
        .char_indices()
        .nth(place.column as usize - 1)
        .map(|(i, _)| i)?;
    let end = (start + place.len).min(line.len());
    if !line.is_char_boundary(end) {
        return None;
    }
    Some(format!("{}{redacted}{}", &line[..start], &line[end..]))
}

pub struct GroupedSecret {
    pub rule: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub redacted: String,
    pub fingerprint: String,
    pub places: Vec<Place>,
}

/// `*.example`, `*.sample`, `*.template`, `.env.example`, `example.env`: files that show the
/// shape of a configuration; values there are at most informational.
pub fn is_example_file(path: &str) -> bool {
    // Asked of every file: no allocation unless the name has upper-case letters.
    let name = lowercase(file_name(path));
    [".example", ".sample", ".template", ".dist", ".tmpl"]
        .iter()
        .any(|s| {
            name.ends_with(s)
                || name
                    .match_indices(s)
                    .any(|(at, _)| name[at + s.len()..].starts_with('.'))
        })
        || name.starts_with("example.")
        || name.starts_with("sample.")
}

fn context(ws: &Workspace, path: &str) -> &'static str {
    vouch_workspace::place_label(ws.is_tracked(path), path)
}

/// Every secret, grouped by fingerprint; `include` decides per path which hits count.
pub fn grouped(ws: &Workspace, include: impl Fn(&str) -> bool) -> Vec<GroupedSecret> {
    let set = ruleset();
    let mut groups: BTreeMap<String, GroupedSecret> = BTreeMap::new();
    for file in ws.secrets.iter().filter(|f| include(&f.path)) {
        for hit in &file.hits {
            let Some(rule) = set.rule(hit.rule) else {
                continue;
            };
            let group = groups
                .entry(hit.fingerprint.clone())
                .or_insert_with(|| GroupedSecret {
                    rule: rule.id,
                    title: rule.title,
                    category: rule.category,
                    redacted: hit.redacted.clone(),
                    fingerprint: hit.fingerprint.clone(),
                    places: Vec::new(),
                });
            group.places.push(Place {
                path: file.path.clone(),
                line: hit.line,
                column: hit.column,
                len: hit.span.len(),
                context: context(ws, &file.path),
            });
        }
    }
    let mut out: Vec<GroupedSecret> = groups.into_values().collect();
    out.sort_by(|a, b| {
        (&a.places[0].path, a.places[0].line).cmp(&(&b.places[0].path, b.places[0].line))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_files_are_recognised() {
        for p in [
            ".env.example",
            "config/app.yaml.sample",
            "deploy/values.template",
            "example.env",
            "settings.py.dist",
        ] {
            assert!(is_example_file(p), "{p}");
        }
        for p in [".env", "src/examples.py", "config/app.yaml"] {
            assert!(!is_example_file(p), "{p}");
        }
    }
}
