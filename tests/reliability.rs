//! Hostile input at the socket, handshake security and concurrent writes, through real sockets
//! against the demo. Hostile payloads inside well-formed frames are answered by dispatch and
//! tested in process at the framework (`consumer/tests/envelope.rs`).

mod common;

use chanrest::testkit::{ConnectError, TestClient, TestServer};
use chanrest::{assert_error, assert_push, assert_reply, close_code, Limits};
use chanrest_demo::Demo;
use common::demo;
use serde_json::json;
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A masked client text frame with `payload` as is (even when it is not UTF-8).
fn raw_text_frame(payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x81];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
    }
    let mask = [1u8, 2, 3, 4];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

#[tokio::test]
async fn invalid_utf8_closes_with_1007() {
    let (_demo, server) = demo().await;
    let addr = server.addr();
    let closing = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET /ws/plain/ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut response = [0u8; 1024];
        let n = stream.read(&mut response).unwrap();
        assert!(String::from_utf8_lossy(&response[..n]).starts_with("HTTP/1.1 101"));
        stream
            .write_all(&raw_text_frame(b"{\"action\": \"\xff\xfe\"}"))
            .unwrap();
        let mut frame = [0u8; 64];
        let n = stream.read(&mut frame).unwrap();
        // A close frame: opcode 0x8, then the code.
        assert_eq!(frame[0], 0x88, "a close frame, got {:?}", &frame[..n]);
        u16::from_be_bytes([frame[2], frame[3]])
    });
    assert_eq!(closing.await.unwrap(), close_code::INVALID_UTF8);
}

#[tokio::test]
async fn a_flood_of_pipelined_requests_is_answered_in_order() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/bench/").await;
    for i in 0..5000 {
        client.send("echo", json!(i), json!({"data": i})).await;
    }
    for i in 0..5000 {
        let reply = client.recv_json().await;
        assert_eq!(
            (reply["request_id"].clone(), reply["data"].clone()),
            (json!(i), json!(i))
        );
    }
}

#[tokio::test]
async fn a_flood_of_subscriptions_is_capped() {
    let demo = Demo::start(&chanrest_demo::Config {
        limits: Some({
            let mut limits = Limits::default();
            limits.max_groups_per_consumer = 50;
            limits
        }),
        ..Default::default()
    })
    .await
    .unwrap();
    let server = TestServer::start_filter(demo.routes()).await;
    let mut client = server.connect("/ws/todos/").await;
    for i in 0..50 {
        assert_reply!(
            client
                .request("subscribe_list", json!({"owner": format!("user {i}")}))
                .await,
            201
        );
    }
    let reply = client
        .request("subscribe_list", json!({"owner": "one too many"}))
        .await;
    assert_error!(
        reply,
        429,
        json!(["Too many groups and subscriptions on this connection (at most 50)."])
    );
    // Another request id on a group already joined counts too: ids cannot pile up unbounded.
    let reply = client
        .request("subscribe_list", json!({"owner": "user 0"}))
        .await;
    assert_eq!(reply["response_status"], 429, "{reply}");
    // Ending a subscription frees room for one more.
    assert_reply!(
        client
            .request_with_id("unsubscribe_list", json!(1), json!({}))
            .await,
        204
    );
    assert_reply!(
        client
            .request("subscribe_list", json!({"owner": "user 0"}))
            .await,
        201
    );
}

#[tokio::test]
async fn origins_outside_the_allowed_list_are_refused() {
    let demo = Demo::start(&Default::default()).await.unwrap();
    let server = TestServer::start(demo.app().allowed_origins(["https://app.example"])).await;
    let with_origin = |origin: &str| {
        let mut request = server.url("/ws/plain/").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
        request
    };
    assert!(matches!(
        TestClient::connect_request(with_origin("https://evil.example")).await,
        Err(ConnectError::Refused(403))
    ));
    let mut ok = TestClient::connect_request(with_origin("https://app.example"))
        .await
        .unwrap();
    assert_reply!(ok.request("add", json!({"a": 1, "b": 1})).await, 200);
    // Non-browser clients send no Origin.
    assert_reply!(
        server
            .connect("/ws/plain/")
            .await
            .request("add", json!({"a": 1, "b": 1}))
            .await,
        200
    );
}

