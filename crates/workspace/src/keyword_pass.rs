//! One keyword search per source file for both the secret rules and the source-code gate.
//!
//! Both search every byte for a few hundred ASCII case-insensitive words, and the automaton's
//! per-byte cost barely depends on how many words it holds, so a source file is searched once
//! with the union of the secret keywords and its language family's gate words; each consumer
//! gets its own share of the occurrences, with its own pattern numbers.

use std::sync::LazyLock;
use vouch_code::Language;
use vouch_code::gate::{self, Gate, GateJudge};
use vouch_keywords::{Keywords, Match};
use vouch_secrets::{KeywordHits, SecretHit};

/// The union of the secret keywords and one gate family's words.
struct Union {
    keywords: Keywords,
    /// For each union pattern: its number among the secret keywords, if it is one.
    secret: Vec<Option<usize>>,
    /// For each union pattern: its number among the family's gate words, if it is one.
    gate: Vec<Option<usize>>,
}

static UNIONS: LazyLock<Vec<Union>> =
    LazyLock::new(|| (0..gate::FAMILIES_COUNT).map(union).collect());

fn union(family: usize) -> Union {
    let mut words: Vec<String> = Vec::new();
    let mut secret = Vec::new();
    let mut gate = Vec::new();
    let secret_words = vouch_secrets::ruleset()
        .keywords()
        .iter()
        .map(|w| w.as_bytes());
    let gate_words = gate::family_words(family).iter().map(|w| w.as_bytes());
    for (side, list) in [
        (0, secret_words.collect::<Vec<_>>()),
        (1, gate_words.collect()),
    ] {
        for (index, word) in list.into_iter().enumerate() {
            // Both lists are matched without ASCII case: fold before comparing.
            let key = String::from_utf8_lossy(word).to_ascii_lowercase();
            let at = match words.iter().position(|w| *w == key) {
                Some(at) => at,
                None => {
                    words.push(key);
                    secret.push(None);
                    gate.push(None);
                    words.len() - 1
                }
            };
            if side == 0 {
                secret[at] = Some(index);
            } else {
                gate[at] = Some(index);
            }
        }
    }
    Union {
        keywords: Keywords::new(&words),
        secret,
        gate,
    }
}

/// The secrets in a source file and the gate's verdict on it, from one search; each hit goes
/// to its consumers as the search reports it (a file of millions of keywords holds none).
pub(crate) fn scan_source(language: Language, path: &str, src: &[u8]) -> (Vec<SecretHit>, Gate) {
    let union = &UNIONS[gate::family(language)];
    let mut secrets = KeywordHits::new(vouch_secrets::ruleset(), src);
    let mut judge = GateJudge::new(language, path);
    union.keywords.for_each(src, |m| {
        if let Some(pattern) = union.secret[m.pattern] {
            secrets.add(Match { pattern, ..m });
        }
        if let Some(pattern) = union.gate[m.pattern] {
            judge.hit(src, Match { pattern, ..m });
        }
        std::ops::ControlFlow::Continue(())
    });
    (secrets.scan(), judge.verdict())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Source-like text with secrets, trigger words in both cases, and words both lists hold.
    fn samples() -> Vec<(&'static str, String)> {
        vec![
            (
                "app/api/orders.py",
                "from fastapi import APIRouter\nAPI_TOKEN = \"q8Zr2LmX0pWv7TnB4kYcHs3D\"\n".into(),
            ),
            (
                "src/billing/client.ts",
                "import { Logger } from 'pino'\nconst token = process.env.TOKEN\nconst secret = \"Zq8r2LmX0pWv7TnB4kYcHs3D\";\n".into(),
            ),
            (
                "internal/store/db.go",
                "package store\n\nimport \"database/sql\"\n\nvar password = os.Getenv(\"DB_PASSWORD\")\n".into(),
            ),
            (
                "src/main.rs",
                "fn main() { let aws = \"AKIAZ3MNQ7WXYR4TPLKB\"; println!(\"{aws}\"); }\n".into(),
            ),
            (
                "src/main/java/com/acme/Orders.java",
                "@RestController\nclass Orders { @Value(\"${app.secret}\") String secret; }\n".into(),
            ),
            ("lib/util.py", "def add(a, b):\n    return a + b\n".into()),
        ]
    }

    #[test]
    fn one_search_gives_what_two_searches_give() {
        for (path, text) in samples() {
            let language = Language::of_path(path).expect("a parsed language");
            let (secrets, verdict) = scan_source(language, path, text.as_bytes());
            assert_eq!(
                secrets,
                vouch_secrets::scan(vouch_secrets::ruleset(), text.as_bytes()),
                "{path}"
            );
            assert_eq!(
                verdict,
                gate::gate(language, path, text.as_bytes()),
                "{path}"
            );
        }
    }

    #[test]
    fn shared_words_reach_both_consumers() {
        let union = &UNIONS[gate::family(Language::Python)];
        let both = union
            .secret
            .iter()
            .zip(&union.gate)
            .filter(|(s, g)| s.is_some() && g.is_some())
            .count();
        assert!(
            both > 0,
            "the lists share words such as `token` or `secret`"
        );
        assert!(
            union
                .secret
                .iter()
                .zip(&union.gate)
                .all(|(s, g)| s.is_some() || g.is_some())
        );
    }
}
