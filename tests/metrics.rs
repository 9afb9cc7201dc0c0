//! The demo's `/metrics` (App::serve_metrics): the live counts in Prometheus' text format,
//! through a real server, after real traffic.

mod common;

use serde_json::json;

/// The value of the sample `name` (with its labels) in an exposition text.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_connections_messages_replies_and_pushes() {
    let (_demo, server) = common::demo().await;
    let mut client = server.connect("/ws/todos/").await;
    let created = client
        .request("create", json!({"data": {"title": "m"}}))
        .await;
    let pk = created["data"]["id"].clone();
    client
        .request_with_id("subscribe_instance", json!("s"), json!({"pk": pk}))
        .await;
    client.request("nope", json!({})).await;
    client
        .request("patch", json!({"pk": pk, "data": {"done": true}}))
        .await;
    let push = client.recv_json().await;
    assert_eq!(push["action"], "update", "{push}");

    let (status, headers, text) = common::get(server.addr(), chanrest_demo::METRICS).await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(headers.contains("openmetrics-text"), "{headers}");
    assert_eq!(sample(&text, "chanrest_connections"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "chanrest_sessions"), Some(1.0), "{text}");
    assert_eq!(
        sample(&text, "chanrest_messages_in_total"),
        Some(4.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "chanrest_replies_total{status=\"201\"}"),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "chanrest_replies_total{status=\"405\"}"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "chanrest_replies_total{status=\"200\"}"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, "chanrest_pushes_total"), Some(1.0), "{text}");
    assert_eq!(
        sample(&text, "chanrest_group_memberships"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "chanrest_channel_layer_connected"),
        Some(1.0),
        "{text}"
    );
    assert!(text.trim_end().ends_with("# EOF"), "{text}");

    // Once the client leaves, nothing of it is counted any more.
    client.close().await;
    let mut text = String::new();
    for _ in 0..100 {
        text = common::get(server.addr(), chanrest_demo::METRICS).await.2;
        if sample(&text, "chanrest_connections") == Some(0.0) {
            assert_eq!(
                sample(&text, "chanrest_group_memberships"),
                Some(0.0),
                "{text}"
            );
            assert_eq!(sample(&text, "chanrest_queued_bytes"), Some(0.0), "{text}");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the closed connection is still counted: {text}");
}
