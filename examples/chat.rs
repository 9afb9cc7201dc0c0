//! A chat server with rooms: groups, `group_send`, and pushes.
//!
//! ```text
//! cargo run --example chat            # listens on 127.0.0.1:8001
//! → {"action": "join", "request_id": 1, "room": "lobby", "name": "ada"}
//! → {"action": "say", "request_id": 2, "room": "lobby", "text": "hello"}
//! ← {"errors": [], "data": {"room": "lobby", "name": "ada", "text": "hello"}, "action": "message", "response_status": 200, "request_id": null}
//! ```

use chanrest::prelude::*;
use serde::{Deserialize, Serialize};

chanrest::consumer! {
    /// Rooms where everyone sees what everyone says.
    pub consumer Chat: ChatHandler {
        /// Joins `room` under `name`; returns the rooms joined so far.
        action join(JoinArgs {
            /// The room to join.
            room: String,
            /// The name the others see.
            name: String,
        }) -> Vec<String>;
        /// Leaves `room`.
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
    room: String,
    name: String,
    text: String,
}

/// Group names are per room.
fn group(room: &str) -> String {
    format!("chat.{room}")
}

struct ChatApi;

impl ChatHandler for ChatApi {
    async fn join(&self, ctx: &Ctx, args: JoinArgs) -> chanrest::Result<Vec<String>> {
        ctx.add_group(&group(&args.room)).await?;
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
        ctx.remove_group(&group(&args.room)).await?;
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

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8001").await?;
    println!("chat on ws://{}/ws/chat/", listener.local_addr()?);
    App::new()
        .consumer("/ws/chat/", Chat(ChatApi))
        .serve(listener)
        .await;
    Ok(())
}
