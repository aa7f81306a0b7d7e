//! Outcomes the fixture harness cannot express (Unknown, NotApplicable) and cross-system
//! behaviour, on small repositories written to a temporary directory.

use crate::registry::find;
use vouch_core::Outcome;

fn outcome(id: &str, files: &[(&str, &str)]) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let ws =
        vouch_workspace::load(dir.path(), &vouch_workspace::LoadOptions::default()).expect("load");
    find(id).expect("control").run(&ws)
}

fn kind(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pass { .. } => "pass",
        Outcome::Fail { .. } => "fail",
        Outcome::Unknown { .. } => "unknown",
        Outcome::NotApplicable { .. } => "not_applicable",
        Outcome::Error { .. } => "error",
    }
}

const PY: [(&str, &str); 2] = [
    (
        "pyproject.toml",
        "[project]\nname = \"svc\"\nversion = \"1\"\n",
    ),
    ("svc/main.py", "print('hi')\n"),
];

fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    PY.iter().copied().chain(extra.iter().copied()).collect()
}

const WF_HEAD: &str = "on: [push]\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n";

#[test]
fn missing_makefile_is_unknown_not_fail() {
    let wf = format!("{WF_HEAD}      - run: make test\n");
    let files = with(&[(".github/workflows/ci.yml", Box::leak(wf.into_boxed_str()))]);
    let o = outcome("CI003", &files);
    assert_eq!(kind(&o), "unknown", "{o:?}");
    assert!(format!("{o:?}").contains("no Makefile"));
}

#[test]
fn remote_reusable_workflow_is_unknown() {
    let wf = "on: [push]\npermissions: {}\njobs:\n  test:\n    uses: acme/ci/.github/workflows/python.yml@0123456789abcdef0123456789abcdef01234567\n";
    let o = outcome("CI003", &with(&[(".github/workflows/ci.yml", wf)]));
    assert_eq!(kind(&o), "unknown", "{o:?}");
}

#[test]
fn unparsable_only_pipeline_is_unknown_for_ci001() {
    let o = outcome(
        "CI001",
        &with(&[(
            ".gitlab-ci.yml",
            "test:\n  script:\n    - pytest\n   - ruff\n",
        )]),
    );
    assert_eq!(kind(&o), "unknown", "{o:?}");
}

#[test]
fn not_applicable_cases() {
    let js = [
        (
            "package.json",
            "{\"name\":\"x\",\"dependencies\":{\"express\":\"4\"}}",
        ),
        ("src/index.js", "console.log(1)\n"),
    ];
    assert_eq!(kind(&outcome("CI005", &js)), "not_applicable");
    assert_eq!(kind(&outcome("CI010", &with(&[]))), "not_applicable");
    assert_eq!(kind(&outcome("CI011", &with(&[]))), "not_applicable");
    assert_eq!(kind(&outcome("CI017", &with(&[]))), "not_applicable");
    assert_eq!(kind(&outcome("CI002", &with(&[]))), "not_applicable");
    let wf = format!("{WF_HEAD}      - uses: actions/checkout@v4\n      - run: echo building\n");
    let wf: &'static str = Box::leak(wf.into_boxed_str());
    assert_eq!(
        kind(&outcome(
            "CI012",
            &with(&[(".github/workflows/ci.yml", wf)])
        )),
        "not_applicable"
    );
    assert_eq!(
        kind(&outcome(
            "CI014",
            &with(&[(".github/workflows/ci.yml", wf)])
        )),
        "not_applicable"
    );
    assert_eq!(
        kind(&outcome(
            "CI018",
            &[("requirements.txt", "flask==3.0\n"), ("app.py", "x = 1\n")]
        )),
        "not_applicable"
    );
    assert_eq!(
        kind(&outcome("CI003", &[("README.md", "# notes\n")])),
        "not_applicable"
    );
}

#[test]
fn matrix_values_reach_the_command() {
    let wf = "on: [push]\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        check: [\"ruff check .\", \"mypy svc\"]\n    steps:\n      - run: ${{ matrix.check }}\n".to_string();
    let wf: &'static str = Box::leak(wf.into_boxed_str());
    let files = with(&[(".github/workflows/ci.yml", wf)]);
    assert_eq!(kind(&outcome("CI005", &files)), "pass");
    assert_eq!(kind(&outcome("CI004", &files)), "pass");
}

