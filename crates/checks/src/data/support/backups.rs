//! Automated backups: scheduled jobs that run a backup tool (Kubernetes CronJobs, operator
//! schedules, Velero, cron entries, systemd timers, scheduled CI workflows, backup containers)
//! and managed backups in Terraform, each with the evidence of its retention, if any.

use super::paths::{file_name, is_product_path};
use super::terraform::{Terraform, TfBlock};
use super::text::{contains_word, is_aspirational, is_comment};
use crate::prelude::*;
use std::sync::Arc;
use vouch_workspace::{CiSystem, FileKind, SourceText, Value, YamlRole};

/// One automated backup.
#[derive(Clone, Debug)]
pub struct BackupJob {
    /// Where the backup is scheduled or configured, and what it runs.
    pub finding: Finding,
    /// What limits how long backups are kept, when anything does.
    pub retention: Option<Finding>,
}

pub struct Backups {
    pub jobs: Vec<BackupJob>,
    /// Backups switched off explicitly (`backup_retention_period = 0`, suspended CronJob).
    pub disabled: Vec<Finding>,
    /// Managed databases relying on provider defaults, or jobs hidden by Helm templating.
    pub undecidable: Vec<String>,
    /// Backup scripts that nothing schedules.
    pub unscheduled_scripts: Vec<Finding>,
}

impl Backups {
    pub fn get(ws: &Workspace) -> Arc<Backups> {
        ws.cached(build)
    }
}

/// The backup tool a command line runs, if any.
pub fn backup_tool(line: &str) -> Option<&'static str> {
    let l = line.to_ascii_lowercase();
    let t = l.trim_start();
    if t.starts_with('#') || t.starts_with("//") || is_aspirational(line) {
        return None;
    }
    const WORDS: [(&str, &str); 10] = [
        ("pg_dumpall", "pg_dumpall"),
        ("pg_dump", "pg_dump"),
        ("pg_basebackup", "pg_basebackup"),
        ("mysqldump", "mysqldump"),
        ("mariadb-dump", "mariadb-dump"),
        ("mariabackup", "mariabackup"),
        ("xtrabackup", "xtrabackup"),
        ("mongodump", "mongodump"),
        ("backup-push", "WAL-G"),
        ("litestream", "Litestream"),
    ];
    if let Some((_, tool)) = WORDS.iter().find(|(w, _)| contains_word(&l, w)) {
        return Some(tool);
    }
    let both = |a: &str, b: &str| contains_word(&l, a) && contains_word(&l, b);
    const PAIRS: [(&str, &str, &str); 11] = [
        ("neo4j-admin", "dump", "neo4j-admin"),
        ("neo4j-admin", "backup", "neo4j-admin"),
        ("restic", "backup", "restic"),
        ("pgbackrest", "backup", "pgBackRest"),
        ("barman", "backup", "Barman"),
        ("borg", "create", "borg"),
        ("velero", "backup", "Velero"),
        ("etcdctl", "snapshot", "etcdctl"),
        ("create-db-snapshot", "rds", "aws rds"),
        ("create-db-cluster-snapshot", "rds", "aws rds"),
        ("backups", "gcloud", "gcloud sql"),
    ];
    PAIRS
        .iter()
        .find(|(a, b, _)| both(a, b))
        .map(|(_, _, tool)| *tool)
        .or_else(|| backup_subcommand(t))
}

