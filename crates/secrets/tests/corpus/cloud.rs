//! Cloud provider positives.

use super::{Gen, Positive};

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    vec![
        Positive {
            rule: "SECRET-AWS-ACCESS-KEY-ID",
            secret: format!("AKIA{}", g.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
            name: "AWS_ACCESS_KEY_ID",
            snippet: None,
        },
        Positive {
            rule: "SECRET-AWS-SECRET-ACCESS-KEY",
            secret: g.chars(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+",
                40,
            ),
            name: "AWS_SECRET_ACCESS_KEY",
            snippet: None,
        },
    ]
}
