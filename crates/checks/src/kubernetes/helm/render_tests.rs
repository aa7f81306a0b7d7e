//! The renderer on real chart idioms: ranges, conditions, holes, library helpers.

use super::eval::{Chart, VALUES_SRC};
use super::extract_defines;
use super::render::{OutLine, Renderer};
use crate::kubernetes::objects::{HOLE, UNKNOWN};
use std::collections::HashMap;
use vouch_workspace::yaml::parse_str;

fn chart(values: &str, helpers: &str) -> Chart {
    let mut defines = HashMap::new();
    extract_defines(helpers, &mut defines);
    Chart {
        values: Some(parse_str(values).unwrap().remove(0).root),
        overlays: Vec::new(),
        meta: Some(
            parse_str("name: web\nversion: 1.0.0\nappVersion: 3.1.0\n")
                .unwrap()
                .remove(0)
                .root,
        ),
        defines,
    }
}

fn render(c: &Chart, template: &str) -> (String, Vec<OutLine>) {
    let lines = Renderer::new(c).render(template);
    let text = lines.iter().map(|l| format!("{}\n", l.text)).collect();
    (text, lines)
}

#[test]
fn ingress_with_nested_ranges_and_capabilities() {
    let c = chart(
        "ingress:\n  enabled: true\n  className: nginx\n  hosts:\n    - host: shop.example.com\n      paths:\n        - path: /\n          pathType: Prefix\n",
        "{{- define \"web.fullname\" -}}{{ .Release.Name }}-web{{- end }}",
    );
    let t = r#"{{- if .Values.ingress.enabled -}}
{{- $fullName := include "web.fullname" . -}}
{{- if semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion -}}
apiVersion: networking.k8s.io/v1
{{- else -}}
apiVersion: networking.k8s.io/v1beta1
{{- end }}
kind: Ingress
metadata:
  name: {{ $fullName }}
spec:
  ingressClassName: {{ .Values.ingress.className }}
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range .paths }}
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ $fullName }}
                port:
                  number: 80
          {{- end }}
    {{- end }}
{{- end }}
"#;
    let (text, lines) = render(&c, t);
    let doc = parse_str(&text).unwrap().remove(0).root;
    assert_eq!(doc.get("kind").unwrap().as_str(), Some("Ingress"));
    let rule = &doc.path(&["spec", "rules"]).unwrap().items()[0];
    assert_eq!(rule.get("host").unwrap().as_str(), Some("shop.example.com"));
    let path = &rule.path(&["http", "paths"]).unwrap().items()[0];
    assert_eq!(path.get("pathType").unwrap().as_str(), Some("Prefix"));
    assert_eq!(
        path.path(&["backend", "service", "name"]).unwrap().as_str(),
        Some("__VOUCH_SYM_web.fullname__")
    );
    // Both apiVersion branches are kept, marked uncertain.
    assert!(
        lines
            .iter()
            .filter(|l| l.text.starts_with("apiVersion"))
            .all(|l| l.uncertain)
    );
    assert!(
        !lines
            .iter()
            .find(|l| l.text == "kind: Ingress")
            .unwrap()
            .uncertain
    );
}

#[test]
fn known_false_blocks_vanish_and_unknown_ones_are_uncertain() {
    let c = chart("pdb:\n  enabled: false\nextra: {}\n", "");
    let (text, _) = render(
        &c,
        "{{- if .Values.pdb.enabled }}\nkind: PodDisruptionBudget\n{{- end }}\n",
    );
    assert_eq!(text.trim(), "");
    let (_, lines) = render(
        &c,
        "kind: Pod\nspec:\n  {{- if .Values.nope.deeper }}\n  hostNetwork: true\n  {{- end }}\n  {{- if .Files.Get \"x\" }}\n  hostPID: true\n  {{- end }}\n",
    );
    assert!(!lines.iter().any(|l| l.text.contains("hostNetwork")));
    assert!(
        lines
            .iter()
            .find(|l| l.text.contains("hostPID"))
            .unwrap()
            .uncertain
    );
}

