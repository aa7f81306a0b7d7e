//! Cross-cutting behaviour of the K8S controls that fixtures (pass/fail only) cannot show:
//! Unknown where templating hides the answer, List expansion, Kustomize overlays.

use vouch_core::Outcome;
use vouch_workspace::Workspace;

fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    let ws = vouch_workspace::load(dir.path(), &Default::default()).expect("load");
    (dir, ws)
}

fn run(id: &str, files: &[(&str, &str)]) -> Outcome {
    let (_dir, ws) = workspace(files);
    let check = super::checks()
        .into_iter()
        .find(|c| c.meta().id == id)
        .expect("control");
    check.run(&ws)
}

fn is_unknown(o: &Outcome) -> bool {
    matches!(o, Outcome::Unknown { .. })
}

const CHART: &str = "apiVersion: v2\nname: web\nversion: 1.0.0\nappVersion: 2.0.0\n";

const DEPLOYMENT_TEMPLATE: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: "ghcr.io/acme/web:{{ .Values.image.tag }}"
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"#;

#[test]
fn helm_values_missing_from_values_yaml_are_unknown() {
    let files = [
        ("chart/Chart.yaml", CHART),
        ("chart/values.yaml", "replicaCount: 2\n"),
        ("chart/templates/deployment.yaml", DEPLOYMENT_TEMPLATE),
    ];
    let o = run("K8S001", &files);
    assert!(is_unknown(&o), "{o:?}");
    let o = run("K8S010", &files);
    assert!(is_unknown(&o), "{o:?}");
}

#[test]
fn helm_values_overridden_for_production_are_unknown() {
    let files = [
        ("chart/Chart.yaml", CHART),
        (
            "chart/values.yaml",
            "replicaCount: 1\nimage: {tag: 2.0.0}\nresources: {}\n",
        ),
        ("chart/values-production.yaml", "replicaCount: 4\n"),
        ("chart/values-dev.yaml", "image: {tag: latest}\n"),
        ("chart/templates/deployment.yaml", DEPLOYMENT_TEMPLATE),
    ];
    assert!(is_unknown(&run("K8S011", &files)));
    // A development overlay does not make the production answer unknown.
    assert!(matches!(run("K8S010", &files), Outcome::Pass { .. }));
}

#[test]
fn helm_workload_behind_unknown_condition_is_unknown_not_failed() {
    let template = format!(
        "{{{{- if .Capabilities.APIVersions.Has \"apps/v1\" }}}}\n{DEPLOYMENT_TEMPLATE}{{{{- end }}}}\n"
    );
    let files = [
        ("chart/Chart.yaml", CHART),
        (
            "chart/values.yaml",
            "replicaCount: 1\nimage: {tag: 2.0.0}\nresources: {}\n",
        ),
        ("chart/templates/deployment.yaml", template.as_str()),
    ];
    let o = run("K8S011", &files);
    assert!(is_unknown(&o), "{o:?}");
}

const PLAIN: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {cpu: 500m, memory: 256Mi}\n";