/// An application's own backup command writing somewhere: `myapp admin backup --to FILE`,
/// `appctl db backup --output /backups/x.gz`. The subcommand must be the word `backup` after
/// the program, with an output, so `echo "backup done" > /dev/stderr` or `rm -rf backup` is not
/// one.
fn backup_subcommand(line: &str) -> Option<&'static str> {
    // YAML list items and exec-form arrays: `- app backup --to x`, `["app", "backup", ...]`.
    let plain: String = line
        .trim_start()
        .trim_start_matches("- ")
        .chars()
        .map(|c| if "\"',[]".contains(c) { ' ' } else { c })
        .collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let (program, args) = words.split_first()?;
    const NOT_PROGRAMS: [&str; 7] = ["echo", "printf", "log", "logger", "cat", "rm", "mkdir"];
    if NOT_PROGRAMS.contains(program) || !args.contains(&"backup") {
        return None;
    }
    const OUTPUTS: [&str; 7] = [
        "--to",
        "--output",
        "--out",
        "-o",
        "--file",
        "--dest",
        "--destination",
    ];
    let writes = args.iter().any(|a| {
        a.starts_with('>')
            || OUTPUTS
                .iter()
                .any(|o| *a == *o || a.strip_prefix(o).is_some_and(|v| v.starts_with('=')))
    });
    writes.then_some("a `backup` command")
}

/// Whether a line limits how long backups are kept.
pub fn is_retention(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    let t = l.trim_start();
    if t.starts_with('#') || t.starts_with("//") || is_aspirational(line) {
        return false;
    }
    const NEEDLES: [&str; 16] = [
        "retention",
        "--keep-",
        "keep_days",
        "keep-days",
        "backup_keep",
        "keep_last",
        "-mtime +",
        "delete retain",
        "delete_after",
        "retained_backups",
        "max_backups",
        "backups_to_keep",
        "cleanup_time",
        "--expire",
        "expire-backup",
        "forget --",
    ];
    NEEDLES.iter().any(|n| l.contains(n))
        || (l.contains("tail -n +") && l.contains("rm"))
        || (contains_word(&l, "prune") && l.contains("keep"))
}

/// Every scalar (and mapping key) below `node` as `(line, text line)`; block scalars are
/// split into their lines.
pub fn scalar_lines(node: &Node) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    collect(node, &mut out);
    out
}

