//! The generated Rust client (`clients/rust`) against a real demo server: every action, an
//! error reply of each kind, the detached `slow`, timeouts, subscriptions and their pushes,
//! the multiplexer, reconnection (through a TCP proxy the test can cut), fields with a server
//! default left out, and the routed consumer in rest-framework-channels' dialect through its
//! typed routes.

mod common;

use chanrest_client::types::{
    AddArgs, BenchEchoArgs, Deleted, Lookup, Pk, Slept, SlowArgs, Todo,
    TodoDetailPartialUpdateArgs, TodoDetailUpdateArgs, TodoListCreateArgs, TodoListListArgs,
    TodoPatch, TodoWrite, TodosCreateArgs, TodosListArgs, TodosPagedListArgs, TodosPatchArgs,
    TodosStreamedListArgs, TodosStreamedListResponse, TodosSubscribeListArgs, TodosUpdateArgs,
    ViewListArgs, ViewQuery,
};
use chanrest_client::{
    bench, plain, rfc_todos, todo_view, todos, todos_paged, todos_streamed, ws_multiplexer, Error,
    ErrorDetail, Options, PageStream, Reconnect, Route, Status, DEFAULT_TIMEOUT,
};
use common::demo;
use futures_util::StreamExt;
use serde_json::{json, Map, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

const WAIT: Duration = Duration::from_secs(10);

/// Waits for the next item of a stream, failing the test after [`WAIT`].
async fn next<S: futures_util::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    tokio::time::timeout(WAIT, stream.next())
        .await
        .expect("a push in time")
}

fn api_error(err: Error) -> chanrest_client::ApiError {
    match err {
        Error::Api(api) => api,
        other => panic!("expected an error reply, got {other:?}"),
    }
}

fn write(title: &str, owner: &str) -> TodosCreateArgs {
    TodosCreateArgs {
        data: TodoWrite {
            title: title.to_owned(),
            done: None,
            owner: Some(owner.to_owned()),
        },
    }
}

fn pk(todo: &Todo) -> Pk {
    Pk::from(todo.id)
}

#[tokio::test]
async fn plain_actions_return_typed_data() {
    let (_demo, server) = demo().await;
    let plain = plain::Client::connect(&server.url(plain::PATH))
        .await
        .unwrap();

    let mut args = Map::new();
    args.insert("n".into(), json!(1));
    args.insert("nested".into(), json!({"k": [1, 2, null]}));
    assert_eq!(plain.echo(&args).await.unwrap(), args);
    assert_eq!(plain.echo(&Map::new()).await.unwrap(), Map::new());

    assert_eq!(plain.add(&AddArgs { a: 2, b: 3 }).await.unwrap(), 5);
    assert_eq!(plain.add(&AddArgs { a: -7, b: 3 }).await.unwrap(), -4);

    let bench = bench::Client::connect(&server.url(bench::PATH))
        .await
        .unwrap();
    let data = json!({"any": ["json", 1, 2.5, true, null]});
    let echoed = bench
        .echo(&BenchEchoArgs {
            data: Some(data.clone()),
        })
        .await
        .unwrap();
    assert_eq!(echoed, data);
    // `data` has a server default (`#[serde(default)]`): it may be left out, and then is not
    // sent at all (the server answers its default, `null`)...
    assert_eq!(
        bench.echo(&BenchEchoArgs { data: None }).await.unwrap(),
        Value::Null
    );
    assert_eq!(
        serde_json::to_value(BenchEchoArgs::default()).unwrap(),
        json!({})
    );
    // ...while an explicit null is sent as one.
    assert_eq!(
        bench
            .echo(&BenchEchoArgs {
                data: Some(Value::Null)
            })
            .await
            .unwrap(),
        Value::Null
    );
}

#[tokio::test]
async fn detached_slow_does_not_hold_up_other_calls() {
    let (_demo, server) = demo().await;
    let plain = plain::Client::connect(&server.url(plain::PATH))
        .await
        .unwrap();
    let started = Instant::now();
    let slow = async {
        let slept = plain.slow(&SlowArgs { delay: 0.6 }).await;
        (slept, started.elapsed())
    };
    let add = async {
        let sum = plain.add(&AddArgs { a: 1, b: 1 }).await;
        (sum, started.elapsed())
    };
    // `slow` is sent first, yet `add` is answered while it sleeps.
    let ((slept, slow_took), (sum, add_took)) = tokio::join!(slow, add);
    assert_eq!(slept.unwrap(), Slept { slept: 0.6 });
    assert_eq!(sum.unwrap(), 2);
    assert!(
        add_took < slow_took,
        "add ({add_took:?}) waited for the detached slow ({slow_took:?})"
    );
    assert!(slow_took >= Duration::from_millis(600));
}

