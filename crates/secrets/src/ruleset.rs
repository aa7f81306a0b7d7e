//! Rules compiled once per process: one keyword automaton for all of them, one regex each.

use crate::rule::Rule;
use regex::bytes::Regex;
use std::sync::LazyLock;
use vouch_keywords::Keywords;

pub struct Ruleset {
    pub rules: Vec<&'static Rule>,
    pub(crate) regexes: Vec<Regex>,
    pub(crate) keywords: Keywords,
    /// The pattern list `keywords` was built from.
    words: Vec<&'static str>,
    /// For each keyword pattern, the rules it wakes.
    pub(crate) keyword_rules: Vec<Vec<usize>>,
}

static RULESET: LazyLock<Ruleset> = LazyLock::new(|| Ruleset::new(crate::rules::all()));

/// The built-in rules, compiled on first use.
pub fn ruleset() -> &'static Ruleset {
    &RULESET
}

impl Ruleset {
    pub fn new(rules: Vec<&'static Rule>) -> Ruleset {
        let mut words: Vec<&'static str> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for &kw in rule.keywords {
                match words.iter().position(|w| *w == kw) {
                    Some(k) => keyword_rules[k].push(i),
                    None => {
                        words.push(kw);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        // Every text file is searched in full for hundreds of case-insensitive keywords: no
        // prefilter applies, and vouch-keywords' lanes scan about twice as fast per byte as a
        // single-lane DFA.
        let keywords = Keywords::new(&words);
        let regexes = rules
            .iter()
            .map(|r| {
                Regex::new(r.pattern).unwrap_or_else(|e| panic!("rule {}: bad regex: {e}", r.id))
            })
            .collect();
        Ruleset {
            rules,
            regexes,
            keywords,
            words,
            keyword_rules,
        }
    }
}

impl Ruleset {
    /// Every rule's keywords, lower case, in the pattern order [`crate::KeywordHits`] expects.
    pub fn keywords(&self) -> &[&'static str] {
        &self.words
    }

    /// The rule with this ID.
    pub fn rule(&self, id: &str) -> Option<&'static Rule> {
        self.rules.iter().copied().find(|r| r.id == id)
    }
}
