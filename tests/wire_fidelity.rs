//! The last differences from DCRF and rest-framework-channels, each answered as those
//! libraries answer it, through real sockets on the demo's `/ws/todos/` (DCRF model
//! consumer), `/ws/view/` (view_as_consumer) and `/ws/rfc/` (rest-framework-channels).

mod common;

use chanrest::testkit::TestClient;
use common::demo;
use serde_json::{json, Value};
use std::time::Duration;

/// Sends `message` as it is and returns the next frame.
async fn exchange(client: &mut TestClient, message: Value) -> Value {
    client.send_json(&message).await;
    client.recv_json().await
}

#[tokio::test]
async fn unsubscribe_instance_without_request_id_drops_every_subscription_to_the_row() {
    let (_demo, server) = demo().await;
    let mut watcher = server.connect("/ws/todos/").await;
    let mut writer = server.connect("/ws/todos/").await;
    let todo = writer
        .request("create", json!({"data": {"title": "watched"}}))
        .await;
    let pk = todo["data"]["id"].clone();
    for id in [1, 2] {
        let reply = exchange(
            &mut watcher,
            json!({"action": "subscribe_instance", "request_id": id, "pk": pk}),
        )
        .await;
        assert_eq!(reply["response_status"], 201, "{reply}");
    }
    // Both subscriptions deliver before the unsubscribe.
    writer
        .request("patch", json!({"pk": pk, "data": {"done": true}}))
        .await;
    let mut ids = vec![
        watcher.recv_json().await["request_id"].clone(),
        watcher.recv_json().await["request_id"].clone(),
    ];
    ids.sort_by_key(|id| id.as_i64());
    assert_eq!(ids, [json!(1), json!(2)]);

    let reply = exchange(
        &mut watcher,
        json!({"action": "unsubscribe_instance", "pk": pk}),
    )
    .await;
    assert_eq!(reply["response_status"], 204, "{reply}");
    assert_eq!(reply["request_id"], Value::Null);
    writer
        .request("patch", json!({"pk": pk, "data": {"done": false}}))
        .await;
    watcher.assert_silent(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_dcrf_action_that_is_not_a_string_is_echoed_as_sent() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/todos/").await;
    for (action, named) in [
        (json!(5), "5"),
        (json!(null), "None"),
        (json!(true), "True"),
        (json!(1.5), "1.5"),
    ] {
        let reply = exchange(&mut client, json!({"action": action, "request_id": 1})).await;
        assert_eq!(reply["response_status"], 405, "{reply}");
        assert_eq!(
            reply["errors"],
            json!([format!("Method \"{named}\" not allowed.")])
        );
        assert_eq!(reply["action"], action, "the action is echoed as sent");
        assert_eq!(reply["request_id"], 1);
    }
    for action in [json!(["list"]), json!({"name": "list"})] {
        let reply = exchange(&mut client, json!({"action": action, "request_id": 2})).await;
        assert_eq!(reply["response_status"], 400, "{reply}");
        assert_eq!(reply["action"], action, "the action is echoed as sent");
    }
    // The connection is still served.
    assert_eq!(
        client.request("list", json!({})).await["response_status"],
        200
    );
}

#[tokio::test]
async fn a_view_sent_no_data_gets_an_empty_object() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/view/").await;
    let reply = exchange(&mut client, json!({"action": "create", "request_id": 4})).await;
    // The view parsed `{}` and answered its field errors, not a JSON parse error.
    assert_eq!(reply["response_status"], 400, "{reply}");
    assert_eq!(
        reply["data"],
        json!({"title": ["This field is required."]}),
        "{reply}"
    );
}

/// Sends a rest-framework-channels message to `/ws/rfc/`.
async fn rfc(client: &mut TestClient, message: Value) -> Value {
    exchange(client, message).await
}

#[tokio::test]
async fn rfc_error_items_are_strings_for_403_and_405_and_details_otherwise() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    let reply = rfc(&mut client, json!({"action": "fly", "route": ""})).await;
    assert_eq!(reply["status"], 405, "{reply}");
    assert_eq!(
        reply["errors"],
        json!(["Action \"fly\" not allowed in message body."])
    );
    let reply = rfc(
        &mut client,
        json!({"action": "list", "route": "todos/?page=9"}),
    )
    .await;
    assert_eq!(reply["status"], 404, "{reply}");
    assert_eq!(reply["errors"], json!([{"detail": "Invalid page."}]));
    let reply = rfc(
        &mut client,
        json!({"action": "retrieve", "route": "todos/999/"}),
    )
    .await;
    assert_eq!(reply["status"], 404, "{reply}");
    assert_eq!(reply["errors"], json!([{"detail": "Not found"}]));
    // Field errors keep their shape.
    let reply = rfc(
        &mut client,
        json!({"action": "create", "route": "todos/", "data": {"title": ""}}),
    )
    .await;
    assert_eq!(reply["status"], 400, "{reply}");
    assert_eq!(
        reply["errors"],
        json!([{"title": ["This field may not be blank."]}])
    );
}

