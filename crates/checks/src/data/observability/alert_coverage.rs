use crate::data::support::alert_rules::{AlertRule, AlertRules};
use crate::data::support::backups::Backups;
use crate::data::support::tls::tls_evidence;
use crate::prelude::*;

pub struct AlertCoverage;

static META: ControlMeta = ControlMeta {
    id: "OBS002",
    slug: "alert_coverage",
    title: "Alerts cover errors, latency, saturation, certificates and backups",
    area: Area::Observability,
    severity: Severity::Medium,
    remediation: "Alert on the golden signals and on the slow-burning failures: the error rate \
                  (share of 5xx or failed requests), latency (a high percentile from a histogram), \
                  saturation (CPU, memory, disk, connection pools), certificate expiry \
                  (`probe_ssl_earliest_cert_expiry`, cert-manager metrics) when the service \
                  manages TLS, and failed or missing backups when it takes them.",
    references: &[
        "https://sre.google/sre-book/monitoring-distributed-systems/#xref_monitoring_golden-signals",
        "https://samber.github.io/awesome-prometheus-alerts/",
        "https://prometheus.io/docs/practices/alerting/",
    ],
    concepts: &[
        "alert coverage",
        "golden signals",
        "error rate alert",
        "latency alert",
        "saturation alert",
        "certificate expiry alert",
        "backup failure alert",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Judging by alert names, expressions and summaries, the Prometheus alert rules must cover:

- the error rate (5xx/failed requests, gRPC error codes);
- latency (histogram quantiles, durations, slow requests);
- saturation (CPU, memory, disk or filesystem, connections, pools, queues, OOM kills);
- certificate expiry, when the repository manages TLS: cert-manager `Certificate`/`Issuer`
  (also in Helm templates), Ingress, Gateway or Traefik IngressRoute TLS, TLS Secrets,
  certificates in Terraform, a served certificate committed to the tree (`*.crt`, `*.cer`, a
  `.pem` holding a certificate; not CA bundles such as `ca.crt` or local development
  certificates such as `localhost.crt`), web-server configuration that loads a certificate
  (nginx `ssl_certificate`, Apache `SSLCertificateFile`, HAProxy `bind ... ssl crt`; commented
  lines do not count), Traefik certificate resolvers, TLS certificates or TLS router labels,
  and Caddy sites served with automatic HTTPS (a public domain as site address) or a `tls`
  directive. The finding names the first place that shows it;
- backup failures, when the repository takes backups (see DATA002).

Each missing category is reported. NotApplicable without alert rules; Unknown when the rules
exist only in Helm templates.

## Why it matters in production

Teams usually alert on what broke last time. The golden signals catch most user-visible
failures before users report them, while expiring certificates and silently failing backups
are the classic outages that give weeks of warning that nobody receives.

## Example

Bad: a single `InstanceDown` alert.

Good: alerts named `HighErrorRate` (`code=~"5.."` ratio), `HighLatencyP99`
(`histogram_quantile`), `DiskAlmostFull`, `TLSCertificateExpiresSoon`
(`probe_ssl_earliest_cert_expiry - time() < 14 * 86400`) and `BackupJobFailed`.

## References

- Google SRE book, "The Four Golden Signals"
- Prometheus alerting practices; Awesome Prometheus alerts
"#,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Category {
    ErrorRate,
    Latency,
    Saturation,
    CertExpiry,
    Backups,
}

impl Category {
    fn describe(self) -> &'static str {
        match self {
            Category::ErrorRate => "the error rate (share of 5xx or failed requests)",
            Category::Latency => "latency (a high percentile of request duration)",
            Category::Saturation => "saturation (CPU, memory, disk, connections)",
            Category::CertExpiry => "certificate expiry (the repository manages TLS certificates)",
            Category::Backups => "backup failures (the repository schedules backups)",
        }
    }
}

fn covers(alert: &AlertRule, category: Category) -> bool {
    let text = format!(
        "{} {} {}",
        alert.name,
        alert.expr.as_deref().unwrap_or(""),
        alert.summary.as_deref().unwrap_or("")
    )
    .to_ascii_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let backup = any(&[
        "backup",
        "velero",
        "wal_archive",
        "pgbackrest",
        "archive_fail",
    ]);
    let cert = any(&["cert", "ssl", "tls", "x509"]);
    match category {
        Category::Backups => backup,
        Category::CertExpiry => cert,
        Category::ErrorRate => {
            !backup
                && !cert
                && any(&["error", "5xx", "5..", "fail"])
                && any(&[
                    "http",
                    "request",
                    "grpc",
                    "rpc",
                    "status",
                    "code",
                    "response",
                    "errorrate",
                    "error_rate",
                ])
        }
        Category::Latency => any(&[
            "latency",
            "duration",
            "histogram_quantile",
            "_bucket",
            "slow",
            "response_time",
            "p99",
            "p95",
        ]),
        Category::Saturation => any(&[
            "cpu",
            "memory",
            "disk",
            "filesystem",
            "connections",
            "saturation",
            "oom",
            "throttl",
            "pool",
            "queue",
            "open_fds",
            "inode",
            "heap",
            "pg_stat_activity",
        ]),
    }
}

impl Check for AlertCoverage {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let rules = AlertRules::get(ws);
        if let Err(outcome) = rules.premise() {
            return outcome;
        }
        if rules.alerts.is_empty() {
            return Outcome::unknown("the alert rule files do not parse (see OBS001)");
        }
        let mut required = vec![Category::ErrorRate, Category::Latency, Category::Saturation];
        let tls = tls_evidence(ws);
        if tls.is_some() {
            required.push(Category::CertExpiry);
        }
        if !Backups::get(ws).jobs.is_empty() {
            required.push(Category::Backups);
        }
        let anchor = &rules.files[0];
        let (mut findings, mut evidence) = (Vec::new(), Vec::new());
        for category in required {
            match rules.alerts.iter().find(|a| covers(a, category)) {
                Some(a) => evidence.push(a.finding(format!(
                    "`{}` alerts on {}",
                    a.name,
                    category.describe()
                ))),
                None if category == Category::CertExpiry => findings.push(finding_file(
                    anchor,
                    format!(
                        "no alert covers certificate expiry (the repository manages TLS certificates: {})",
                        tls.as_deref().unwrap_or_default()
                    ),
                )),
                None => findings.push(finding_file(
                    anchor,
                    format!("no alert covers {}", category.describe()),
                )),
            }
        }
        Outcome::from_findings(findings, evidence)
    }
}
