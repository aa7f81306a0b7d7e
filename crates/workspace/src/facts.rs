//! Facts gathered in the one pass that reads every text file: merge-conflict markers, private
//! key blocks, and reads of environment variables. One Aho-Corasick automaton finds all the
//! needles in a single scan; lines are only computed around a hit. The same read also
//! inspects test files ([`test_files`]) and notes which words un-kept YAML files contain
//! ([`YAML_WORDS`]), so no control reads those files again.

pub mod doc_words;
pub mod paths;
pub mod test_files;

use crate::classify::FileKind;
use aho_corasick::AhoCorasick;
use memchr::memmem;
use std::sync::LazyLock;

/// A hit in a file: where, and the (trimmed, truncated) line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextHit {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub text: String,
}

#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Start (`<<<<<<<`) of each complete conflict block (`<<<<<<<`, `=======`, `>>>>>>>`).
    pub conflict_markers: Vec<TextHit>,
    /// `-----BEGIN ... PRIVATE KEY-----` headers followed by a key body.
    pub private_keys: Vec<TextHit>,
    /// First read of an environment variable in each source file.
    pub env_reads: Vec<TextHit>,
    /// Files that contain `vouch:ignore` (sorted): only these can hold inline suppressions.
    pub inline_ignores: Vec<String>,
    /// One representative read per variable name, in application code only (see
    /// [`crate::env_reads::represents_better`]): bounded by the number of distinct names.
    pub env_read_names: std::collections::BTreeMap<String, crate::env_reads::EnvRead>,
    /// Test files (see [`test_files::is_candidate`]), sorted by path.
    pub test_files: Vec<test_files::TestFileFacts>,
    /// YAML files the walk parsed but did not keep, with the set of [`YAML_WORDS`] each
    /// contains (bit i = word i), sorted by path.
    pub unkept_yaml: Vec<(String, u32)>,
    /// Documents (see [`doc_words::is_doc_extension`]) with the set of
    /// [`doc_words::DOC_WORDS`] each holds, sorted by path.
    pub doc_words: Vec<(String, u32)>,
    /// The walk's representatives by name, moved into `env_read_names` by [`Facts::sort`]:
    /// each of a big tree's hundreds of thousands of reads looks its name up, and a hash
    /// lookup compares one name where the B-tree compared a dozen (scattered over the heap).
    walk_env_reads: std::collections::HashMap<String, crate::env_reads::EnvRead>,
}

impl Facts {
    pub fn merge(&mut self, other: Facts) {
        self.conflict_markers.extend(other.conflict_markers);
        self.private_keys.extend(other.private_keys);
        self.env_reads.extend(other.env_reads);
        self.inline_ignores.extend(other.inline_ignores);
        self.test_files.extend(other.test_files);
        self.unkept_yaml.extend(other.unkept_yaml);
        self.doc_words.extend(other.doc_words);
        for read in other.env_read_names.into_values() {
            add_env_read(&mut self.env_read_names, read);
        }
        for read in other.walk_env_reads.into_values() {
            if self
                .walk_env_reads
                .get(&read.name)
                .is_none_or(|current| crate::env_reads::represents_better(&read, current))
            {
                self.walk_env_reads.insert(read.name.clone(), read);
            }
        }
    }

    /// Keeps a read found in `path` if it represents its variable better than the one kept; it
    /// is built only then (most reads lose, and cost no allocation).
    fn add_found_env_read(&mut self, path: &str, found: crate::env_reads::Found<'_>) {
        match self.walk_env_reads.get(found.name) {
            Some(current) if current.rank() < found.rank(path) => {}
            _ => {
                self.walk_env_reads
                    .insert(found.name.to_string(), found.into_read(path));
            }
        }
    }

    /// Moves the walk's representatives into `env_read_names`.
    fn settle_env_reads(&mut self) {
        for (_, read) in self.walk_env_reads.drain() {
            add_env_read(&mut self.env_read_names, read);
        }
    }

    /// Whether `path` contains `vouch:ignore` (after [`Facts::sort`]).
    pub fn may_suppress_inline(&self, path: &str) -> bool {
        self.inline_ignores
            .binary_search_by(|p| p.as_str().cmp(path))
            .is_ok()
    }

    /// The [`YAML_WORDS`] mask of an un-kept YAML file (after [`Facts::sort`]).
    pub fn unkept_yaml_words(&self, path: &str) -> Option<u32> {
        self.unkept_yaml
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .map(|i| self.unkept_yaml[i].1)
    }

