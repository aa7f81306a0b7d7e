//! Text to canonical words: tokenise, drop stopwords, stem, rewrite synonyms and
//! abbreviations to one canonical word, then drop numbers and the action verbs checklists
//! start with ("add", "ensure", "remove"). Controls and items go through the same function,
//! so both sides of a comparison speak the same vocabulary.

use super::stem::stem;
use super::synonyms;
use regex::Regex;
use std::sync::OnceLock;

/// Canonical words of `text`, in order.
pub fn normalise(text: &str) -> Vec<String> {
    let stemmed = stemmed_words(text);
    let words: Vec<String> = synonyms::table()
        .rewrite(&stemmed)
        .into_iter()
        .filter(|w| !is_number(w))
        .collect();
    let leading_verbs = words
        .iter()
        .take_while(|w| ACTION_VERBS.contains(&w.as_str()))
        .count();
    words[leading_verbs..].to_vec()
}

/// Tokenised, stopword-free, stemmed words (before synonyms). The synonym table normalises
/// its own phrases with this, so they match what items become.
pub fn stemmed_words(text: &str) -> Vec<String> {
    // "on-call" would lose its stopword "on" and become "call".
    static ON_CALL: OnceLock<Regex> = OnceLock::new();
    let on_call = ON_CALL.get_or_init(|| Regex::new(r"\bon[- ]call\b").expect("static pattern"));
    let text = on_call
        .replace_all(&text.to_lowercase(), "oncall")
        .into_owned();
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .map(stem)
        .collect()
}

fn is_number(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit())
}

/// Function words with no concept in them.
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "to",
    "of",
    "for",
    "on",
    "in",
    "at",
    "by",
    "with",
    "from",
    "into",
    "onto",
    "as",
    "and",
    "or",
    "but",
    "nor",
    "plus",
    "via",
    "per",
    "than",
    "then",
    "so",
    "if",
    "when",
    "while",
    "before",
    "after",
    "until",
    "every",
    "all",
    "each",
    "any",
    "some",
    "both",
    "our",
    "its",
    "their",
    "his",
    "her",
    "your",
    "my",
    "we",
    "you",
    "they",
    "it",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "is",
    "are",
    "be",
    "been",
    "being",
    "was",
    "were",
    "am",
    "do",
    "does",
    "did",
    "done",
    "has",
    "have",
    "had",
    "having",
    "will",
    "would",
    "should",
    "shall",
    "must",
    "can",
    "could",
    "may",
    "might",
    "not",
    "no",
    "never",
    "without",
    "only",
    "also",
    "just",
    "still",
    "very",
    "more",
    "most",
    "less",
    "least",
    "too",
    "s",
    "t",
    "e",
    "g",
    "eg",
    "ie",
    "etc",
    "i",
    "me",
    "us",
    "them",
    "which",
    "who",
    "what",
    "where",
    "how",
    "why",
    "about",
    "against",
    "between",
    "through",
    "during",
    "within",
    "across",
    "under",
    "over",
    "down",
    "off",
    "again",
    "further",
    "once",
    "always",
    "properly",
    "correctly",
    "appropriate",
    "appropriately",
    "proper",
    "new",
    "existing",
    "current",
    "relevant",
    "necessary",
    "needed",
    "required",
    "own",
    "other",
    "same",
    "such",
];

/// Stems of the verbs that start checklist items ("Make sure to add ...") but name no
/// concept. Only leading ones go: mid-sentence they can be part of a concept.
const ACTION_VERBS: &[&str] = &[
    "add",
    "implement",
    "ensur",
    "enabl",
    "configur",
    "set",
    "setup",
    "remov",
    "fix",
    "verify",
    "make",
    "sure",
    "use",
    "us",
    "get",
    "creat",
    "introduc",
    "stop",
    "eliminat",
    "apply",
    "provid",
    "put",
    "enforc",
    "requir",
    "establish",
    "defin",
    "confirm",
    "wire",
    "adopt",
    "turn",
    "keep",
    "mak",
    "ship",
    "publish",
    "expos",
    "integrat",
    "document",
    "writ",
    "write",
    "up",
];

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn strips_verbs_stopwords_and_numbers() {
        assert_eq!(
            normalise("Ensure the 3 API keys are rotated"),
            ["apikey", "rotat"]
        );
        assert_eq!(normalise("Make sure to add retries"), normalise("retries"));
        assert_eq!(normalise("on-call rotation"), normalise("oncall rotation"));
        assert_eq!(normalise("outbound calls"), ["outbound", "call"]);
    }

    #[test]
    fn abbreviations_and_spellings_meet() {
        assert_eq!(normalise("HPA"), normalise("horizontal pod autoscaler"));
        assert_eq!(normalise("Add a PDB"), normalise("PodDisruptionBudget"));
        assert_eq!(normalise("non-root"), normalise("nonroot"));
        assert_eq!(normalise("rate limiting"), normalise("throttling"));
        assert_eq!(normalise("health check"), normalise("healthcheck"));
        assert_eq!(normalise("SSL"), normalise("TLS"));
    }
}
