//! Hostile source files: whatever the bytes, extraction ends with facts or a reason, never a
//! panic or a stack overflow. Inputs carry the words extractors trigger on, so the grammars and
//! extractors really run on them.

use vouch_code::{FileCode, extract};

/// Lines that wake every extractor (routes, SQL, HTTP clients, settings).
const TRIGGERS: &str = "\
@app.post('/x')\nrouter.post('/x', h)\ncursor.execute(q)\nrequests.get(u)\n\
r.POST(\"/x\", h)\ndb.Query(q)\n.route(\"/x\", post(h))\n@PostMapping(\"/x\")\n";

const PATHS: [&str; 7] = [
    "app/main.py",
    "src/server.js",
    "src/server.ts",
    "src/App.tsx",
    "cmd/api/main.go",
    "src/main.rs",
    "src/main/java/com/acme/Api.java",
];

fn run(path: &str, src: &[u8]) -> FileCode {
    // A fresh thread with a small stack: deep recursion anywhere would overflow it.
    let path = path.to_string();
    let src = src.to_vec();
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || extract(&path, &src).expect("a parsed language"))
        .expect("spawn")
        .join()
        .expect("extraction does not panic")
}

#[test]
fn ten_thousand_deep_nesting_in_every_language() {
    let depth = 10_000;
    for path in PATHS {
        let nested = format!(
            "{TRIGGERS}\nx = {}1{}\nf({}{})\n",
            "(\n".repeat(depth),
            ")\n".repeat(depth),
            "[\n".repeat(depth),
            "]\n".repeat(depth)
        );
        eprintln!("nesting: {path}");
        let file = run(path, nested.as_bytes());
        assert!(file.skipped.is_none(), "{path}: {:?}", file.skipped);
        assert_eq!(file.path, path);
    }
}

#[test]
fn invalid_utf8_and_binary_garbage_do_not_panic() {
    let mut garbage = TRIGGERS.as_bytes().to_vec();
    garbage.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    garbage.extend_from_slice(b"\xff\xfe\xc3\x28 def f(:\n\t}}}{{{ \"unterminated");
    for path in PATHS {
        let file = run(path, &garbage);
        assert!(file.skipped.is_none());
        assert!(
            !file.parse_errors.is_empty(),
            "{path}: garbage should report syntax errors"
        );
    }
}

#[test]
fn unterminated_constructs_keep_partial_results() {
    let src = format!("{TRIGGERS}\ndef broken(:\n    return\nclass {{\n");
    let file = run("app/routes.py", src.as_bytes());
    assert!(!file.parse_errors.is_empty());
    assert!(file.parse_errors.len() <= 5, "errors are capped");
}

#[test]
fn oversized_and_minified_files_are_skipped_with_a_reason() {
    let huge = "a".repeat(vouch_code::MAX_PARSE_BYTES + 1);
    let file = run("src/big.js", huge.as_bytes());
    assert!(file.skipped.as_deref().unwrap_or("").contains("MiB limit"));

    let minified = format!("{TRIGGERS}{}", "var a=1;".repeat(10_000));
    let file = run("dist/app.js", minified.as_bytes());
    assert!(
        file.skipped.as_deref().unwrap_or("").contains("minified"),
        "{:?}",
        file.skipped
    );
    let file = run("static/vendor.min.js", b"router.post('/x', h)");
    assert!(file.skipped.is_some());
}

#[test]
fn files_in_other_languages_are_not_extracted() {
    assert!(extract("README.md", TRIGGERS.as_bytes()).is_none());
    assert!(extract("app.rb", TRIGGERS.as_bytes()).is_none());
}
