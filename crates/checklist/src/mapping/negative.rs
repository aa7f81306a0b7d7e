//! Negative phrasing: the item names a problem to remove ("Remove hardcoded credentials",
//! "Fix SQL injection", "No secrets in the repo", "Final image does not run as root"). It maps
//! like the positive phrasing; the flag tells readers how the claim was worded.

/// Verbs that start an item about removing a problem.
const REMOVAL_VERBS: &[&str] = &[
    "remove",
    "fix",
    "stop",
    "eliminate",
    "avoid",
    "prevent",
    "patch",
    "resolve",
    "delete",
    "disable",
    "purge",
    "forbid",
    "block",
    "reject",
    "ban",
    "kill",
    "mitigate",
    "close",
];

/// Words that start an item stating an absence.
const ABSENCE_WORDS: &[&str] = &["no", "never", "zero", "nothing", "don't", "dont", "without"];

/// Whether the (markup-free, lower-case) item is phrased as removing or fixing a problem.
pub fn is_negative(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    if first == "get" && words.get(1).is_some_and(|w| w == "rid") {
        return true;
    }
    if REMOVAL_VERBS.contains(&first.as_str()) || ABSENCE_WORDS.contains(&first.as_str()) {
        return true;
    }
    words.windows(2).any(|w| {
        matches!(
            w[0].as_str(),
            "does" | "do" | "must" | "should" | "will" | "can" | "is" | "are"
        ) && matches!(w[1].as_str(), "not" | "never")
    }) || words.iter().any(|w| {
        matches!(
            w.as_str(),
            "doesn't" | "don't" | "mustn't" | "isn't" | "aren't" | "never"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::is_negative;

    #[test]
    fn removal_and_absence_are_negative() {
        assert!(is_negative("remove root user from dockerfile"));
        assert!(is_negative("fix sql injection in the payments adapter"));
        assert!(is_negative("no secrets in the repository"));
        assert!(is_negative("get rid of the default admin password"));
        assert!(is_negative("final image stage does not run as root"));
        assert!(is_negative("never fall back to a default signing secret"));
    }

    #[test]
    fn positive_statements_are_not() {
        assert!(!is_negative("add a healthcheck to every compose service"));
        assert!(!is_negative("containers run as a non-root user"));
        assert!(!is_negative("12-hour soak test without memory growth"));
        assert!(!is_negative(""));
    }
}
