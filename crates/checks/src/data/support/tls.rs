//! Whether the repository manages TLS certificates itself (so their expiry needs an alert), and
//! the first place that shows it: cert-manager resources, Ingress/Gateway/IngressRoute TLS, TLS
//! Secrets, certificates in Terraform, a served certificate committed to the tree, web-server
//! configuration that loads one (nginx `ssl_certificate`, Apache `SSLCertificateFile`, HAProxy
//! `bind ... ssl crt`), Traefik certificate resolvers, TLS stores and router labels, and
//! Caddy sites (automatic HTTPS for a public domain, or a `tls` directive).

use super::paths::{file_name, is_product_path};
use crate::prelude::*;
use std::sync::Arc;
use vouch_workspace::{SourceText, YamlRole};

/// Where the repository shows it manages TLS (for messages), or None.
pub fn tls_evidence(ws: &Workspace) -> Option<String> {
    kubernetes(ws)
        .or_else(|| helm_templates(ws))
        .or_else(|| terraform(ws))
        .or_else(|| traefik_yaml(ws))
        .or_else(|| compose_labels(ws))
        .or_else(|| config_files(ws))
        .or_else(|| committed_certificate(ws))
}

fn kubernetes(ws: &Workspace) -> Option<String> {
    ws.k8s_docs()
        .filter(|d| is_product_path(&d.file.path))
        .find_map(|d| {
            let group = d.api_version.split('/').next().unwrap_or("");
            let spec_tls = || d.root.path(&["spec", "tls"]).is_some();
            let what = if group == "cert-manager.io"
                && matches!(d.kind, "Certificate" | "Issuer" | "ClusterIssuer")
            {
                format!("cert-manager {}", d.kind)
            } else if d.kind == "Ingress"
                && (spec_tls()
                    || d.root
                        .path(&["metadata", "annotations"])
                        .and_then(|a| a.get("traefik.ingress.kubernetes.io/router.tls"))
                        .and_then(Node::as_bool)
                        == Some(true))
            {
                "Ingress TLS".to_string()
            } else if d.kind == "IngressRoute" && spec_tls() {
                "Traefik IngressRoute TLS".to_string()
            } else if d.kind == "Secret"
                && d.root.get("type").and_then(Node::as_str) == Some("kubernetes.io/tls")
            {
                "TLS Secret".to_string()
            } else if d.kind == "Gateway"
                && d.root
                    .path(&["spec", "listeners"])
                    .is_some_and(|l| l.items().iter().any(|i| i.get("tls").is_some()))
            {
                "Gateway TLS listener".to_string()
            } else {
                return None;
            };
            Some(format!("{what} in {}", d.file.path))
        })
}

/// cert-manager resources in Helm templates (not parsed as YAML: read line by line).
fn helm_templates(ws: &Workspace) -> Option<String> {
    ws.yaml
        .iter()
        .filter(|y| y.role == YamlRole::HelmTemplate && is_product_path(&y.path))
        .find_map(|y| {
            let lines: Vec<&str> = y.text.lines().map(|(_, l)| l.trim()).collect();
            let cert_manager = lines
                .iter()
                .any(|l| l.starts_with("apiVersion:") && l.contains("cert-manager.io/"));
            let kind = lines.iter().find_map(|l| {
                let k = l.strip_prefix("kind:")?.trim();
                matches!(k, "Certificate" | "Issuer" | "ClusterIssuer").then_some(k)
            })?;
            cert_manager.then(|| format!("cert-manager {kind} in {}", y.path))
        })
}

fn terraform(ws: &Workspace) -> Option<String> {
    super::terraform::Terraform::get(ws)
        .resources(&[
            "aws_acm_certificate",
            "google_compute_managed_ssl_certificate",
            "acme_certificate",
            "tls_self_signed_cert",
            "azurerm_app_service_certificate",
        ])
        .next()
        .map(|b| format!("`{}.{}` in {}", b.rtype, b.name, b.src.path))
}