#[tokio::test]
async fn every_kind_of_error_reply_is_typed() {
    let (_demo, server) = demo().await;
    let plain = plain::Client::connect(&server.url(plain::PATH))
        .await
        .unwrap();

    // 403: refused by the permission class.
    let err = api_error(plain.forbidden().await.unwrap_err());
    assert_eq!(err.status, 403);
    assert_eq!(err.action.as_deref(), Some("forbidden"));
    assert_eq!(
        err.messages().collect::<Vec<_>>(),
        ["You do not have permission to perform this action."]
    );

    // 500: the handler fails.
    let err = plain.fail().await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        api_error(err).errors,
        [ErrorDetail::Message("A server error occurred.".into())]
    );

    // 400: a validation error from the handler, as field errors.
    let err = api_error(plain.add(&AddArgs { a: i64::MAX, b: 1 }).await.unwrap_err());
    assert_eq!(err.status, 400);
    assert_eq!(
        err.field("b"),
        ["The sum does not fit in a 64-bit integer."]
    );
    let err = api_error(plain.slow(&SlowArgs { delay: -1.0 }).await.unwrap_err());
    assert_eq!(err.status, 400);
    assert_eq!(err.field("delay").len(), 1);

    // 400: arguments the typed API cannot send, through a raw call.
    let err = plain
        .endpoint()
        .call::<_, i64>("add", &json!({"a": "two"}))
        .await
        .unwrap_err();
    let err = api_error(err);
    assert_eq!(err.status, 400);
    assert_eq!(err.field("a"), ["A valid integer is required."]);
    assert_eq!(err.field("b"), ["This field is required."]);

    // 405: an action the consumer does not have.
    let err = plain
        .endpoint()
        .call::<_, Value>("nope", &json!({}))
        .await
        .unwrap_err();
    let err = api_error(err);
    assert_eq!(err.status, 405);
    assert_eq!(
        err.messages().collect::<Vec<_>>(),
        ["Method \"nope\" not allowed."]
    );

    // The whole envelope, whatever the status.
    let reply = plain
        .endpoint()
        .request("forbidden", Map::new())
        .await
        .unwrap();
    assert_eq!(reply.status, 403);
    assert_eq!(reply.data, Value::Null);
    assert!(reply.request_id.is_u64());

    // 404: a row that does not exist.
    let todos = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();
    let err = api_error(
        todos
            .retrieve(&Lookup {
                pk: Pk::from(987_654),
            })
            .await
            .unwrap_err(),
    );
    assert_eq!(err.status, 404);
    assert_eq!(err.messages().collect::<Vec<_>>(), ["Not found"]);

    // A reply that does not fit the expected type is a decode error, not a panic.
    let err = plain
        .endpoint()
        .call::<_, String>("add", &AddArgs { a: 1, b: 2 })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { action, .. } if action == "add"),
        "{err:?}"
    );

    // Arguments that are not an object never leave the client.
    let err = plain
        .endpoint()
        .call::<_, Value>("add", &json!([1, 2]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");

    // After all that, the connection still works.
    assert_eq!(plain.add(&AddArgs { a: 20, b: 22 }).await.unwrap(), 42);
}

#[tokio::test]
async fn todos_crud_and_pages() {
    let (_demo, server) = demo().await;
    let todos = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();

    let first = todos.create(&write("write tests", "ann")).await.unwrap();
    assert_eq!(first.title, "write tests");
    assert_eq!(first.owner, "ann");
    assert!(!first.done);
    let second = todos.create(&write("review", "bob")).await.unwrap();

    assert_eq!(
        todos.retrieve(&Lookup { pk: pk(&first) }).await.unwrap(),
        first
    );
    let all = todos.list(&TodosListArgs::default()).await.unwrap();
    assert!(all.contains(&first) && all.contains(&second), "{all:?}");
    let bobs = todos
        .list(&TodosListArgs {
            owner: Some("bob".into()),
            done: None,
        })
        .await
        .unwrap();
    assert_eq!(bobs, std::slice::from_ref(&second));

    let updated = todos
        .update(&TodosUpdateArgs {
            pk: pk(&first),
            data: TodoWrite {
                title: "write more tests".into(),
                done: Some(true),
                owner: Some("ann".into()),
            },
        })
        .await
        .unwrap();
    assert_eq!(updated.title, "write more tests");
    assert!(updated.done);
    let patched = todos
        .patch(&TodosPatchArgs {
            pk: pk(&first),
            data: TodoPatch {
                done: Some(false),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(patched.title, "write more tests");
    assert!(!patched.done);

    todos.delete(&Lookup { pk: pk(&first) }).await.unwrap();
    let err = todos
        .retrieve(&Lookup { pk: pk(&first) })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));

    // A validation error from the model: an empty title.
    let err = api_error(todos.create(&write("", "ann")).await.unwrap_err());
    assert_eq!(err.status, 400);
    assert!(err.field_errors().is_some(), "{err:?}");

    let paged = todos_paged::Client::connect(&server.url(todos_paged::PATH))
        .await
        .unwrap();
    todos.create(&write("third", "bob")).await.unwrap();
    let page = paged
        .list(&TodosPagedListArgs {
            limit: Some(1),
            offset: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.count, 2);
    assert_eq!(page.limit, 1);
    assert_eq!(page.offset, 1);
    assert_eq!(page.results.len(), 1);
}

/// Reads a paged stream to its end: every page, then the error that ended it (if any). Fails
/// the test if a page takes longer than [`WAIT`] or the stream does not end.
async fn read_pages(
    stream: &mut PageStream<TodosStreamedListResponse>,
) -> (Vec<TodosStreamedListResponse>, Option<Error>) {
    let mut pages = Vec::new();
    for _ in 0..1000 {
        let item = tokio::time::timeout(WAIT, stream.next())
            .await
            .expect("a page in time");
        match item {
            None => return (pages, None),
            Some(Ok(page)) => pages.push(page),
            Some(Err(err)) => {
                assert!(stream.next().await.is_none(), "an error ends the stream");
                return (pages, Some(err));
            }
        }
    }
    panic!("the stream did not end");
}

fn streamed_args(owner: &str, limit: u64) -> TodosStreamedListArgs {
    TodosStreamedListArgs {
        owner: Some(owner.to_owned()),
        limit: Some(limit),
        ..Default::default()
    }
}

#[tokio::test]
async fn streamed_list_is_a_typed_stream_of_pages_that_ends_with_the_last() {
    let (_demo, server) = demo().await;
    let todos = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();
    let mut titles = Vec::new();
    for i in 0..5 {
        titles.push(
            todos
                .create(&write(&format!("t{i}"), "ann"))
                .await
                .unwrap()
                .title,
        );
    }
    todos.create(&write("not ann's", "bob")).await.unwrap();
    let streamed = todos_streamed::Client::connect(&server.url(todos_streamed::PATH))
        .await
        .unwrap();

    // Five rows in pages of two (the consumer's default limit): three pages, then the end.
    let mut stream = streamed
        .list(&TodosStreamedListArgs {
            owner: Some("ann".to_owned()),
            ..Default::default()
        })
        .await
        .unwrap();
    let (pages, error) = read_pages(&mut stream).await;
    assert!(error.is_none(), "{error:?}");
    assert!(stream.is_done());
    let shape: Vec<(u64, u64, u64, usize)> = pages
        .iter()
        .map(|p| (p.count, p.limit, p.offset, p.results.len()))
        .collect();
    assert_eq!(shape, [(5, 2, 0, 2), (5, 2, 2, 2), (5, 2, 4, 1)]);
    let listed: Vec<String> = pages
        .iter()
        .flat_map(|p| p.results.iter().map(|t| t.title.clone()))
        .collect();
    assert_eq!(listed, titles);
    // Cancelling a stream that has ended sends nothing and succeeds.
    stream.cancel().await.unwrap();

    // An empty result is one page.
    let mut empty = streamed.list(&streamed_args("nobody", 3)).await.unwrap();
    let (pages, error) = read_pages(&mut empty).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(pages.len(), 1);
    assert_eq!((pages[0].count, pages[0].offset), (0, 0));
    assert!(pages[0].results.is_empty());

    // Other calls on the connection are answered while streams run, and a page that fits
    // everything is the last.
    let mut whole = streamed.list(&streamed_args("ann", 5)).await.unwrap();
    let (pages, _) = read_pages(&mut whole).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].results.len(), 5);
}

#[tokio::test]
async fn a_cancelled_streamed_list_ends_early() {
    let (_demo, server) = demo().await;
    let todos = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();
    const ROWS: usize = 400;
    for i in 0..ROWS {
        todos
            .create(&write(&format!("row {i}"), "cat"))
            .await
            .unwrap();
    }
    let streamed = todos_streamed::Client::connect(&server.url(todos_streamed::PATH))
        .await
        .unwrap();

    // Two pages of a row each, then `cancel`: the stream ends there.
    let mut stream = streamed.list(&streamed_args("cat", 1)).await.unwrap();
    let mut offsets = Vec::new();
    for _ in 0..2 {
        let page = next_page(&mut stream).await.unwrap();
        assert_eq!((page.count, page.results.len()), (ROWS as u64, 1));
        offsets.push(page.offset);
    }
    assert_eq!(offsets, [0, 1]);
    stream.cancel().await.unwrap();
    assert!(stream.is_done());
    assert!(stream.next().await.is_none(), "a cancelled stream ends");

    // `list_cancel` stops every stream of the consumer in flight on the connection: another
    // one ends early with the server's 499, an error that ends the stream.
    let mut first = streamed.list(&streamed_args("cat", 1)).await.unwrap();
    let mut second = streamed.list(&streamed_args("cat", 1)).await.unwrap();
    next_page(&mut first).await.unwrap();
    next_page(&mut second).await.unwrap();
    first.cancel().await.unwrap();
    let (pages, error) = read_pages(&mut second).await;
    assert!(pages.len() + 1 < ROWS, "{} pages", pages.len());
    let err = api_error(error.expect("the stream ends with an error"));
    assert_eq!(err.status, 499);
    assert_eq!(err.messages().collect::<Vec<_>>(), ["List cancelled."]);

    // A stream started after the cancel runs to its end on the same connection; the
    // cancelled streams' late replies go nowhere.
    let mut after = streamed.list(&streamed_args("cat", 100)).await.unwrap();
    let (pages, error) = read_pages(&mut after).await;
    assert!(error.is_none(), "{error:?}");
    let offsets: Vec<u64> = pages.iter().map(|p| p.offset).collect();
    assert_eq!(offsets, [0, 100, 200, 300]);
}

/// The next page of a stream that has more, within [`WAIT`].
async fn next_page(
    stream: &mut PageStream<TodosStreamedListResponse>,
) -> Result<TodosStreamedListResponse, Error> {
    tokio::time::timeout(WAIT, stream.next())
        .await
        .expect("a page in time")
        .expect("the stream goes on")
}

#[tokio::test]
async fn instance_and_list_subscriptions_push_typed_values() {
    let (_demo, server) = demo().await;
    let url = server.url(todos::PATH);
    let watcher = todos::Client::connect(&url).await.unwrap();
    let writer = todos::Client::connect(&url).await.unwrap();

    let a = writer.create(&write("a", "ann")).await.unwrap();
    let b = writer.create(&write("b", "ann")).await.unwrap();
    let mut on_a = watcher
        .subscribe_instance(&Lookup { pk: pk(&a) })
        .await
        .unwrap();
    let mut on_b = watcher
        .subscribe_instance(&Lookup { pk: pk(&b) })
        .await
        .unwrap();
    assert_ne!(on_a.request_id(), on_b.request_id());

    let changed = writer
        .patch(&TodosPatchArgs {
            pk: pk(&a),
            data: TodoPatch {
                title: Some("a, changed".into()),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    let push = next(&mut on_a).await.unwrap().unwrap();
    assert_eq!(push, todos::SubscribeInstancePush::Update(changed));

    writer.delete(&Lookup { pk: pk(&b) }).await.unwrap();
    let push = next(&mut on_b).await.unwrap().unwrap();
    assert_eq!(
        push,
        todos::SubscribeInstancePush::Delete(Deleted { pk: pk(&b) })
    );

    // Unsubscribing is answered (same request id); later changes are not pushed to it.
    on_a.unsubscribe().await.unwrap();

    // A query subscription: rows entering, changing in and leaving the filtered set.
    let mut bobs = watcher
        .subscribe_list(&TodosSubscribeListArgs {
            owner: Some("bob".into()),
            done: None,
        })
        .await
        .unwrap();
    writer.create(&write("not bob's", "ann")).await.unwrap();
    let created = writer.create(&write("bob's", "bob")).await.unwrap();
    let push = next(&mut bobs).await.unwrap().unwrap();
    assert_eq!(push, todos::SubscribeListPush::Create(created.clone()));
    writer.delete(&Lookup { pk: pk(&created) }).await.unwrap();
    let push = next(&mut bobs).await.unwrap().unwrap();
    assert!(
        matches!(push, todos::SubscribeListPush::Delete(_)),
        "{push:?}"
    );
}

#[tokio::test]
async fn plain_todo_subscription_sees_changes_from_another_consumer() {
    let (_demo, server) = demo().await;
    let plain = plain::Client::connect(&server.url(plain::PATH))
        .await
        .unwrap();
    let todos = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();
    let mut sub = plain.subscribe_todos().await.unwrap();
    let todo = todos.create(&write("pushed", "ann")).await.unwrap();
    assert_eq!(
        next(&mut sub).await.unwrap().unwrap(),
        plain::SubscribeTodosPush::Create(todo.clone())
    );
    todos.delete(&Lookup { pk: pk(&todo) }).await.unwrap();
    assert_eq!(
        next(&mut sub).await.unwrap().unwrap(),
        plain::SubscribeTodosPush::Delete(todo)
    );
    sub.unsubscribe().await.unwrap();
}

#[tokio::test]
async fn the_multiplexer_carries_calls_errors_and_pushes() {
    let (_demo, server) = demo().await;
    let mux = ws_multiplexer::Client::connect(&server.url(ws_multiplexer::PATH))
        .await
        .unwrap();
    assert_eq!(mux.plain.add(&AddArgs { a: 4, b: 5 }).await.unwrap(), 9);
    assert_eq!(mux.plain.forbidden().await.unwrap_err().status(), Some(403));
    let err = mux
        .plain
        .endpoint()
        .call::<_, Value>("nope", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(405));

    let todo = mux.todos.create(&write("muxed", "ann")).await.unwrap();
    let mut sub = mux
        .todos
        .subscribe_instance(&Lookup { pk: pk(&todo) })
        .await
        .unwrap();
    // Changed through another connection, pushed through the multiplexer.
    let direct = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();
    let changed = direct
        .patch(&TodosPatchArgs {
            pk: pk(&todo),
            data: TodoPatch {
                done: Some(true),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(
        next(&mut sub).await.unwrap().unwrap(),
        todos::SubscribeInstancePush::Update(changed)
    );
    // Both streams share one socket.
    assert_eq!(
        mux.connection().status(),
        Status::Connected { generation: 1 }
    );
}

#[tokio::test]
async fn timeouts_fail_the_call_not_the_client() {
    let (_demo, server) = demo().await;
    let url = server.url(plain::PATH);
    let plain = plain::Client::connect(&url).await.unwrap();
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(30));
    assert_eq!(plain.endpoint().timeout(), DEFAULT_TIMEOUT);

    // Per call (per client handle).
    let quick = plain.with_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let err = quick.slow(&SlowArgs { delay: 5.0 }).await.unwrap_err();
    assert_eq!(
        err,
        Error::Timeout {
            action: "slow".into(),
            timeout: Duration::from_millis(200)
        }
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(plain.add(&AddArgs { a: 1, b: 2 }).await.unwrap(), 3);
    assert_eq!(quick.add(&AddArgs { a: 2, b: 2 }).await.unwrap(), 4);

    // Per connection.
    let options = Options::default().timeout(Duration::from_millis(150));
    let impatient = plain::Client::connect_with(&url, options).await.unwrap();
    let err = impatient.slow(&SlowArgs { delay: 5.0 }).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(150)));
    assert_eq!(impatient.add(&AddArgs { a: 3, b: 3 }).await.unwrap(), 6);
}

#[tokio::test]
async fn connecting_to_a_missing_path_is_a_connect_error() {
    let (_demo, server) = demo().await;
    let err = plain::Client::connect(&server.url("/ws/nowhere/"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connect {
                status: Some(404),
                ..
            }
        ),
        "{err:?}"
    );
}

/// A TCP proxy in front of the server whose connections the test can cut, and which can
/// refuse new ones for a while.
struct Proxy {
    addr: SocketAddr,
    refusing: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let refusing = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let accept = tokio::spawn({
            let refusing = refusing.clone();
            let connections = connections.clone();
            async move {
                loop {
                    let Ok((mut inbound, _)) = listener.accept().await else {
                        return;
                    };
                    if refusing.load(Ordering::SeqCst) {
                        drop(inbound);
                        continue;
                    }
                    let task = tokio::spawn(async move {
                        if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    connections.lock().unwrap().push(task.abort_handle());
                }
            }
        });
        Proxy {
            addr,
            refusing,
            connections,
            accept,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("ws://{}{}", self.addr, path)
    }

    /// Drops every proxied connection and refuses new ones.
    fn cut(&self) {
        self.refusing.store(true, Ordering::SeqCst);
        for task in self.connections.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Accepts connections again.
    fn resume(&self) {
        self.refusing.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

async fn wait_for_status(
    connection: &chanrest_client::Connection,
    wanted: impl Fn(&Status) -> bool,
) -> Status {
    let mut status = connection.watch_status();
    let seen = tokio::time::timeout(WAIT, status.wait_for(|s| wanted(s)))
        .await
        .unwrap_or_else(|_| panic!("status still {:?}", connection.status()))
        .expect("status channel open");
    *seen
}

fn fast_reconnect() -> Options {
    Options::default().reconnect(
        Reconnect::default().delays(Duration::from_millis(20), Duration::from_millis(200)),
    )
}

#[tokio::test]
async fn reconnect_fails_calls_in_flight_and_renews_subscriptions() {
    let (_demo, server) = demo().await;
    let proxy = Proxy::start(server.addr()).await;
    let plain = plain::Client::connect_with(&proxy.url(plain::PATH), fast_reconnect())
        .await
        .unwrap();
    let connection = plain.endpoint().connection().clone();
    let mut sub = plain.subscribe_todos().await.unwrap();

    // A call in flight when the socket goes.
    let in_flight = tokio::spawn({
        let plain = plain.clone();
        async move { plain.slow(&SlowArgs { delay: 5.0 }).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    proxy.cut();
    let err = tokio::time::timeout(WAIT, in_flight)
        .await
        .expect("the call fails promptly")
        .unwrap()
        .unwrap_err();
    assert_eq!(
        err,
        Error::ConnectionLost {
            action: "slow".into()
        }
    );
    wait_for_status(&connection, |s| matches!(s, Status::Reconnecting { .. })).await;

    // A call made while disconnected waits for the reconnection (within its timeout).
    let waiting = tokio::spawn({
        let plain = plain.clone();
        async move { plain.add(&AddArgs { a: 2, b: 2 }).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished());
    proxy.resume();
    let status = wait_for_status(&connection, |s| matches!(s, Status::Connected { .. })).await;
    assert_eq!(status, Status::Connected { generation: 2 });
    assert_eq!(
        tokio::time::timeout(WAIT, waiting)
            .await
            .unwrap()
            .unwrap()
            .unwrap(),
        4
    );

    // The subscription was renewed on the new socket (same request id): pushes arrive.
    let todos = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();
    let todo = todos
        .create(&write("after the reconnect", "ann"))
        .await
        .unwrap();
    assert_eq!(
        next(&mut sub).await.unwrap().unwrap(),
        plain::SubscribeTodosPush::Create(todo)
    );
    sub.unsubscribe().await.unwrap();
}

#[tokio::test]
async fn a_refused_renewal_ends_the_subscription() {
    let (_demo, server) = demo().await;
    let proxy = Proxy::start(server.addr()).await;
    let watcher = todos::Client::connect_with(&proxy.url(todos::PATH), fast_reconnect())
        .await
        .unwrap();
    let writer = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();
    let todo = writer.create(&write("short-lived", "ann")).await.unwrap();
    let mut sub = watcher
        .subscribe_instance(&Lookup { pk: pk(&todo) })
        .await
        .unwrap();
    proxy.cut();
    writer.delete(&Lookup { pk: pk(&todo) }).await.unwrap();
    proxy.resume();
    // Renewing a subscription to a deleted row gets a 404: the stream says so, then ends.
    let err = next(&mut sub).await.unwrap().unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    assert!(next(&mut sub).await.is_none());
    // The client itself is fine.
    assert!(watcher.list(&TodosListArgs::default()).await.is_ok());
}

#[tokio::test]
async fn without_reconnection_everything_ends_promptly() {
    let (_demo, server) = demo().await;
    let proxy = Proxy::start(server.addr()).await;
    let options = Options::default().reconnect(Reconnect::disabled());
    let plain = plain::Client::connect_with(&proxy.url(plain::PATH), options)
        .await
        .unwrap();
    let mut sub = plain.subscribe_todos().await.unwrap();
    let in_flight = tokio::spawn({
        let plain = plain.clone();
        async move { plain.slow(&SlowArgs { delay: 5.0 }).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    proxy.cut();
    let err = tokio::time::timeout(WAIT, in_flight)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, Error::ConnectionLost { .. } | Error::Closed),
        "{err:?}"
    );
    assert_eq!(next(&mut sub).await.unwrap().unwrap_err(), Error::Closed);
    assert!(next(&mut sub).await.is_none());
    assert_eq!(
        plain.add(&AddArgs { a: 1, b: 1 }).await.unwrap_err(),
        Error::Closed
    );
}

#[tokio::test]
async fn giving_up_after_max_attempts_closes_the_connection() {
    let (_demo, server) = demo().await;
    let proxy = Proxy::start(server.addr()).await;
    let options = Options::default().reconnect(
        Reconnect::default()
            .delays(Duration::from_millis(10), Duration::from_millis(20))
            .max_attempts(Some(3)),
    );
    let plain = plain::Client::connect_with(&proxy.url(plain::PATH), options)
        .await
        .unwrap();
    proxy.cut();
    let connection = plain.endpoint().connection();
    wait_for_status(connection, |s| {
        matches!(s, Status::Reconnecting { .. } | Status::Closed)
    })
    .await;
    // A call waiting for the reconnection fails when the client gives up, not at its timeout.
    let started = Instant::now();
    let err = plain
        .with_timeout(Duration::from_secs(20))
        .add(&AddArgs { a: 1, b: 1 })
        .await
        .unwrap_err();
    assert_eq!(err, Error::Closed);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(plain.endpoint().connection().status(), Status::Closed);
}

#[tokio::test]
async fn close_ends_calls_and_subscriptions() {
    let (_demo, server) = demo().await;
    let plain = plain::Client::connect(&server.url(plain::PATH))
        .await
        .unwrap();
    let mut sub = plain.subscribe_todos().await.unwrap();
    let in_flight = tokio::spawn({
        let plain = plain.clone();
        async move { plain.slow(&SlowArgs { delay: 5.0 }).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    plain.endpoint().connection().close().await;
    let err = tokio::time::timeout(WAIT, in_flight)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, Error::Closed | Error::ConnectionLost { .. }),
        "{err:?}"
    );
    assert_eq!(next(&mut sub).await.unwrap().unwrap_err(), Error::Closed);
    assert!(next(&mut sub).await.is_none());
    assert_eq!(
        plain.add(&AddArgs { a: 1, b: 1 }).await.unwrap_err(),
        Error::Closed
    );
}

fn todo_write(title: &str, owner: Option<&str>) -> TodoWrite {
    TodoWrite {
        title: title.to_owned(),
        done: None,
        owner: owner.map(str::to_owned),
    }
}

#[tokio::test]
async fn a_struct_field_with_a_server_default_may_be_left_out() {
    let (_demo, server) = demo().await;
    let todos = todos::Client::connect(&server.url(todos::PATH))
        .await
        .unwrap();
    let view = todo_view::Client::connect(&server.url(todo_view::PATH))
        .await
        .unwrap();
    let open = todos.create(&write("open", "ann")).await.unwrap();
    let done = todos
        .create(&TodosCreateArgs {
            data: TodoWrite {
                done: Some(true),
                ..todo_write("done", Some("bob"))
            },
        })
        .await
        .unwrap();
    // `query` (`#[serde(default)]`) left out: no filter.
    let all = view.list(&ViewListArgs { query: None }).await.unwrap();
    let ids = |list: &Value| -> Vec<i64> {
        let items = list.as_array().unwrap_or_else(|| panic!("a list: {list}"));
        items.iter().map(|t| t["id"].as_i64().unwrap()).collect()
    };
    assert_eq!(ids(&all), [open.id, done.id]);
    assert_eq!(
        serde_json::to_value(ViewListArgs::default()).unwrap(),
        json!({})
    );
    let only_done = view
        .list(&ViewListArgs {
            query: Some(ViewQuery {
                done: Some(true),
                owner: Vec::new(),
            }),
        })
        .await
        .unwrap();
    assert_eq!(ids(&only_done), [done.id]);
}

#[tokio::test]
async fn rfc_generic_actions_through_typed_routes() {
    let (_demo, server) = demo().await;
    let rfc = rfc_todos::Client::connect(&server.url(rfc_todos::PATH))
        .await
        .unwrap();
    assert_eq!(rfc.ping().await.unwrap(), "pong");
    assert_eq!(rfc.route().as_str(), "");

    // create (201) on `todos/`.
    let list = rfc.todos();
    assert_eq!(list.route().as_str(), "todos/");
    let milk = list
        .create(&TodoListCreateArgs {
            data: todo_write("Buy milk", Some("ada")),
        })
        .await
        .unwrap();
    assert_eq!(
        milk,
        Todo {
            id: milk.id,
            title: "Buy milk".into(),
            done: false,
            owner: "ada".into(),
        }
    );
    for title in ["Bake bread", "Call mum"] {
        list.create(&TodoListCreateArgs {
            data: todo_write(title, None),
        })
        .await
        .unwrap();
    }

    // retrieve, update, partial_update and the custom toggle on `todos/<pk>/`: `pk` is the
    // route's typed parameter, not an argument.
    let detail = rfc.todos_pk(milk.id);
    assert_eq!(detail.route().as_str(), format!("todos/{}/", milk.id));
    assert_eq!(detail.retrieve().await.unwrap(), milk);
    let updated = detail
        .update(&TodoDetailUpdateArgs {
            partial: None,
            data: TodoWrite {
                done: Some(true),
                ..todo_write("Buy oat milk", None)
            },
        })
        .await
        .unwrap();
    // `owner` was not sent: it keeps its value, as in DRF's PUT.
    assert_eq!(
        (updated.title.as_str(), updated.done, updated.owner.as_str()),
        ("Buy oat milk", true, "ada")
    );
    let patched = detail
        .partial_update(&TodoDetailPartialUpdateArgs {
            data: TodoPatch {
                owner: Some("bob".into()),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!((patched.done, patched.owner.as_str()), (true, "bob"));
    assert!(!detail.toggle().await.unwrap().done);

    // list with a page (page size 2): the second page holds the third todo.
    let first = list.list(&TodoListListArgs::default()).await.unwrap();
    assert_eq!((first.count, first.results.len()), (3, 2));
    assert_eq!(first.previous, None);
    let second = list
        .list(&TodoListListArgs {
            page: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(second.count, 3);
    assert_eq!(second.results.len(), 1);
    assert_eq!(second.next, None);
    // `next` and `previous` are routes: a raw call follows one.
    let next = first.next.expect("a second page");
    let followed: serde_json::Value = list
        .endpoint()
        .call(&Route::new(next), "list", &Map::new())
        .await
        .unwrap();
    assert_eq!(
        followed["results"],
        serde_json::to_value(&second.results).unwrap()
    );
    // Filters are arguments too.
    let open = list
        .list(&TodoListListArgs {
            done: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(open.count, 3);

    // destroy (204); then the route's todo is gone: a typed 404.
    detail.destroy().await.unwrap();
    let err = api_error(detail.retrieve().await.unwrap_err());
    assert_eq!((err.status, err.action.as_deref()), (404, Some("retrieve")));
    assert_eq!(err.messages().collect::<Vec<_>>(), ["Not found"]);

    // A validation error in DRF's shape, and the object permission's 403.
    let err = api_error(
        list.create(&TodoListCreateArgs {
            data: todo_write("", None),
        })
        .await
        .unwrap_err(),
    );
    assert_eq!(err.status, 400);
    assert!(!err.field("title").is_empty(), "{err:?}");
    let locked = list
        .create(&TodoListCreateArgs {
            data: todo_write("theirs", Some("locked")),
        })
        .await
        .unwrap();
    let err = rfc.todos_pk(locked.id).toggle().await.unwrap_err();
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn rfc_replies_are_matched_to_concurrent_calls_by_order() {
    let (_demo, server) = demo().await;
    let rfc = rfc_todos::Client::connect(&server.url(rfc_todos::PATH))
        .await
        .unwrap();
    let mut created = Vec::new();
    for title in ["a", "b", "c", "d"] {
        let args = TodoListCreateArgs {
            data: todo_write(title, None),
        };
        created.push(rfc.todos().create(&args).await.unwrap());
    }
    // Many calls in flight at once on one socket, to several routes and actions: each gets
    // its own reply.
    let details: Vec<_> = created.iter().map(|t| rfc.todos_pk(t.id)).collect();
    let pages = [1, 2].map(|page| TodoListListArgs {
        page: Some(page),
        ..Default::default()
    });
    let list = rfc.todos();
    let (a, b, c, d, ping, page_one, page_two) = tokio::join!(
        details[0].retrieve(),
        details[1].retrieve(),
        details[2].retrieve(),
        details[3].retrieve(),
        rfc.ping(),
        list.list(&pages[0]),
        list.list(&pages[1]),
    );
    assert_eq!(
        [a.unwrap(), b.unwrap(), c.unwrap(), d.unwrap()].as_slice(),
        created.as_slice()
    );
    assert_eq!(ping.unwrap(), "pong");
    assert_eq!(page_one.unwrap().results, created[..2]);
    assert_eq!(page_two.unwrap().results, created[2..]);
    // A route the server does not know: its typed 404, and the connection goes on.
    let err = api_error(
        rfc.todos_pk(created[0].id)
            .endpoint()
            .call::<_, Value>(&Route::new("nowhere/"), "retrieve", &Map::new())
            .await
            .unwrap_err(),
    );
    assert_eq!(err.status, 404);
    assert_eq!(rfc.ping().await.unwrap(), "pong");
}
