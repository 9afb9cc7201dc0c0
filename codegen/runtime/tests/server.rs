//! The runtime against scripted in-process WebSocket servers: correlation, error replies,
//! timeouts and subscription renewal after a lost socket, checked here where the runtime is
//! written rather than only through a generated client against the demo server.

use chanrest_client_runtime::{
    Connection, Converter, Error, NoArgs, Options, RawPush, Reconnect, Route, Subscription,
};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::future::Future;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

type Socket = WebSocketStream<TcpStream>;

/// Long enough for anything that should happen; a test failing on it has hung.
const PATIENCE: Duration = Duration::from_secs(10);

/// Serves every accepted socket with `script(index, socket)` (index 0 for the first) and
/// returns the server's URL.
async fn serve<F, Fut>(script: F) -> String
where
    F: Fn(usize, Socket) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut index = 0;
        while let Ok((tcp, _)) = listener.accept().await {
            if let Ok(socket) = tokio_tungstenite::accept_async(tcp).await {
                tokio::spawn(script(index, socket));
                index += 1;
            }
        }
    });
    url
}

/// The next JSON message, or `None` when the client is gone.
async fn receive(socket: &mut Socket) -> Option<Value> {
    loop {
        match socket.next().await? {
            Ok(Message::Text(text)) => return Some(serde_json::from_str(text.as_str()).unwrap()),
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

#[tokio::test]
async fn replies_settle_their_own_calls_in_any_order() {
    let url = serve(|_, mut socket| async move {
        let mut adds = Vec::new();
        while let Some(request) = receive(&mut socket).await {
            match request["action"].as_str() {
                Some("add") => {
                    adds.push(request);
                    // Answer the two additions last one first.
                    if adds.len() == 2 {
                        for add in adds.drain(..).rev() {
                            let sum = add["a"].as_i64().unwrap() + add["b"].as_i64().unwrap();
                            send(
                                &mut socket,
                                json!({"action": "add", "request_id": add["request_id"],
                                       "response_status": 200, "errors": [], "data": sum}),
                            )
                            .await;
                        }
                    }
                }
                _ => {
                    send(
                        &mut socket,
                        json!({"action": request["action"], "request_id": request["request_id"],
                               "response_status": 403, "errors": ["nope"], "data": null}),
                    )
                    .await
                }
            }
        }
    })
    .await;
    let connection = Connection::connect(&url).await.unwrap();
    let endpoint = connection.endpoint(None);
    let (one_one, two_three) = (json!({"a": 1, "b": 1}), json!({"a": 2, "b": 3}));
    let (small, large) = tokio::join!(
        endpoint.call::<_, i64>("add", &one_one),
        endpoint.call::<_, i64>("add", &two_three),
    );
    assert_eq!((small.unwrap(), large.unwrap()), (2, 5));

    let err = endpoint
        .call::<_, Value>("forbidden", &NoArgs {})
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err:?}");
    assert_eq!(err.api().unwrap().messages().collect::<Vec<_>>(), ["nope"]);
    // A reply whose data is not the declared type is a decode error.
    let (one_two, three_four) = (json!({"a": 1, "b": 2}), json!({"a": 3, "b": 4}));
    let (text, number) = tokio::join!(
        endpoint.call::<_, String>("add", &one_two),
        endpoint.call::<_, i64>("add", &three_four),
    );
    assert!(
        matches!(&text, Err(Error::Decode { action, .. }) if action == "add"),
        "{text:?}"
    );
    assert_eq!(number.unwrap(), 7);
    connection.close().await;
}

#[tokio::test]
async fn a_call_without_a_reply_times_out() {
    let url =
        serve(|_, mut socket| async move { while receive(&mut socket).await.is_some() {} }).await;
    let connection = Connection::connect(&url).await.unwrap();
    let quick = connection
        .endpoint(None)
        .with_timeout(Duration::from_millis(100));
    let started = tokio::time::Instant::now();
    let err = tokio::time::timeout(PATIENCE, quick.call::<_, Value>("silent", &NoArgs {}))
        .await
        .expect("the call's own timeout ends it")
        .unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { action, timeout }
            if action == "silent" && *timeout == Duration::from_millis(100)),
        "{err:?}"
    );
    assert!(started.elapsed() < PATIENCE);
    connection.close().await;
}

