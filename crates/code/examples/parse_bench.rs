//! Per-language throughput of the code layer (issue 3 benchmark): for each language, the time
//! to read its files, to parse them, and to run the extractor over the parsed trees, each
//! phase on all cores (rayon), with files/s and MB/s for parse + extract. The CPU seconds of
//! each phase are shown too: on a loaded machine they compare extract with parse more fairly.
//!
//!     cargo run --release -p vouch-code --example parse_bench -- DIR [RUNS] [LANGUAGE]
//!     cargo run --release -p vouch-code --example parse_bench -- --dump ROOT...
//!
//! `LANGUAGE` (`python`, `typescript`, `go`, `rust`, `java`) limits the run to one language,
//! for profiling one extractor at a time. `--dump` prints every fact of every file under each
//! ROOT (before and after linking), so a change can be checked to leave the facts identical.
//! Run through `bench/code/run.sh` (figures) and `bench/code/facts.sh` (fact dumps).

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vouch_code::{CodeIndex, Language};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--dump") {
        for root in &args[1..] {
            dump(Path::new(root));
        }
        return;
    }
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: parse_bench DIR [RUNS] [LANGUAGE] | parse_bench --dump ROOT...");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let only = args.get(2).map(|s| s.to_ascii_lowercase());
    let mut by_language: BTreeMap<Language, Vec<PathBuf>> = BTreeMap::new();
    collect(&root, &mut by_language);
    by_language.retain(|l, _| only.as_deref().is_none_or(|o| l.name().to_lowercase() == o));
    bench(&by_language, runs.max(1));
}

/// One language's figures: medians over the runs.
#[derive(Default)]
struct Figures {
    files: usize,
    bytes: usize,
    parsed: usize,
    read: f64,
    parse: f64,
    extract: f64,
    /// CPU seconds of all threads (robust to other load on the machine, unlike wall time).
    parse_cpu: f64,
    extract_cpu: f64,
    routes: usize,
    facts: usize,
}

fn bench(by_language: &BTreeMap<Language, Vec<PathBuf>>, runs: usize) {
    println!(
        "threads: {}   runs: {runs} (median shown)",
        rayon::current_num_threads()
    );
    println!(
        "{:<11} {:>6} {:>6} {:>6} {:>8} {:>8} {:>10} {:>8} {:>8} {:>7} {:>8} {:>6} {:>9} {:>7} {:>7}",
        "language",
        "files",
        "parsed",
        "MB",
        "read ms",
        "parse ms",
        "extract ms",
        "parse cpu",
        "extr cpu",
        "x parse",
        "files/s",
        "MB/s",
        "MB/s/core",
        "routes",
        "facts"
    );
    let mut all = Figures::default();
    for (language, paths) in by_language {
        let f = measure(*language, paths, runs);
        print_row(language.name(), &f);
        all.files += f.files;
        all.parsed += f.parsed;
        all.bytes += f.bytes;
        all.read += f.read;
        all.parse += f.parse;
        all.extract += f.extract;
        all.parse_cpu += f.parse_cpu;
        all.extract_cpu += f.extract_cpu;
        all.routes += f.routes;
        all.facts += f.facts;
    }
    print_row("all", &all);
}

fn print_row(name: &str, f: &Figures) {
    let mb = f.bytes as f64 / 1e6;
    let total = f.parse + f.extract;
    println!(
        "{:<11} {:>6} {:>6} {:>6.1} {:>8.0} {:>8.0} {:>10.0} {:>8.0} {:>8.0} {:>7.2} {:>8.0} {:>6.1} {:>9.1} {:>7} {:>7}",
        name,
        f.files,
        f.parsed,
        mb,
        f.read * 1e3,
        f.parse * 1e3,
        f.extract * 1e3,
        f.parse_cpu * 1e3,
        f.extract_cpu * 1e3,
        f.extract_cpu / f.parse_cpu.max(1e-9),
        f.files as f64 / total,
        mb / total,
        mb / (f.parse_cpu + f.extract_cpu).max(1e-9),
        f.routes,
        f.facts
    );
}

