//! Does the server still accept TLS 1.0 or 1.1? rustls cannot speak them, so this sends a
//! hand-built ClientHello that offers only the old version (with the CBC suites those
//! versions use) and reads the first record back: a ServerHello means accepted; an alert or a
//! closed connection means refused. No handshake is completed and nothing else is sent.

use super::Target;
use super::error::RequestError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegacyVersion {
    Tls10,
    Tls11,
}

impl LegacyVersion {
    fn wire(self) -> [u8; 2] {
        match self {
            LegacyVersion::Tls10 => [3, 1],
            LegacyVersion::Tls11 => [3, 2],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LegacyVersion::Tls10 => "TLS 1.0",
            LegacyVersion::Tls11 => "TLS 1.1",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LegacyAnswer {
    /// The server answered with a ServerHello for this version and that cipher suite.
    Accepted { cipher: u16 },
    /// Why it did not: the alert or how the connection ended.
    Refused(String),
}

/// Suites TLS 1.0/1.1 servers offer (ECDHE and RSA key exchange, AES-CBC and 3DES), and the
/// renegotiation SCSV.
const SUITES: &[u16] = &[
    0xc00a, 0xc009, 0xc014, 0xc013, 0x0039, 0x0033, 0x0035, 0x002f, 0x000a, 0x00ff,
];

/// A ClientHello record offering only `version`; SNI when `host` is a DNS name.
pub fn client_hello(version: LegacyVersion, random: [u8; 32], host: Option<&str>) -> Vec<u8> {
    let mut extensions = Vec::new();
    if let Some(host) = host.filter(|h| h.len() < 256) {
        let name = host.as_bytes();
        let mut sni = Vec::new();
        put_u16(&mut sni, name.len() as u16 + 3);
        sni.push(0); // host_name
        put_u16(&mut sni, name.len() as u16);
        sni.extend_from_slice(name);
        extension(&mut extensions, 0x0000, &sni);
    }
    // supported_groups: x25519, secp256r1, secp384r1; ec_point_formats: uncompressed.
    extension(
        &mut extensions,
        0x000a,
        &[0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18],
    );
    extension(&mut extensions, 0x000b, &[1, 0]);

    let mut body = Vec::new();
    body.extend_from_slice(&version.wire());
    body.extend_from_slice(&random);
    body.push(0); // no session id
    put_u16(&mut body, (SUITES.len() * 2) as u16);
    for suite in SUITES {
        put_u16(&mut body, *suite);
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    put_u16(&mut body, extensions.len() as u16);
    body.extend_from_slice(&extensions);

    let mut handshake = vec![1]; // client_hello
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);

    let mut record = vec![22, 3, 1]; // handshake record, TLS 1.0 record version
    put_u16(&mut record, handshake.len() as u16);
    record.extend_from_slice(&handshake);
    record
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

/// Judges the first record the server sent back (`header` is its 5-byte header, `body` at
/// least the first bytes of its payload).
pub fn judge(version: LegacyVersion, header: &[u8; 5], body: &[u8]) -> LegacyAnswer {
    match header[0] {
        // ServerHello: type 2, 3 bytes length, then the chosen version, 32 bytes random,
        // session id, cipher suite.
        22 if body.len() >= 6 && body[0] == 2 => {
            if body[4..6] != version.wire() {
                return LegacyAnswer::Refused(format!(
                    "the server chose version {}.{} instead",
                    body[4], body[5]
                ));
            }
            let cipher = body
                .get(38)
                .map(|&len| 39 + len as usize)
                .and_then(|at| body.get(at..at + 2))
                .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
            LegacyAnswer::Accepted { cipher }
        }
        21 if body.len() >= 2 => LegacyAnswer::Refused(format!("alert {}", alert_name(body[1]))),
        _ => LegacyAnswer::Refused("an answer that is not a TLS ServerHello".into()),
    }
}

fn alert_name(code: u8) -> String {
    let name = match code {
        40 => "handshake_failure",
        47 => "illegal_parameter",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        112 => "unrecognized_name",
        _ => return format!("#{code}"),
    };
    name.to_string()
}

impl Target {
    /// Offers only `version` and reports whether the server takes it (one request).
    pub async fn legacy_tls(&self, version: LegacyVersion) -> Result<LegacyAnswer, RequestError> {
        let (host, port) = self.tls_endpoint()?;
        let sni = host
            .parse::<std::net::IpAddr>()
            .is_err()
            .then_some(host.as_str());
        let mut random = [0u8; 32];
        super::tls::provider()
            .secure_random
            .fill(&mut random)
            .map_err(|_| RequestError::Invalid("no random source".into()))?;
        let hello = client_hello(version, random, sni);
        let url = format!("{host}:{port}");
        self.budget
            .acquire()
            .await
            .map_err(|e| RequestError::BudgetExhausted { max: e.max })?;
        let attempt = async {
            let mut tcp = TcpStream::connect((host.as_str(), port))
                .await
                .map_err(|e| RequestError::Failed {
                    method: format!("{} ClientHello", version.name()),
                    url: url.clone(),
                    reason: format!("TCP connect: {e}"),
                })?;
            if tcp.write_all(&hello).await.is_err() {
                return Ok(LegacyAnswer::Refused("the connection was closed".into()));
            }
            let mut header = [0u8; 5];
            if tcp.read_exact(&mut header).await.is_err() {
                return Ok(LegacyAnswer::Refused(
                    "the connection was closed without an answer".into(),
                ));
            }
            // Enough of the payload for a ServerHello's version and cipher suite.
            let len = usize::from(u16::from_be_bytes([header[3], header[4]])).min(80);
            let mut body = vec![0u8; len];
            let read = read_up_to(&mut tcp, &mut body).await;
            body.truncate(read);
            Ok(judge(version, &header, &body))
        };
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(result) => result,
            Err(_) => Err(RequestError::Timeout {
                method: format!("{} ClientHello", version.name()),
                url,
                after: self.timeout,
            }),
        }
    }
}

/// Fills `buf` as far as the peer sends before closing.
async fn read_up_to(tcp: &mut TcpStream, buf: &mut [u8]) -> usize {
    let mut filled = 0;
    while filled < buf.len() {
        match tcp.read(&mut buf[filled..]).await {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hello_is_a_well_formed_record_offering_only_the_old_version() {
        let hello = client_hello(LegacyVersion::Tls11, [7; 32], Some("example.com"));
        assert_eq!(&hello[..3], &[22, 3, 1]);
        let record_len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
        assert_eq!(hello.len(), 5 + record_len);
        assert_eq!(hello[5], 1, "client_hello");
        let body_len = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
        assert_eq!(body_len, record_len - 4);
        assert_eq!(&hello[9..11], &[3, 2], "offers TLS 1.1");
        assert!(hello.windows(11).any(|w| w == b"example.com"));
    }

    #[test]
    fn server_hellos_alerts_and_other_answers_are_told_apart() {
        let mut hello = vec![2, 0, 0, 70, 3, 1];
        hello.extend([0; 32]);
        hello.push(0); // empty session id
        hello.extend([0xc0, 0x13]);
        assert_eq!(
            judge(LegacyVersion::Tls10, &[22, 3, 1, 0, 42], &hello),
            LegacyAnswer::Accepted { cipher: 0xc013 }
        );
        assert!(matches!(
            judge(LegacyVersion::Tls11, &[22, 3, 1, 0, 42], &hello),
            LegacyAnswer::Refused(_)
        ));
        assert_eq!(
            judge(LegacyVersion::Tls10, &[21, 3, 1, 0, 2], &[2, 70]),
            LegacyAnswer::Refused("alert protocol_version".into())
        );
        assert!(matches!(
            judge(LegacyVersion::Tls10, b"HTTP/", b"1.1 400"),
            LegacyAnswer::Refused(_)
        ));
    }
}
