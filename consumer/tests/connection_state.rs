//! Per-connection state on `Ctx` (DCRF's `self.x`), through real sockets: each consumer
//! instance keeps its own values from `on_connect` to `on_disconnect`, and every consumer on a
//! connection shares its connection id.

use chanrest::testkit::TestServer;
use chanrest::{ActionError, App, Ctx, Multiplexer, NoArgs};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

chanrest::consumer! {
    /// A room where a connection joins under a name once and speaks under it after.
    pub consumer Room: RoomHandler {
        /// Remembers `name` for this connection.
        action join(JoinArgs {
            /// The name to speak under.
            name: String,
        }) -> ();
        /// The name this connection joined with, and how many times it spoke.
        action whoami() -> Whoami;
        /// Counts a line said.
        action say() -> u64;
        /// This connection's id.
        action connection() -> u64;
    }
}

/// What `whoami` answers.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Whoami {
    /// The joined name.
    pub name: String,
    /// Lines said so far.
    pub said: u64,
}

struct Name(String);

#[derive(Default)]
struct Said(AtomicUsize);

/// What the handler saw in `on_disconnect`, for the test to read.
#[derive(Default)]
struct Seen {
    connected: Mutex<Vec<u64>>,
    left: Mutex<Vec<(String, usize)>>,
}

struct Api(Arc<Seen>);

impl RoomHandler for Api {
    async fn join(&self, ctx: &Ctx, args: JoinArgs) -> chanrest::Result<()> {
        ctx.set_state(Name(args.name));
        Ok(())
    }

    async fn whoami(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<Whoami> {
        let name = ctx.state::<Name>().ok_or(ActionError::PermissionDenied)?;
        let said = ctx
            .state_or_insert_with(Said::default)
            .0
            .load(Ordering::SeqCst);
        Ok(Whoami {
            name: name.0.clone(),
            said: said as u64,
        })
    }

    async fn say(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<u64> {
        let said = ctx.state_or_insert_with(Said::default);
        Ok(said.0.fetch_add(1, Ordering::SeqCst) as u64 + 1)
    }

    async fn connection(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<u64> {
        Ok(ctx.connection_id())
    }

    async fn on_connect(&self, ctx: &Ctx) -> chanrest::Result<()> {
        self.0.connected.lock().unwrap().push(ctx.connection_id());
        Ok(())
    }

    async fn on_disconnect(&self, ctx: &Ctx) {
        let name = ctx
            .take_state::<Name>()
            .map(|n| n.0.clone())
            .unwrap_or_default();
        let said = ctx
            .state::<Said>()
            .map_or(0, |s| s.0.load(Ordering::SeqCst));
        self.0.left.lock().unwrap().push((name, said));
    }
}

async fn eventually(check: impl Fn() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("condition not met in 2 s");
}

#[tokio::test]
async fn each_connection_keeps_its_own_state_until_it_leaves() {
    let seen = Arc::new(Seen::default());
    let app = App::new().consumer("/ws/room/", Room(Api(seen.clone())));
    let server = TestServer::start(app).await;
    let mut ada = server.connect("/ws/room/").await;
    let mut bob = server.connect("/ws/room/").await;

    // Nothing is kept before it is set.
    let reply = ada.request("whoami", json!({})).await;
    assert_eq!(reply["response_status"], 403, "{reply}");

    assert_eq!(
        ada.request("join", json!({"name": "ada"})).await["response_status"],
        200
    );
    assert_eq!(
        bob.request("join", json!({"name": "bob"})).await["response_status"],
        200
    );
    for expected in 1..=3 {
        assert_eq!(ada.request("say", json!({})).await["data"], expected);
    }
    assert_eq!(bob.request("say", json!({})).await["data"], 1);

    let reply = ada.request("whoami", json!({})).await;
    assert_eq!(reply["data"], json!({"name": "ada", "said": 3}));
    let reply = bob.request("whoami", json!({})).await;
    assert_eq!(reply["data"], json!({"name": "bob", "said": 1}));

    // Each connection has its own id, the one `on_connect` saw.
    let ada_id = ada.request("connection", json!({})).await["data"]
        .as_u64()
        .unwrap();
    let bob_id = bob.request("connection", json!({})).await["data"]
        .as_u64()
        .unwrap();
    assert_ne!(ada_id, bob_id);
    assert_eq!(*seen.connected.lock().unwrap(), [ada_id, bob_id]);

    // `on_disconnect` still reads what the connection kept.
    ada.close().await;
    eventually(|| seen.left.lock().unwrap().len() == 1).await;
    assert_eq!(seen.left.lock().unwrap()[0], ("ada".to_owned(), 3));
    // The other connection is untouched.
    let reply = bob.request("whoami", json!({})).await;
    assert_eq!(reply["data"], json!({"name": "bob", "said": 1}));
}

#[tokio::test]
async fn each_stream_of_a_multiplexer_has_its_own_state_and_the_same_connection() {
    let seen = Arc::new(Seen::default());
    let app = App::new().multiplexer(
        "/ws/mux/",
        Multiplexer::new()
            .stream("left", Room(Api(seen.clone())))
            .stream("right", Room(Api(seen.clone()))),
    );
    let server = TestServer::start(app).await;
    let mut client = server.connect("/ws/mux/").await;

    client.use_stream("left");
    assert_eq!(
        client.request("join", json!({"name": "left"})).await["response_status"],
        200
    );
    let left_id = client.request("connection", json!({})).await["data"].clone();
    client.use_stream("right");
    let reply = client.request("whoami", json!({})).await;
    assert_eq!(
        reply["response_status"], 403,
        "the right stream's consumer joined nothing"
    );
    let right_id = client.request("connection", json!({})).await["data"].clone();
    assert_eq!(left_id, right_id);
    client.use_stream("left");
    let reply = client.request("whoami", json!({})).await;
    assert_eq!(reply["data"], json!({"name": "left", "said": 0}));
}
