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

#[tokio::test]
async fn sigterm_finishes_the_work_under_way_closes_with_1001_and_exits_0() {
    let (mut demo, addr) = common::start_demo(&[]);
    let mut plain = TestClient::connect(&format!("ws://{addr}/ws/plain/"))
        .await
        .unwrap();
    // A detached action that is still running when the signal comes.
    plain
        .send("slow", json!("late"), json!({"delay": 0.3}))
        .await;
    assert_reply!(
        plain.request("add", json!({"a": 1, "b": 1})).await,
        200,
        json!(2)
    );
    let pid = demo.0.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    // Its reply still arrives, then the server's 1001.
    let reply = plain.recv_json().await;
    assert_eq!(reply["request_id"], "late", "{reply}");
    assert_eq!(reply["response_status"], 200, "{reply}");
    let frame = plain.recv_close().await.expect("a close frame");
    assert_eq!(u16::from(frame.code), 1001);
    let exited = tokio::task::spawn_blocking(move || {
        let status = demo.0.wait().unwrap();
        std::mem::forget(demo);
        status
    })
    .await
    .unwrap();
    assert_eq!(exited.code(), Some(0));
}
