chanrest::model! {
    /// A note.
    pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
        #[pk(auto)]
        id: i64,
        /// A code the client picks.
        #[pk]
        code: String,
        text: String,
    }
}

fn main() {}