/// Traefik static or dynamic configuration in YAML: ACME certificate resolvers, TLS stores
/// and certificates.
fn traefik_yaml(ws: &Workspace) -> Option<String> {
    ws.yaml
        .iter()
        .filter(|y| y.role == YamlRole::Other && is_product_path(&y.path))
        .find_map(|y| {
            y.docs().iter().find_map(|d| {
                let (what, node) = if let Some(n) = d.root.get("certificatesResolvers") {
                    ("Traefik certificate resolver", n)
                } else {
                    let tls = d.root.get("tls")?;
                    let n = tls.get("certificates").or_else(|| tls.get("stores"))?;
                    ("Traefik TLS certificates", n)
                };
                Some(format!("{what} at {}:{}", y.path, node.line))
            })
        })
}

/// Traefik router labels on compose services (`traefik.http.routers.web.tls.certresolver=le`).
fn compose_labels(ws: &Workspace) -> Option<String> {
    ws.yaml
        .iter()
        .filter(|y| y.role == YamlRole::Compose && is_product_path(&y.path))
        .find_map(|y| {
            let doc = y.docs().first()?;
            doc.root.get("services")?.entries().find_map(|(_, svc)| {
                let labels = svc.get("labels")?;
                let pairs: Vec<(&str, &str, u32)> = if labels.as_seq().is_some() {
                    labels
                        .items()
                        .iter()
                        .filter_map(|i| {
                            let (k, v) = i.as_str()?.split_once('=')?;
                            Some((k.trim(), v.trim(), i.line))
                        })
                        .collect()
                } else {
                    labels
                        .entries()
                        .filter_map(|(k, v)| Some((k, v.as_str()?, v.line)))
                        .collect()
                };
                pairs.into_iter().find_map(|(k, v, line)| {
                    let router = k.strip_prefix("traefik.http.routers.")?;
                    let (_, setting) = router.split_once('.')?;
                    let on = match setting {
                        "tls" => v.eq_ignore_ascii_case("true"),
                        "tls.certresolver" => !v.is_empty(),
                        _ => false,
                    };
                    on.then(|| format!("Traefik TLS router label at {}:{line}", y.path))
                })
            })
        })
}

/// Web-server and proxy configuration files that load or obtain certificates.
fn config_files(ws: &Workspace) -> Option<String> {
    ws.files
        .iter()
        .filter(|f| !f.binary && f.class.product())
        .find_map(|f| {
            let name = f.lowercase_name();
            let finder: fn(&SourceText) -> Option<(u32, &'static str)> = if is_caddyfile(&name) {
                caddy_tls
            } else if name == "haproxy.cfg" {
                haproxy_tls
            } else if name.ends_with(".conf")
                || name.ends_with(".conf.template")
                || name == "nginx.conf"
            {
                web_server_tls
            } else if name.ends_with(".toml") {
                traefik_toml
            } else {
                return None;
            };
            let src: Arc<SourceText> = ws.text(&f.rel)?;
            let (line, what) = finder(&src)?;
            Some(format!("{what} at {}:{line}", f.rel))
        })
}