#[test]
fn azure_continue_on_error_neutralises() {
    let az = "steps:\n  - script: pytest -q\n    displayName: Tests\n    continueOnError: true\n";
    let o = outcome("CI012", &with(&[("azure-pipelines.yml", az)]));
    assert_eq!(kind(&o), "fail", "{o:?}");
}

#[test]
fn no_pipeline_fails_gates_with_code() {
    assert_eq!(kind(&outcome("CI003", &with(&[]))), "fail");
    assert_eq!(kind(&outcome("CI007", &with(&[]))), "fail");
}

#[test]
fn trivy_exit_code_from_config_file_counts() {
    let wf = "on: [push]\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: trivy image app:ci\n";
    let failing = with(&[(".github/workflows/ci.yml", wf)]);
    assert_eq!(kind(&outcome("CI012", &failing)), "fail");
    let configured = with(&[
        (".github/workflows/ci.yml", wf),
        ("trivy.yaml", "exit-code: 1\nseverity:\n  - CRITICAL\n"),
    ]);
    assert_eq!(kind(&outcome("CI012", &configured)), "pass");
    let sarif = "on: [push]\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: trivy image --format sarif -o trivy.sarif app:ci\n";
    assert_eq!(
        kind(&outcome(
            "CI012",
            &with(&[(".github/workflows/ci.yml", sarif)])
        )),
        "pass"
    );
}

#[test]
fn python_shell_steps_are_not_shell() {
    let wf = "on: [push]\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: python\n        run: |\n          import subprocess\n          pytest = 'not run'\n";
    assert_eq!(
        kind(&outcome(
            "CI003",
            &with(&[(".github/workflows/ci.yml", wf)])
        )),
        "fail"
    );
}

/// A Next.js app built with `next build` in CI, whose config sets `ignoreBuildErrors` to `value`.
fn next_app(value: &'static str) -> Vec<(&'static str, &'static str)> {
    let config = format!(
        "/** @type {{import('next').NextConfig}} */\nmodule.exports = {{\n  typescript: {{ ignoreBuildErrors: {value} }},\n}};\n"
    );
    vec![
        (
            "package.json",
            "{\"name\":\"shop\",\"scripts\":{\"build\":\"next build\"},\"dependencies\":{\"next\":\"14.2.5\"}}",
        ),
        ("next.config.js", Box::leak(config.into_boxed_str())),
        (
            "pages/index.tsx",
            "export default function Home() { return null; }\n",
        ),
        ("lib/api.ts", "export const api = 1;\n"),
        (
            ".github/workflows/ci.yml",
            "on: [push]\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n      - run: npm run build\n",
        ),
    ]
}

#[test]
fn next_build_counts_unless_its_config_ignores_type_errors() {
    assert_eq!(kind(&outcome("CI005", &next_app("false"))), "pass");
    assert_eq!(kind(&outcome("CI005", &next_app("true"))), "fail");
    let o = outcome("CI005", &next_app("process.env.SKIP_TYPES === '1'"));
    assert_eq!(kind(&o), "unknown", "{o:?}");
    assert!(format!("{o:?}").contains("next.config.js:3"), "{o:?}");
    // Another stack that is definitely unchecked still fails the control.
    let mut files = next_app("process.env.SKIP_TYPES === '1'");
    files.extend(PY);
    let o = outcome("CI005", &files);
    assert_eq!(kind(&o), "fail", "{o:?}");
    assert!(!format!("{o:?}").contains("TypeScript"), "{o:?}");
}

#[test]
fn untested_stack_message_says_whether_tests_exist() {
    let wf = format!("{WF_HEAD}      - run: cargo build --release\n");
    let wf: &'static str = Box::leak(wf.into_boxed_str());
    let crate_files = |lib: &'static str| {
        vec![
            (
                "Cargo.toml",
                "[package]\nname = \"svc\"\nversion = \"0.1.0\"\n",
            ),
            ("src/lib.rs", lib),
            (".github/workflows/ci.yml", wf),
        ]
    };
    let inline = "pub fn add(a: u8, b: u8) -> u8 { a + b }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() { assert_eq!(super::add(1, 2), 3); }\n}\n";
    let o = format!("{:?}", outcome("CI003", &crate_files(inline)));
    assert!(
        o.contains("Rust code has tests that no CI step runs"),
        "{o}"
    );
    let none = "pub fn add(a: u8, b: u8) -> u8 { a + b }\n";
    let o = format!("{:?}", outcome("CI003", &crate_files(none)));
    assert!(o.contains("Rust code has no tests"), "{o}");
}
