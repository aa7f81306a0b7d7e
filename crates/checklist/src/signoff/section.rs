//! Which items a `--section` names: a heading equal to it (ignoring case), else headings that
//! start with it as whole words ("Stage 3" names "Stage 3: Security", not "Stage 30").

use super::SignoffError;
use crate::verify::ItemReport;

/// The heading path of the named section and the items under it.
pub fn select_section<'a>(
    items: &'a [ItemReport],
    wanted: &str,
) -> Result<(Vec<String>, Vec<&'a ItemReport>), SignoffError> {
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return Err(SignoffError::Section("--section is empty".into()));
    }
    let mut exact: Vec<Vec<String>> = Vec::new();
    let mut prefixed: Vec<Vec<String>> = Vec::new();
    for item in items {
        for depth in 0..item.section.len() {
            let heading = &item.section[depth];
            let path = item.section[..=depth].to_vec();
            let list = if heading.trim().eq_ignore_ascii_case(wanted) {
                &mut exact
            } else if starts_with_words(heading, wanted) {
                &mut prefixed
            } else {
                continue;
            };
            if !list.contains(&path) {
                list.push(path);
            }
        }
    }
    let candidates = if exact.is_empty() { prefixed } else { exact };
    match candidates.len() {
        0 => {
            let mut headings: Vec<&str> = items
                .iter()
                .flat_map(|i| i.section.iter().map(String::as_str))
                .collect();
            headings.dedup();
            headings.sort_unstable();
            headings.dedup();
            Err(SignoffError::Section(format!(
                "no section \"{wanted}\" in the checklist; sections: {}",
                if headings.is_empty() {
                    "(none)".to_string()
                } else {
                    headings.join(" | ")
                }
            )))
        }
        1 => {
            let path = candidates.into_iter().next().unwrap_or_default();
            let covered = items
                .iter()
                .filter(|i| i.section.starts_with(&path))
                .collect();
            Ok((path, covered))
        }
        _ => Err(SignoffError::Section(format!(
            "\"{wanted}\" names several sections: {}; give the full heading",
            candidates
                .iter()
                .map(|p| p.join(" > "))
                .collect::<Vec<_>>()
                .join(" | ")
        ))),
    }
}

fn starts_with_words(heading: &str, wanted: &str) -> bool {
    let heading = heading.trim().to_lowercase();
    let wanted = wanted.to_lowercase();
    heading
        .strip_prefix(&wanted)
        .is_some_and(|rest| rest.chars().next().is_some_and(|c| !c.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::verify::{MappingSource, Verdict};

    fn item(id: &str, section: &[&str]) -> ItemReport {
        ItemReport {
            line: 1,
            id: id.into(),
            text: "t".into(),
            section: section.iter().map(|s| s.to_string()).collect(),
            priority: None,
            status_in_doc: Status::Open,
            verdict: Verdict::Manual,
            confidence: 0.0,
            mapping: MappingSource::None,
            controls: Vec::new(),
            evidence: Vec::new(),
            reason: None,
            targets: Vec::new(),
            measured: Vec::new(),
            live_not_checked: Vec::new(),
            signed_off_by: None,
        }
    }

    fn items() -> Vec<ItemReport> {
        vec![
            item("a", &["PRR", "Stage 3: Security", "Pen tests"]),
            item("b", &["PRR", "Stage 3: Security"]),
            item("c", &["PRR", "Stage 30: Later"]),
            item("d", &["PRR", "Stage 4"]),
        ]
    }

    #[test]
    fn prefix_names_the_section_and_its_subsections_by_whole_words() {
        let items = items();
        let (path, covered) = select_section(&items, "stage 3").unwrap();
        assert_eq!(path, ["PRR", "Stage 3: Security"]);
        let ids: Vec<_> = covered.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn exact_heading_wins_and_unknown_or_ambiguous_names_are_errors() {
        let items = items();
        let (path, _) = select_section(&items, "Stage 4").unwrap();
        assert_eq!(path, ["PRR", "Stage 4"]);
        let err = select_section(&items, "Stage 9").unwrap_err().to_string();
        assert!(
            err.contains("no section \"Stage 9\"") && err.contains("Stage 4"),
            "{err}"
        );
        let err = select_section(&items, "Stage").unwrap_err().to_string();
        assert!(err.contains("names several sections"), "{err}");
    }
}
