//! The notes server: the consumers of src/api.rs with their handlers, the manifest at
//! /manifest.json, and a plain warp route beside them.

mod api;

use api::{CountArgs, Counted, Note};
use chanrest::generic::ModelHandler;
use chanrest::prelude::*;
use chanrest::store::Store;
use warp::Filter;

struct WordsApi;

impl api::WordsHandler for WordsApi {
    async fn count(&self, _ctx: &Ctx, args: CountArgs) -> chanrest::Result<Counted> {
        let words = args.text.split_whitespace().count() as u64;
        if words == 0 {
            return Err(ActionError::field("text", "Nothing to count."));
        }
        Ok(Counted { words })
    }
}

struct NotesApi {
    store: Store,
}

// Every action of the model consumer comes with chanrest; a handler only says where rows live.
impl ModelHandler<Note> for NotesApi {
    fn store(&self) -> &Store {
        &self.store
    }
}

impl api::NotesHandler for NotesApi {}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let addr = std::env::args().nth(1);
    let addr = addr.as_deref().unwrap_or("127.0.0.1:8000");
    let app = App::new();
    let store = Store::connect("sqlite::memory:", app.layer()).await?;
    store.migrate::<Note>().await?;
    let app = app
        .consumer("/ws/words/", api::Words(WordsApi))
        .consumer("/ws/notes/", api::Notes(NotesApi { store }))
        .serve_manifest(chanrest::include_manifest!());
    let health = warp::path!("health").map(|| "ok");

    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("notes listening on http://{}", listener.local_addr()?);
    let routes = app.filter().or(health);
    chanrest::serve(
        listener,
        routes,
        chanrest::DEFAULT_HANDSHAKE_TIMEOUT,
        std::future::pending(),
    )
    .await;
    Ok(())
}
