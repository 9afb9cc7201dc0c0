//! Cross-site WebSocket hijacking is refused by default, through real sockets: a browser
//! page of another site carries the user's cookie (or a token it was given) but is refused
//! with 403 before authentication or any consumer code; pages of the host itself, listed
//! origins and clients that send no `Origin` are served.

use chanrest::testkit::{ConnectError, TestClient, TestServer};
use chanrest::{App, Ctx, NoArgs, OriginPolicy, TokenAuth, User};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

chanrest::consumer! {
    /// Says who is connected.
    pub consumer Who: WhoHandler {
        /// The user's name.
        action whoami() -> String;
    }
}

struct Api(Arc<AtomicUsize>);

impl WhoHandler for Api {
    async fn whoami(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<String> {
        Ok(ctx.user().map(|u| u.username.clone()).unwrap_or_default())
    }

    async fn on_connect(&self, _: &Ctx) -> chanrest::Result<()> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

async fn user_for(token: String) -> Option<User> {
    (token == "root").then(|| User::new("1", "root"))
}

fn app(connects: &Arc<AtomicUsize>) -> App {
    App::new()
        .consumer("/ws/who/", Who(Api(connects.clone())))
        .authenticator(
            TokenAuth::new(user_for)
                .query_param("token")
                .cookie("token"),
        )
}

/// The three ways a browser page carries credentials.
#[derive(Clone, Copy, Debug)]
enum Credential {
    Cookie,
    Query,
    Header,
}

async fn connect(
    server: &TestServer,
    origin: Option<&str>,
    credential: Credential,
) -> Result<TestClient, ConnectError> {
    let path = match credential {
        Credential::Query => "/ws/who/?token=root",
        _ => "/ws/who/",
    };
    let mut request = server.url(path).into_client_request().unwrap();
    let headers = request.headers_mut();
    if let Some(origin) = origin {
        headers.insert("origin", origin.parse().unwrap());
    }
    match credential {
        Credential::Cookie => headers.insert("cookie", "token=root".parse().unwrap()),
        Credential::Header => headers.insert("authorization", "Bearer root".parse().unwrap()),
        Credential::Query => None,
    };
    TestClient::connect_request(request).await
}

#[tokio::test]
async fn a_foreign_origin_is_refused_before_authentication_whatever_the_credential() {
    let connects = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start(app(&connects)).await;
    let own = format!("http://{}", server.addr());
    for credential in [Credential::Cookie, Credential::Query, Credential::Header] {
        for foreign in ["https://evil.example", "null", "http://127.0.0.1:1"] {
            let refused = connect(&server, Some(foreign), credential).await;
            assert!(
                matches!(refused, Err(ConnectError::Refused(403))),
                "{credential:?} from {foreign}: {:?}",
                refused.map(|_| "connected")
            );
        }
        // A page of the server's own host is served, as root.
        let mut client = connect(&server, Some(&own), credential).await.unwrap();
        let reply = client.request("whoami", json!({})).await;
        assert_eq!(reply["data"], "root", "{credential:?}: {reply}");
        // So is a client that is not a browser (no Origin).
        let mut client = connect(&server, None, credential).await.unwrap();
        let reply = client.request("whoami", json!({})).await;
        assert_eq!(reply["data"], "root", "{credential:?}: {reply}");
    }
    // No consumer code ran for a refused handshake: six accepted connections, no more.
    assert_eq!(connects.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn listed_origins_and_patterns_are_served_besides_the_own_host() {
    let connects = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start(
        app(&connects).allowed_origins(["https://app.example.com", "https://*.example.org"]),
    )
    .await;
    for origin in [
        "https://app.example.com",
        "https://eu.example.org",
        &format!("http://{}", server.addr()),
    ] {
        let mut client = connect(&server, Some(origin), Credential::Cookie)
            .await
            .unwrap_or_else(|e| panic!("{origin}: {e}"));
        assert_eq!(client.request("whoami", json!({})).await["data"], "root");
    }
    for origin in [
        "https://example.org",
        "http://app.example.com",
        "https://evil.example",
    ] {
        assert!(
            matches!(
                connect(&server, Some(origin), Credential::Cookie).await,
                Err(ConnectError::Refused(403))
            ),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn any_origin_is_an_explicit_choice() {
    let connects = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start(app(&connects).origin_policy(OriginPolicy::Any)).await;
    let mut client = connect(&server, Some("https://evil.example"), Credential::Header)
        .await
        .unwrap();
    assert_eq!(client.request("whoami", json!({})).await["data"], "root");
}