    /// Whether the document `path` may hold one of the words of `mask` (from
    /// [`doc_words::mask_of`]; None: any document may). True for a path the walk did not note.
    pub fn doc_may_hold(&self, path: &str, mask: Option<u32>) -> bool {
        let Some(mask) = mask else {
            return true;
        };
        self.doc_words
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .map_or(true, |i| self.doc_words[i].1 & mask != 0)
    }

    pub fn sort(&mut self) {
        self.settle_env_reads();
        self.inline_ignores.sort();
        self.test_files.sort_by(|a, b| a.rel.cmp(&b.rel));
        self.unkept_yaml.sort_by(|a, b| a.0.cmp(&b.0));
        self.doc_words.sort_by(|a, b| a.0.cmp(&b.0));
        for v in [
            &mut self.conflict_markers,
            &mut self.private_keys,
            &mut self.env_reads,
        ] {
            v.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        }
    }
}

/// Keeps `read` if it represents its variable better than the read kept for it.
fn add_env_read(
    names: &mut std::collections::BTreeMap<String, crate::env_reads::EnvRead>,
    read: crate::env_reads::EnvRead,
) {
    match names.get(&read.name) {
        Some(current) if !crate::env_reads::represents_better(&read, current) => {}
        _ => {
            names.insert(read.name.clone(), read);
        }
    }
}

const ENV_READ_PATTERNS: [&str; 9] = [
    "os.environ",
    "os.getenv(",
    "process.env",
    "os.Getenv(",
    "os.LookupEnv(",
    "env::var(",
    "System.getenv(",
    "ENV[",
    "Deno.env",
];

/// Env-read needles are only searched in source files, and only up to the first hit.
/// Leftmost-first lets the search skip ahead with a SIMD prefilter (Teddy), which the
/// standard match kind does not; no needle holds another, so the first hit is the same.
static ENV_READS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(ENV_READ_PATTERNS)
        .expect("static patterns")
});
static CONFLICT: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("<<<<<<<"));
static INLINE_IGNORE: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("vouch:ignore"));
static PRIVATE_KEY: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("PRIVATE KEY"));

/// Words the data controls look for in YAML files the workspace does not keep (Artillery
/// scenarios, Chaos Toolkit experiments, CloudFormation, SLO specs, log shippers): the walk
/// records which of them each such file contains, so only files that may match are read again.
pub const YAML_WORDS: [&str; 17] = [
    "scenarios",
    "steady-state-hypothesis",
    "AWSTemplateFormatVersion",
    "AWS::",
    "slos",
    "SLO",
    "ServiceLevel",
    "clients",
    "output.",
    "sinks",
    "pipeline",
    "outputs",
    "scrape_configs",
    "filebeat",
    "sources",
    "pipelines",
    "exporters",
];

static YAML_FINDERS: LazyLock<Vec<memmem::Finder<'static>>> =
    LazyLock::new(|| YAML_WORDS.iter().map(memmem::Finder::new).collect());

