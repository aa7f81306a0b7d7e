//! Dockerfile controls (`DKR`). One file per control, registered in `checks()`.

use crate::registry::Check;
use vouch_core::{Finding, Outcome};
use vouch_workspace::{Dockerfile, SourceText, Workspace};

mod non_root_user;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![&non_root_user::NonRootUser]
}

/// Runs `inspect` on every parsed Dockerfile, collecting failures and evidence.
/// No Dockerfile: NotApplicable. Only unparsable Dockerfiles: Unknown with the parse errors.
pub(crate) fn each_dockerfile(
    ws: &Workspace,
    mut inspect: impl FnMut(&Dockerfile, &SourceText, &mut Vec<Finding>, &mut Vec<Finding>),
) -> Outcome {
    if ws.dockerfiles.is_empty() {
        return Outcome::not_applicable("no Dockerfile in the repository");
    }
    let (mut findings, mut evidence, mut unparsed) = (Vec::new(), Vec::new(), Vec::new());
    for entry in &ws.dockerfiles {
        match &entry.parsed {
            Ok(df) => inspect(df, &entry.text, &mut findings, &mut evidence),
            Err(e) => unparsed.push(format!("{}:{}: {}", entry.path, e.line, e.message)),
        }
    }
    if findings.is_empty() && evidence.is_empty() && !unparsed.is_empty() {
        return Outcome::unknown(format!(
            "no Dockerfile could be parsed ({})",
            unparsed.join("; ")
        ));
    }
    Outcome::from_findings(findings, evidence)
}
