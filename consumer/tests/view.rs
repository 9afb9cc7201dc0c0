//! DCRF's `view_as_consumer` in process: a warp filter declared here served over a
//! connection. The action → method mapping and its overrides, `parameters` filling a path
//! template, `query` and `data`, text and JSON bodies, the view's own statuses passed through
//! with `errors: []`, the handshake's credentials passed on, the permission checked first, and
//! the consumer's own errors.

mod common;

use chanrest::{async_trait, view_as_consumer, App, Permission, Permissions, RouteInfo, Scope};
use common::*;
use serde_json::{json, Map, Value};
use warp::http::{Method, StatusCode};
use warp::Filter;

/// A view that describes the request it got, as text.
fn echo_view() -> impl Filter<Extract = (String,), Error = warp::Rejection> + Clone + Send + Sync {
    warp::path("echo")
        .and(warp::path::full())
        .and(warp::method())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::header::optional::<String>("authorization"))
        .and(warp::body::bytes())
        .map(
            |path: warp::path::FullPath,
             method: Method,
             query: String,
             authorization: Option<String>,
             body: warp::hyper::body::Bytes| {
                format!(
                    "{method} {} ?{query} {} {}",
                    path.as_str(),
                    authorization.unwrap_or_default(),
                    String::from_utf8_lossy(&body)
                )
            },
        )
}

/// A JSON view at `/items/<pk>/` and `/items/`: 404 for item 99, 405 for a PUT on an item,
/// 204 with no body for a DELETE, else the pk and the method.
fn items_view() -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone {
    warp::path("items")
        .and(warp::path::tail())
        .and(warp::method())
        .map(|tail: warp::path::Tail, method: Method| {
            let pk = tail.as_str().trim_end_matches('/').to_owned();
            let (status, body) = if pk == "99" {
                (StatusCode::NOT_FOUND, json!({"detail": "Not found."}))
            } else if method == Method::PUT && !pk.is_empty() {
                (
                    StatusCode::METHOD_NOT_ALLOWED,
                    json!({"detail": "Method \"PUT\" not allowed."}),
                )
            } else if method == Method::DELETE {
                return warp::http::Response::builder()
                    .status(StatusCode::NO_CONTENT)
                    .body(warp::hyper::body::Bytes::new())
                    .unwrap();
            } else {
                (StatusCode::OK, json!({"pk": pk, "method": method.as_str()}))
            };
            warp::http::Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(warp::hyper::body::Bytes::from(body.to_string()))
                .unwrap()
        })
}

struct ReadOnly;

#[async_trait]
impl Permission for ReadOnly {
    async fn has_permission(&self, _: &Scope, action: &str, _: &Map<String, Value>) -> bool {
        action == "list" || action == "retrieve" || action == "destroy"
    }
}

#[tokio::test]
async fn mapping_override_text_bodies_and_permissions() {
    let consumer = view_as_consumer(echo_view(), &["/echo/<name>/", "/echo/"])
        .named("Echo")
        .action("destroy", Method::DELETE)
        .action("list", Method::HEAD)
        .without_action("update")
        .permissions(Permissions::new(ReadOnly));
    let app = App::new().consumer("/ws/echo/", consumer);
    assert_eq!(
        app.routes(),
        [("/ws/echo/".to_owned(), RouteInfo::Consumer("Echo"))]
    );
    let mut conn = connect(&app, "/ws/echo/").await;

    let reply = request(
        &mut conn,
        "destroy",
        json!({"parameters": {"name": "a b"}, "query": {"x": [1, "two"], "y": true}, "data": {"k": true}}),
    )
    .await;
    assert_ok(
        &reply,
        200,
        json!("DELETE /echo/a%20b/ ?x=1&x=two&y=true  {\"k\":true}"),
    );
    assert_eq!(reply["action"], "destroy");
    // Without `data` the view gets `{}`, as DCRF posts `json.dumps(data or {})`.
    let reply = request(&mut conn, "retrieve", json!({})).await;
    assert_ok(&reply, 200, json!("GET /echo/ ?  {}"));
    // The overridden mapping: `list` is a HEAD here.
    let reply = request(&mut conn, "list", json!({})).await;
    assert_ok(&reply, 200, json!("HEAD /echo/ ?  {}"));
    // The permission runs first, as for any consumer: mapped or not, refused is 403.
    for action in ["create", "update"] {
        assert_error(
            &request(&mut conn, action, json!({})).await,
            403,
            json!(["You do not have permission to perform this action."]),
        );
    }

    // Allowed by the permission but no longer mapped: 405.
    let open = view_as_consumer(warp::any().map(|| "x"), &["/"]).without_action("update");
    let app = App::new().consumer("/ws/open/", open);
    assert_eq!(app.routes()[0].1, RouteInfo::Consumer("View"));
    let mut conn = connect(&app, "/ws/open/").await;
    assert_error(
        &request(&mut conn, "update", json!({})).await,
        405,
        json!(["Method \"update\" not allowed."]),
    );
    assert_ok(
        &request(&mut conn, "list", json!({})).await,
        200,
        json!("x"),
    );
}

