//! A message's content over a real socket: typed arguments decode the same whether they are
//! read straight from the frame's text or from a map of values (arrays, exponents and long
//! numbers take the map's way), a permission and an action-name hook that read the map see
//! the whole message, and what was refused before is refused the same way.

use chanrest::testkit::{TestClient, TestServer};
use chanrest::{assert_error, assert_reply};
use chanrest::{App, Content, Ctx, Permission, Permissions, Scope};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A point.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Point {
    /// Across.
    pub x: i64,
    /// Down.
    pub y: i64,
}

chanrest::consumer! {
    /// Typed arguments, given back as decoded.
    pub consumer Shapes: ShapesHandler {
        /// Returns its arguments as decoded.
        action place(PlaceArgs {
            /// Where.
            at: Point,
            /// Labels.
            #[serde(default)]
            tags: Vec<String>,
            /// Anything.
            #[serde(default)]
            data: Value,
            /// A wide integer.
            #[serde(default)]
            wide: i128,
        }) -> Value;

        /// Takes an argument whose decoding panics.
        action explode(ExplodeArgs {
            /// Panics when read.
            fuse: Fuse,
        }) -> ();
    }
}

/// An argument type whose `Deserialize` panics, as a buggy hand-written one might.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Fuse;

impl<'de> Deserialize<'de> for Fuse {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        panic!("the fuse blew")
    }
}

struct ShapesApi {
    permissions: Permissions,
    action_key: &'static str,
}

impl ShapesHandler for ShapesApi {
    async fn explode(&self, _: &Ctx, _: ExplodeArgs) -> chanrest::Result<()> {
        Ok(())
    }

    async fn place(&self, _: &Ctx, args: PlaceArgs) -> chanrest::Result<Value> {
        Ok(json!({
            "at": args.at,
            "tags": args.tags,
            "data": args.data,
            "wide": args.wide.to_string(),
        }))
    }

    fn permissions(&self) -> Permissions {
        self.permissions.clone()
    }

    fn action_name(&self, content: &mut Content<'_>) -> Option<Value> {
        // Reads the map first, as a hook written against a map does.
        content.get(self.action_key)?;
        content.remove(self.action_key)
    }
}

/// Allows a message only when it names an owner.
struct NamesAnOwner;

#[chanrest::async_trait]
impl Permission for NamesAnOwner {
    async fn has_permission(&self, _: &Scope, _: &str, args: &Map<String, Value>) -> bool {
        args.get("owner").is_some_and(Value::is_string)
    }
}

async fn connect(api: ShapesApi) -> (TestServer, TestClient) {
    let server = TestServer::start(App::new().consumer("/shapes/", Shapes(api))).await;
    let client = server.connect("/shapes/").await;
    (server, client)
}

async fn send(client: &mut TestClient, frame: &str) -> Value {
    client.send_text(frame).await;
    client.recv_json().await
}