#[tokio::test]
async fn a_slow_handshake_is_cut_off() {
    let demo = Demo::start(&Default::default()).await.unwrap();
    let server = TestServer::start_filter_with(demo.routes(), Duration::from_millis(300)).await;
    let addr = server.addr();
    let cut_off = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // Headers that never end.
        stream
            .write_all(b"GET /ws/plain/ HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let started = Instant::now();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        started.elapsed()
    });
    let waited = cut_off.await.unwrap();
    assert!(
        waited < Duration::from_secs(5),
        "the server closed the connection after {waited:?}"
    );
}

#[tokio::test]
async fn concurrent_writes_to_one_row_push_once_per_commit() {
    let (_demo, server) = demo().await;
    let mut watcher = server.connect("/ws/todos/").await;
    let created = watcher
        .request("create", json!({"data": {"title": "contended"}}))
        .await;
    let id = created["data"]["id"].clone();
    assert_reply!(
        watcher
            .request_with_id("subscribe_instance", json!("w"), json!({"pk": id}))
            .await,
        201
    );
    let writers = 8;
    let writes = 25;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let url = server.url("/ws/todos/");
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = TestClient::connect(&url).await.unwrap();
            for i in 0..writes {
                let reply = client
                    .request(
                        "patch",
                        json!({"pk": id, "data": {"title": format!("w{w}-{i}")}}),
                    )
                    .await;
                assert_reply!(reply, 200);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut titles = std::collections::HashSet::new();
    let mut last = String::new();
    for _ in 0..writers * writes {
        let push = assert_push!(watcher, "update", "w");
        last = push["data"]["title"].as_str().unwrap().to_owned();
        assert!(
            titles.insert(last.clone()),
            "one push per committed write: {last} twice"
        );
    }
    watcher.assert_silent(Duration::from_millis(300)).await;
    let row = watcher.request("retrieve", json!({"pk": id})).await;
    assert_eq!(
        row["data"]["title"], last,
        "the row holds the last committed write"
    );
}

/// Opens a WebSocket by hand (so the test can break the protocol) and returns the socket
/// after the 101.
fn raw_websocket(addr: std::net::SocketAddr, key: &str) -> Result<std::net::TcpStream, String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let request = format!(
        "GET /ws/plain/ HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    if head.starts_with("HTTP/1.1 101") {
        Ok(stream)
    } else {
        Err(head)
    }
}

/// Reads frames until a close frame; returns its status code (`None`: no code in it).
fn read_close_code(stream: &mut std::net::TcpStream) -> Option<u16> {
    use std::io::Read;
    loop {
        let mut header = [0u8; 2];
        stream
            .read_exact(&mut header)
            .expect("a frame, then a close frame");
        let opcode = header[0] & 0x0f;
        let mut len = u64::from(header[1] & 0x7f);
        if len == 126 {
            let mut ext = [0u8; 2];
            stream.read_exact(&mut ext).unwrap();
            len = u64::from(u16::from_be_bytes(ext));
        } else if len == 127 {
            let mut ext = [0u8; 8];
            stream.read_exact(&mut ext).unwrap();
            len = u64::from_be_bytes(ext);
        }
        let mut payload = vec![0u8; len as usize];
        stream.read_exact(&mut payload).unwrap();
        if opcode == 0x8 {
            return (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]));
        }
    }
}

