//! Compound items ("Add API rate limiting, request size limits, and strict CORS") split into
//! parts, each mapped on its own. A part too small to name a concept ("CPU" in "CPU and memory
//! limits", "Liveness" in "Liveness and readiness probes") stays with its neighbour, because the
//! words after it finish it.

use super::words::stemmed_words;

/// The item's parts, in order. Separators: `;`, `,`, "and", "plus", `+`, `&`. Parentheses
/// are never split ("headers (HSTS, CSP)").
pub fn split_compound(text: &str) -> Vec<String> {
    let raw = split_top_level(text);
    let mut parts: Vec<String> = Vec::new();
    let mut pending = String::new();
    for piece in raw {
        let joined = if pending.is_empty() {
            piece
        } else {
            format!("{pending} {piece}")
        };
        // Count written words: "request size limits" is one canonical word but names a
        // concept on its own; "CPU" does not.
        if stemmed_words(&joined).len() < 2 {
            pending = joined;
        } else {
            parts.push(joined);
            pending.clear();
        }
    }
    if !pending.trim().is_empty() {
        match parts.last_mut() {
            Some(last) => {
                last.push(' ');
                last.push_str(&pending);
            }
            None => parts.push(pending),
        }
    }
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// Splits on separators outside parentheses.
fn split_top_level(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && matches!(c, ';' | ',' | '+' | '&') {
            push_words(&mut out, &current);
            current.clear();
        } else {
            current.push(c);
        }
    }
    push_words(&mut out, &current);
    out
}

/// Pushes `chunk`, split further on the words "and", "plus", "as well as".
fn push_words(out: &mut Vec<String>, chunk: &str) {
    let mut current: Vec<&str> = Vec::new();
    for word in chunk.split_whitespace() {
        if matches!(word.to_lowercase().as_str(), "and" | "plus" | "also") {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(word);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
}

#[cfg(test)]
mod tests {
    use super::split_compound;

    #[test]
    fn splits_lists_of_concepts() {
        assert_eq!(
            split_compound("add api rate limiting, request size limits, and strict cors"),
            [
                "add api rate limiting",
                "request size limits",
                "strict cors"
            ]
        );
        assert_eq!(
            split_compound("nightly backups kept for 14 days; restore drill documented"),
            [
                "nightly backups kept for 14 days",
                "restore drill documented"
            ]
        );
    }

    #[test]
    fn keeps_modifiers_with_their_noun() {
        assert_eq!(
            split_compound("liveness and readiness probes on every container"),
            ["liveness readiness probes on every container"]
        );
        assert_eq!(
            split_compound("security headers (hsts, csp) on every response"),
            ["security headers (hsts, csp) on every response"]
        );
        assert_eq!(
            split_compound("publish /metrics for prometheus and add /healthz + /readyz"),
            ["publish /metrics for prometheus", "add /healthz /readyz"]
        );
    }

    #[test]
    fn a_single_concept_is_one_part() {
        assert_eq!(split_compound("hpa"), ["hpa"]);
        assert!(split_compound("").is_empty());
    }
}
