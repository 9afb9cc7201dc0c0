//! `App::serve_manifest` and `App::serve_asyncapi`: a running server describes itself at
//! `GET /manifest.json` and `GET /asyncapi.json`, only when asked to, beside its sockets.

mod common;

use chanrest::prelude::*;
use chanrest::testkit::TestServer;
use common::{fetch, get};

chanrest::consumer! {
    /// A calculator.
    pub consumer Calc: CalcHandler {
        /// Adds.
        action add(AddArgs {
            /// The first addend.
            a: i64,
            /// The second addend.
            b: i64,
        }) -> i64;
    }
}

struct CalcApi;

impl CalcHandler for CalcApi {
    async fn add(&self, _ctx: &Ctx, args: AddArgs) -> chanrest::Result<i64> {
        Ok(args.a + args.b)
    }
}

fn manifest() -> String {
    chanrest::build::manifest_json(
        &ManifestBuilder::new("calc", "1.0")
            .consumer::<Calc>("/ws/calc/")
            .build(),
    )
}

/// `app` served on 127.0.0.1:0.
async fn serve(app: App) -> TestServer {
    TestServer::start(app).await
}

fn request(method: &str, path: &str, extra: &str) -> String {
    format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n")
}

#[tokio::test]
async fn the_manifest_and_the_asyncapi_document_are_served_when_asked() {
    let asyncapi = r#"{"asyncapi": "3.0.0"}"#;
    let server = serve(
        App::new()
            .consumer("/ws/calc/", Calc(CalcApi))
            .serve_manifest(manifest())
            .serve_asyncapi(asyncapi),
    )
    .await;
    let addr = server.addr();
    let (status, headers, body) = get(addr, "/manifest.json").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    assert_eq!(body, manifest());
    let served: chanrest::Manifest = serde_json::from_str(&body).unwrap();
    assert_eq!(served.consumers[0].path.as_deref(), Some("/ws/calc/"));

    let (status, _, body) = get(addr, "/asyncapi.json").await;
    assert!(status.contains(" 200 "), "{status}");
    assert_eq!(body, asyncapi);

    // GET and HEAD only; a WebSocket handshake there is no request for the document.
    let (status, _, _) = fetch(addr, request("POST", "/manifest.json", "")).await;
    assert!(!status.contains(" 200 "), "{status}");
    let upgrade = "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
                   Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let (status, _, _) = fetch(addr, request("GET", "/manifest.json", upgrade)).await;
    assert!(status.contains(" 404 "), "{status}");
    let (status, _, _) = get(addr, "/nothing.json").await;
    assert!(status.contains(" 404 "), "{status}");
    // The consumer is still served beside them.
    let mut client = server.connect("/ws/calc/").await;
    let reply = client
        .request("add", serde_json::json!({"a": 2, "b": 3}))
        .await;
    chanrest::assert_reply!(reply, 200, serde_json::json!(5));
}

#[tokio::test]
async fn nothing_is_described_unless_asked() {
    let server = serve(App::new().consumer("/ws/calc/", Calc(CalcApi))).await;
    let addr = server.addr();
    for path in ["/manifest.json", "/asyncapi.json"] {
        let (status, _, _) = get(addr, path).await;
        assert!(status.contains(" 404 "), "{path}: {status}");
    }
}

#[test]
#[should_panic(expected = "not a chanrest manifest")]
fn a_document_that_is_not_a_manifest_is_refused() {
    let _ = App::new().serve_manifest(r#"{"openapi": "3.1.0"}"#);
}

#[test]
fn the_build_helper_writes_pretty_json_with_a_final_newline() {
    let text = manifest();
    assert!(text.ends_with("}\n"), "{text}");
    assert!(text.starts_with("{\n  \""), "{text}");
    let parsed: chanrest::Manifest = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed.title, "calc");
}