#[tokio::test]
async fn a_subscription_is_renewed_with_its_request_id_after_the_socket_is_lost() {
    let (ids_tx, mut ids) = mpsc::unbounded_channel();
    let url = serve(move |index, mut socket| {
        let ids_tx = ids_tx.clone();
        async move {
            let Some(subscribe) = receive(&mut socket).await else {
                return;
            };
            let id = subscribe["request_id"].clone();
            ids_tx
                .send((index, subscribe["action"].clone(), id.clone()))
                .unwrap();
            send(
                &mut socket,
                json!({"action": "watch", "request_id": id, "response_status": 200,
                       "errors": [], "data": index}),
            )
            .await;
            send(
                &mut socket,
                json!({"action": "update", "request_id": id, "response_status": 200,
                       "errors": [], "data": {"socket": index}}),
            )
            .await;
            if index == 0 {
                return; // drops the first socket without a close frame: a lost connection
            }
            while receive(&mut socket).await.is_some() {}
        }
    })
    .await;
    let options = Options::default().reconnect(
        Reconnect::default().delays(Duration::from_millis(10), Duration::from_millis(50)),
    );
    let connection = Connection::connect_with(&url, options).await.unwrap();
    let mut subscription: Subscription<RawPush, u64, Value> = connection
        .endpoint(None)
        .subscribe("watch", "unwatch", &NoArgs {})
        .await
        .unwrap();
    assert_eq!(*subscription.data(), 0);

    for socket in 0..2u64 {
        let push = tokio::time::timeout(PATIENCE, subscription.next())
            .await
            .expect("a push arrives")
            .expect("the subscription is live")
            .expect("a successful push");
        assert_eq!(push.action, "update");
        assert_eq!(push.data, json!({ "socket": socket }));
    }
    let request_id = Value::from(subscription.request_id());
    for index in 0..2 {
        let (socket, action, id) = ids.recv().await.unwrap();
        assert_eq!(socket, index);
        assert_eq!(action, "watch");
        assert_eq!(id, request_id, "socket {socket} saw another request id");
    }
    connection.close().await;
}

/// An RFC reply: `{"errors", "data", "action", "route", "status"}`.
fn rfc_reply(request: &Value, status: u16, data: Value) -> Value {
    json!({"errors": [], "data": data, "action": request["action"], "route": request["route"],
           "status": status})
}

#[tokio::test]
async fn rfc_replies_settle_calls_by_order_action_and_route() {
    let (seen_tx, mut seen) = mpsc::unbounded_channel();
    let url = serve(move |_, mut socket| {
        let seen_tx = seen_tx.clone();
        async move {
            let mut held = None;
            while let Some(request) = receive(&mut socket).await {
                seen_tx.send(request.clone()).unwrap();
                match request["action"].as_str() {
                    // Answered only after the next message's reply: a detached action.
                    Some("slow") => held = Some(request),
                    Some("echo") => {
                        let data = json!({"route": request["route"], "n": request["n"]});
                        send(&mut socket, rfc_reply(&request, 200, data)).await;
                        if let Some(slow) = held.take() {
                            send(&mut socket, rfc_reply(&slow, 200, json!("slept"))).await;
                        }
                    }
                    _ => {
                        let mut reply = rfc_reply(&request, 404, Value::Null);
                        reply["errors"] = json!(["Not found"]);
                        send(&mut socket, reply).await;
                    }
                }
            }
        }
    })
    .await;
    let connection = Connection::connect(&url).await.unwrap();
    let endpoint = connection.rfc_endpoint();
    let item = Route::root()
        .literal("items/")
        .param("pk", Converter::Int, &7)
        .literal("/");
    assert_eq!(item.as_str(), "items/7/");

    // Concurrent calls on two routes, each settled by its own reply.
    let list = Route::new("items/");
    let (n1, n2, n3) = (json!({"n": 1}), json!({"n": 2}), json!({"n": 3}));
    let (one, two, three) = tokio::join!(
        endpoint.call::<_, Value>(&item, "echo", &n1),
        endpoint.call::<_, Value>(&list, "echo", &n2),
        endpoint.call::<_, Value>(&item, "echo", &n3),
    );
    assert_eq!(one.unwrap(), json!({"route": "items/7/", "n": 1}));
    assert_eq!(two.unwrap(), json!({"route": "items/", "n": 2}));
    assert_eq!(three.unwrap(), json!({"route": "items/7/", "n": 3}));
    // The wire: the RFC envelope, no request id.
    let first = seen.recv().await.unwrap();
    assert_eq!(
        first,
        json!({"action": "echo", "route": "items/7/", "n": 1})
    );

    // A detached action's reply comes after a later call's: each still finds its own.
    let (slow, echo) = tokio::join!(
        endpoint.call::<_, String>(&item, "slow", &NoArgs {}),
        async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            endpoint
                .call::<_, Value>(&item, "echo", &json!({"n": 4}))
                .await
        },
    );
    assert_eq!(slow.unwrap(), "slept");
    assert_eq!(echo.unwrap(), json!({"route": "items/7/", "n": 4}));

    // Errors are typed.
    let err = endpoint
        .call::<_, Value>(&item, "missing", &NoArgs {})
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    assert_eq!(
        err.api().unwrap().messages().collect::<Vec<_>>(),
        ["Not found"]
    );
    connection.close().await;
}

