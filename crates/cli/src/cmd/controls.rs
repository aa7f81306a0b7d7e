use super::Format;
use anyhow::Result;
use clap::Args;
use serde_json::json;
use std::process::ExitCode;

#[derive(Args)]
pub struct ControlsArgs {
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: ControlsArgs) -> Result<ExitCode> {
    let metas = crate::catalog::all();
    match args.format {
        Format::Json => {
            let list: Vec<_> = metas
                .iter()
                .map(|m| {
                    json!({
                        "id": m.id, "slug": m.slug, "title": m.title, "area": m.area,
                        "severity": m.severity, "remediation": m.remediation,
                        "references": m.references, "concepts": m.concepts, "since": m.since,
                    })
                })
                .collect();
            crate::output::emit(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
        }
        Format::Table => {
            let mut text = format!("{:<8} {:<9} {:<14} TITLE\n", "ID", "SEVERITY", "AREA");
            for m in &metas {
                let (id, severity, area) = (m.id, m.severity.as_str(), m.area.as_str());
                text.push_str(&format!("{id:<8} {severity:<9} {area:<14} {}\n", m.title));
            }
            text.push_str(&format!("\n{} controls\n", metas.len()));
            crate::output::emit(&text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
