chanrest::model! {
    /// A note.
    pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
        #[pk(auto)]
        id: i64,
        /// Who wrote it.
        #[qurey]
        author: String,
    }
}

fn main() {}