fn collect(node: &Node, out: &mut Vec<(u32, String)>) {
    match &node.value {
        Value::Scalar { text, plain } => {
            if !plain && text.contains('\n') {
                // Block scalars start at their first non-blank content line.
                let leading = text.chars().take_while(|c| *c == '\n').count();
                for (i, l) in text.lines().enumerate().skip(leading) {
                    out.push((node.line + (i - leading) as u32, l.to_string()));
                }
            } else {
                out.push((node.line, text.clone()));
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| collect(i, out)),
        Value::Map(entries) => {
            for (k, v) in entries {
                collect(k, out);
                collect(v, out);
            }
        }
        Value::Null => {}
    }
}

/// Script names (`backup.sh`, `dump_db.py`) mentioned in command lines.
pub fn scripts_named(lines: &[(u32, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (_, l) in lines {
        for word in l.split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ';') {
            let name = file_name(word);
            if [".sh", ".bash", ".py"].iter().any(|e| name.ends_with(e)) && name.len() > 3 {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// Lines of repository scripts and ConfigMap entries with this file name.
pub fn script_bodies(ws: &Workspace, name: &str) -> Vec<(Arc<SourceText>, u32, String)> {
    let mut out = Vec::new();
    for f in &ws.files {
        if f.name() == name
            && f.class.product()
            && let Some(src) = ws.text(&f.rel)
        {
            for (n, l) in src.lines() {
                out.push((src.clone(), n as u32, l.to_string()));
            }
        }
    }
    for doc in ws.k8s_docs() {
        if doc.kind != "ConfigMap" {
            continue;
        }
        if let Some(value) = doc.root.path(&["data", name]) {
            for (n, l) in scalar_lines(value) {
                out.push((doc.file.text.clone(), n, l));
            }
        }
    }
    out
}

/// Tool and retention evidence in YAML lines plus the scripts they call.
struct Scan {
    tool: Option<(&'static str, Finding)>,
    retention: Option<Finding>,
}

fn scan_lines(ws: &Workspace, src: &SourceText, lines: &[(u32, String)]) -> Scan {
    let mut scan = Scan {
        tool: None,
        retention: None,
    };
    let visit = |src: &SourceText, n: u32, l: &str, scan: &mut Scan| {
        if scan.tool.is_none()
            && let Some(tool) = backup_tool(l)
        {
            scan.tool = Some((tool, finding_at(src, n, 1, format!("runs {tool}"))));
        }
        if scan.retention.is_none() && is_retention(l) {
            scan.retention = Some(finding_at(src, n, 1, "backup retention"));
        }
    };
    for (n, l) in lines {
        visit(src, *n, l, &mut scan);
    }
    for script in scripts_named(lines) {
        for (s, n, l) in script_bodies(ws, &script) {
            if !is_comment(&s.path, &l) {
                visit(&s, n, &l, &mut scan);
            }
        }
    }
    scan
}

fn build(ws: &Workspace) -> Backups {
    let mut b = Backups {
        jobs: Vec::new(),
        disabled: Vec::new(),
        undecidable: Vec::new(),
        unscheduled_scripts: Vec::new(),
    };
    kubernetes(ws, &mut b);
    compose(ws, &mut b);
    terraform(ws, &mut b);
    cron_files(ws, &mut b);
    ci_schedules(ws, &mut b);
    helm_templates(ws, &mut b);
    unscheduled(ws, &mut b);
    b
}

fn job(finding: Finding, retention: Option<Finding>) -> BackupJob {
    BackupJob { finding, retention }
}

fn kubernetes(ws: &Workspace, b: &mut Backups) {
    let docs: Vec<_> = ws
        .k8s_docs()
        .filter(|d| is_product_path(&d.file.path))
        .collect();
    for doc in &docs {
        let src = &doc.file.text;
        let name = doc.name().unwrap_or("?");
        let group = doc.api_version.split('/').next().unwrap_or("");
        let kind_node = doc.root.get("kind").unwrap_or(doc.root);
        match (group, doc.kind) {
            ("batch", "CronJob") => {
                let containers = super::database::pod_containers(doc.root);
                let lines: Vec<(u32, String)> =
                    containers.iter().flat_map(|c| scalar_lines(c)).collect();
                let scan = scan_lines(ws, src, &lines);
                let image_backup = containers.iter().find_map(|c| {
                    let image = c.get("image")?;
                    let repo = image.as_str()?.split(':').next()?;
                    file_name(repo).contains("backup").then_some(image)
                });
                let what = match (&scan.tool, image_backup) {
                    (Some((tool, _)), _) => format!("CronJob `{name}` runs {tool}"),
                    (None, Some(image)) => format!(
                        "CronJob `{name}` runs the backup image `{}`",
                        image.as_str().unwrap_or_default()
                    ),
                    (None, None) => continue,
                };
                let schedule = doc
                    .root
                    .path(&["spec", "schedule"])
                    .and_then(Node::as_str)
                    .unwrap_or("?");
                if doc.root.path(&["spec", "suspend"]).and_then(Node::as_bool) == Some(true) {
                    let node = doc.root.path(&["spec", "suspend"]).unwrap_or(kind_node);
                    b.disabled.push(finding_node(
                        src,
                        node,
                        format!("{what} but is suspended (`suspend: true`), so no backup is taken"),
                    ));
                    continue;
                }
                let f = finding_node(src, kind_node, format!("{what} on schedule `{schedule}`"));
                b.jobs.push(job(f, scan.retention));
            }
            ("velero.io", "Schedule") => {
                if doc.root.path(&["spec", "paused"]).and_then(Node::as_bool) == Some(true) {
                    b.disabled.push(finding_node(
                        src,
                        kind_node,
                        format!("Velero Schedule `{name}` is paused"),
                    ));
                    continue;
                }
                let f = finding_node(src, kind_node, format!("Velero Schedule `{name}`"));
                let retention = match doc.root.path(&["spec", "template", "ttl"]) {
                    Some(ttl) => finding_node(
                        src,
                        ttl,
                        format!("backups expire after {}", ttl.as_str().unwrap_or("?")),
                    ),
                    None => finding_node(
                        src,
                        kind_node,
                        "no `ttl`: Velero's default expiry of 720h (30 days) applies",
                    ),
                };
                b.jobs.push(job(f, Some(retention)));
            }
            ("postgresql.cnpg.io", "ScheduledBackup") => {
                let f = finding_node(
                    src,
                    kind_node,
                    format!("CloudNativePG ScheduledBackup `{name}`"),
                );
                let cluster = doc
                    .root
                    .path(&["spec", "cluster", "name"])
                    .and_then(Node::as_str);
                let retention = docs.iter().find_map(|d| {
                    let is_cluster = d.kind == "Cluster"
                        && d.api_version.starts_with("postgresql.cnpg.io")
                        && (cluster.is_none() || d.name() == cluster);
                    let policy = d.root.path(&["spec", "backup", "retentionPolicy"])?;
                    is_cluster.then(|| {
                        finding_node(
                            &d.file.text,
                            policy,
                            format!("retentionPolicy `{}`", policy.as_str().unwrap_or("?")),
                        )
                    })
                });
                b.jobs.push(job(f, retention));
            }
            ("postgres-operator.crunchydata.com", "PostgresCluster") => {
                let Some(pgbr) = doc.root.path(&["spec", "backups", "pgbackrest"]) else {
                    continue;
                };
                let scheduled = pgbr
                    .get("repos")
                    .map(|r| r.items().iter().any(|repo| repo.get("schedules").is_some()))
                    .unwrap_or(false);
                if !scheduled {
                    continue;
                }
                let f = finding_node(
                    src,
                    kind_node,
                    format!("PostgresCluster `{name}` schedules pgBackRest backups"),
                );
                let retention = pgbr.get("global").and_then(|g| {
                    g.entries()
                        .find(|(k, _)| k.contains("retention"))
                        .map(|(k, v)| finding_node(src, v, format!("`{k}`")))
                });
                b.jobs.push(job(f, retention));
            }
            (g, k) if g.ends_with("percona.com") && k.starts_with("Percona") => {
                let tasks = doc
                    .root
                    .path(&["spec", "backup", "schedule"])
                    .or_else(|| doc.root.path(&["spec", "backup", "tasks"]));
                let Some(tasks) = tasks.filter(|t| !t.items().is_empty()) else {
                    continue;
                };
                let f = finding_node(src, kind_node, format!("{k} `{name}` schedules backups"));
                let retention = tasks.items().iter().find_map(|t| {
                    let keep = t.get("keep").or_else(|| t.get("retention"))?;
                    Some(finding_node(src, keep, "backups kept by count/age"))
                });
                b.jobs.push(job(f, retention));
            }
            ("k8up.io", "Schedule") => {
                if doc.root.path(&["spec", "backup"]).is_none() {
                    continue;
                }
                let f = finding_node(src, kind_node, format!("K8up Schedule `{name}`"));
                let retention = doc
                    .root
                    .path(&["spec", "prune", "retention"])
                    .map(|r| finding_node(src, r, "prune retention"));
                b.jobs.push(job(f, retention));
            }
            _ => {}
        }
    }
}

fn compose(ws: &Workspace, b: &mut Backups) {
    for file in ws.yaml_with_role(YamlRole::Compose) {
        if !is_product_path(&file.path) {
            continue;
        }
        for doc in file.docs() {
            let Some(services) = doc.root.get("services") else {
                continue;
            };
            for (name, svc) in services.entries() {
                let lines = scalar_lines(svc);
                let scan = scan_lines(ws, &file.text, &lines);
                let image = svc.get("image").and_then(Node::as_str).unwrap_or("");
                let repo = image.split(':').next().unwrap_or("");
                let backup_image = file_name(repo).contains("backup");
                let what = match (&scan.tool, backup_image) {
                    (_, true) => {
                        format!("compose service `{name}` runs the backup image `{image}`")
                    }
                    (Some((tool, _)), false) if has_schedule(&lines) => {
                        format!("compose service `{name}` runs {tool} on a schedule")
                    }
                    _ => continue,
                };
                let at = svc.get("image").unwrap_or(svc);
                b.jobs
                    .push(job(finding_node(&file.text, at, what), scan.retention));
            }
        }
    }
}

/// A cron schedule among the lines (`SCHEDULE=@daily`, `0 3 * * *`, `crond`).
fn has_schedule(lines: &[(u32, String)]) -> bool {
    lines.iter().any(|(_, l)| {
        let l = l.to_ascii_lowercase();
        l.contains("schedule")
            || l.contains("crond")
            || l.contains("@daily")
            || l.contains("@hourly")
            || cron_fields(&l).is_some()
    })
}

/// The command of a crontab line (`0 3 * * * cmd`, `@daily cmd`), if it is one.
fn cron_fields(line: &str) -> Option<&str> {
    let t = line.trim();
    if t.starts_with('@') {
        return t.split_once(char::is_whitespace).map(|(_, c)| c);
    }
    let mut rest = t;
    for _ in 0..5 {
        let (field, tail) = rest.split_once(char::is_whitespace)?;
        if !field
            .chars()
            .all(|c| c.is_ascii_digit() || "*/,-".contains(c))
        {
            return None;
        }
        rest = tail.trim_start();
    }
    Some(rest)
}

fn terraform(ws: &Workspace, b: &mut Backups) {
    let tf = Terraform::get(ws);
    for block in &tf.blocks {
        if block.keyword != "resource" {
            continue;
        }
        let label = format!("`{}.{}`", block.rtype, block.name);
        let at = |line: u32, msg: String| finding_at(&block.src, line, 1, msg);
        match block.rtype.as_str() {
            "aws_db_instance" | "aws_rds_cluster" | "aws_docdb_cluster" | "aws_neptune_cluster" => {
                match block.attribute("backup_retention_period") {
                    Some((line, v)) if v == "0" => b.disabled.push(at(
                        line,
                        format!("{label} disables automated backups (`backup_retention_period = 0`)"),
                    )),
                    Some((line, v)) => b.jobs.push(job(
                        at(block.line, format!("{label} has automated backups")),
                        Some(at(line, format!("backups kept for {v} days"))),
                    )),
                    None => b.undecidable.push(format!(
                        "{label} ({}:{}) relies on the provider's default `backup_retention_period`",
                        block.src.path, block.line
                    )),
                }
            }
            "google_sql_database_instance" => google_sql(block, &label, b),
            "azurerm_postgresql_flexible_server"
            | "azurerm_postgresql_server"
            | "azurerm_mysql_flexible_server"
            | "azurerm_mysql_server" => {
                let retention = match block.attribute("backup_retention_days") {
                    Some((line, v)) => at(line, format!("backups kept for {v} days")),
                    None => at(block.line, "Azure keeps automated backups 7 days by default".into()),
                };
                b.jobs.push(job(
                    at(block.line, format!("{label} is backed up by Azure automatically")),
                    Some(retention),
                ));
            }
            "aws_backup_plan" => {
                let retention = block
                    .attribute("delete_after")
                    .map(|(line, v)| at(line, format!("recovery points deleted after {v} days")));
                b.jobs
                    .push(job(at(block.line, format!("AWS Backup plan {label}")), retention));
            }
            "aws_dynamodb_table" => {
                let pitr = block.body().any(|(_, l)| l.contains("point_in_time_recovery"));
                if pitr && block.attribute("enabled").is_some_and(|(_, v)| v == "true") {
                    b.jobs.push(job(
                        at(block.line, format!("{label} has point-in-time recovery")),
                        Some(at(block.line, "point-in-time recovery keeps 35 days".into())),
                    ));
                }
            }
            "mongodbatlas_cloud_backup_schedule" => {
                let retention = block
                    .attribute("retention_value")
                    .map(|(line, v)| at(line, format!("retention_value {v}")));
                b.jobs.push(job(
                    at(block.line, format!("Atlas backup schedule {label}")),
                    retention,
                ));
            }
            _ => {}
        }
    }
}

fn google_sql(block: &TfBlock, label: &str, b: &mut Backups) {
    let at = |line: u32, msg: String| finding_at(&block.src, line, 1, msg);
    let in_backup = block
        .body()
        .any(|(_, l)| l.contains("backup_configuration"));
    match block.attribute("enabled") {
        Some((line, v)) if in_backup && v == "true" => {
            let retention = match block.attribute("retained_backups") {
                Some((l, v)) => at(l, format!("keeps {v} backups")),
                None => at(line, "Cloud SQL keeps 7 backups by default".into()),
            };
            b.jobs.push(job(
                at(line, format!("{label} has automated backups enabled")),
                Some(retention),
            ));
        }
        Some((line, v)) if in_backup && v == "false" => b.disabled.push(at(
            line,
            format!(
                "{label} disables automated backups (`backup_configuration {{ enabled = false }}`)"
            ),
        )),
        _ => b.undecidable.push(format!(
            "{label} ({}:{}) has no `backup_configuration` with `enabled = true`",
            block.src.path, block.line
        )),
    }
}

/// Crontab files, `/etc/cron.d` entries and systemd timers.
fn cron_files(ws: &Workspace, b: &mut Backups) {
    for f in &ws.files {
        if f.binary {
            continue;
        }
        let name = f.lowercase_name();
        let crontab = name == "crontab"
            || name.ends_with(".cron")
            || name.ends_with(".crontab")
            || f.rel.contains("cron.d/");
        let timer = name.ends_with(".timer");
        if !crontab && !timer || !f.class.product() {
            continue;
        }
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        if timer {
            systemd_timer(ws, &src, b);
            continue;
        }
        for (n, line) in src.lines() {
            if is_comment(&f.rel, line) {
                continue;
            }
            let Some(command) = cron_fields(line) else {
                continue;
            };
            let lines = vec![(n as u32, command.to_string())];
            let scan = scan_lines(ws, &src, &lines);
            if let Some((tool, _)) = scan.tool {
                let f = finding_at(&src, n as u32, 1, format!("cron entry runs {tool}"));
                b.jobs.push(job(f, scan.retention));
            }
        }
    }
}

fn systemd_timer(ws: &Workspace, timer: &SourceText, b: &mut Backups) {
    let unit = timer
        .lines()
        .find_map(|(_, l)| l.trim().strip_prefix("Unit=").map(str::to_string))
        .unwrap_or_else(|| file_name(&timer.path).replace(".timer", ".service"));
    let Some(service) = ws
        .files
        .iter()
        .find(|f| f.name() == unit)
        .and_then(|f| ws.text(&f.rel))
    else {
        return;
    };
    let lines: Vec<(u32, String)> = service
        .lines()
        .filter(|(_, l)| l.trim().starts_with("ExecStart"))
        .map(|(n, l)| (n as u32, l.to_string()))
        .collect();
    let scan = scan_lines(ws, &service, &lines);
    if let Some((tool, _)) = scan.tool {
        let f = finding_at(
            timer,
            1,
            1,
            format!("systemd timer starts `{unit}`, which runs {tool}"),
        );
        b.jobs.push(job(f, scan.retention));
    }
}

/// GitHub Actions workflows with `on: schedule` whose steps run a backup tool.
fn ci_schedules(ws: &Workspace, b: &mut Backups) {
    for file in ws.yaml_with_role(YamlRole::Ci(CiSystem::GithubActions)) {
        for doc in file.docs() {
            let Some(on) = doc.root.get("on") else {
                continue;
            };
            let Some(schedule) = on.get("schedule") else {
                continue;
            };
            let Some(jobs) = doc.root.get("jobs") else {
                continue;
            };
            let lines = scalar_lines(jobs);
            let scan = scan_lines(ws, &file.text, &lines);
            if let Some((tool, _)) = scan.tool {
                let f = finding_node(
                    &file.text,
                    schedule,
                    format!("scheduled workflow runs {tool}"),
                );
                b.jobs.push(job(f, scan.retention));
            }
        }
    }
}

/// CronJobs in Helm templates cannot be parsed: report them as undecidable when they run a
/// backup tool.
fn helm_templates(ws: &Workspace, b: &mut Backups) {
    for y in ws.yaml_with_role(YamlRole::HelmTemplate) {
        let text = &y.text.text;
        if !text.contains("CronJob") {
            continue;
        }
        if y.text.lines().any(|(_, l)| backup_tool(l).is_some()) {
            b.undecidable.push(format!(
                "{} is a Helm template of a backup CronJob (its schedule and retention depend on values)",
                y.path
            ));
        }
    }
}

/// Backup scripts (files named *backup*) that nothing above schedules.
fn unscheduled(ws: &Workspace, b: &mut Backups) {
    for f in &ws.files {
        let name = f.lowercase_name();
        if !(f.kind == FileKind::Shell || name.ends_with(".py"))
            || !name.contains("backup")
            || !f.class.product()
        {
            continue;
        }
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        let Some((n, line)) = src.lines().find(|(_, l)| backup_tool(l).is_some()) else {
            continue;
        };
        let scheduled = b.jobs.iter().any(|j| j.finding.location.path == f.rel)
            || ws.files.iter().any(|other| {
                other.rel != f.rel
                    && is_product_path(&other.rel)
                    && other.kind != FileKind::Markdown
                    && other
                        .text
                        .as_ref()
                        .is_some_and(|t| t.text.contains(f.name()))
            });
        if !scheduled {
            let tool = backup_tool(line).unwrap_or("a backup tool");
            b.unscheduled_scripts.push(finding_at(
                &src,
                n as u32,
                1,
                format!("{} runs {tool}, but nothing schedules it (no CronJob, cron entry, timer or scheduled workflow refers to it)", f.rel),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools() {
        assert_eq!(
            backup_tool("pg_dump -Fc \"$DATABASE_URL\" > /backups/db.dump"),
            Some("pg_dump")
        );
        assert_eq!(backup_tool("pg_dumpall -U postgres"), Some("pg_dumpall"));
        assert_eq!(
            backup_tool("neo4j-admin database dump neo4j --to-path=/b"),
            Some("neo4j-admin")
        );
        assert_eq!(backup_tool("restic backup /data"), Some("restic"));
        let own = Some("a `backup` command");
        assert_eq!(backup_tool("  myapp admin backup --to \"$archive\""), own);
        assert_eq!(backup_tool("appctl db backup --output=/backups/x.gz"), own);
        assert_eq!(backup_tool("appctl backup > /backups/x.sql"), own);
        assert_eq!(backup_tool("echo \"backup done\" > /dev/stderr"), None);
        assert_eq!(backup_tool("rm -rf backup"), None);
        assert_eq!(
            backup_tool("appctl backup list"),
            None,
            "no output: not a backup"
        );
        assert_eq!(backup_tool("cp backup.tar --to /x"), None);
        assert_eq!(backup_tool("- myapp backup --to /b/x"), own);
        assert_eq!(
            backup_tool(r#"args: ["admin", "backup", "--to", "/b/x"]"#),
            own
        );
        assert_eq!(backup_tool("# pg_dump disabled"), None);
        assert_eq!(backup_tool("TODO: run pg_dump nightly"), None);
        assert_eq!(backup_tool("restic snapshots"), None);
    }

    #[test]
    fn retention() {
        assert!(is_retention(
            "find /backups -name '*.dump' -mtime +14 -delete"
        ));
        assert!(is_retention("restic forget --keep-daily 7 --prune"));
        assert!(is_retention("BACKUP_KEEP_DAYS"));
        assert!(!is_retention("# find /backups -mtime +14 -delete"));
        assert!(!is_retention("TODO: add retention"));
        assert!(!is_retention("aws s3 cp db.dump s3://backups/"));
    }

    #[test]
    fn cron_lines() {
        assert_eq!(
            cron_fields("0 3 * * * /opt/backup.sh"),
            Some("/opt/backup.sh")
        );
        assert_eq!(cron_fields("@daily pg_dump x"), Some("pg_dump x"));
        assert_eq!(cron_fields("SHELL=/bin/bash"), None);
    }
}
