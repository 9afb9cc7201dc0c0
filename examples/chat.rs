//! A chat server with rooms: subscriptions, `group_send`, and pushes.
//!
//! Joining a room is a subscription (`#[pushes(message)]` + `#[unsubscribe(leave)]`): what is
//! said in the room reaches the joining request's `request_id`, so a generated client gets a
//! typed stream of `message` pushes per room, ended by `leave` (sent with the same id).
//!
//! ```text
//! cargo run --example chat            # listens on 127.0.0.1:8001
//! → {"action": "join", "request_id": 1, "room": "lobby", "name": "ada"}
//! ← {"errors": [], "data": ["chat.lobby"], "action": "join", "response_status": 200, "request_id": 1}
//! ← {"errors": [], "data": {"room": "lobby", "name": "server", "text": "ada joined"}, "action": "message", "response_status": 200, "request_id": 1}
//! → {"action": "say", "request_id": 2, "room": "lobby", "text": "hello"}
//! ← {"errors": [], "data": null, "action": "say", "response_status": 200, "request_id": 2}
//! ← {"errors": [], "data": {"room": "lobby", "name": "anonymous", "text": "hello"}, "action": "message", "response_status": 200, "request_id": 1}
//! → {"action": "leave", "request_id": 1, "room": "lobby"}
//! ```

use chanrest::prelude::*;
use serde::{Deserialize, Serialize};

chanrest::consumer! {
    /// Rooms where everyone sees what everyone says.
    pub consumer Chat: ChatHandler {
        /// Joins `room` under `name`; returns the rooms joined so far. Everything said in the
        /// room comes as `message` pushes with this request's id, until `leave`.
        #[pushes(message)]
        #[unsubscribe(leave)]
        action join(JoinArgs {
            /// The room to join.
            room: String,
            /// The name the others see.
            name: String,
        }) -> Vec<String>;
        /// Leaves `room` (send it with the `request_id` of its `join`).
        action leave(LeaveArgs {
            /// The room to leave.
            room: String,
        }) -> Vec<String>;
        /// Says `text` in `room` (which you must have joined).
        #[pushes(message)]
        action say(SayArgs {
            /// The room to speak in.
            room: String,
            /// What to say.
            text: String,
        }) -> ();
        /// Someone said something in a room you are in.
        push message(Said);
    }
}

/// A line said in a room.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Said {
    /// The room it was said in.
    room: String,
    /// Who said it (`server` for arrivals).
    name: String,
    /// What was said.
    text: String,
}

/// Group names are per room.
fn group(room: &str) -> String {
    format!("chat.{room}")
}

struct ChatApi;

impl ChatHandler for ChatApi {
    async fn join(&self, ctx: &Ctx, args: JoinArgs) -> chanrest::Result<Vec<String>> {
        // Subscribes this request's id to the room: its pushes carry that id. (`add_group`
        // would do the same here, since `join` declares a subscription.)
        ctx.subscribe(&group(&args.room)).await?;
        ctx.group_send(
            &group(&args.room),
            Push::new(
                "message",
                &Said {
                    room: args.room,
                    name: "server".into(),
                    text: format!("{} joined", args.name),
                },
            )?,
        )
        .await?;
        Ok(ctx.groups())
    }

    async fn leave(&self, ctx: &Ctx, args: LeaveArgs) -> chanrest::Result<Vec<String>> {
        // Ends the subscription of this request id (the one `join` was sent with).
        ctx.unsubscribe(&group(&args.room)).await?;
        Ok(ctx.groups())
    }

    async fn say(&self, ctx: &Ctx, args: SayArgs) -> chanrest::Result<()> {
        if !ctx.groups().contains(&group(&args.room)) {
            return Err(ActionError::field("room", "Join the room first."));
        }
        let name = ctx
            .user()
            .map_or_else(|| "anonymous".to_owned(), |u| u.username.clone());
        ctx.group_send(
            &group(&args.room),
            Push::new(
                "message",
                &Said {
                    room: args.room,
                    name,
                    text: args.text,
                },
            )?,
        )
        .await
    }
}

/// The chat server's app: `Chat` at `/ws/chat/`.
pub fn app() -> App {
    App::new().consumer("/ws/chat/", Chat(ChatApi))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8001").await?;
    println!("chat on ws://{}/ws/chat/", listener.local_addr()?);
    app().serve(listener).await;
    Ok(())
}
