//! Cloud providers: AWS, GCP, Azure, ...

use crate::rule::{Category, Rule, Validation};
use vouch_core::Severity;

pub const RULES: &[Rule] = &[
    Rule {
        id: "SECRET-AWS-ACCESS-KEY-ID",
        title: "AWS access key ID",
        category: Category::Cloud,
        severity: Severity::High,
        keywords: &["akia", "asia", "abia", "acca"],
        pattern: r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        group: 1,
        validation: Validation::None,
    },
    Rule {
        id: "SECRET-AWS-SECRET-ACCESS-KEY",
        title: "AWS secret access key",
        category: Category::Cloud,
        severity: Severity::Critical,
        keywords: &[
            "aws_secret",
            "secret_access_key",
            "secretaccesskey",
            "aws-secret",
        ],
        pattern: r#"(?i)(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})\b"#,
        group: 1,
        validation: Validation::Entropy(4.0),
    },
];
