//! Permissions in DCRF's order, in process: `has_permission` runs before the action is looked
//! up (so an unknown action is a 403, not a 405), sees the message's arguments, and composes
//! with `&`, `|` and `!`; `can_connect` and the authenticator run before any consumer code
//! (`HandshakeError::AccessDenied`, `AuthenticationFailed`).

mod common;

use chanrest::{
    async_trait, App, Ctx, HandshakeError, IsAuthenticated, Multiplexer, NoArgs, Permission,
    PermissionExt, Permissions, RequireAuthenticatedConnect, Scope, TokenAuth, User,
};
use common::*;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

chanrest::consumer! {
    /// One action, behind whatever permission the test gives it.
    pub consumer Guarded: GuardedHandler {
        /// The connected user's name.
        action whoami() -> Option<String>;
        /// Returns its `key` argument.
        action open(OpenArgs {
            /// Any text.
            #[serde(default)]
            key: String,
        }) -> String;
    }
}

struct GuardedApi {
    permissions: Permissions,
    connects: Arc<AtomicUsize>,
}

impl GuardedHandler for GuardedApi {
    async fn whoami(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<Option<String>> {
        Ok(ctx.user().map(|u| u.username.clone()))
    }
    async fn open(&self, _: &Ctx, args: OpenArgs) -> chanrest::Result<String> {
        Ok(args.key)
    }
    fn permissions(&self) -> Permissions {
        self.permissions.clone()
    }
    async fn on_connect(&self, _: &Ctx) -> chanrest::Result<()> {
        self.connects.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// The app, and how many times `on_connect` ran.
fn guarded(permissions: Permissions) -> (App, Arc<AtomicUsize>) {
    let connects = Arc::new(AtomicUsize::new(0));
    let consumer = Guarded(GuardedApi {
        permissions,
        connects: connects.clone(),
    });
    (App::new().consumer("/g/", consumer), connects)
}

const DENIED: &str = "You do not have permission to perform this action.";

struct DenyAll;

#[async_trait]
impl Permission for DenyAll {
    async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        false
    }
}

/// Allows the named actions only.
struct Only(&'static [&'static str]);

#[async_trait]
impl Permission for Only {
    async fn has_permission(&self, _: &Scope, action: &str, _: &Map<String, Value>) -> bool {
        self.0.contains(&action)
    }
}

/// Allows a message whose `key` argument is "open".
struct KeyIsOpen;

#[async_trait]
impl Permission for KeyIsOpen {
    async fn has_permission(&self, _: &Scope, _: &str, args: &Map<String, Value>) -> bool {
        args.get("key") == Some(&json!("open"))
    }
}

/// Lets a handshake in with `?let-me-in`.
struct RefuseConnect;

#[async_trait]
impl Permission for RefuseConnect {
    async fn can_connect(&self, scope: &Scope) -> bool {
        scope.query_param("let-me-in").is_some()
    }
    async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        true
    }
}

#[tokio::test]
async fn permission_is_checked_before_the_action_exists() {
    let (app, _) = guarded(Permissions::new(DenyAll));
    let mut conn = connect(&app, "/g/").await;
    for action in ["no_such_action", "whoami"] {
        let reply = request(&mut conn, action, json!({})).await;
        assert_error(&reply, 403, json!([DENIED]));
        assert_eq!(reply["action"], action);
        assert_eq!(reply["request_id"], 1);
    }

    // A permission that allows one action: any other name is refused before it is looked up,
    // so an unknown action is a 403 too, not a 405.
    let (app, _) = guarded(Permissions::new(Only(&["whoami"])));
    let mut conn = connect(&app, "/g/").await;
    assert_ok(
        &request(&mut conn, "whoami", json!({})).await,
        200,
        Value::Null,
    );
    assert_error(
        &request(&mut conn, "no_such_action", json!({})).await,
        403,
        json!([DENIED]),
    );
    // Allowed, but no such action: now the lookup says 405.
    let (app, _) = guarded(Permissions::new(Only(&["whoami", "no_such_action"])));
    let mut conn = connect(&app, "/g/").await;
    assert_error(
        &request(&mut conn, "no_such_action", json!({})).await,
        405,
        json!(["Method \"no_such_action\" not allowed."]),
    );
}

#[tokio::test]
async fn the_permission_sees_the_arguments() {
    let (app, _) = guarded(Permissions::new(KeyIsOpen));
    let mut conn = connect(&app, "/g/").await;
    assert_ok(
        &request(&mut conn, "open", json!({"key": "open"})).await,
        200,
        json!("open"),
    );
    assert_error(
        &request(&mut conn, "open", json!({"key": "shut"})).await,
        403,
        json!([DENIED]),
    );
    assert_error(
        &request(&mut conn, "open", json!({})).await,
        403,
        json!([DENIED]),
    );
}

#[tokio::test]
async fn can_connect_refusal_is_access_denied_before_any_consumer_code() {
    let (app, connects) = guarded(Permissions::new(RefuseConnect));
    assert_eq!(
        app.connect_local("/g/", Scope::default())
            .await
            .unwrap_err(),
        HandshakeError::AccessDenied
    );
    assert_eq!(
        connects.load(Ordering::SeqCst),
        0,
        "no consumer code runs for a refused connection"
    );
    let mut conn = connect_with(&app, "/g/", query(&[("let-me-in", "1")])).await;
    assert_eq!(connects.load(Ordering::SeqCst), 1);
    assert_ok(
        &request(&mut conn, "whoami", json!({})).await,
        200,
        Value::Null,
    );
}