#[tokio::test]
async fn a_late_rfc_reply_does_not_settle_the_next_call() {
    let url = serve(|_, mut socket| async move {
        let Some(first) = receive(&mut socket).await else {
            return;
        };
        // The first call's reply comes after its timeout, with the second one's in line.
        let Some(second) = receive(&mut socket).await else {
            return;
        };
        send(&mut socket, rfc_reply(&first, 200, json!("first"))).await;
        send(&mut socket, rfc_reply(&second, 200, json!("second"))).await;
        while receive(&mut socket).await.is_some() {}
    })
    .await;
    let connection = Connection::connect(&url).await.unwrap();
    let endpoint = connection.rfc_endpoint();
    let route = Route::new("things/");
    let quick = endpoint.with_timeout(Duration::from_millis(100));
    let err = quick
        .call::<_, String>(&route, "get", &NoArgs {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    let second = tokio::time::timeout(
        PATIENCE,
        endpoint.call::<_, String>(&route, "get", &NoArgs {}),
    )
    .await
    .expect("a reply in time");
    assert_eq!(second.unwrap(), "second");
    connection.close().await;
}

#[tokio::test]
async fn a_route_parameter_its_converter_refuses_sends_nothing() {
    let (seen_tx, mut seen) = mpsc::unbounded_channel();
    let url = serve(move |_, mut socket| {
        let seen_tx = seen_tx.clone();
        async move {
            while let Some(request) = receive(&mut socket).await {
                seen_tx.send(request.clone()).unwrap();
                send(&mut socket, rfc_reply(&request, 200, Value::Null)).await;
            }
        }
    })
    .await;
    let connection = Connection::connect(&url).await.unwrap();
    let endpoint = connection.rfc_endpoint();
    for (route, problem) in [
        (
            Route::root()
                .literal("items/")
                .param("pk", Converter::Str, "a/b"),
            "route parameter `pk`: \"a/b\" is not non-empty text without `/` or `?`",
        ),
        (
            Route::root().param("pk", Converter::Int, &-1),
            "route parameter `pk`: \"-1\" is not digits",
        ),
        (
            Route::root().param("slug", Converter::Slug, "a b"),
            "route parameter `slug`: \"a b\" is not letters, digits, `-` and `_`",
        ),
        (
            Route::root().param("path", Converter::Path, "x?page=2"),
            "route parameter `path`: \"x?page=2\" is not non-empty text without `?`",
        ),
        (
            Route::root().param("pk", Converter::Str, &json!([1])),
            "route parameter `pk`: [1] is not text, a number or a boolean",
        ),
    ] {
        assert_eq!(route.error(), Some(problem));
        let err = endpoint
            .call::<_, Value>(&route, "get", &NoArgs {})
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Encode { action, message } if action == "get" && message == problem),
            "{err:?}"
        );
    }
    // What converters accept goes through.
    let fine = Route::root()
        .param("a", Converter::Path, "x/y")
        .literal("/")
        .param("b", Converter::Slug, "a-b_1")
        .literal("/")
        .param("c", Converter::Str, &true);
    assert_eq!(fine.error(), None);
    endpoint
        .call::<_, Value>(&fine, "get", &NoArgs {})
        .await
        .unwrap();
    let sent = seen.recv().await.unwrap();
    assert_eq!(sent["route"], "x/y/a-b_1/true");
    connection.close().await;
}