#[tokio::test]
async fn rfc_pages_are_read_as_drf_reads_them() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    // The demo's page size is 2: five todos make three pages.
    for n in 0..5 {
        let reply = rfc(
            &mut client,
            json!({"action": "create", "route": "todos/", "data": {"title": format!("t{n}")}}),
        )
        .await;
        assert_eq!(reply["status"], 201, "{reply}");
    }
    let titles = |reply: &Value| -> Vec<Value> {
        reply["data"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].clone())
            .collect()
    };
    let first = rfc(
        &mut client,
        json!({"action": "list", "route": "todos/?page="}),
    )
    .await;
    assert_eq!(first["status"], 200, "{first}");
    assert_eq!(titles(&first), [json!("t0"), json!("t1")]);
    let last = rfc(
        &mut client,
        json!({"action": "list", "route": "todos/?page=last"}),
    )
    .await;
    assert_eq!(titles(&last), [json!("t4")]);
    assert_eq!(last["data"]["next"], Value::Null);
    let repeated = rfc(
        &mut client,
        json!({"action": "list", "route": "todos/?page=1&page=2"}),
    )
    .await;
    assert_eq!(titles(&repeated), [json!("t2"), json!("t3")]);
    let encoded = rfc(
        &mut client,
        json!({"action": "list", "route": "todos/?page=%32"}),
    )
    .await;
    assert_eq!(titles(&encoded), [json!("t2"), json!("t3")]);
    for page in ["abc", "0", "-1", "4"] {
        let reply = rfc(
            &mut client,
            json!({"action": "list", "route": format!("todos/?page={page}")}),
        )
        .await;
        assert_eq!(reply["status"], 404, "page {page}: {reply}");
        assert_eq!(reply["errors"], json!([{"detail": "Invalid page."}]));
    }
}

#[tokio::test]
async fn rfc_next_and_previous_keep_the_other_parameters_sorted() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    for n in 0..5 {
        rfc(
            &mut client,
            json!({"action": "create", "route": "todos/", "data": {"title": format!("t{n}")}}),
        )
        .await;
    }
    let reply = rfc(
        &mut client,
        json!({"action": "list", "route": "todos/?owner=&done=false"}),
    )
    .await;
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(reply["data"]["next"], "todos/?done=false&owner=&page=2");
    let reply = rfc(
        &mut client,
        json!({"action": "list", "route": "todos/?page=2&done=false"}),
    )
    .await;
    assert_eq!(reply["data"]["previous"], "todos/?done=false");
    assert_eq!(reply["data"]["next"], "todos/?done=false&page=3");
}

#[tokio::test]
async fn rfc_missing_action_and_non_objects_get_rfcs_reply() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    let expected = json!({
        "errors": [{"detail": "Unable to find action in message body."}],
        "data": null,
        "action": null,
        "route": "",
        "status": 404
    });
    let reply = rfc(&mut client, json!({"route": "todos/"})).await;
    assert_eq!(reply, expected);
    for frame in ["[1, 2]", "5", "\"list\""] {
        client.send_text(frame).await;
        assert_eq!(client.recv_json().await, expected, "frame {frame}");
    }
}

#[tokio::test]
async fn rfc_actions_and_routes_that_are_not_strings_are_echoed_as_sent() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    for (action, named) in [
        (json!(5), "5"),
        (json!(null), "None"),
        (json!(true), "True"),
    ] {
        let reply = rfc(&mut client, json!({"action": action, "route": "todos/"})).await;
        assert_eq!(reply["status"], 405, "{reply}");
        assert_eq!(
            reply["errors"],
            json!([format!("Action \"{named}\" not allowed in message body.")])
        );
        assert_eq!(reply["action"], action);
        assert_eq!(reply["route"], "todos/");
    }
    for action in [json!(["list"]), json!({"a": 1})] {
        let reply = rfc(&mut client, json!({"action": action, "route": "todos/"})).await;
        let status = reply["status"].as_u64().unwrap();
        assert!((400..500).contains(&status), "{reply}");
        assert_eq!(reply["action"], action);
        assert_eq!(reply["route"], "todos/");
    }
    for route in [json!(5), json!(["todos/"]), json!(null), json!({"r": 1})] {
        let reply = rfc(&mut client, json!({"action": "list", "route": route})).await;
        let status = reply["status"].as_u64().unwrap();
        assert!((400..500).contains(&status), "{reply}");
        assert_eq!(reply["route"], route, "the route is echoed exactly");
        assert_eq!(reply["action"], "list");
    }
}

#[tokio::test]
async fn rfc_extra_keys_reach_the_action_partial_update() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    let created = rfc(
        &mut client,
        json!({"action": "create", "route": "todos/", "data": {"title": "keep me"}}),
    )
    .await;
    let pk = created["data"]["id"].clone();
    let reply = rfc(
        &mut client,
        json!({
            "action": "update",
            "route": format!("todos/{pk}/"),
            "data": {"done": true},
            "partial": true
        }),
    )
    .await;
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(reply["data"]["done"], true);
    assert_eq!(
        reply["data"]["title"], "keep me",
        "a partial update keeps the rest"
    );
    // Without `partial`, `update` still requires the required fields.
    let reply = rfc(
        &mut client,
        json!({"action": "update", "route": format!("todos/{pk}/"), "data": {"done": true}}),
    )
    .await;
    assert_eq!(reply["status"], 400, "{reply}");
}

