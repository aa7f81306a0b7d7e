//! The secret rules' keyword search: vouch-keywords against the `aho-corasick` crate's DFA
//! (overlapping, ASCII case-insensitive), on the same bytes.
//!
//!   cargo bench -p vouch-secrets --bench keywords                 # generated source-like text
//!   VOUCH_BENCH_TREE=~/.cache/vouch-bench/corpus/small-10000f-100m cargo bench -p vouch-secrets --bench keywords

use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use vouch_keywords::Keywords;

fn main() {
    let files = match std::env::var_os("VOUCH_BENCH_TREE") {
        Some(root) => read_tree(Path::new(&root)),
        None => generated(),
    };
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mut words: Vec<&str> = vouch_secrets::ruleset()
        .rules
        .iter()
        .flat_map(|r| r.keywords.iter().copied())
        .collect();
    words.sort_unstable();
    words.dedup();
    println!(
        "{} files, {:.1} MB, {} keywords",
        files.len(),
        bytes as f64 / 1e6,
        words.len()
    );
    let ours = Keywords::new(&words);
    let dfa = AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .build(&words)
        .expect("keywords");
    let (mut a, mut b) = (0, 0);
    let t_ours = best_of(5, || {
        a = files.iter().map(|f| ours.find_all(f).len()).sum::<usize>();
    });
    let t_dfa = best_of(5, || {
        b = files
            .iter()
            .map(|f| dfa.find_overlapping_iter(f).count())
            .sum::<usize>();
    });
    assert_eq!(a, b, "both find the same occurrences");
    let per_byte = |t: Duration| t.as_nanos() as f64 / bytes as f64;
    println!("matches: {a}");
    println!(
        "vouch-keywords: {:>8.1} ms  {:.2} ns/byte",
        t_ours.as_secs_f64() * 1e3,
        per_byte(t_ours)
    );
    println!(
        "aho-corasick:   {:>8.1} ms  {:.2} ns/byte",
        t_dfa.as_secs_f64() * 1e3,
        per_byte(t_dfa)
    );
    println!(
        "speed-up: {:.2}x",
        t_dfa.as_secs_f64() / t_ours.as_secs_f64()
    );
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn read_tree(root: &Path) -> Vec<Vec<u8>> {
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => {
                    if let Ok(bytes) = std::fs::read(&path)
                        && !bytes.contains(&0)
                    {
                        out.push(bytes);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// 4,000 files of Python-, Go- and TypeScript-like service code (about 40 MB).
fn generated() -> Vec<Vec<u8>> {
    let lines = [
        "def get_user(session, user_id: int) -> User:\n",
        "    token = request.headers.get(\"Authorization\", \"\")\n",
        "    return session.query(User).filter(User.id == user_id).one()\n",
        "func (s *Server) handleOrders(w http.ResponseWriter, r *http.Request) {\n",
        "\tctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)\n",
        "export async function fetchInvoices(client: ApiClient, page = 1) {\n",
        "  const secret = process.env.WEBHOOK_SECRET ?? '';\n",
        "  logger.info({ orderId, amount }, 'payment captured');\n",
        "# retry with exponential backoff before giving up on the provider\n",
        "    password_hash = hasher.hash(form.password)\n",
    ];
    (0..4000u64)
        .map(|i| {
            let mut file = Vec::with_capacity(10_000);
            let mut x = i.wrapping_mul(2654435761);
            while file.len() < 10_000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                file.extend_from_slice(lines[(x >> 33) as usize % lines.len()].as_bytes());
            }
            file
        })
        .collect()
}
