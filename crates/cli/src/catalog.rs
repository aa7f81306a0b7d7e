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

    /// docs/controls/ has a page per control and an index (README.md) of all of them, static
    /// and live, generated from the metadata; set VOUCH_UPDATE_DOCS=1 to rewrite them.
    #[test]
    fn docs_controls_are_current_for_every_control() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/controls");
        let update = std::env::var_os("VOUCH_UPDATE_DOCS").is_some();
        let mut wanted = vec![(
            "README.md".to_string(),
            vouch_checks::registry::render_index(&all()),
        )];
        for m in all() {
            wanted.push((
                format!("{}.md", m.id),
                vouch_checks::registry::render_doc(m),
            ));
        }
        let mut stale = Vec::new();
        // A page whose control no longer exists is stale too.
        let expected: std::collections::HashSet<String> =
            wanted.iter().map(|(name, _)| name.clone()).collect();
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") && !expected.contains(&name) {
                if update {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(format!("{name} (no such control)"));
                }
            }
        }
        for (name, want) in wanted {
            let path = dir.join(&name);
            if std::fs::read_to_string(&path).ok().as_deref() == Some(want.as_str()) {
                continue;
            }
            if update {
                std::fs::write(&path, want).unwrap();
            } else {
                stale.push(name);
            }
        }
        assert!(
            stale.is_empty(),
            "docs/controls is stale for {stale:?}: run `VOUCH_UPDATE_DOCS=1 cargo test -p vouch-cli --bin vouch catalog`"
        );
    }
}
