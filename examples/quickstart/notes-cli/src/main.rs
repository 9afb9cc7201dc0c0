//! Calls the notes server through its generated Rust client.

use notes_client::types::{CountArgs, NoteWrite, NotesCreateArgs};
use notes_client::{notes, words, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let server = std::env::args().nth(1);
    let server = server.as_deref().unwrap_or("ws://127.0.0.1:8000");

    let words = words::Client::connect(&format!("{server}/ws/words/")).await?;
    let text = "one two three".into();
    println!("count: {}", words.count(&CountArgs { text }).await?.words);
    match words.count(&CountArgs { text: " ".into() }).await {
        Err(Error::Api(err)) => println!("blank: {} {:?}", err.status, err.field("text")),
        other => panic!("a blank text is a 400, not {other:?}"),
    }

    let notes = notes::Client::connect(&format!("{server}/ws/notes/")).await?;
    let data = NoteWrite {
        text: "call the bank".to_owned(),
        pinned: Some(true),
    };
    let note = notes.create(&NotesCreateArgs { data }).await?;
    println!("created: {} (pinned: {})", note.text, note.pinned);
    Ok(())
}
