//! Per-language throughput of the code layer (issue 3 benchmark): for each language, the time
//! to read its files, then to parse and extract them on all cores (rayon), as files/s and MB/s.
//!
//!     cargo run --release -p vouch-code --example parse_bench -- DIR [RUNS]
//!
//! Run through `bench/code/run.sh`, which generates the tree and records the figures.

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vouch_code::Language;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: parse_bench DIR [RUNS]"));
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut by_language: BTreeMap<Language, Vec<PathBuf>> = BTreeMap::new();
    collect(&root, &mut by_language);
    println!(
        "threads: {}   runs: {runs} (median shown)",
        rayon::current_num_threads()
    );
    println!(
        "{:<11} {:>7} {:>9} {:>10} {:>11} {:>10} {:>9} {:>8} {:>7}",
        "language", "files", "MB", "read ms", "extract ms", "files/s", "MB/s", "routes", "facts"
    );
    let (mut all_files, mut all_bytes, mut all_read, mut all_extract) = (0, 0, 0.0, 0.0);
    for (language, paths) in &by_language {
        let mut reads = Vec::new();
        let mut extracts = Vec::new();
        let mut counts = (0, 0, 0);
        for _ in 0..runs {
            let started = Instant::now();
            let sources: Vec<(String, Vec<u8>)> = paths
                .par_iter()
                .map(|p| {
                    (
                        p.to_string_lossy().into_owned(),
                        std::fs::read(p).unwrap_or_default(),
                    )
                })
                .collect();
            reads.push(started.elapsed());
            let started = Instant::now();
            let files: Vec<_> = sources
                .par_iter()
                .filter_map(|(path, bytes)| vouch_code::extract(path, bytes))
                .collect();
            extracts.push(started.elapsed());
            let bytes: usize = sources.iter().map(|(_, b)| b.len()).sum();
            let routes = files.iter().map(|f| f.routes.len()).sum();
            let facts = files.iter().map(|f| f.facts.len()).sum();
            counts = (bytes, routes, facts);
        }
        let read = median(&mut reads).as_secs_f64();
        let extract = median(&mut extracts).as_secs_f64();
        let mb = counts.0 as f64 / 1e6;
        println!(
            "{:<11} {:>7} {:>9.1} {:>10.0} {:>11.0} {:>10.0} {:>9.1} {:>8} {:>7}",
            language.name(),
            paths.len(),
            mb,
            read * 1e3,
            extract * 1e3,
            paths.len() as f64 / extract,
            mb / extract,
            counts.1,
            counts.2
        );
        all_files += paths.len();
        all_bytes += counts.0;
        all_read += read;
        all_extract += extract;
    }
    let mb = all_bytes as f64 / 1e6;
    println!(
        "{:<11} {:>7} {:>9.1} {:>10.0} {:>11.0} {:>10.0} {:>9.1}",
        "all",
        all_files,
        mb,
        all_read * 1e3,
        all_extract * 1e3,
        all_files as f64 / all_extract,
        mb / all_extract
    );
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// Iterative directory walk (no recursion, no symlinks followed).
fn collect(root: &Path, out: &mut BTreeMap<Language, Vec<PathBuf>>) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && let Some(language) = Language::of_path(&path.to_string_lossy())
            {
                out.entry(language).or_default().push(path);
            }
        }
    }
}
