//! Restore procedures: documentation sections, restore commands and restore scripts.

use super::markdown::{doc_files, sections, substantive_lines};
use super::text::{contains_word, is_aspirational, is_comment};
use crate::prelude::*;
use std::sync::Arc;
use vouch_workspace::FileKind;

/// The restore tool a command line runs, if any.
pub fn restore_command(line: &str) -> Option<&'static str> {
    // Every command below names one of the tools: most lines are ruled out by one search.
    if !COMMAND_WORDS.is_match(line) {
        return None;
    }
    let l = line.to_ascii_lowercase();
    if is_aspirational(line) {
        return None;
    }
    const WORDS: [(&str, &str); 6] = [
        ("pg_restore", "pg_restore"),
        ("mongorestore", "mongorestore"),
        ("backup-fetch", "wal-g backup-fetch"),
        ("restore-db-instance-from-db-snapshot", "aws rds restore"),
        ("restore-db-instance-to-point-in-time", "aws rds restore"),
        ("restore-db-cluster-from-snapshot", "aws rds restore"),
    ];
    if let Some((_, tool)) = WORDS.iter().find(|(w, _)| contains_word(&l, w)) {
        return Some(tool);
    }
    let both = |a: &str, b: &str| contains_word(&l, a) && contains_word(&l, b);
    const PAIRS: [(&str, &str, &str); 11] = [
        ("neo4j-admin", "load", "neo4j-admin load"),
        ("neo4j-admin", "restore", "neo4j-admin restore"),
        ("velero", "restore", "velero restore"),
        ("restic", "restore", "restic restore"),
        ("pgbackrest", "restore", "pgbackrest restore"),
        ("barman", "recover", "barman recover"),
        ("borg", "extract", "borg extract"),
        ("etcdctl", "restore", "etcdctl snapshot restore"),
        ("litestream", "restore", "litestream restore"),
        ("gcloud", "restore", "gcloud sql backups restore"),
        ("gcloud", "import", "gcloud sql import"),
    ];
    if let Some((_, _, tool)) = PAIRS.iter().find(|(a, b, _)| both(a, b)) {
        return Some(tool);
    }
    // `psql < seed.sql` loads fixtures; only feeding a dump or backup is a restore.
    let feeds_dump = l.contains('<') && (l.contains("dump") || l.contains("backup"));
    if (contains_word(&l, "psql") || contains_word(&l, "mysql")) && feeds_dump {
        return Some(if l.contains("psql") { "psql" } else { "mysql" });
    }
    None
}

/// The words of [`restore_command`] that every command it recognizes contains
/// (case-insensitively); the walk notes the same list per document.
const COMMAND_NEEDLES: [&str; 15] = vouch_workspace::facts::doc_words::RESTORE_TOOLS;

/// A case-insensitive automaton over `needles` followed by `extra`.
fn case_insensitive(needles: &[&str], extra: &[&str]) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(needles.iter().chain(extra))
        .expect("static needles")
}

static COMMAND_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| case_insensitive(&COMMAND_NEEDLES, &[]));

/// Whether a restore section is about data (not `dotnet restore` or restoring packages).
fn about_data(title: &str, body: &[(u32, &str)]) -> bool {
    let text = body
        .iter()
        .map(|(_, l)| *l)
        .chain(std::iter::once(title))
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let packages = ["dotnet restore", "nuget", "npm ", "packages"]
        .iter()
        .any(|w| text.contains(w));
    let data = ["backup", "database", "dump", "snapshot", "disaster"]
        .iter()
        .any(|w| text.contains(w))
        || contains_word(&text, "db")
        || contains_word(&text, "data");
    data && !packages
}

fn is_restore_title(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    t.contains("restor") || t.contains("disaster recovery") || t.contains("point-in-time")
}

/// Evidence of restore procedures: documentation sections about restoring with real steps,
/// restore commands in documentation, and restore scripts.
pub struct RestoreDocs {
    pub procedures: Vec<Finding>,
    /// Lines that only promise a restore procedure ("TODO: document restore").
    pub promises: Vec<Finding>,
}

impl RestoreDocs {
    pub fn get(ws: &Workspace) -> Arc<RestoreDocs> {
        ws.cached(build)
    }
}

