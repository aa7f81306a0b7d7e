//! Precision and recall of every rule on the generated, labelled corpus. Each positive is
//! embedded in seven contexts (source, YAML, JSON, .env, Dockerfile, a Kubernetes env list,
//! docs); each hard negative in the same contexts. A rule must find its secret (recall) and nothing may fire on negatives
//! or on the wrong rule (precision). Both must be at least 0.97 per rule and overall.

mod corpus;

use std::collections::BTreeMap;
use vouch_secrets::{ruleset, scan};

#[derive(Default, Debug)]
struct Tally {
    tp: usize,
    fp: usize,
    fn_: usize,
}

#[test]
fn every_rule_has_a_positive() {
    let positives: std::collections::BTreeSet<_> =
        corpus::positives().iter().map(|p| p.rule).collect();
    let missing: Vec<_> = ruleset()
        .rules
        .iter()
        .map(|r| r.id)
        .filter(|id| !positives.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a corpus positive: {missing:?}"
    );
}

#[test]
fn precision_and_recall_at_least_097() {
    let set = ruleset();
    let mut per_rule: BTreeMap<&str, Tally> = BTreeMap::new();
    for p in corpus::positives() {
        let docs = match &p.snippet {
            Some(snippet) => vec![("secret.txt".to_string(), snippet.clone())],
            None => corpus::contexts(p.name, &p.secret),
        };
        for (path, text) in docs {
            let hits = scan(set, text.as_bytes());
            let found = hits
                .iter()
                .any(|h| h.rule == p.rule && text[h.span.clone()] == p.secret);
            let t = per_rule.entry(p.rule).or_default();
            if found {
                t.tp += 1;
            } else {
                t.fn_ += 1;
                eprintln!(
                    "miss: {} in {path}: {:?}",
                    p.rule,
                    hits.iter().map(|h| h.rule).collect::<Vec<_>>()
                );
            }
            for h in hits.iter().filter(|h| {
                text[h.span.clone()] != p.secret && !p.secret.contains(&text[h.span.clone()])
            }) {
                per_rule.entry(h.rule).or_default().fp += 1;
                eprintln!(
                    "false positive: {} on `{}` in {path} (positive of {})",
                    h.rule, h.redacted, p.rule
                );
            }
        }
    }
    let mut g = corpus::Gen::new(0xbad_5eed);
    let negatives = corpus::negatives::negatives(&mut g);
    assert!(
        negatives.len() >= 500,
        "only {} hard negatives",
        negatives.len()
    );
    for (name, value, why) in &negatives {
        for (path, text) in corpus::contexts(name, value) {
            for h in scan(set, text.as_bytes()) {
                per_rule.entry(h.rule).or_default().fp += 1;
                eprintln!(
                    "false positive: {} on {why} `{}` in {path}",
                    h.rule, h.redacted
                );
            }
        }
    }
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut low = Vec::new();
    for (rule, t) in &per_rule {
        tp += t.tp;
        fp += t.fp;
        fn_ += t.fn_;
        let precision = t.tp as f64 / (t.tp + t.fp).max(1) as f64;
        let recall = t.tp as f64 / (t.tp + t.fn_).max(1) as f64;
        if precision < 0.97 || recall < 0.97 {
            low.push(format!(
                "{rule}: precision {precision:.3} recall {recall:.3} ({t:?})"
            ));
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    eprintln!(
        "overall: {} rules, {tp} true positives, {fp} false positives, {fn_} misses, {} hard negatives x {} contexts; precision {precision:.4}, recall {recall:.4}",
        per_rule.len(),
        negatives.len(),
        corpus::contexts("NAME", "value").len()
    );
    assert!(low.is_empty(), "rules below 0.97:\n{}", low.join("\n"));
    assert!(precision >= 0.97 && recall >= 0.97);
}
