//! Authentication and permissions: a token in the handshake (header, `?token=` or cookie)
//! puts a user in the scope; `IsAuthenticated` guards the actions; a custom permission
//! class lets only admins delete.
//!
//! ```text
//! cargo run --example auth            # listens on 127.0.0.1:8002
//! ws://127.0.0.1:8002/ws/notes/?token=alice   → whoami answers "alice"
//! ws://127.0.0.1:8002/ws/notes/               → every action: 403
//! ws://127.0.0.1:8002/ws/notes/?token=bogus   → handshake refused (401)
//! ```

use chanrest::prelude::*;
use chanrest::{IsAuthenticated, TokenAuth, User};
use serde_json::{Map, Value};

chanrest::consumer! {
    /// Notes for signed-in users.
    pub consumer Notes: NotesHandler {
        /// The signed-in user's name.
        action whoami() -> String;
        /// Deletes everything (admins only).
        action purge() -> ();
    }
}

/// Only users with the `admin` claim may `purge`.
struct AdminsPurge;

#[async_trait]
impl Permission for AdminsPurge {
    async fn has_permission(&self, scope: &Scope, action: &str, _: &Map<String, Value>) -> bool {
        action != "purge"
            || scope
                .user
                .as_ref()
                .is_some_and(|u| u.claims.get("admin") == Some(&Value::Bool(true)))
    }
}

struct NotesApi;

impl NotesHandler for NotesApi {
    async fn whoami(&self, ctx: &Ctx, _: NoArgs) -> chanrest::Result<String> {
        Ok(ctx.user().map(|u| u.username.clone()).unwrap_or_default())
    }

    async fn purge(&self, _: &Ctx, _: NoArgs) -> chanrest::Result<()> {
        Ok(())
    }

    fn permissions(&self) -> Permissions {
        IsAuthenticated.and(AdminsPurge)
    }
}

/// Looks a token up; a real server would ask its session store.
async fn user_for(token: String) -> Option<User> {
    match token.as_str() {
        "alice" => Some(User::new("1", "alice")),
        "root" => {
            let mut user = User::new("0", "root");
            user.claims.insert("admin".into(), Value::Bool(true));
            Some(user)
        }
        _ => None,
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8002").await?;
    println!(
        "notes on ws://{}/ws/notes/?token=alice",
        listener.local_addr()?
    );
    App::new()
        .consumer("/ws/notes/", Notes(NotesApi))
        .authenticator(TokenAuth::new(user_for))
        .serve(listener)
        .await;
    Ok(())
}