/// Every restore section title, restore command and restore promise contains one of these
/// (case-insensitively): documents without any are skipped before their lines are examined.
/// Words besides the commands that make a document worth reading for restore steps.
const RESTORE_EXTRA: [&str; 3] = ["restor", "recover", "point-in-time"];

static RESTORE_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| case_insensitive(&COMMAND_NEEDLES, &RESTORE_EXTRA));

/// "restor", case-insensitively.
static RESTOR: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| case_insensitive(&["restor"], &[]));

/// The command words of [`COMMAND_WORDS`] and "restor", case-insensitively.
static LINE_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| case_insensitive(&COMMAND_NEEDLES, &["restor"]));

fn build(ws: &Workspace) -> RestoreDocs {
    let mut out = RestoreDocs {
        procedures: Vec::new(),
        promises: Vec::new(),
    };
    let words = vouch_workspace::facts::doc_words::mask_of(
        COMMAND_NEEDLES.iter().chain(&RESTORE_EXTRA).copied(),
    );
    for f in doc_files(ws) {
        // The walk noted which documents hold these words: the others are not read again.
        if !ws.facts.doc_may_hold(&f.rel, words) {
            continue;
        }
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        if !RESTORE_WORDS.is_match(&src.text) {
            continue;
        }
        let mut found = false;
        for s in sections(&src) {
            if !is_restore_title(&s.title) {
                continue;
            }
            let body = substantive_lines(&src, &s);
            let command = body.iter().find_map(|(_, l)| restore_command(l));
            if command.is_some() || (body.len() >= 3 && about_data(&s.title, &body)) {
                let how = match command {
                    Some(tool) => format!("with `{tool}`"),
                    None => format!("{} lines of steps", body.len()),
                };
                out.procedures.push(finding_at(
                    &src,
                    s.line,
                    1,
                    format!("restore procedure `{}` ({how})", s.title),
                ));
                found = true;
            }
        }
        // Only lines holding a command word or "restor" can add anything: visit those.
        let mut last = 0;
        for hit in LINE_WORDS.find_iter(&src.text) {
            let (n, _) = src.position(hit.start());
            if n == last {
                continue;
            }
            last = n;
            let line = src.line(n);
            if !found && restore_command(line).is_some() {
                out.procedures
                    .push(finding_at(&src, n as u32, 1, "restore command documented"));
                found = true;
            }
            if RESTOR.is_match(line) && is_aspirational(line) {
                out.promises.push(finding_at(
                    &src,
                    n as u32,
                    1,
                    "restoring is only mentioned as a to-do",
                ));
            }
        }
    }
    for f in &ws.files {
        let name = f.lowercase_name();
        let script = f.kind == FileKind::Shell || name.ends_with(".py") || name == "makefile";
        if !script || !f.class.product() || !(name.contains("restore") || name == "makefile") {
            continue;
        }
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        if let Some((n, line)) = src
            .lines()
            .find(|(_, l)| !is_comment(&f.rel, l) && restore_command(l).is_some())
        {
            let tool = restore_command(line).unwrap_or("restore");
            out.procedures.push(finding_at(
                &src,
                n as u32,
                1,
                format!("restore script runs {tool}"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(
            restore_command("pg_restore --clean -d \"$DATABASE_URL\" orders.dump"),
            Some("pg_restore")
        );
        assert_eq!(
            restore_command("gunzip -c dump.sql.gz | psql app < /dev/stdin"),
            Some("psql")
        );
        assert_eq!(restore_command("psql -d app < backup.sql"), Some("psql"));
        assert_eq!(
            restore_command("velero restore create --from-backup nightly"),
            Some("velero restore")
        );
        assert_eq!(restore_command("TODO: document pg_restore steps"), None);
        assert_eq!(restore_command("psql -c 'select 1'"), None);
        assert_eq!(restore_command("psql -d app < db/seed.sql"), None);
    }

    #[test]
    fn the_walk_notes_every_word_that_makes_a_document_worth_reading() {
        let words = COMMAND_NEEDLES.iter().chain(&RESTORE_EXTRA).copied();
        assert!(vouch_workspace::facts::doc_words::mask_of(words).is_some());
    }
}