/// Bit i is set when `text` contains `YAML_WORDS[i]`.
pub fn yaml_words(text: &str) -> u32 {
    YAML_FINDERS
        .iter()
        .enumerate()
        .filter(|(_, f)| f.find(text.as_bytes()).is_some())
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Scans one file's bytes. Rare needles use SIMD substring search over the whole file
/// (`<<<<<<<`, `PRIVATE KEY`); common-prefixed env-read needles run only on source files.
pub fn scan(path: &str, kind: FileKind, bytes: &[u8]) -> Facts {
    let mut facts = Facts::default();
    scan_into(&mut facts, path, kind, bytes);
    facts.settle_env_reads();
    facts
}

/// As [`scan`], adding to the facts of the files scanned before (one walker thread's).
pub fn scan_into(facts: &mut Facts, path: &str, kind: FileKind, bytes: &[u8]) {
    if CONFLICT.find(bytes).is_some() {
        facts.conflict_markers.extend(conflict_blocks(path, bytes));
    }
    if INLINE_IGNORE.find(bytes).is_some() {
        facts.inline_ignores.push(path.to_string());
    }
    for start in PRIVATE_KEY.find_iter(bytes) {
        if let Some(hit) = private_key_at(path, bytes, start) {
            facts.private_keys.push(hit);
        }
    }
    if matches!(kind, FileKind::Source(_))
        && let Some(m) = ENV_READS.find(bytes)
    {
        facts.env_reads.push(hit_at(path, bytes, m.start()));
        if crate::env_reads::is_application_code(path) {
            crate::env_reads::for_each_read(path, bytes, |found| {
                facts.add_found_env_read(path, found)
            });
        }
    }
    if doc_words::is_doc_extension(path) {
        facts
            .doc_words
            .push((path.to_string(), doc_words::mask(bytes)));
    }
    if let FileKind::Source(lang) = kind
        && test_files::is_candidate(path)
    {
        facts
            .test_files
            .push(test_files::inspect(path, lang, bytes));
    }
}

fn hit_at(path: &str, bytes: &[u8], offset: usize) -> TextHit {
    let line_start = memchr::memrchr(b'\n', &bytes[..offset])
        .map(|i| i + 1)
        .unwrap_or(0);
    let line_end = memchr::memchr(b'\n', &bytes[offset..])
        .map(|i| offset + i)
        .unwrap_or(bytes.len());
    let line = memchr::memchr_iter(b'\n', &bytes[..line_start]).count() as u32 + 1;
    let text = String::from_utf8_lossy(&bytes[line_start..line_end]);
    let column = String::from_utf8_lossy(&bytes[line_start..offset])
        .chars()
        .count() as u32
        + 1;
    TextHit {
        path: path.to_string(),
        line,
        column,
        text: truncate(text.trim()),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(200).collect()
}

/// Complete conflict blocks only, so `=======` heading underlines and `<<<<<<<` in prose do not count.
fn conflict_blocks(path: &str, bytes: &[u8]) -> Vec<TextHit> {
    let mut hits = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (offset, stage: 1 after <<<, 2 after ===)
    let mut offset = 0;
    for raw in bytes.split(|b| *b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let marker = |m: &[u8]| line.starts_with(m) && (line.len() == 7 || line[7] == b' ');
        if marker(b"<<<<<<<") {
            open = Some((offset, 1));
        } else if let Some((start, stage)) = open {
            if stage == 1 && line == b"=======" {
                open = Some((start, 2));
            } else if stage == 2 && marker(b">>>>>>>") {
                hits.push(hit_at(path, bytes, start));
                open = None;
            }
        }
        offset += raw.len() + 1;
    }
    hits
}

/// A `-----BEGIN <type> PRIVATE KEY-----` header whose next line looks like key material
/// (not `...`, not a placeholder).
fn private_key_at(path: &str, bytes: &[u8], offset: usize) -> Option<TextHit> {
    let line_start = memchr::memrchr(b'\n', &bytes[..offset])
        .map(|i| i + 1)
        .unwrap_or(0);
    let line_end = memchr::memchr(b'\n', &bytes[offset..])
        .map(|i| offset + i)
        .unwrap_or(bytes.len());
    let line = &bytes[line_start..line_end];
    let begin = memchr::memmem::find(line, b"-----BEGIN ")?;
    if !line[begin..].ends_with(b"-----") && !line[begin..].ends_with(b"-----\r") {
        return None;
    }
    let rest = bytes.get(line_end + 1..)?;
    let next_line = rest.split(|b| *b == b'\n').find(|l| {
        let t = l.trim_ascii();
        !t.is_empty() && !t.contains(&b':')
    })?;
    let body = next_line.trim_ascii();
    let base64ish = body.len() >= 40
        && body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\\'))
        && body.iter().filter(|b| b.is_ascii_digit()).count() >= 2;
    let mut hit = hit_at(path, bytes, line_start + begin);
    hit.text = String::from_utf8_lossy(&line[begin..]).trim().to_string();
    base64ish.then_some(hit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Lang;

    #[test]
    fn conflict_block_found_heading_underline_ignored() {
        let text = b"Title\n=======\n\nx\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> feature\n";
        let f = scan("a.md", FileKind::Markdown, text);
        assert_eq!(f.conflict_markers.len(), 1);
        assert_eq!(f.conflict_markers[0].line, 5);
        let prose = b"use <<<<<<< to mark\n=======\n";
        assert!(
            scan("b.md", FileKind::Markdown, prose)
                .conflict_markers
                .is_empty()
        );
    }

    #[test]
    fn private_key_needs_a_body() {
        let key = b"x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n";
        let f = scan("k.pem", FileKind::Other, key);
        assert_eq!(f.private_keys.len(), 1);
        assert_eq!(f.private_keys[0].line, 2);
        let doc = b"-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n";
        assert!(
            scan("d.md", FileKind::Markdown, doc)
                .private_keys
                .is_empty()
        );
    }

    #[test]
    fn env_reads_only_in_source() {
        let py = b"import os\nDB = os.environ['DB_URL']\n";
        let f = scan("app.py", FileKind::Source(Lang::Python), py);
        assert_eq!(f.env_reads[0].line, 2);
        assert!(scan("a.md", FileKind::Markdown, py).env_reads.is_empty());
    }
}
