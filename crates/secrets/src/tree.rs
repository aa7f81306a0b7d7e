//! Scanning a directory tree on every core: the working tree as git would commit it (tracked
//! and untracked-but-not-ignored files), or every file with `all_files`.

use crate::ruleset::Ruleset;
use crate::scan::{SecretHit, scan};
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

/// Files larger than this are not scanned (listed in `skipped`).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

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
            let result = read_into(entry.path(), &mut buffer);
            let mut guard = out.lock().unwrap_or_else(|e| e.into_inner());
            match result {
                Err(why) => guard.skipped.push((rel, why)),
                Ok(()) if buffer[..buffer.len().min(8000)].contains(&0) => {}
                Ok(()) => {
                    drop(guard);
                    let hits = scan(set, &buffer);
                    let mut guard = out.lock().unwrap_or_else(|e| e.into_inner());
                    guard.scanned_files += 1;
                    guard.bytes += buffer.len() as u64;
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

fn read_into(path: &Path, buffer: &mut Vec<u8>) -> Result<(), String> {
    buffer.clear();
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{size} bytes is over the {} MiB limit",
            MAX_FILE_BYTES >> 20
        ));
    }
    file.take(MAX_FILE_BYTES)
        .read_to_end(buffer)
        .map_err(|e| e.to_string())?;
    Ok(())
}