/// Reads, parses and extracts one language's files `runs` times. Only files that
/// `vouch_code::extract` would parse (its trigger-word prefilter) are parsed and extracted
/// here, so parse and extract times cover the same work the audit does.
fn measure(language: Language, paths: &[PathBuf], runs: usize) -> Figures {
    let (mut reads, mut parses, mut extracts) = (Vec::new(), Vec::new(), Vec::new());
    let (mut parse_cpus, mut extract_cpus) = (Vec::new(), Vec::new());
    let mut figures = Figures {
        files: paths.len(),
        ..Figures::default()
    };
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
        let wanted: Vec<&(String, Vec<u8>)> = sources
            .iter()
            .filter(|(path, src)| vouch_code::lang::may_have_facts(language, path, src))
            .collect();
        let (started, cpu) = (Instant::now(), cpu_seconds());
        let trees: Vec<_> = wanted
            .par_iter()
            .map_init(
                || parser(language),
                |parser, (_, src)| parser.parse(src, None),
            )
            .collect();
        parses.push(started.elapsed());
        parse_cpus.push(cpu_seconds() - cpu);
        let (started, cpu) = (Instant::now(), cpu_seconds());
        let files: Vec<vouch_code::FileCode> = wanted
            .par_iter()
            .zip(trees.par_iter())
            .filter_map(|((path, src), tree)| {
                let tree = tree.as_ref()?;
                let mut out = vouch_code::FileCode {
                    path: path.clone(),
                    language: Some(language),
                    ..Default::default()
                };
                vouch_code::lang::extract(language, path, src, tree, &mut out);
                Some(out)
            })
            .collect();
        extracts.push(started.elapsed());
        extract_cpus.push(cpu_seconds() - cpu);
        figures.bytes = sources.iter().map(|(_, b)| b.len()).sum();
        figures.parsed = wanted.len();
        figures.routes = files.iter().map(|f| f.routes.len()).sum();
        figures.facts = files.iter().map(|f| f.facts.len()).sum();
    }
    figures.read = median(&mut reads).as_secs_f64();
    figures.parse = median(&mut parses).as_secs_f64();
    figures.extract = median(&mut extracts).as_secs_f64();
    parse_cpus.sort_by(f64::total_cmp);
    extract_cpus.sort_by(f64::total_cmp);
    figures.parse_cpu = parse_cpus[runs / 2];
    figures.extract_cpu = extract_cpus[runs / 2];
    figures
}

fn parser(language: Language) -> tree_sitter::Parser {
    let grammar: tree_sitter::Language = match language {
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::Go => tree_sitter_go::LANGUAGE.into(),
        Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        Language::Java => tree_sitter_java::LANGUAGE.into(),
    };
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&grammar)
        .expect("bundled grammar matches the tree-sitter runtime");
    parser
}

/// Prints every file's facts under `root` (paths relative to it, sorted) as extracted, then
/// as linked, in Debug form: it shows the fields JSON skips (route scopes, link hints).
fn dump(root: &Path) {
    let mut by_language: BTreeMap<Language, Vec<PathBuf>> = BTreeMap::new();
    collect(root, &mut by_language);
    let mut paths: Vec<PathBuf> = by_language.into_values().flatten().collect();
    paths.sort();
    let files: Vec<vouch_code::FileCode> = paths
        .par_iter()
        .filter_map(|p| {
            let src = std::fs::read(p).ok()?;
            let rel = p.strip_prefix(root).unwrap_or(p).to_string_lossy();
            vouch_code::extract(&rel, &src)
        })
        .collect();
    println!("== {}", root.display());
    for file in &files {
        println!("{file:?}");
    }
    println!("-- linked");
    for file in CodeIndex::build(files).files {
        println!("{:?}", (&file.path, &file.routes, &file.link_hints));
    }
}

/// User + system CPU time of the whole process so far, from `/proc/self/stat` (Linux; 0
/// elsewhere), in seconds at the kernel's 100 Hz tick.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
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
