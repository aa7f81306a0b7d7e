//! Process items: work done by people ("Schedule the launch review meeting", "Notify customer
//! support"), which no control can prove: they are manual even when they mention a technical
//! word ("Demo the new dashboard to leadership").

use super::words::normalise;
use std::sync::OnceLock;

/// Phrases (as people write them) that mark an item as people or process work.
const PROCESS_PHRASES: &[&str] = &[
    "meeting",
    "notify",
    "announce",
    "announcement",
    "stakeholder",
    "customer support",
    "support team",
    "support staff",
    "legal",
    "marketing",
    "sales",
    "training",
    "train",
    "hire",
    "onboard",
    "budget",
    "contract",
    "vendor",
    "press release",
    "blog post",
    "communicate",
    "communication",
    "signoff",
    "approval",
    "approve",
    "kickoff",
    "handover",
    "handoff",
    "email",
    "calendar",
    "invite",
    "demo",
    "celebrate",
    "retrospective",
    "retro",
    "interview",
    "procurement",
    "purchase",
    "finance",
    "invoice",
    "translate",
    "office hours",
    "staffed",
    "leadership",
    "executive",
    "newsletter",
    "release notes",
    "changelog",
    "agreement",
    "pilot customers",
];

/// Process words that stopwords would cut down to a technical word ("sign-off" → "sign").
const RAW_PROCESS_PHRASES: &[&str] = &["sign-off", "sign off", "signoff", "go/no-go", "go-no-go"];

fn phrases() -> &'static [Vec<String>] {
    static CANONICAL: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    CANONICAL.get_or_init(|| {
        PROCESS_PHRASES
            .iter()
            .map(|p| normalise(p))
            .filter(|p| !p.is_empty())
            .collect()
    })
}

/// Whether the item describes people or process work.
pub fn is_process_item(text: &str) -> bool {
    let lower = text.to_lowercase();
    if RAW_PROCESS_PHRASES.iter().any(|p| lower.contains(p)) {
        return true;
    }
    let words = normalise(text);
    phrases()
        .iter()
        .any(|p| words.windows(p.len()).any(|w| w == p.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::is_process_item;

    #[test]
    fn people_work_is_process() {
        assert!(is_process_item("Schedule the launch review meeting"));
        assert!(is_process_item("Notify customer support"));
        assert!(is_process_item(
            "Get legal sign-off on the data retention policy"
        ));
    }

    #[test]
    fn technical_items_are_not() {
        assert!(!is_process_item(
            "Add a healthcheck to every compose service"
        ));
        assert!(!is_process_item(
            "Rate limit /upload to 30 requests per hour per partner"
        ));
    }
}
