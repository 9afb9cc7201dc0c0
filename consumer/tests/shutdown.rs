//! Graceful shutdown through real sockets: actions under way finish within the grace period
//! and their replies are written, then every client gets 1001 and `on_disconnect` runs.

use chanrest::testkit::TestServer;
use chanrest::{App, Ctx, NoArgs};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

chanrest::consumer! {
    /// Work that takes a while.
    pub consumer Work: WorkHandler {
        /// Sleeps `ms` milliseconds beside the other actions, then answers them.
        #[detached]
        action slow(SlowArgs {
            /// How long.
            ms: u64,
        }) -> u64;
        /// Answers at once.
        action quick() -> String;
    }
}

struct Api(Arc<AtomicUsize>);

impl WorkHandler for Api {
    async fn slow(&self, _: &Ctx, args: SlowArgs) -> chanrest::Result<u64> {
        tokio::time::sleep(Duration::from_millis(args.ms)).await;
        Ok(args.ms)
    }

    async fn quick(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<String> {
        Ok("now".to_owned())
    }

    async fn on_disconnect(&self, _: &Ctx) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn actions_under_way_finish_then_every_client_gets_1001() {
    let disconnects = Arc::new(AtomicUsize::new(0));
    let app = App::new().consumer("/ws/work/", Work(Api(disconnects.clone())));
    let shutdown = app.shutdown_handle();
    let server = TestServer::start(app).await;
    let mut busy = server.connect("/ws/work/").await;
    let mut idle = server.connect("/ws/work/").await;
    busy.send("slow", json!(1), json!({"ms": 300})).await;
    busy.send("quick", json!(2), json!({})).await;
    let quick = busy.recv_json().await;
    assert_eq!(
        (&quick["request_id"], &quick["data"]),
        (&json!(2), &json!("now"))
    );

    let closing = tokio::spawn(async move { shutdown.shutdown(Duration::from_secs(5)).await });
    // The detached action's reply is written before the close.
    let slow = busy.recv_json().await;
    assert_eq!(
        (&slow["request_id"], &slow["data"]),
        (&json!(1), &json!(300))
    );
    for client in [&mut busy, &mut idle] {
        let frame = client.recv_close().await.expect("a close frame");
        assert_eq!(u16::from(frame.code), 1001);
    }
    assert!(closing.await.unwrap(), "every connection closed in time");
    assert_eq!(disconnects.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn work_past_the_grace_period_is_cancelled_and_late_connections_are_turned_away() {
    let disconnects = Arc::new(AtomicUsize::new(0));
    let app = App::new().consumer("/ws/work/", Work(Api(disconnects.clone())));
    let shutdown = app.shutdown_handle();
    let server = TestServer::start(app).await;
    let mut client = server.connect("/ws/work/").await;
    client.send("slow", json!(1), json!({"ms": 60_000})).await;
    // Let the action start before the server goes away.
    assert_eq!(client.request("quick", json!({})).await["data"], "now");
    let started = std::time::Instant::now();
    assert!(shutdown.shutdown(Duration::from_millis(200)).await);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the grace period bounds it"
    );
    let frame = client.recv_close().await.expect("a close frame");
    assert_eq!(u16::from(frame.code), 1001);
    assert_eq!(disconnects.load(Ordering::SeqCst), 1);
    // A connection accepted after the signal is closed at once, before any action (its
    // `on_disconnect` runs, as for a refused connection).
    let mut late = server.connect("/ws/work/").await;
    late.send("quick", json!(3), json!({})).await;
    let frame = late.recv_close().await.expect("a close frame, no reply");
    assert_eq!(u16::from(frame.code), 1001);
}
