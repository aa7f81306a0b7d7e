use crate::both_backends;
use crate::support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

both_backends!(shutdown_finishes_in_flight_requests);

/// An upload whose body is still arriving when shutdown starts is completed and answered; new
/// connections are refused afterwards.
async fn shutdown_finishes_in_flight_requests(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    let body = serde_json::to_vec(&audit_report(55, 50)).unwrap();
    let (first, rest) = body.split_at(body.len() / 2);

    let mut conn = TcpStream::connect(s.running.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/projects/api/runs HTTP/1.1\r\nhost: test\r\nauthorization: Bearer {}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        s.admin,
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(first).await.unwrap();
    conn.flush().await.unwrap();
    // Let the server start handling the request before shutdown begins.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let addr = s.running.addr;
    let TestServer { running, .. } = s;
    let stopping = tokio::spawn(running.shutdown());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    conn.write_all(rest).await.unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");

    stopping.await.unwrap().expect("clean shutdown");
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}