#[tokio::test]
async fn protocol_violations_are_closed_with_1002_and_bad_keys_refused() {
    use std::io::Write;
    let (_demo, server) = common::demo().await;
    let addr = server.addr();
    let key = "dGhlIHNhbXBsZSBub25jZQ==";
    tokio::task::spawn_blocking(move || {
        // A client frame must be masked; this one is not.
        let unmasked: &[u8] = &[0x81, 0x02, b'{', b'}'];
        // Reserved bits set (no extension negotiated), masked.
        let reserved: &[u8] = &[0xC1, 0x82, 0, 0, 0, 0, b'{', b'}'];
        // Opcode 0x3 is reserved, masked.
        let opcode: &[u8] = &[0x83, 0x82, 0, 0, 0, 0, b'{', b'}'];
        for (name, frame) in [
            ("unmasked", unmasked),
            ("reserved bits", reserved),
            ("bad opcode", opcode),
        ] {
            let mut stream = raw_websocket(addr, key).unwrap();
            stream.write_all(frame).unwrap();
            assert_eq!(read_close_code(&mut stream), Some(1002), "{name}");
        }
        for bad in ["", "not base64!", "dGhlIHNhbXBsZQ=="] {
            let refused = raw_websocket(addr, bad).unwrap_err();
            assert!(
                refused.starts_with("HTTP/1.1 400"),
                "key {bad:?}: {refused}"
            );
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_client_that_pipelines_and_reads_as_fast_as_it_can_gets_every_reply() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    const FRAMES: usize = 200_000;
    let (_demo, server) = common::demo().await;
    let mut client = server.connect("/ws/plain/").await;
    let (mut sink, mut stream) = client.socket().split();
    // Each `{}` is answered with a ~120-byte 405: the replies outweigh the requests 60 to 1,
    // so the server's outbound queue would pass its bound unless it stops reading.
    let writing = async {
        for _ in 0..FRAMES {
            sink.feed(Message::text("{}")).await.unwrap();
        }
        sink.flush().await.unwrap();
    };
    let reading = async {
        let mut answered = 0;
        while answered < FRAMES {
            match stream.next().await {
                Some(Ok(Message::Text(text))) => {
                    assert!(text.contains(r#""response_status":405"#), "{text}");
                    answered += 1;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!("after {answered} replies: {other:?}"),
            }
        }
        answered
    };
    let (_, answered) = tokio::time::timeout(Duration::from_secs(120), async {
        tokio::join!(writing, reading)
    })
    .await
    .expect("every reply within two minutes");
    assert_eq!(answered, FRAMES);
}

#[tokio::test]
async fn handshake_headers_are_bounded() {
    let (_demo, server) = common::demo().await;
    let with_header = |bytes: usize| {
        let mut request = server.url("/ws/plain/").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("x-padding", "x".repeat(bytes).parse().unwrap());
        request
    };
    // Above the default 32 KiB the scope would keep them for the connection's life: 431.
    assert!(matches!(
        TestClient::connect_request(with_header(40 << 10)).await,
        Err(ConnectError::Refused(431))
    ));
    let mut ok = TestClient::connect_request(with_header(8 << 10))
        .await
        .unwrap();
    assert_reply!(ok.request("add", json!({"a": 1, "b": 1})).await, 200);
}

#[tokio::test]
async fn http_connections_count_toward_the_connection_limit() {
    use std::io::Write;
    let demo = Demo::start(&chanrest_demo::Config {
        limits: Some({
            let mut limits = Limits::default();
            limits.max_connections = 4;
            limits
        }),
        ..Default::default()
    })
    .await
    .unwrap();
    let served = demo.served();
    let limit = served.connections.clone();
    let server = TestServer::start_filter_limited(
        served.routes,
        chanrest::DEFAULT_HANDSHAKE_TIMEOUT,
        served.connections,
    )
    .await;
    let addr = server.addr();
    // Four HTTP requests that announce a body and never send it: every slot is taken.
    let stalled: Vec<std::net::TcpStream> = (0..4)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            write!(
                stream,
                "POST /api/todos/ HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                 Content-Length: 1000\r\n\r\n{{"
            )
            .unwrap();
            stream
        })
        .collect();
    common::eventually("the four connections are counted", || limit.open() == 4).await;
    // A WebSocket is refused at once, and so is another HTTP request.
    assert!(matches!(
        TestClient::connect(&server.url("/ws/plain/")).await,
        Err(ConnectError::Refused(503))
    ));
    let refused = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET /manifest.json HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        response
    })
    .await
    .unwrap();
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    // Once they go, their slots are free again.
    drop(stalled);
    common::eventually("the stalled connections are gone", || limit.open() == 0).await;
    let mut client = server.connect("/ws/plain/").await;
    assert_reply!(
        client.request("add", json!({"a": 1, "b": 2})).await,
        200,
        json!(3)
    );
    assert_eq!(limit.open(), 1, "a WebSocket holds one slot, not two");
}

#[tokio::test]
async fn a_list_filter_of_the_wrong_type_is_filed_under_its_field() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/todos/").await;
    for action in ["list", "subscribe_list"] {
        let reply = client.request(action, json!({"done": "true"})).await;
        assert_error!(reply, 400, json!([{"done": ["Must be a valid boolean."]}]));
    }
    let reply = client
        .request("list", json!({"done": "yes", "owner": 7}))
        .await;
    assert_error!(
        reply,
        400,
        json!([{"done": ["Must be a valid boolean."], "owner": ["Not a valid string."]}])
    );
    assert_reply!(
        client.request("list", json!({"done": true})).await,
        200,
        json!([])
    );
}

/// A masked client frame with `fin` and `opcode` around `payload`.
fn raw_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = raw_text_frame(payload);
    frame[0] = (u8::from(fin) << 7) | opcode;
    frame
}