#[tokio::test]
async fn rfc_text_after_a_full_match_is_no_route() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    for n in 1..=2 {
        rfc(
            &mut client,
            json!({"action": "create", "route": "todos/", "data": {"title": format!("t{n}")}}),
        )
        .await;
    }
    let reply = rfc(
        &mut client,
        json!({"action": "retrieve", "route": "todos/1/../2/"}),
    )
    .await;
    assert_eq!(reply["status"], 404, "{reply}");
    assert_eq!(
        reply["errors"],
        json!([{"detail": "No route matches \"todos/1/../2/\"."}])
    );
    let reply = rfc(
        &mut client,
        json!({"action": "retrieve", "route": "todos/1/"}),
    )
    .await;
    assert_eq!(reply["data"]["title"], "t1", "{reply}");
}

#[tokio::test]
async fn a_number_out_of_range_is_answered_with_the_request_id_already_read() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/plain/").await;
    client
        .send_text(r#"{"action": "add", "request_id": 7, "a": 1e400, "b": 1}"#)
        .await;
    let reply = client.recv_json().await;
    assert_eq!(reply["response_status"], 400, "{reply}");
    assert_eq!(reply["request_id"], 7, "{reply}");
    assert!(reply["errors"][0]
        .as_str()
        .is_some_and(|e| e.starts_with("Invalid JSON")));
}

#[tokio::test]
async fn model_data_is_read_as_drfs_serializer_fields_read_it() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/todos/").await;
    // Numbers are text, DRF's boolean spellings are booleans, whitespace is trimmed.
    let reply = client
        .request("create", json!({"data": {"title": 123, "done": "true"}}))
        .await;
    assert_eq!(reply["response_status"], 201, "{reply}");
    assert_eq!(reply["data"]["title"], "123");
    assert_eq!(reply["data"]["done"], true);
    let pk = reply["data"]["id"].clone();
    for (done, read) in [
        (json!(0), false),
        (json!("True"), true),
        (json!("off"), false),
        (json!(1), true),
        (json!("n"), false),
    ] {
        let reply = client
            .request("patch", json!({"pk": pk, "data": {"done": done}}))
            .await;
        assert_eq!(reply["data"]["done"], read, "{done}: {reply}");
    }
    let reply = client
        .request("patch", json!({"pk": pk, "data": {"title": "  padded  "}}))
        .await;
    assert_eq!(reply["data"]["title"], "padded");
    // What DRF refuses, with its texts.
    for (data, field, message) in [
        (json!({"title": true}), "title", "Not a valid string."),
        (json!({"title": ["x"]}), "title", "Not a valid string."),
        (json!({"done": "maybe"}), "done", "Must be a valid boolean."),
        (json!({"done": 2}), "done", "Must be a valid boolean."),
    ] {
        let reply = client
            .request("patch", json!({"pk": pk, "data": data}))
            .await;
        assert_eq!(reply["response_status"], 400, "{data}: {reply}");
        assert_eq!(reply["errors"], json!([{ field: [message] }]), "{data}");
    }
}

#[tokio::test]
async fn every_field_error_is_reported_at_once_and_null_data_is_no_data() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/todos/").await;
    // A type error and a rule error together, as DRF reports them.
    let reply = client
        .request("create", json!({"data": {"title": "", "done": "maybe"}}))
        .await;
    assert_eq!(reply["response_status"], 400, "{reply}");
    assert_eq!(
        reply["errors"],
        json!([{"done": ["Must be a valid boolean."], "title": ["This field may not be blank."]}])
    );
    let long = "x".repeat(201);
    let reply = client
        .request("create", json!({"data": {"title": long, "owner": [1]}}))
        .await;
    assert_eq!(
        reply["errors"],
        json!([{
            "owner": ["Not a valid string."],
            "title": ["Ensure this field has no more than 200 characters."]
        }])
    );
    let reply = client.request("create", json!({"data": null})).await;
    assert_eq!(reply["response_status"], 400, "{reply}");
    assert_eq!(
        reply["errors"],
        json!([{"non_field_errors": ["No data provided"]}])
    );
    // The same rules in rest-framework-channels' dialect.
    let mut rfc_client = server.connect("/ws/rfc/").await;
    let reply = rfc(
        &mut rfc_client,
        json!({"action": "create", "route": "todos/", "data": {"title": 7, "done": "yes"}}),
    )
    .await;
    assert_eq!(reply["status"], 201, "{reply}");
    assert_eq!(
        (&reply["data"]["title"], &reply["data"]["done"]),
        (&json!("7"), &json!(true))
    );
}