#[test]
fn unexpandable_blocks_become_holes_shaped_like_neighbours() {
    let c = chart("{}", "");
    let t = "spec:\n  containers:\n    {{- include \"lib.sidecars\" (dict \"x\" 1) | nindent 4 }}\n    - name: app\n      image: x:1\n  labels:\n    {{- include \"lib.labels\" (dict) | nindent 4 }}\n    tier: web\n";
    let (text, _) = render(&c, t);
    let doc = parse_str(&text).unwrap().remove(0).root;
    let containers = doc.path(&["spec", "containers"]).unwrap().items();
    assert_eq!(containers[0].as_str(), Some(HOLE));
    assert_eq!(containers[1].get("name").unwrap().as_str(), Some("app"));
    let labels = doc.path(&["spec", "labels"]).unwrap();
    assert!(crate::kubernetes::objects::has_holes(labels));
}

#[test]
fn toyaml_keeps_values_positions() {
    let c = chart("resources:\n  limits:\n    memory: 256Mi\n", "");
    let (_, lines) = render(
        &c,
        "resources:\n  {{- toYaml .Values.resources | nindent 2 }}\n",
    );
    assert_eq!(lines[1].text, "  limits:");
    assert_eq!((lines[1].src, lines[1].line), (VALUES_SRC, 2));
    assert_eq!((lines[2].src, lines[2].line), (VALUES_SRC, 3));
}

#[test]
fn runaway_expansion_is_cut_short() {
    let items: Vec<String> = (0..200).map(|i| format!("  - n{i}")).collect();
    let c = chart(&format!("a:\n{}\n", items.join("\n")), "");
    let t = "{{- range $.Values.a }}\n{{- range $.Values.a }}\n{{- range $.Values.a }}\n- x\n{{- end }}\n{{- end }}\n{{- end }}\n";
    let started = std::time::Instant::now();
    let (text, _) = render(&c, t);
    assert!(started.elapsed().as_secs() < 10);
    assert!(parse_str(&text).is_err());
    let deep = format!("x: {{{{ {}1{} }}}}\n", "(".repeat(5000), ")".repeat(5000));
    let (text, _) = render(&c, &deep);
    assert!(text.contains(UNKNOWN));
}

#[test]
fn library_chart_idioms_render_with_holes() {
    let c = chart(
        "podSecurityContext:\n  enabled: true\n  fsGroup: 1001\nresources: {}\nresourcesPreset: nano\nlivenessProbe:\n  enabled: true\n  periodSeconds: 10\nimage:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.27.2\n",
        "",
    );
    let t = r#"apiVersion: {{ include "common.capabilities.deployment.apiVersion" . }}
kind: Deployment
metadata:
  name: {{ template "common.names.fullname" . }}
  namespace: {{ include "common.names.namespace" . | quote }}
  labels: {{- include "common.labels.standard" ( dict "customLabels" .Values.commonLabels "context" $ ) | nindent 4 }}
spec:
  template:
    spec:
      {{- if .Values.podSecurityContext.enabled }}
      securityContext: {{- omit .Values.podSecurityContext "enabled" | toYaml | nindent 8 }}
      {{- end }}
      containers:
        - name: nginx
          image: {{ template "common.images.image" (dict "imageRoot" .Values.image "global" .Values.global) }}
          {{- if .Values.resources }}
          resources: {{- toYaml .Values.resources | nindent 12 }}
          {{- else if ne .Values.resourcesPreset "none" }}
          resources: {{- include "common.resources.preset" (dict "type" .Values.resourcesPreset) | nindent 12 }}
          {{- end }}
          {{- if .Values.livenessProbe.enabled }}
          livenessProbe: {{- include "common.tplvalues.render" (dict "value" (omit .Values.livenessProbe "enabled") "context" $) | nindent 12 }}
          {{- end }}
"#;
    let (text, _) = render(&c, t);
    let doc = parse_str(&text)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .remove(0)
        .root;
    let container = &doc
        .path(&["spec", "template", "spec", "containers"])
        .unwrap()
        .items()[0];
    let has_hole = |key: &str| crate::kubernetes::objects::has_holes(container.get(key).unwrap());
    assert!(has_hole("resources") && has_hole("livenessProbe"));
    assert!(
        container
            .get("image")
            .unwrap()
            .as_str()
            .unwrap()
            .contains(UNKNOWN)
    );
    assert!(crate::kubernetes::objects::has_holes(
        doc.path(&["spec", "template", "spec", "securityContext"])
            .unwrap()
    ));
}