#[tokio::test]
async fn the_handshakes_credentials_reach_the_view() {
    let app = App::new().consumer("/ws/echo/", view_as_consumer(echo_view(), &["/echo/"]));
    let mut scope = Scope::default();
    scope
        .headers
        .insert("authorization", "Bearer t0ken".parse().unwrap());
    let mut conn = connect_with(&app, "/ws/echo/", scope).await;
    assert_ok(
        &request(&mut conn, "retrieve", json!({})).await,
        200,
        json!("GET /echo/ ? Bearer t0ken {}"),
    );
}

#[tokio::test]
async fn the_views_statuses_and_bodies_pass_through() {
    let consumer = view_as_consumer(items_view(), &["/items/<pk>/", "/items/"])
        .action("destroy", Method::DELETE);
    let app = App::new().consumer("/ws/items/", consumer);
    let mut conn = connect(&app, "/ws/items/").await;
    // The default mapping: create → PUT, update → PATCH, list and retrieve → GET.
    for (action, parameters, data) in [
        ("list", json!({}), json!({"pk": "", "method": "GET"})),
        (
            "retrieve",
            json!({"pk": 3}),
            json!({"pk": "3", "method": "GET"}),
        ),
        (
            "update",
            json!({"pk": "3"}),
            json!({"pk": "3", "method": "PATCH"}),
        ),
        ("create", json!({}), json!({"pk": "", "method": "PUT"})),
    ] {
        let reply = request(&mut conn, action, json!({"parameters": parameters})).await;
        assert_ok(&reply, 200, data);
    }
    // The view's own errors: its body as `data`, its status, `errors: []` (as in DCRF).
    for (action, parameters, status, data) in [
        (
            "retrieve",
            json!({"pk": 99}),
            404,
            json!({"detail": "Not found."}),
        ),
        (
            "create",
            json!({"pk": 1}),
            405,
            json!({"detail": "Method \"PUT\" not allowed."}),
        ),
        ("destroy", json!({"pk": 1}), 204, Value::Null),
    ] {
        let reply = request_with_id(
            &mut conn,
            action,
            json!("v"),
            json!({"parameters": parameters}),
        )
        .await;
        assert_ok(&reply, status, data);
        assert_eq!(
            (&reply["action"], &reply["request_id"]),
            (&json!(action), &json!("v"))
        );
    }
}

#[tokio::test]
async fn messages_that_make_no_request_are_the_consumers_errors() {
    let app = App::new().consumer(
        "/ws/items/",
        view_as_consumer(items_view(), &["/items/<pk>/", "/items/"]),
    );
    let mut conn = connect(&app, "/ws/items/").await;
    let cases = [
        (
            "destroy",
            json!({"parameters": {"pk": 1}}),
            405,
            json!(["Method \"destroy\" not allowed."]),
        ),
        (
            "retrieve",
            json!({"parameters": {"id": 1}}),
            400,
            json!([{"parameters": ["No path of this view takes the parameters [\"id\"]."]}]),
        ),
        (
            "retrieve",
            json!({"parameters": [1]}),
            400,
            json!([{"parameters": ["Must be an object."]}]),
        ),
        (
            "retrieve",
            json!({"parameters": {"pk": [1]}}),
            400,
            json!([{"parameters": ["`pk` must be a string or a number."]}]),
        ),
        (
            "list",
            json!({"query": [1]}),
            400,
            json!([{"query": ["Must be an object."]}]),
        ),
        (
            "list",
            json!({"query": {"owner": {"name": "ada"}}}),
            400,
            json!([{"query": ["`owner` must be a string, a number or a list of them."]}]),
        ),
    ];
    for (action, args, status, errors) in cases {
        let reply = request(&mut conn, action, args.clone()).await;
        assert_error(&reply, status, errors);
        assert_eq!(reply["action"], action, "{args}");
    }
    assert_ok(
        &request(&mut conn, "list", json!({"query": {"x": null}})).await,
        200,
        json!({"pk": "", "method": "GET"}),
    );
}
