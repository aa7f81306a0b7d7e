//! The legacy-version probe against Debian's nginx, an independent TLS server that (unlike
//! rustls) can still be configured to accept TLS 1.0 and 1.1. Needs `nginx` on PATH or in
//! /usr/sbin (scripts/test.sh installs nginx-light when missing).

use crate::support::*;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use vouch_probes::TargetOptions;
use vouch_testtarget::{CertVariant, tls::generate};

/// An nginx serving `GET /` over TLS with the given `ssl_protocols`; killed when dropped.
struct Nginx {
    child: Child,
    dir: PathBuf,
    port: u16,
    ca_pem: String,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("nginx is required for this test: apt-get install -y nginx-light")
        })
}

fn start_nginx(protocols: &str) -> Nginx {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("vouch-nginx-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let certs = generate(CertVariant::Valid).unwrap();
    std::fs::write(
        dir.join("chain.pem"),
        format!("{}{}", certs.leaf_pem, certs.ca_pem),
    )
    .unwrap();
    std::fs::write(dir.join("key.pem"), &certs.key_pem).unwrap();
    let d = dir.display();
    // SECLEVEL=0: Debian's OpenSSL refuses TLS 1.0/1.1 at its default level.
    let conf = format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 32; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         server {{\n    listen 127.0.0.1:{port} ssl;\n    ssl_certificate {d}/chain.pem;\n\
         ssl_certificate_key {d}/key.pem;\n    ssl_protocols {protocols};\n\
         ssl_ciphers DEFAULT:@SECLEVEL=0;\n    location / {{ default_type text/plain; return 200 \"ok\\n\"; }}\n  }}\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new(nginx_binary())
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-e")
        .arg(dir.join("error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let nginx = Nginx {
        child,
        dir,
        port,
        ca_pem: certs.ca_pem,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not listen: {}",
            std::fs::read_to_string(nginx.dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

fn trusting(nginx: &Nginx) -> TargetOptions {
    TargetOptions {
        ca_cert_pem: Some(nginx.ca_pem.clone().into_bytes()),
        ..options()
    }
}

#[tokio::test]
async fn nginx_accepting_tls_1_0_and_1_1_fails_with_each_version() {
    let nginx = start_nginx("TLSv1 TLSv1.1 TLSv1.2 TLSv1.3");
    let url = format!("https://127.0.0.1:{}", nginx.port);
    let r = run_on(&url, "HTTP023", trusting(&nginx)).await;
    assert_fail(&r);
    let messages: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with("the server accepts TLS 1.0 (cipher suite 0x"));
    assert!(messages[1].starts_with("the server accepts TLS 1.1 (cipher suite 0x"));
    assert!(snippet(&r.findings[0]).starts_with("TLS 1.3 and TLS 1.2 accepted"));
    // The chain nginx serves verifies against the generated CA.
    assert_pass(&run_on(&url, "HTTP020", trusting(&nginx)).await);
}

#[tokio::test]
async fn nginx_with_modern_protocols_only_passes() {
    let nginx = start_nginx("TLSv1.2 TLSv1.3");
    let url = format!("https://127.0.0.1:{}", nginx.port);
    let r = run_on(&url, "HTTP023", trusting(&nginx)).await;
    assert_pass(&r);
    let summary = snippet(&r.evidence[0]);
    assert!(summary.contains("TLS 1.0 refused (alert "), "{summary}");
    assert!(summary.contains("TLS 1.1 refused (alert "), "{summary}");
}
