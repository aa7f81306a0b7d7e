//! Writing to stdout without panicking when the reader goes away (`vouch audit | head`).

use std::io::Write;

/// Writes `text` to stdout. A closed pipe is not an error: the reader has what it wanted,
/// and the command still exits with its own status (so a failed gate stays failed).
pub fn emit(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