#[test]
fn an_unparsable_manifest_turns_a_pass_into_unknown() {
    let broken = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\n spec: [\n";
    let o = run(
        "K8S001",
        &[("k8s/api.yaml", PLAIN), ("k8s/worker.yaml", broken)],
    );
    assert!(is_unknown(&o), "{o:?}");
    let o = run("K8S001", &[("k8s/api.yaml", PLAIN)]);
    assert!(matches!(o, Outcome::Pass { .. }), "{o:?}");
}

#[test]
fn list_items_are_objects() {
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        PLAIN
            .replace("memory: 256Mi}", "}")
            .lines()
            .enumerate()
            .map(|(i, l)| if i == 0 {
                format!("  - {l}\n")
            } else {
                format!("    {l}\n")
            })
            .collect::<String>()
    );
    match run("K8S001", &[("k8s/all.yaml", &list)]) {
        Outcome::Fail { findings } => {
            assert_eq!(findings.len(), 1);
            assert!(
                findings[0].message.contains("memory limit"),
                "{}",
                findings[0].message
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn images_substituted_at_deploy_time_are_unknown() {
    let manifest = PLAIN.replace("ghcr.io/acme/api:1.0.0", "ghcr.io/acme/api:${IMAGE_TAG}");
    assert!(is_unknown(&run("K8S010", &[("k8s/api.yaml", &manifest)])));
}

#[test]
fn kustomize_base_is_judged_through_its_overlays_with_patches() {
    let base_kust = "resources:\n  - deployment.yaml\n";
    let prod = "resources:\n  - ../../base\nreplicas:\n  - name: api\n    count: 3\npatches:\n  - path: memory.yaml\n";
    let staging = "resources:\n  - ../../base\npatchesStrategicMerge:\n  - |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: api\n    spec:\n      replicas: 1\n";
    let patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          resources:\n            limits:\n              memory: 1Gi\n";
    let base = PLAIN.replace("  replicas: 2\n", "");
    let files = [
        ("deploy/base/kustomization.yaml", base_kust),
        ("deploy/base/deployment.yaml", base.as_str()),
        ("deploy/overlays/prod/kustomization.yaml", prod),
        ("deploy/overlays/prod/memory.yaml", patch),
        ("deploy/overlays/staging/kustomization.yaml", staging),
    ];
    let (_dir, ws) = workspace(&files);
    let model = super::model::K8sModel::get(&ws);
    let deployments: Vec<_> = model.of_kind("Deployment").collect();
    // One per overlay; the patch file itself is not an object.
    assert_eq!(
        deployments.len(),
        2,
        "{:?}",
        deployments.iter().map(|d| d.path()).collect::<Vec<_>>()
    );
    let check = super::checks()
        .into_iter()
        .find(|c| c.meta().id == "K8S011")
        .unwrap();
    match check.run(&ws) {
        Outcome::Fail { findings } => {
            assert_eq!(findings.len(), 1);
            // Reported where the value is set: the inline patch of the staging kustomization.
            assert_eq!(
                findings[0].location.path,
                "deploy/overlays/staging/kustomization.yaml"
            );
            assert_eq!(findings[0].location.line, Some(10));
        }
        other => panic!("{other:?}"),
    }
    // The prod patch raises the memory limit; evidence points at the patch.
    match run("K8S001", &files) {
        Outcome::Pass { evidence } => assert!(
            evidence
                .iter()
                .any(|e| e.location.path.ends_with("base/deployment.yaml"))
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn kustomize_components_patch_the_accumulated_resources() {
    let base = PLAIN.replace(
        "          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {cpu: 500m, memory: 256Mi}\n",
        "",
    );
    let files = [
        (
            "deploy/base/kustomization.yaml",
            "resources:\n  - deployment.yaml\n",
        ),
        ("deploy/base/deployment.yaml", base.as_str()),
        (
            "deploy/components/hardening/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - target: {kind: Deployment}\n    patch: |-\n      - op: add\n        path: /spec/template/spec/containers/0/securityContext\n        value: {readOnlyRootFilesystem: true}\n",
        ),
        (
            "deploy/overlays/prod/kustomization.yaml",
            "resources:\n  - ../../base\ncomponents:\n  - ../../components/hardening\n",
        ),
    ];
    match run("K8S007", &files) {
        Outcome::Pass { evidence } => {
            assert_eq!(
                evidence[0].location.path,
                "deploy/components/hardening/kustomization.yaml"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_tools_templates_are_unknown_not_failures() {
    let jinja = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n{% if ha %}\n  replicas: 3\n{% endif %}\n";
    let quoted = PLAIN.replace("ghcr.io/acme/api:1.0.0", "\"{{ api_image }}\"");
    let files = [
        ("ansible/templates/api.yaml", jinja),
        ("k8s/api.yaml", quoted.as_str()),
    ];
    assert!(is_unknown(&run("K8S010", &files)));
    let parse = run("K8S019", &files);
    assert!(matches!(parse, Outcome::Pass { .. }), "{parse:?}");
}

#[test]
fn findings_quoting_the_same_line_keep_distinct_fingerprints() {
    let two = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: a:1\n      securityContext:\n        runAsUser: 1000\n    - name: b\n      image: b:1\n      securityContext:\n        runAsUser: 1000\n";
    match run("K8S007", &[("k8s/pod.yaml", two)]) {
        Outcome::Fail { findings } => {
            assert_eq!(findings.len(), 2);
            assert_eq!(findings[0].snippet, findings[1].snippet);
            assert_ne!(findings[0].fingerprint, findings[1].fingerprint);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_relation_an_unreadable_file_may_hold_is_unknown_not_missing() {
    let broken_pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: api}\n";
    let files = [("k8s/api.yaml", PLAIN), ("k8s/pdb.yaml", broken_pdb)];
    let o = run("K8S012", &files);
    assert!(is_unknown(&o), "{o:?}");
    assert!(matches!(run("K8S012", &files[..1]), Outcome::Fail { .. }));
    // A broken PDB says nothing about autoscalers.
    assert!(matches!(run("K8S013", &files), Outcome::Fail { .. }));
}

#[test]
fn kustomize_delete_patch_removes_the_object() {
    let single = PLAIN
        .replace("replicas: 2", "replicas: 1")
        .replace("name: api}", "name: legacy}");
    let files = [
        (
            "deploy/base/kustomization.yaml",
            "resources:\n  - api.yaml\n  - legacy.yaml\n",
        ),
        ("deploy/base/api.yaml", PLAIN),
        ("deploy/base/legacy.yaml", single.as_str()),
        (
            "deploy/overlays/prod/kustomization.yaml",
            "resources:\n  - ../../base\npatches:\n  - patch: |-\n      $patch: delete\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: legacy\n",
        ),
    ];
    assert!(matches!(run("K8S011", &files), Outcome::Pass { .. }));
}