#[tokio::test]
async fn every_stream_of_a_multiplexer_may_refuse_the_connection() {
    let connects = Arc::new(AtomicUsize::new(0));
    let stream = |permissions| {
        Guarded(GuardedApi {
            permissions,
            connects: connects.clone(),
        })
    };
    let mux = Multiplexer::new()
        .stream("open", stream(Permissions::allow_any()))
        .stream("picky", stream(Permissions::new(RefuseConnect)));
    let app = App::new().multiplexer("/ws/", mux);
    assert_eq!(
        app.connect_local("/ws/", Scope::default())
            .await
            .unwrap_err(),
        HandshakeError::AccessDenied
    );
    assert_eq!(connects.load(Ordering::SeqCst), 0);
    let _conn = connect_with(&app, "/ws/", query(&[("let-me-in", "1")])).await;
    assert_eq!(connects.load(Ordering::SeqCst), 2, "both streams connected");
}

fn alice_auth() -> TokenAuth<impl Fn(String) -> std::future::Ready<Option<User>>> {
    TokenAuth::new(|token: String| {
        std::future::ready((token == "alice-token").then(|| User::new("1", "alice")))
    })
}

#[tokio::test]
async fn an_unknown_token_is_authentication_failed_before_any_consumer_code() {
    let (app, connects) = guarded(Permissions::allow_any());
    let app = app.authenticator(alice_auth());
    assert_eq!(
        app.connect_local("/g/", query(&[("token", "wrong")]))
            .await
            .unwrap_err(),
        HandshakeError::AuthenticationFailed
    );
    assert_eq!(connects.load(Ordering::SeqCst), 0);
    // No token: anonymous.
    let mut conn = connect(&app, "/g/").await;
    assert_ok(
        &request(&mut conn, "whoami", json!({})).await,
        200,
        Value::Null,
    );
}

#[tokio::test]
async fn is_authenticated_lets_anonymous_users_connect_and_refuses_their_actions() {
    let (app, _) = guarded(Permissions::new(IsAuthenticated));
    let app = app.authenticator(alice_auth());
    // As DCRF's IsAuthenticated: the connection is accepted, every action refused.
    let mut anonymous = connect(&app, "/g/").await;
    assert_error(
        &request(&mut anonymous, "whoami", json!({})).await,
        403,
        json!([DENIED]),
    );
    let mut alice = connect_with(&app, "/g/", query(&[("token", "alice-token")])).await;
    assert_ok(
        &request(&mut alice, "whoami", json!({})).await,
        200,
        json!("alice"),
    );
}

#[tokio::test]
async fn composed_permissions() {
    // Connect only when authenticated, and act only when authenticated.
    let (app, connects) = guarded(RequireAuthenticatedConnect.and(IsAuthenticated));
    let app = app.authenticator(alice_auth());
    assert_eq!(
        app.connect_local("/g/", Scope::default())
            .await
            .unwrap_err(),
        HandshakeError::AccessDenied
    );
    assert_eq!(connects.load(Ordering::SeqCst), 0);
    let mut alice = connect_with(&app, "/g/", query(&[("token", "alice-token")])).await;
    assert_ok(
        &request(&mut alice, "whoami", json!({})).await,
        200,
        json!("alice"),
    );

    // `|`: either may allow; `&`: both must; `!`: the opposite. `!` inverts `can_connect`
    // too (as DCRF's NOT does), so an inverted class that lets everyone connect refuses
    // every connection: `| connect_only()` lets the connection in and allows no action.
    let whoami = || Permissions::new(Only(&["whoami"]));
    let open = || Permissions::new(Only(&["open"]));
    let connect_only = || Permissions::new(DenyAll);
    let cases = [
        (whoami() | open(), [200, 200, 403]),
        (whoami() & open(), [403, 403, 403]),
        (whoami() & (!open() | connect_only()), [200, 403, 403]),
        (!whoami() | connect_only(), [403, 200, 405]),
        (!(whoami() | open()) | connect_only(), [403, 403, 405]),
        (Only(&["whoami"]).or(KeyIsOpen), [200, 200, 403]),
        (Only(&["open"]).and(KeyIsOpen), [403, 200, 403]),
        (DenyAll.not() | connect_only(), [200, 200, 405]),
    ];
    for (i, (permissions, expected)) in cases.into_iter().enumerate() {
        let (app, _) = guarded(permissions);
        let mut conn = connect(&app, "/g/").await;
        let mut got = Vec::new();
        for (action, args) in [
            ("whoami", json!({})),
            ("open", json!({"key": "open"})),
            ("unknown", json!({})),
        ] {
            let reply = request(&mut conn, action, args).await;
            got.push(reply["response_status"].as_u64().unwrap());
        }
        assert_eq!(got, expected, "case {i}");
    }
    let (app, _) = guarded(!whoami());
    assert_eq!(
        app.connect_local("/g/", Scope::default())
            .await
            .unwrap_err(),
        HandshakeError::AccessDenied
    );

    // An inverted connect check: RequireAuthenticatedConnect refuses authenticated users.
    let (app, _) = guarded(!Permissions::new(RequireAuthenticatedConnect));
    let app = app.authenticator(alice_auth());
    assert_eq!(
        app.connect_local("/g/", query(&[("token", "alice-token")]))
            .await
            .unwrap_err(),
        HandshakeError::AccessDenied
    );
    connect(&app, "/g/").await;
}
