//! Documentation controls (`DOC`): runbooks, SLOs, troubleshooting, infrastructure as code.

pub mod infrastructure_as_code;
pub mod runbooks;
pub mod slo_definitions;
pub mod troubleshooting_guide;
