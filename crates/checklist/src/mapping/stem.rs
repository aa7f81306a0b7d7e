//! A light English stemmer: enough to meet "limits"/"limiting"/"limited", "queries"/"query",
//! "authentication"/"authenticated", "parameterised"/"parameterized". Both the index and the
//! items go through it, so a stem only has to be consistent, not a real word.

/// The stem of one lower-case word.
pub fn stem(word: &str) -> String {
    if word.len() <= 3 || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return word.to_string();
    }
    let mut w = word.to_string();
    let mut changed = strip_derivation(&mut w);
    changed |= strip_plural(&mut w);
    changed |= strip_verb_ending(&mut w);
    if w.len() > 4 && w.ends_with('e') {
        w.pop();
        changed = true;
    }
    // British -ise/-ised/-ising meet American -ize.
    if changed && w.ends_with("is") && w.len() > 4 {
        w.pop();
        w.push('z');
    }
    w
}

/// -ization, -ation, -ction, ... down to the verb's stem.
fn strip_derivation(w: &mut String) -> bool {
    const RULES: [(&str, &str); 7] = [
        ("ization", "iz"),
        ("isation", "iz"),
        ("entation", "ent"),
        ("uration", "ur"),
        ("ation", "at"),
        ("ction", "ct"),
        ("ption", "pt"),
    ];
    for (suffix, replacement) in RULES {
        let suffix_s = format!("{suffix}s");
        for candidate in [suffix_s.as_str(), suffix] {
            if w.len() > candidate.len() + 2 && w.ends_with(candidate) {
                w.truncate(w.len() - candidate.len());
                w.push_str(replacement);
                return true;
            }
        }
    }
    false
}

fn strip_plural(w: &mut String) -> bool {
    if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
        return true;
    }
    if w.ends_with("sses") {
        w.truncate(w.len() - 2);
        return true;
    }
    if ["xes", "ches", "shes", "zes"]
        .iter()
        .any(|s| w.ends_with(s))
    {
        w.truncate(w.len() - 2);
        return true;
    }
    if w.ends_with('s') && !["ss", "us", "is"].iter().any(|s| w.ends_with(s)) {
        w.pop();
        return true;
    }
    false
}

fn strip_verb_ending(w: &mut String) -> bool {
    for suffix in ["ing", "ed"] {
        if w.ends_with(suffix) {
            let base = &w[..w.len() - suffix.len()];
            if base.len() >= 3 && base.chars().any(is_vowel) {
                let base = undouble(base);
                *w = base;
                return true;
            }
        }
    }
    false
}

/// "scann" → "scan", "logg" → "log"; "install" and "access" keep their doubles.
fn undouble(base: &str) -> String {
    let bytes = base.as_bytes();
    let n = bytes.len();
    if n >= 2 && bytes[n - 1] == bytes[n - 2] && !b"lsz".contains(&bytes[n - 1]) {
        let last = bytes[n - 1] as char;
        if !is_vowel(last) {
            return base[..n - 1].to_string();
        }
    }
    base.to_string()
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

#[cfg(test)]
mod tests {
    use super::stem;

    fn same(words: &[&str]) {
        let first = stem(words[0]);
        for w in words {
            assert_eq!(stem(w), first, "{w} vs {}", words[0]);
        }
    }

    #[test]
    fn inflections_meet() {
        same(&["limit", "limits", "limited", "limiting"]);
        same(&["query", "queries"]);
        same(&["scan", "scans", "scanned", "scanning"]);
        same(&["authenticate", "authenticated", "authentication"]);
        same(&[
            "parameterize",
            "parameterized",
            "parameterised",
            "parameterisation",
        ]);
        same(&["throttle", "throttling", "throttled"]);
        same(&["probe", "probes"]);
        same(&["migrate", "migration", "migrations"]);
        same(&["document", "documented", "documentation"]);
        same(&["inject", "injection"]);
        same(&["log", "logs", "logging"]);
    }

    #[test]
    fn short_and_special_words_stay() {
        assert_eq!(stem("k8s"), "k8s");
        assert_eq!(stem("tls"), "tls");
        assert_eq!(stem("access"), "access");
        assert_eq!(stem("redis"), "redis");
        assert_eq!(stem("install"), "install");
    }
}
