//! The list of every probe, assembled from each domain's `mod.rs`.

use crate::probe::Probe;

/// Every probe, sorted by ID.
pub fn all_probes() -> Vec<&'static dyn Probe> {
    let mut probes: Vec<&'static dyn Probe> = Vec::new();
    probes.extend(crate::http::probes());
    probes.sort_by_key(|p| p.meta().id);
    probes
}

/// The probe with this ID (case-insensitive).
pub fn find(id: &str) -> Option<&'static dyn Probe> {
    all_probes()
        .into_iter()
        .find(|p| p.meta().id.eq_ignore_ascii_case(id))
}
