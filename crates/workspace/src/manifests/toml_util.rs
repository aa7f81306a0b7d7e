//! TOML with spans (`toml::de::DeTable`), so each dependency keeps the line that declares it.

use crate::source::SourceText;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Parses a whole TOML manifest; the error names the line.
pub(super) fn parse(src: &SourceText) -> Result<Spanned<DeTable<'_>>, String> {
    DeTable::parse(&src.text).map_err(|e| {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => format!("line {}: {message}", src.position(span.start).0),
            None => message,
        }
    })
}

/// The sub-table `key` of `table`, when it is a table.
pub(super) fn table<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    match table.get(key)?.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// The table at `path` below `table`.
pub(super) fn table_at<'a, 'i>(table: &'a DeTable<'i>, path: &[&str]) -> Option<&'a DeTable<'i>> {
    path.iter().try_fold(table, |t, key| self::table(t, key))
}

/// The string `key` of `table`, when it is a string.
pub(super) fn string<'a>(table: &'a DeTable<'_>, key: &str) -> Option<&'a str> {
    table.get(key)?.get_ref().as_str()
}
