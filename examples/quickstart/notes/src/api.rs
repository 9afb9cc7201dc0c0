// The API's contract: what clients see, and nothing else. build.rs includes this file to
// write the manifest, so it compiles without chanrest's server half and without handlers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

chanrest::model! {
    /// A note.
    pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
        /// Assigned by the database.
        #[pk(auto)]
        id: i64,
        /// What the note says.
        text: String [max_length = 500],
        /// Pinned to the top?
        #[query]
        pinned: bool = false,
    }
}

chanrest::model_consumer! {
    /// Notes: DCRF's generic actions and live lists.
    pub consumer Notes: NotesHandler for Note {
        list, retrieve, create, patch, delete, subscribe_list
    }
}

chanrest::consumer! {
    /// Text tools.
    pub consumer Words: WordsHandler {
        /// Counts the words of `text`; a blank text is a 400 on `text`.
        action count(CountArgs {
            /// The text to count.
            text: String,
        }) -> Counted;
    }
}

/// What `count` answers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Counted {
    /// How many words.
    pub words: u64,
}

/// The API: every consumer at its path. build.rs writes it out; the server serves that file.
#[allow(dead_code)]
pub fn manifest() -> chanrest::Manifest {
    chanrest::ManifestBuilder::new("notes", env!("CARGO_PKG_VERSION"))
        .consumer::<Words>("/ws/words/")
        .consumer::<Notes>("/ws/notes/")
        .build()
}
