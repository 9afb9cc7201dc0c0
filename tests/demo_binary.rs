//! The demo server binary's public contract: `--addr`, the address printed when ready, a 404
//! handshake for unknown paths, and the endpoints answering.

mod common;

use chanrest::assert_reply;
use chanrest::testkit::{ConnectError, TestClient};
use serde_json::json;
use std::process::Command;

#[tokio::test]
async fn demo_binary_serves_its_endpoints() {
    let (_demo, addr) = common::start_demo(&[]);
    let mut plain = TestClient::connect(&format!("ws://{addr}/ws/plain/"))
        .await
        .unwrap();
    assert_reply!(
        plain.request("add", json!({"a": 20, "b": 22})).await,
        200,
        json!(42)
    );
    let mut bench = TestClient::connect(&format!("ws://{addr}/ws/bench/"))
        .await
        .unwrap();
    assert_reply!(
        bench.request("echo", json!({"data": [1, "x"]})).await,
        200,
        json!([1, "x"])
    );
    match TestClient::connect(&format!("ws://{addr}/ws/unknown/")).await {
        Err(ConnectError::Refused(404)) => {}
        other => panic!(
            "expected a 404 handshake, got {:?}",
            other.map(|_| "a connection")
        ),
    }
}

#[test]
fn bad_arguments_exit_with_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_chanrest-demo"))
        .args(["--addr", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--addr nowhere") && stderr.contains("usage:"),
        "{stderr}"
    );
}
