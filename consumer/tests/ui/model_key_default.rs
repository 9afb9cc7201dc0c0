chanrest::model! {
    /// A note.
    pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
        #[pk]
        code: String = String::new(),
        text: String,
    }
}

fn main() {}
