//! Every control vouch knows, static and live, as one list: what `vouch controls` prints and
//! `vouch explain` looks up.

use vouch_core::ControlMeta;

/// Static checks, then live probes, then the load gates.
pub fn all() -> Vec<&'static ControlMeta> {
    vouch_checks::all_checks()
        .iter()
        .map(|c| c.meta())
        .chain(vouch_probes::all_probes().iter().map(|p| p.meta()))
        .chain(vouch_load::controls::ALL.iter().copied())
        .collect()
}

/// The control with this ID (case-insensitive), wherever it is defined.
pub fn find(id: &str) -> Option<&'static ControlMeta> {
    all().into_iter().find(|m| m.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_is_in_the_catalogue_once() {
        let metas = all();
        for id in ["DKR001", "CODE001", "HTTP001", "LOAD001"] {
            assert!(find(id).is_some(), "{id} missing");
        }
        let mut ids: Vec<_> = metas.iter().map(|m| m.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate control IDs across crates");
    }
}
