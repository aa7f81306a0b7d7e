use super::verdicts::flagged_facts;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct WebsocketLimits;

static META: ControlMeta = ControlMeta {
    id: "CODE030",
    slug: "websocket_limits",
    title: "WebSocket handlers limit message size and idle time",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Set a maximum message size and read/idle deadlines on every WebSocket handler: \
                  gorilla `conn.SetReadLimit` with `SetReadDeadline` and pong handlers, `ws` \
                  `maxPayload` with a heartbeat, Socket.IO `maxHttpBufferSize` and `pingTimeout`, \
                  `websockets` `max_size`/`ping_timeout`, axum `WebSocketUpgrade::max_message_size`, \
                  Spring `setMaxTextMessageBufferSize`/`setMaxSessionIdleTimeout`.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/WebSocket_Security_Cheat_Sheet.html",
        "https://pkg.go.dev/github.com/gorilla/websocket#Conn.SetReadLimit",
        "https://github.com/websockets/ws/blob/master/doc/ws.md#new-websocketserveroptions-callback",
        "https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html",
    ],
    concepts: &[
        "WebSocket limits",
        "message size limit",
        "idle timeout",
        "heartbeat",
        "ping/pong",
        "connection deadlines",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every WebSocket handler the code defines bounds the size of incoming messages and how long a
connection may stay idle (read deadlines, ping/pong timeouts), on the handler or on the server
or upgrader it uses. Handlers without them fail, each at its definition. NotApplicable when the
code has no WebSocket handlers.

## Why it matters in production

WebSocket connections are long-lived and hold memory and a file descriptor each. Without a
message size limit one frame can allocate gigabytes; without deadlines half-open connections
(a laptop that went to sleep, a dropped mobile network) accumulate until the server runs out of
descriptors, and a deploy cannot drain them.

## Example

Bad:

```go
conn, _ := upgrader.Upgrade(w, r, nil)
for {
    _, msg, err := conn.ReadMessage()
    ...
}
```

Good:

```go
conn, _ := upgrader.Upgrade(w, r, nil)
conn.SetReadLimit(64 << 10)
conn.SetReadDeadline(time.Now().Add(60 * time.Second))
conn.SetPongHandler(func(string) error {
    return conn.SetReadDeadline(time.Now().Add(60 * time.Second))
})
```

## References

- OWASP WebSocket Security Cheat Sheet
- gorilla/websocket `Conn.SetReadLimit`
- ws `WebSocketServer` options (`maxPayload`)
- websockets server reference (`max_size`, `ping_timeout`)
"#,
};

impl Check for WebsocketLimits {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        flagged_facts(
            ws,
            |kind| match kind {
                FactKind::WebSocketHandler { limits } => Some(*limits),
                _ => None,
            },
            "the code has no WebSocket handlers",
            |detail| format!("WebSocket handler without message size and idle limits: {detail}"),
        )
    }
}
