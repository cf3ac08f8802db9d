#![allow(clippy::unwrap_used)]
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use std::time::Instant;
fn main() {
    let reply = r#"{"jsonrpc":"2.0","id":"aiproxy-12","result":{"content":[{"type":"text","text":"Echo: bench"}],"isError":false}}"#;
    let request = r#"{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bench"}}}"#;
    for (name, n) in [("server reply", 0), ("client request", 1)] {
        let started = Instant::now();
        for _ in 0..20000 {
            if n == 0 {
                let m: ServerJsonRpcMessage = serde_json::from_str(reply).unwrap();
                std::hint::black_box(m);
            } else {
                let m: ClientJsonRpcMessage = serde_json::from_str(request).unwrap();
                std::hint::black_box(m);
            }
        }
        println!("{name}: {:?} per parse", started.elapsed() / 20000);
    }
    let m: ServerJsonRpcMessage = serde_json::from_str(reply).unwrap();
    let started = Instant::now();
    for _ in 0..20000 {
        std::hint::black_box(serde_json::to_vec(&m).unwrap());
    }
    println!("serialize reply: {:?}", started.elapsed() / 20000);
}