#[tokio::test]
async fn typed_arguments_decode_the_same_from_text_and_from_a_map() {
    let plain = ShapesApi {
        permissions: Permissions::allow_any(),
        action_key: "action",
    };
    let (_server, mut client) = connect(plain).await;
    let cases = [
        // Read straight from the text.
        (
            r#"{"action":"place","request_id":1,"at":{"x":1,"y":2},"data":{"k":"v"}}"#,
            json!({"at": {"x": 1, "y": 2}, "tags": [], "data": {"k": "v"}, "wide": "0"}),
        ),
        // Arrays take the map's way.
        (
            r#"{"action":"place","request_id":2,"at":{"x":1,"y":2},"tags":["a","b"],"data":[1,{"k":2}]}"#,
            json!({"at": {"x": 1, "y": 2}, "tags": ["a", "b"], "data": [1, {"k": 2}], "wide": "0"}),
        ),
        // So do exponents and long numbers: the map holds a float where the text is exact.
        (
            r#"{"action":"place","request_id":3,"at":{"x":1,"y":2},"data":1.5e3,"wide":12345678901234567}"#,
            json!({"at": {"x": 1, "y": 2}, "tags": [], "data": 1500.0, "wide": "12345678901234567"}),
        ),
        // A repeated key: the last one counts, as in a map.
        (
            r#"{"action":"place","request_id":4,"at":{"x":9,"y":9},"at":{"x":1,"y":2}}"#,
            json!({"at": {"x": 1, "y": 2}, "tags": [], "data": null, "wide": "0"}),
        ),
    ];
    for (frame, expected) in cases {
        let reply = send(&mut client, frame).await;
        assert_reply!(reply, 200, expected);
    }
    // DRF refuses a struct given as an array, and lists every error.
    let reply = send(
        &mut client,
        r#"{"action":"place","request_id":5,"at":[1,2],"tags":"a"}"#,
    )
    .await;
    assert_error!(
        reply,
        400,
        json!([{
            "at": ["Invalid data. Expected a dictionary, but got list."],
            "tags": ["Expected a list of items but got type \"str\"."],
        }])
    );
    // A 128-bit integer beyond 64 bits is a float in the map, and a fraction is cut to its
    // integer part by serde_json's own 128-bit reading: both refused, as before.
    for wide in ["-9223372036854775809", "2.5"] {
        let frame =
            format!(r#"{{"action":"place","request_id":6,"at":{{"x":1,"y":2}},"wide":{wide}}}"#);
        let reply = send(&mut client, &frame).await;
        assert_error!(
            reply,
            400,
            json!([{"wide": ["A valid integer is required."]}])
        );
    }
    // A number out of range anywhere, even in a key no action reads, is bad JSON as before.
    let reply = send(
        &mut client,
        r#"{"action":"place","request_id":7,"at":{"x":1,"y":2},"junk":1e400}"#,
    )
    .await;
    assert_eq!(reply["response_status"], 400);
    assert_eq!(reply["request_id"], 7);
    // The connection still serves.
    let reply = client
        .request("place", json!({"at": {"x": 3, "y": 4}}))
        .await;
    assert_eq!(reply["data"]["at"], json!({"x": 3, "y": 4}));
}

#[tokio::test]
async fn a_permission_and_a_hook_that_read_the_map_see_the_whole_message() {
    let reading = ShapesApi {
        permissions: Permissions::new(NamesAnOwner),
        action_key: "type",
    };
    let (_server, mut client) = connect(reading).await;
    let reply = send(
        &mut client,
        r#"{"type":"place","request_id":1,"owner":"ada","at":{"x":1,"y":2}}"#,
    )
    .await;
    assert_reply!(
        reply,
        200,
        json!({"at": {"x": 1, "y": 2}, "tags": [], "data": null, "wide": "0"})
    );
    assert_eq!(reply["action"], "place");
    let reply = send(
        &mut client,
        r#"{"type":"place","request_id":2,"at":{"x":1,"y":2}}"#,
    )
    .await;
    assert_error!(
        reply,
        403,
        json!(["You do not have permission to perform this action."])
    );
    // The hook reads `type`; `action` is an ordinary key here.
    let reply = send(
        &mut client,
        r#"{"action":"place","request_id":3,"owner":"ada","at":{"x":1,"y":2}}"#,
    )
    .await;
    assert_error!(
        reply,
        405,
        json!(["Unable to find action in message body."])
    );
}

#[tokio::test]
async fn a_panic_while_decoding_arguments_is_a_500_and_the_connection_stays() {
    let plain = ShapesApi {
        permissions: Permissions::allow_any(),
        action_key: "action",
    };
    let (_server, mut client) = connect(plain).await;
    for frame in [
        // Decoded straight from the text, and from the map.
        r#"{"action":"explode","request_id":1,"fuse":1}"#,
        r#"{"action":"explode","request_id":2,"fuse":[1]}"#,
    ] {
        let reply = send(&mut client, frame).await;
        assert_eq!(reply["response_status"], 500, "{reply}");
    }
    let reply = client
        .request("place", json!({"at": {"x": 3, "y": 4}}))
        .await;
    assert_eq!(reply["data"]["at"], json!({"x": 3, "y": 4}));
}
