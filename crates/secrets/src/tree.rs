//! Scanning a directory tree on every core: the working tree as git would commit it (tracked
//! and untracked-but-not-ignored files), or every file with `all_files`.

use crate::ruleset::Ruleset;
use crate::scan::{SecretHit, scan, scan_reader};
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

/// Files larger than this are streamed in chunks instead of read whole.
pub const WHOLE_READ_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct TreeScan {
    /// (relative path, hits), sorted by path.
    pub files: Vec<(String, Vec<SecretHit>)>,
    pub scanned_files: usize,
    pub bytes: u64,
    pub skipped: Vec<(String, String)>,
}

pub fn scan_tree(root: &Path, set: &Ruleset, all_files: bool, threads: usize) -> TreeScan {
    let out = Mutex::new(TreeScan::default());
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .threads(threads)
        .filter_entry(|e| e.file_name() != ".git");
    if all_files {
        builder.standard_filters(false).hidden(false);
    }
    builder.build_parallel().run(|| {
        let out = &out;
        let mut buffer = Vec::new();
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            let result = scan_file(set, entry.path(), &mut buffer);
            let mut guard = out.lock().unwrap_or_else(|e| e.into_inner());
            match result {
                Err(why) => guard.skipped.push((rel, why)),
                Ok(None) => {}
                Ok(Some((hits, bytes))) => {
                    guard.scanned_files += 1;
                    guard.bytes += bytes;
                    if !hits.is_empty() {
                        guard.files.push((rel, hits));
                    }
                }
            }
            if buffer.capacity() > 16 << 20 {
                buffer = Vec::new();
            }
            ignore::WalkState::Continue
        })
    });
    let mut out = out.into_inner().unwrap_or_else(|e| e.into_inner());
    out.files.sort_by(|a, b| a.0.cmp(&b.0));
    out.skipped.sort();
    out
}

/// Hits and bytes of one file; `None` for binary files (NUL bytes near the start).
fn scan_file(
    set: &Ruleset,
    path: &Path,
    buffer: &mut Vec<u8>,
) -> Result<Option<(Vec<SecretHit>, u64)>, String> {
    buffer.clear();
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    if size > WHOLE_READ_BYTES {
        let mut head = vec![0u8; 8000];
        let n = file.read(&mut head).map_err(|e| e.to_string())?;
        head.truncate(n);
        if head.contains(&0) {
            return Ok(None);
        }
        let reader = std::io::Cursor::new(head).chain(file);
        return scan_reader(set, reader)
            .map(Some)
            .map_err(|e| e.to_string());
    }
    file.read_to_end(buffer).map_err(|e| e.to_string())?;
    if buffer[..buffer.len().min(8000)].contains(&0) {
        return Ok(None);
    }
    Ok(Some((scan(set, buffer), buffer.len() as u64)))
}
