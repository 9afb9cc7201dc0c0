chanrest::model! {
    /// A note.
    pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
        /// What it says.
        text: String,
    }
}

fn main() {}
