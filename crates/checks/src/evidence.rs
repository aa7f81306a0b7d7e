//! Helpers that turn what a check saw into findings with locations and snippets.

use vouch_core::{Finding, Location};
use vouch_workspace::{Node, SourceText};

/// A finding at `line:column` of `src`, quoting that line.
pub fn finding_at(src: &SourceText, line: u32, column: u32, message: impl Into<String>) -> Finding {
    Finding::new(Location::at(&src.path, line, column.max(1)), message)
        .with_snippet(src.line(line as usize))
}

/// A finding at a YAML node, quoting its line.
pub fn finding_node(src: &SourceText, node: &Node, message: impl Into<String>) -> Finding {
    finding_at(src, node.line, node.column, message)
}

/// A finding about a whole file (or, with `"."`, the repository).
pub fn finding_file(path: &str, message: impl Into<String>) -> Finding {
    Finding::new(Location::file(path), message)
}

/// Replaces `secret` inside `line` with its first characters and asterisks, so evidence never
/// carries a credential: `POSTGRES_PASSWORD=hunter2` → `POSTGRES_PASSWORD=hu*****`.
pub fn redact_value(line: &str, secret: &str) -> String {
    if secret.is_empty() {
        return line.to_string();
    }
    let keep: String = secret
        .chars()
        .take(if secret.chars().count() > 8 { 3 } else { 1 })
        .collect();
    line.replace(secret, &format!("{keep}*****"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_value_only() {
        assert_eq!(
            redact_value("PASSWORD=hunter2", "hunter2"),
            "PASSWORD=h*****"
        );
        assert_eq!(
            redact_value("TOKEN: abcdefghijkl", "abcdefghijkl"),
            "TOKEN: abc*****"
        );
    }
}
