//! The items of a `vouch.checklist/v1` report as the server keeps them per run: id, heading
//! path, text, verdict and whether the document ticks it. Read once at upload, stored in the
//! run's transaction (`checklist_items`), so history and sign-offs never unpack old reports.
//! Texts are bounded, generously: a signed item's text must survive whole to be compared.

use crate::webhooks::signals::{bounded_text, strings};
use serde::Serialize;
use serde_json::{Map, Value};

/// Longest text kept per field.
const MAX_TEXT: usize = 4_000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChecklistItems {
    /// The checklist's path, normalised (see [`checklist_name`]).
    pub checklist: String,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: String,
    pub section: Vec<String>,
    pub text: String,
    pub verdict: String,
    /// The document ticks the item (`status_in_doc` is `done`).
    pub claimed: bool,
}

/// The items of a checklist report; items without an id cannot have a history and are left out.
pub fn of_report(doc: &Map<String, Value>) -> ChecklistItems {
    let items = doc
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|item| Item {
            id: text(item.get("id")),
            section: strings(item.get("section"), MAX_TEXT),
            text: text(item.get("text")),
            verdict: text(item.get("verdict")),
            claimed: item.get("status_in_doc").and_then(Value::as_str) == Some("done"),
        })
        .filter(|item| !item.id.is_empty())
        .collect();
    ChecklistItems {
        checklist: checklist_name(&text(doc.get("checklist"))),
        items,
    }
}

/// A checklist path as sign-offs name it: `/`-separated, without a leading `./`, so the path a
/// report was given on the command line matches the repository-relative one a sign-off signs.
pub fn checklist_name(path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_string()
}

fn text(value: Option<&Value>) -> String {
    bounded_text(value, MAX_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_with_ids_are_read_with_their_claim() {
        let doc = json!({
            "checklist": "./docs/launch.md",
            "items": [
                {"id": "L-1", "text": "Runs as non-root", "section": ["Launch", "Security"],
                 "verdict": "done", "status_in_doc": "done"},
                {"id": "L-2", "text": "Runbook", "section": ["Launch"], "verdict": "manual",
                 "status_in_doc": "open"},
                {"text": "no id", "verdict": "manual"}
            ]
        });
        let got = of_report(doc.as_object().unwrap());
        assert_eq!(got.checklist, "docs/launch.md");
        assert_eq!(got.items.len(), 2);
        assert_eq!(got.items[0].section, ["Launch", "Security"]);
        assert!(got.items[0].claimed && !got.items[1].claimed);
        assert_eq!(got.items[1].verdict, "manual");
    }

    #[test]
    fn long_texts_are_kept_whole_up_to_the_bound() {
        let long = "x".repeat(3_000);
        let doc = json!({"items": [{"id": "L-1", "text": long, "verdict": "done"}]});
        assert_eq!(of_report(doc.as_object().unwrap()).items[0].text, long);
    }

    #[test]
    fn checklist_names_are_normalised() {
        assert_eq!(checklist_name("././prr.md"), "prr.md");
        assert_eq!(checklist_name(r"docs\prr.md"), "docs/prr.md");
    }
}
