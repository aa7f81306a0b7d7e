//! The password policy, after NIST SP 800-63B §5.1.1.2: 12 to 128 characters (Unicode code
//! points; any character allowed, spaces included), no composition rules, and no password that
//! is common, breached, repetitive, sequential, or made of the account's own name.

use std::collections::HashSet;
use std::sync::OnceLock;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// Shorter parts of a name or e-mail address are too common to refuse on their own.
const MIN_PERSONAL_CHARS: usize = 4;
/// A password that is a listed password plus leading or trailing digits and symbols
/// (`password1234!`) is as guessable as the listed one; shorter cores are not judged this way.
const MIN_CORE_CHARS: usize = 3;

fn blocklist() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Why `password` is refused, or None when it is acceptable. `personal` holds what the
/// account is known by (username, e-mail, display name).
pub fn check(password: &str, personal: &[&str]) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Some(format!("must be at least {MIN_CHARS} characters"));
    }
    if chars > MAX_CHARS {
        return Some(format!("must be at most {MAX_CHARS} characters"));
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        return Some("is a commonly used or breached password; choose another".into());
    }
    if is_repetitive(&lower) {
        return Some("repeats a few characters; choose something less predictable".into());
    }
    if is_sequential(&lower) {
        return Some("is a sequence of characters; choose something less predictable".into());
    }
    if contains_personal(&lower, personal) {
        return Some("must not contain your username, e-mail address or name".into());
    }
    None
}

fn is_common(lower: &str) -> bool {
    let list = blocklist();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    list.contains(lower) || (core.chars().count() >= MIN_CORE_CHARS && list.contains(core))
}

/// One unit of up to four characters repeated (`aaaaaaaaaaaa`, `abcabcabcabc`).
fn is_repetitive(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    (1..=4).any(|unit| {
        chars.len() > unit && chars.iter().enumerate().all(|(i, c)| *c == chars[i % unit])
    })
}

/// A run along the digits, the alphabet or a keyboard row, either way, wrapping around
/// (`123456789012`, `zyxwvutsrqpo`, `qwertyuiopas`).
fn is_sequential(lower: &str) -> bool {
    const SEQUENCES: [&str; 3] = [
        "0123456789",
        "abcdefghijklmnopqrstuvwxyz",
        "qwertyuiopasdfghjklzxcvbnm",
    ];
    SEQUENCES.iter().any(|seq| {
        let forward = seq.repeat(MAX_CHARS / seq.len() + 2);
        let backward: String = forward.chars().rev().collect();
        forward.contains(lower) || backward.contains(lower)
    })
}

fn contains_personal(lower: &str, personal: &[&str]) -> bool {
    personal
        .iter()
        .flat_map(|p| {
            let p = p.trim().to_lowercase();
            // An e-mail address counts whole and by its local part.
            let local = p.split('@').next().unwrap_or_default().to_string();
            [p, local]
        })
        .filter(|p| p.chars().count() >= MIN_PERSONAL_CHARS)
        .any(|p| lower.contains(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(password: &str) -> bool {
        check(
            password,
            &["alice", "alice.smith@example.com", "Alice Smith"],
        )
        .is_some()
    }

    #[test]
    fn length_counts_code_points() {
        assert!(refused("short pass"));
        // 12 code points, more bytes: accepted.
        assert_eq!(check("ünïcødé wörd", &[]), None);
        assert!(
            check(&"x".repeat(129), &[])
                .unwrap()
                .contains("at most 128")
        );
        assert_eq!(check("Tr0ub4dor&3 yes but longer", &[]), None);
    }

    #[test]
    fn common_and_derived_passwords_are_refused_case_insensitively() {
        assert!(blocklist().len() >= 10_000);
        assert!(refused("QWERTY123456"));
        assert!(refused("1qaz2wsx3edc"));
        assert!(refused("Password1234!"));
        assert!(refused("iloveyou2024!!"));
        assert!(!refused("plum tractor sings loudly"));
    }

    #[test]
    fn repetitive_and_sequential_strings_are_refused() {
        for bad in [
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "123456789012",
            "987654321098",
            "abcdefghijkl",
            "QWERTYUIOPAS",
        ] {
            assert!(refused(bad), "{bad}");
        }
    }

    #[test]
    fn the_accounts_own_name_is_refused() {
        assert!(refused("alice-is-my-name"));
        assert!(refused("xx alice.smith yy"));
        assert!(refused("my name is alice smith"));
        assert_eq!(check("violet harbour lamp", &["al", "x@y.z"]), None);
    }
}
