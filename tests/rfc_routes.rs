//! The rest-framework-channels dialect's generic model consumers through real sockets, on the
//! demo's `/ws/rfc/`: the generic actions on routes, page-number pagination with routes as
//! links, object permissions and custom actions on child handlers, and the manifest's routes.
//! The dialect and `RoutedConsumer` themselves (the envelope, routing, nested routes, routing
//! errors) are tested in process at the framework, in `consumer/tests/routing.rs`.
mod common;

use chanrest::testkit::TestClient;
use common::demo;
use serde_json::{json, Value};

/// Sends one RFC message and returns its reply, checking the RFC envelope's keys.
async fn call(client: &mut TestClient, message: Value) -> Value {
    client.send_json(&message).await;
    let reply = client.recv_json().await;
    let mut keys: Vec<&str> = reply
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["action", "data", "errors", "route", "status"],
        "{reply}"
    );
    reply
}

fn assert_status(reply: &Value, status: u16, data: Value) {
    assert_eq!(reply["status"], status, "{reply}");
    assert_eq!(reply["errors"], json!([]), "{reply}");
    assert_eq!(reply["data"], data, "{reply}");
}

fn assert_rfc_error(reply: &Value, status: u16, errors: Value) {
    assert_eq!(reply["status"], status, "{reply}");
    assert_eq!(reply["errors"], errors, "{reply}");
    assert_eq!(reply["data"], Value::Null, "{reply}");
}

#[tokio::test]
async fn generic_actions_on_routes() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;

    let reply = call(
        &mut client,
        json!({"action": "create", "route": "todos/", "data": {"title": "Buy milk", "owner": "ada"}}),
    )
    .await;
    assert_status(
        &reply,
        201,
        json!({"id": 1, "title": "Buy milk", "done": false, "owner": "ada"}),
    );
    assert_eq!(reply["action"], "create");
    assert_eq!(reply["route"], "todos/");

    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/1/"}),
    )
    .await;
    assert_status(
        &reply,
        200,
        json!({"id": 1, "title": "Buy milk", "done": false, "owner": "ada"}),
    );
    assert_eq!(reply["route"], "todos/1/");

    let reply = call(
        &mut client,
        json!({"action": "update", "route": "todos/1/", "data": {"title": "Buy oat milk", "done": true}}),
    )
    .await;
    assert_status(
        &reply,
        200,
        // `owner` was not sent: it keeps its value, as in DRF's PUT.
        json!({"id": 1, "title": "Buy oat milk", "done": true, "owner": "ada"}),
    );

    let reply = call(
        &mut client,
        json!({"action": "partial_update", "route": "todos/1/", "data": {"owner": "bob"}}),
    )
    .await;
    assert_status(
        &reply,
        200,
        json!({"id": 1, "title": "Buy oat milk", "done": true, "owner": "bob"}),
    );

    // The generic create needs `data`; the detail route's `pk` is the model's integer.
    let reply = call(&mut client, json!({"action": "create", "route": "todos/"})).await;
    assert_rfc_error(&reply, 400, json!([{"data": ["This field is required."]}]));
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/abc/"}),
    )
    .await;
    assert_rfc_error(
        &reply,
        400,
        json!([{"pk": ["A valid integer is required."]}]),
    );

    // Validation errors in DRF's shape.
    let reply = call(
        &mut client,
        json!({"action": "partial_update", "route": "todos/1/", "data": {"title": ""}}),
    )
    .await;
    assert_rfc_error(
        &reply,
        400,
        json!([{"title": ["This field may not be blank."]}]),
    );

    let reply = call(
        &mut client,
        json!({"action": "destroy", "route": "todos/1/"}),
    )
    .await;
    assert_status(&reply, 204, Value::Null);
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/1/"}),
    )
    .await;
    assert_rfc_error(&reply, 404, json!([{"detail": "Not found"}]));
    let reply = call(
        &mut client,
        json!({"action": "destroy", "route": "todos/1/"}),
    )
    .await;
    assert_rfc_error(&reply, 404, json!([{"detail": "Not found"}]));
}

