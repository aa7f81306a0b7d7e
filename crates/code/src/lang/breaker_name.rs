//! Circuit breakers a service implements itself. Besides the breaker libraries each language
//! module knows, a call through something the code calls a breaker (`breaker.allow()`,
//! `self._breaker.record_failure()`, `webhooks::breaker_failure(..)`, `cb.Breaker.Execute`) is
//! one: nothing else in service code is named that way. One answer for every language.

/// Words before "breaker" that name something other than a circuit breaker (`tieBreaker`,
/// `line_breaker`, `word_breaker`).
const NOT_CIRCUIT: &[&str] = &["tie", "line", "word", "ice", "page", "column", "deal"];

/// Whether the callee text (receiver and name, as written) goes through a circuit breaker:
/// one of its identifiers has the word "breaker" (or "breakers", a breaker per host), split at
/// `_`, `.`, `::` and camelCase.
pub fn names_circuit_breaker(callee: &str) -> bool {
    let words = crate::identifier_words(callee);
    words.iter().enumerate().any(|(i, w)| {
        matches!(w.as_str(), "breaker" | "breakers")
            && !(i > 0 && NOT_CIRCUIT.contains(&words[i - 1].as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::names_circuit_breaker;

    #[test]
    fn breakers_the_code_calls_by_that_name() {
        for callee in [
            "breaker.fire",
            "self._breaker.record_failure",
            "webhooks::breaker_failure",
            "repo::breaker_success",
            "cb.Breaker.Execute",
            "paymentBreaker.call",
            "CircuitBreaker::new",
            "circuit_breaker",
            "newBreaker",
            "BREAKER.allow",
            "self.breakers[host].call",
        ] {
            assert!(names_circuit_breaker(callee), "{callee}");
        }
    }

    #[test]
    fn other_breakers_and_lookalikes_are_not_circuit_breakers() {
        for callee in [
            "sort.tieBreaker",
            "tiebreaker",
            "text::line_breaker",
            "wordBreaker.split",
            "icebreaker",
            "line_breakers.push",
            "client.post",
            "break_loop",
            "",
        ] {
            assert!(!names_circuit_breaker(callee), "{callee}");
        }
    }
}