#[tokio::test]
async fn a_message_left_unfinished_in_fragments_is_cut_off_in_time() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let demo = Demo::start(&chanrest_demo::Config {
        limits: Some({
            let mut limits = Limits::default();
            limits.fragmented_message_timeout = Duration::from_millis(600);
            limits
        }),
        ..Default::default()
    })
    .await
    .unwrap();
    let server = TestServer::start_filter(demo.routes()).await;
    let addr = server.addr();
    let key = "dGhlIHNhbXBsZSBub25jZQ==";
    tokio::task::spawn_blocking(move || {
        // Finished in fragments within the time, pings in between: answered.
        let mut stream = raw_websocket(addr, key).unwrap();
        stream
            .write_all(&raw_frame(false, 0x1, br#"{"action": "add", "#))
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        stream.write_all(&raw_frame(true, 0x9, b"")).unwrap();
        stream
            .write_all(&raw_frame(false, 0x0, br#""request_id": 1, "#))
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        stream
            .write_all(&raw_frame(true, 0x0, br#""a": 2, "b": 3}"#))
            .unwrap();
        let mut reply = Vec::new();
        let mut byte = [0u8; 1];
        // The pong, then the reply (a failed one would never say 200: the read times out).
        while !String::from_utf8_lossy(&reply).contains(r#""response_status":200"#) {
            stream.read_exact(&mut byte).unwrap();
            reply.push(byte[0]);
        }
        assert!(String::from_utf8_lossy(&reply).contains(r#""data":5"#));

        // Begun and kept open with pings: closed with 1008 once the time is up, pings or not.
        let mut stream = raw_websocket(addr, key).unwrap();
        let started = Instant::now();
        stream
            .write_all(&raw_frame(false, 0x1, &[b' '; 60_000]))
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let pinger = {
            let mut stream = stream.try_clone().unwrap();
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(8) {
                    if stream.write_all(&raw_frame(true, 0x9, b"ping")).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let code = read_close_code(&mut stream);
        stop.store(true, Ordering::SeqCst);
        pinger.join().unwrap();
        assert_eq!(code, Some(close_code::POLICY));
        assert!(
            started.elapsed() >= Duration::from_millis(600),
            "not before the time is up: {:?}",
            started.elapsed()
        );
    })
    .await
    .unwrap();
}
