chanrest::model! {
    /// A note.
    pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
        #[pk(auto)]
        id: i64,
        text: String,
    }
}

chanrest::model_consumer! {
    /// Notes.
    pub consumer Notes: NotesHandler for Note {
        list, retrieve;
        /// The notes, newest first.
        action list() -> Vec<Note>;
    }
}

fn main() {}