#[tokio::test]
async fn page_number_pagination_with_routes_as_links() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    for (title, done) in [
        ("a", false),
        ("b", true),
        ("c", false),
        ("d", true),
        ("e", true),
    ] {
        let reply = call(
            &mut client,
            json!({"action": "create", "route": "todos/", "data": {"title": title, "done": done}}),
        )
        .await;
        assert_eq!(reply["status"], 201, "{reply}");
    }
    let titles = |reply: &Value| -> Vec<String> {
        reply["data"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_owned())
            .collect()
    };

    let reply = call(&mut client, json!({"action": "list", "route": "todos/"})).await;
    assert_eq!(reply["status"], 200);
    assert_eq!(reply["data"]["count"], 5);
    assert_eq!(reply["data"]["next"], "todos/?page=2");
    assert_eq!(reply["data"]["previous"], Value::Null);
    assert_eq!(titles(&reply), ["a", "b"]);

    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?page=2"}),
    )
    .await;
    assert_eq!(reply["route"], "todos/?page=2");
    assert_eq!(reply["data"]["next"], "todos/?page=3");
    assert_eq!(reply["data"]["previous"], "todos/");
    assert_eq!(titles(&reply), ["c", "d"]);

    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?page=3"}),
    )
    .await;
    assert_eq!(reply["data"]["next"], Value::Null);
    assert_eq!(reply["data"]["previous"], "todos/?page=2");
    assert_eq!(titles(&reply), ["e"]);

    // Query parameters reach the handler as typed arguments: filters, kept in the links.
    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?done=true&page=1"}),
    )
    .await;
    assert_eq!(reply["data"]["count"], 3, "{reply}");
    assert_eq!(titles(&reply), ["b", "d"]);
    assert_eq!(reply["data"]["next"], "todos/?done=true&page=2");

    for page in ["4", "0"] {
        let reply = call(
            &mut client,
            json!({"action": "list", "route": format!("todos/?page={page}")}),
        )
        .await;
        assert_rfc_error(&reply, 404, json!([{"detail": "Invalid page."}]));
    }
    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?page=x"}),
    )
    .await;
    // DRF's paginator reads the page itself: text that names no page is an invalid page.
    assert_rfc_error(&reply, 404, json!([{"detail": "Invalid page."}]));
    // (A flattened filter's error is reported under `non_field_errors`, as the argument
    // decoder does for every flattened field.)
    let reply = call(
        &mut client,
        json!({"action": "list", "route": "todos/?done=maybe"}),
    )
    .await;
    assert_eq!(reply["status"], 400, "{reply}");
    assert!(
        reply["errors"]
            .to_string()
            .contains("Must be a valid boolean."),
        "{reply}"
    );
}

#[tokio::test]
async fn object_permissions_and_custom_actions() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/rfc/").await;
    call(
        &mut client,
        json!({"action": "create", "route": "todos/", "data": {"title": "mine"}}),
    )
    .await;
    call(
        &mut client,
        json!({"action": "create", "route": "todos/", "data": {"title": "theirs", "owner": "locked"}}),
    )
    .await;

    // The custom action `toggle`, typed: `data` is the todo.
    let reply = call(
        &mut client,
        json!({"action": "toggle", "route": "todos/1/"}),
    )
    .await;
    assert_status(
        &reply,
        200,
        json!({"id": 1, "title": "mine", "done": true, "owner": ""}),
    );
    assert_eq!(reply["action"], "toggle");
    let reply = call(
        &mut client,
        json!({"action": "toggle", "route": "todos/1/"}),
    )
    .await;
    assert_eq!(reply["data"]["done"], false);
    let reply = call(
        &mut client,
        json!({"action": "toggle", "route": "todos/9/"}),
    )
    .await;
    assert_rfc_error(&reply, 404, json!([{"detail": "Not found"}]));

    // The locked todo: readable, not changeable.
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/2/"}),
    )
    .await;
    assert_eq!(reply["status"], 200);
    let denied = json!(["You do not have permission to perform this action."]);
    for action in ["update", "partial_update", "destroy", "toggle"] {
        let reply = call(
            &mut client,
            json!({"action": action, "route": "todos/2/", "data": {"title": "x"}}),
        )
        .await;
        assert_rfc_error(&reply, 403, denied.clone());
    }
    let reply = call(
        &mut client,
        json!({"action": "retrieve", "route": "todos/2/"}),
    )
    .await;
    assert_eq!(reply["data"]["title"], "theirs");
}

#[test]
fn the_manifest_types_the_route_parameters() {
    let manifest = chanrest_demo::api::manifest();
    let root = manifest
        .consumers
        .iter()
        .find(|c| c.name == "RfcTodos")
        .unwrap();
    assert_eq!(root.path.as_deref(), Some("/ws/rfc/"));
    assert_eq!(root.dialect, "rfc");
    let routes = serde_json::to_value(&root.routes).unwrap();
    assert_eq!(
        routes,
        json!([
            {"pattern": "todos/<pk>/", "params": [{"name": "pk", "schema": {
                "description": "The row's primary key, from the route.", "type": "integer", "format": "int64"
            }}], "consumer": "TodoDetail"},
            {"pattern": "todos/", "params": [], "consumer": "TodoList"},
        ])
    );
    for child in ["TodoDetail", "TodoList"] {
        let entry = manifest.consumers.iter().find(|c| c.name == child).unwrap();
        assert_eq!(entry.dialect, "rfc");
        assert_eq!(entry.path, None);
    }
    let detail = manifest
        .consumers
        .iter()
        .find(|c| c.name == "TodoDetail")
        .unwrap();
    let actions: Vec<&str> = detail.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        actions,
        ["retrieve", "update", "partial_update", "destroy", "toggle"]
    );
    assert!(manifest.envelopes.contains_key("rfc"));
    // Consumers without routes keep their manifest shape: no `routes` key.
    let plain = serde_json::to_value(&manifest.consumers[0]).unwrap();
    assert!(plain.get("routes").is_none());
}
