//! Which controls a kind of project needs: a library has no container and no Kubernetes, a
//! worker serves no browser, a frontend keeps no database.

use vouch_core::ControlMeta;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    WebService,
    Worker,
    Library,
    Frontend,
}

/// Code controls about serving HTTP requests to clients.
const HTTP_SERVING: &[&str] = &[
    "CODE002", "CODE004", "CODE005", "CODE006", "CODE007", "CODE009", "CODE013", "CODE015",
    "CODE016", "CODE018", "CODE020", "CODE021", "CODE025", "CODE026", "CODE027", "CODE030",
    "CODE034",
];

/// Code controls that apply to any code, libraries included.
const ANY_CODE: &[&str] = &[
    "CODE001", "CODE003", "CODE010", "CODE011", "CODE012", "CODE014", "CODE017",
];

/// Code controls a browser frontend (and its build) can meet.
const FRONTEND_CODE: &[&str] = &["CODE003", "CODE008", "CODE014", "CODE017", "CODE047"];

impl Profile {
    pub const ALL: [Profile; 4] = [
        Profile::WebService,
        Profile::Worker,
        Profile::Library,
        Profile::Frontend,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Profile::WebService => "web-service",
            Profile::Worker => "worker",
            Profile::Library => "library",
            Profile::Frontend => "frontend",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Profile::WebService => "web service",
            Profile::Worker => "background worker",
            Profile::Library => "library",
            Profile::Frontend => "frontend",
        }
    }

    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    pub fn includes(self, meta: &ControlMeta) -> bool {
        let id = meta.id;
        match (self, meta.domain()) {
            (Profile::WebService, _) => true,
            (Profile::Worker, "CODE") => !HTTP_SERVING.contains(&id),
            (Profile::Worker, _) => true,
            (Profile::Library, "CODE") => ANY_CODE.contains(&id),
            (Profile::Library, "CI") => !matches!(id, "CI010" | "CI011" | "CI017"),
            // Env templates describe a deployed service's configuration.
            (Profile::Library, "SEC") => !matches!(id, "SEC003" | "SEC004"),
            (Profile::Library, "TST") => id == "TST001",
            (Profile::Library, _) => false,
            (Profile::Frontend, "CODE") => FRONTEND_CODE.contains(&id),
            (Profile::Frontend, "TST") => matches!(id, "TST001" | "TST003"),
            (Profile::Frontend, "DOC") => id == "DOC004",
            (Profile::Frontend, "DKR" | "K8S" | "CI" | "SEC") => true,
            (Profile::Frontend, _) => false,
        }
    }
}
