//! The demo serves its web page (`web/`), the page's scripts, `/asyncapi.json` and the API
//! explorer at `/explore/` over HTTP, with their content types, and still refuses WebSocket
//! handshakes at those paths with 404.

mod common;

use common::{fetch, get};

async fn serve() -> std::net::SocketAddr {
    let routes = chanrest_demo::routes(&chanrest_demo::Config::default())
        .await
        .expect("demo starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(chanrest::serve(
        listener,
        routes,
        chanrest::DEFAULT_HANDSHAKE_TIMEOUT,
        std::future::pending(),
    ));
    addr
}

#[tokio::test]
async fn the_page_its_scripts_and_the_asyncapi_document_are_served() {
    let addr = serve().await;
    let (status, headers, body) = get(addr, "/").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(headers.contains("content-type: text/html"), "{headers}");
    assert!(body.contains("/dist/web/src/app.js"), "{body}");

    let (status, headers, _) = get(addr, "/style.css").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(headers.contains("content-type: text/css"), "{headers}");

    let (status, headers, body) = get(addr, "/dist/web/src/app.js").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        headers.contains("content-type: text/javascript"),
        "{headers}"
    );
    assert!(
        body.contains("from \"../../clients/typescript/src/index.js\""),
        "app.js imports the generated client by a relative path"
    );
    for module in ["index", "api", "runtime"] {
        let (status, headers, _) =
            get(addr, &format!("/dist/clients/typescript/src/{module}.js")).await;
        assert!(status.contains(" 200 "), "{module}: {status}");
        assert!(
            headers.contains("content-type: text/javascript"),
            "{headers}"
        );
    }

    let (status, headers, body) = get(addr, "/asyncapi.json").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(document["asyncapi"], "3.0.0");
    assert_eq!(document["channels"]["Todos"]["address"], "/ws/todos/");

    let (status, _, _) = get(addr, "/dist/missing.js").await;
    assert!(status.contains(" 404 "), "{status}");
}

#[tokio::test]
async fn a_websocket_handshake_at_the_page_is_still_refused() {
    let addr = serve().await;
    let (status, _, _) = fetch(
        addr,
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            .to_owned(),
    )
    .await;
    assert!(status.contains(" 404 "), "{status}");
}

#[tokio::test]
async fn the_api_explorer_is_served_at_explore_with_the_manifest_it_reads() {
    let addr = serve().await;
    let (status, headers, body) = get(addr, "/explore/").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(headers.contains("content-type: text/html"), "{headers}");
    assert!(body.contains("dist/web/src/explorer.js"), "{body}");
    let (status, headers, _) = get(addr, "/explore").await;
    assert!(status.contains(" 308 "), "{status}");
    assert!(headers.contains("location: /explore/"), "{headers}");

    let (status, _, body) = get(addr, "/explore/dist/web/src/explorer.js").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        body.contains("from \"../../clients/typescript/src/runtime.js\""),
        "the explorer imports the runtime alone (it knows no API's types)"
    );
    let (status, _, _) = get(addr, "/explore/dist/clients/typescript/src/runtime.js").await;
    assert!(status.contains(" 200 "), "{status}");

    // The page reads its settings, then the manifest they name.
    let (_, _, body) = get(addr, "/explore/config.json").await;
    let config: serde_json::Value = serde_json::from_str(&body).unwrap();
    let manifest_url = config["manifest"].as_str().unwrap().to_owned();
    assert_eq!(config["token"]["query"], "token");
    let (status, _, body) = get(addr, &manifest_url).await;
    assert!(status.contains(" 200 "), "{manifest_url}: {status}");
    let manifest: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(manifest["consumers"]
        .as_array()
        .is_some_and(|c| !c.is_empty()));

    // The todo page links to it.
    let (_, _, body) = get(addr, "/").await;
    assert!(body.contains("href=\"/explore/\""), "{body}");

    let (status, _, _) = fetch(
        addr,
        "GET /explore/ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            .to_owned(),
    )
    .await;
    assert!(status.contains(" 404 "), "{status}");
}
