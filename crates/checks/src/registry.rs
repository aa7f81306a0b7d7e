//! The list of every control, assembled from each domain's `mod.rs`.

use vouch_core::{ControlMeta, Outcome};
use vouch_workspace::Workspace;

/// A static control's logic. Implementations are unit structs registered in a domain list.
pub trait Check: Send + Sync {
    fn meta(&self) -> &'static ControlMeta;
    /// Evaluates the control on the whole workspace.
    fn run(&self, ws: &Workspace) -> Outcome;
}

/// Every static control, sorted by ID.
pub fn all_checks() -> Vec<&'static dyn Check> {
    let mut checks: Vec<&'static dyn Check> = Vec::new();
    checks.extend(crate::dockerfile::checks());
    checks.extend(crate::compose::checks());
    checks.extend(crate::kubernetes::checks());
    checks.extend(crate::ci::checks());
    checks.extend(crate::repo::checks());
    checks.extend(crate::data::checks());
    checks.extend(crate::code::checks());
    checks.sort_by_key(|c| c.meta().id);
    checks
}

/// The control with this ID (case-insensitive).
pub fn find(id: &str) -> Option<&'static dyn Check> {
    all_checks()
        .into_iter()
        .find(|c| c.meta().id.eq_ignore_ascii_case(id))
}

/// Source and fixture folder of a control's domain, from its ID prefix.
pub fn domain_dir(meta: &ControlMeta) -> &'static str {
    match meta.domain() {
        "DKR" => "dockerfile",
        "CMP" => "compose",
        "K8S" => "kubernetes",
        "CI" => "ci",
        "SEC" => "repo",
        "DATA" | "DOC" | "TST" | "OBS" => "data",
        "CODE" => "code",
        _ => "other",
    }
}

/// The control's documentation page (docs/controls/<ID>.md and `vouch explain`).
pub fn render_doc(meta: &ControlMeta) -> String {
    let mut out = format!("# {} — {}\n\n", meta.id, meta.title);
    out.push_str(&format!(
        "| | |\n|---|---|\n| ID | `{}` |\n| Slug | `{}` |\n| Area | {} |\n| Severity | {} |\n| Since | {} |\n| Concepts | {} |\n\n",
        meta.id,
        meta.slug,
        meta.area,
        meta.severity,
        meta.since,
        meta.concepts.join(", ")
    ));
    out.push_str(meta.doc.trim());
    out.push_str("\n\n## Remediation\n\n");
    out.push_str(meta.remediation.trim());
    out.push_str("\n\n## Links\n\n");
    for r in meta.references {
        out.push_str(&format!("- <{r}>\n"));
    }
    out
}

/// docs/controls/README.md: one line per control, static and live (the CLI's catalogue
/// passes them all; this crate alone knows only the static ones).
pub fn render_index(metas: &[&ControlMeta]) -> String {
    let mut out = String::from(
        "# Controls\n\nGenerated from the registry (`vouch controls`); one page per control.\n\n\
         | ID | Title | Area | Severity |\n|---|---|---|---|\n",
    );
    for m in metas {
        out.push_str(&format!(
            "| [{id}]({id}.md) | {} | {} | {} |\n",
            m.title,
            m.area,
            m.severity,
            id = m.id
        ));
    }
    out
}
