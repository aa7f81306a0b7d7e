//! Words of an identifier or a dotted name, as code controls compare them: `DB_PASSWORD`,
//! `apiKey`, `tls.key`, `self._breaker.record_failure`.

/// Lower-case words, split at every character that is not an ASCII letter or digit and where
/// a lower-case letter or digit meets an upper-case one (camelCase).
pub fn identifier_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::identifier_words;

    #[test]
    fn splits_snake_camel_and_dotted_names() {
        assert_eq!(identifier_words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(identifier_words("apiKey"), ["api", "key"]);
        assert_eq!(identifier_words("tls.key"), ["tls", "key"]);
        assert_eq!(
            identifier_words("self._breaker.record_failure"),
            ["self", "breaker", "record", "failure"]
        );
        assert_eq!(identifier_words("HTTPServer2go"), ["httpserver2go"]);
        assert!(identifier_words("::").is_empty());
    }
}