/// Lines of a `#`-commented configuration format, without comment lines.
fn live_lines(src: &SourceText) -> impl Iterator<Item = (u32, &str)> {
    src.lines()
        .map(|(n, l)| (n as u32, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// nginx `ssl_certificate` and Apache `SSLCertificateFile` directives.
fn web_server_tls(src: &SourceText) -> Option<(u32, &'static str)> {
    live_lines(src).find_map(|(n, l)| {
        let directive = l.split_whitespace().next()?;
        match directive {
            "ssl_certificate" => Some((n, "nginx `ssl_certificate`")),
            _ if directive.eq_ignore_ascii_case("SSLCertificateFile") => {
                Some((n, "Apache `SSLCertificateFile`"))
            }
            _ => None,
        }
    })
}

/// HAProxy `bind :443 ssl crt /etc/haproxy/certs/site.pem`.
fn haproxy_tls(src: &SourceText) -> Option<(u32, &'static str)> {
    live_lines(src).find_map(|(n, l)| {
        let words: Vec<&str> = l.split_whitespace().collect();
        (words.first() == Some(&"bind") && words.contains(&"ssl") && words.contains(&"crt"))
            .then_some((n, "HAProxy `bind ... ssl crt`"))
    })
}

/// Traefik TOML configuration: `[certificatesResolvers.le.acme]`, `[[tls.certificates]]`.
fn traefik_toml(src: &SourceText) -> Option<(u32, &'static str)> {
    live_lines(src).find_map(|(n, l)| {
        if l.starts_with("[certificatesResolvers.") {
            Some((n, "Traefik certificate resolver"))
        } else if l.starts_with("[[tls.certificates]]") || l.starts_with("[tls.stores") {
            Some((n, "Traefik TLS certificates"))
        } else {
            None
        }
    })
}

fn is_caddyfile(name: &str) -> bool {
    name == "caddyfile" || name.starts_with("caddyfile.") || name.ends_with(".caddyfile")
}

/// A Caddy site served over automatic HTTPS (an address with a public domain name and no
/// `http://` scheme, unless `auto_https off`), or a `tls` directive other than `tls internal`.
fn caddy_tls(src: &SourceText) -> Option<(u32, &'static str)> {
    let mut depth = 0usize;
    let mut auto_https = true;
    let mut site: Option<u32> = None;
    let mut saw_block = false;
    let first = live_lines(src).next().map_or(0, |(n, _)| n);
    for (n, line) in live_lines(src) {
        let line = line.split(" #").next().unwrap_or(line).trim();
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"tls") && words.get(1) != Some(&"internal") && depth > 0 {
            return Some((n, "Caddy `tls` directive"));
        }
        if words.first() == Some(&"auto_https") && words.get(1) == Some(&"off") {
            auto_https = false;
        }
        if line.starts_with('}') {
            depth = depth.saturating_sub(1);
        }
        let opens = line.ends_with('{');
        // Site addresses: a line at the top level that opens a block (not the global options
        // block `{` or a snippet `(name) {`), or the first line of a Caddyfile without blocks.
        let is_address_line = depth == 0
            && ((opens && line != "{" && !line.starts_with('('))
                || (!saw_block && !opens && n == first));
        if is_address_line && site.is_none() && line.split([' ', ',']).any(public_https_address) {
            site = Some(n);
        }
        if opens {
            saw_block = true;
            depth += 1;
        }
    }
    site.filter(|_| auto_https)
        .map(|n| (n, "Caddy site with automatic HTTPS"))
}

/// A Caddy site address Caddy obtains a public certificate for: `shop.acme.io`,
/// `https://shop.acme.io:443`, `*.acme.io`; not `:80`, `http://...`, `localhost`, IPs,
/// placeholders (`{$DOMAIN}`) or reserved test domains.
fn public_https_address(token: &str) -> bool {
    let t = token.trim().trim_end_matches('{').trim();
    if t.is_empty() || t.starts_with("http://") || t.starts_with(':') || t.contains('{') {
        return false;
    }
    let host = t.trim_start_matches("https://");
    let host = host.split(['/', ':']).next().unwrap_or("");
    let lower = host.to_ascii_lowercase();
    let reserved = [
        ".localhost",
        ".local",
        ".test",
        ".internal",
        ".example",
        ".invalid",
    ];
    lower.contains('.')
        && lower.chars().any(|c| c.is_ascii_alphabetic())
        && lower
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*'))
        && lower != "localhost"
        && !reserved.iter().any(|r| lower.ends_with(r))
}

/// A served certificate committed to the tree (`certs/shop.crt`, a PEM with `BEGIN
/// CERTIFICATE`); CA bundles (trusted, not served) and local development certificates do not
/// count.
fn committed_certificate(ws: &Workspace) -> Option<String> {
    ws.files.iter().filter(|f| f.class.product()).find_map(|f| {
        let name = f.lowercase_name();
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        if !matches!(ext, "crt" | "cer" | "pem") || is_ca_or_dev(&f.rel) {
            return None;
        }
        let pem = ws
            .text(&f.rel)
            .is_some_and(|t| t.text.contains("-----BEGIN CERTIFICATE-----"));
        // A binary `.crt`/`.cer` is a DER certificate.
        (pem || (f.binary && ext != "pem")).then(|| format!("committed certificate {}", f.rel))
    })
}

/// CA bundles and trust stores (`ca.crt`, `rds-ca-2019-root.pem`, `ca-certificates.crt`),
/// and certificates for local development (`localhost.crt`, `dev-certs/`).
fn is_ca_or_dev(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = file_name(&lower);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let words: Vec<&str> = stem.split(['-', '_', '.']).collect();
    let ca = words.iter().any(|w| {
        matches!(
            *w,
            "ca" | "cacert" | "cacerts" | "bundle" | "root" | "trust"
        )
    }) || stem.starts_with("ca-")
        || stem.contains("certificates");
    let dev = stem.contains("localhost")
        || lower.split('/').any(|d| {
            matches!(
                d,
                "dev" | "development" | "local" | ".devcontainer" | "dev-certs" | "devcerts"
            )
        });
    ca || dev
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Arc<SourceText> {
        SourceText::new("x", text.to_string())
    }

    #[test]
    fn nginx_directives_outside_comments() {
        let conf = "server {\n    listen 443 ssl;\n    ssl_certificate     /etc/nginx/certs/shop.crt;\n}\n";
        assert_eq!(web_server_tls(&src(conf)).map(|(n, _)| n), Some(3));
        let commented = "server {\n    listen 80;\n    # listen 443 ssl;\n    # ssl_certificate /etc/nginx/certs/shop.crt;\n    #ssl_certificate_key /etc/nginx/certs/shop.key;\n}\n";
        assert_eq!(web_server_tls(&src(commented)), None);
        assert!(web_server_tls(&src("SSLCertificateFile /etc/ssl/shop.pem\n")).is_some());
    }

    #[test]
    fn haproxy_and_traefik_toml() {
        assert!(
            haproxy_tls(&src(
                "frontend www\n  bind *:443 ssl crt /etc/haproxy/site.pem\n"
            ))
            .is_some()
        );
        assert!(haproxy_tls(&src("frontend www\n  bind *:80\n")).is_none());
        assert!(
            traefik_toml(&src(
                "[certificatesResolvers.le.acme]\n  email = \"ops@acme.io\"\n"
            ))
            .is_some()
        );
        assert!(
            traefik_toml(&src(
                "# [certificatesResolvers.le.acme]\n[entryPoints.web]\n"
            ))
            .is_none()
        );
    }

    #[test]
    fn caddy_sites() {
        let site = "{\n    email ops@acme.io\n}\n\nshop.acme.io {\n    reverse_proxy web:3000\n}\n";
        assert_eq!(caddy_tls(&src(site)).map(|(n, _)| n), Some(5));
        assert!(caddy_tls(&src("shop.acme.io\nreverse_proxy web:3000\n")).is_some());
        for no in [
            ":80 {\n    reverse_proxy web:3000\n}\n",
            "http://shop.acme.io {\n    reverse_proxy web:3000\n}\n",
            "localhost {\n    reverse_proxy web:3000\n}\n",
            "{$SITE_ADDRESS} {\n    reverse_proxy web:3000\n}\n",
            "{\n    auto_https off\n}\nshop.acme.io {\n    reverse_proxy web:3000\n}\n",
            "# shop.acme.io {\n:8080 {\n    tls internal\n}\n",
        ] {
            assert_eq!(caddy_tls(&src(no)), None, "{no}");
        }
        assert!(caddy_tls(&src(":443 {\n    tls /certs/shop.crt /certs/shop.key\n}\n")).is_some());
    }

    #[test]
    fn ca_bundles_and_dev_certificates() {
        for yes in [
            "certs/ca.crt",
            "deploy/rds-ca-2019-root.pem",
            "docker/dev-certs/shop.crt",
            "certs/localhost.pem",
            "ssl/ca-certificates.crt",
        ] {
            assert!(is_ca_or_dev(yes), "{yes}");
        }
        for no in [
            "nginx/certs/shop.crt",
            "deploy/tls/fullchain.pem",
            "certs/api.acme.io.crt",
        ] {
            assert!(!is_ca_or_dev(no), "{no}");
        }
    }
}
