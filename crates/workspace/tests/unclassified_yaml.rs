//! Unclassified YAML files: kept (with their parse error) only when they may hold a key some
//! control reads; the others are not parsed, and only the words controls look for are noted.

use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn only_files_that_may_hold_a_kept_key_are_parsed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Broken YAML without any kept key: nothing any control reads, so no parse and no error.
    write(
        root,
        "config/sessions/cache.yaml",
        "ttl: [1, 2\nfilebeat_note: x\n",
    );
    // Broken manifests, rules and Alertmanager files are kept: their parse errors are reported.
    write(root, "deploy/api.yaml", "apiVersion: v1\nkind: [Service\n");
    write(
        root,
        "monitoring/alerts.yaml",
        "- alert: High\n  expr: [up == 0\n",
    );
    write(root, "monitoring/alertmanager.yml", "global: [\n");
    // A valid file with a kept top-level key.
    write(root, "ops/slo.yaml", "slos:\n  - name: api\n");
    // A valid file mentioning a kept key below the top level is parsed, then not kept.
    write(root, "app/settings.yaml", "db:\n  kind: postgres\n");
    let ws = vouch_workspace::load(root, &Default::default()).expect("load");
    let kept: Vec<(&str, bool)> = ws
        .yaml
        .iter()
        .map(|y| (y.path.as_str(), y.docs.is_ok()))
        .collect();
    assert_eq!(
        kept,
        vec![
            ("deploy/api.yaml", false),
            ("monitoring/alertmanager.yml", false),
            ("monitoring/alerts.yaml", false),
            ("ops/slo.yaml", true),
        ]
    );
    let unkept: Vec<&str> = ws
        .facts
        .unkept_yaml
        .iter()
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(
        unkept,
        vec!["app/settings.yaml", "config/sessions/cache.yaml"]
    );
    let filebeat = vouch_workspace::facts::YAML_WORDS
        .iter()
        .position(|w| *w == "filebeat")
        .unwrap();
    assert_ne!(
        ws.facts
            .unkept_yaml_words("config/sessions/cache.yaml")
            .unwrap()
            & (1 << filebeat),
        0
    );
}
