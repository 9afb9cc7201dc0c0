chanrest::model! {
    /// A note.
    pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
        #[pk(auto)]
        id: i64,
        text: String,
    }
}

chanrest::routed_model_consumer! {
    /// One note, by the route's `pk`.
    pub consumer NoteDetail: NoteDetailHandler for Note, pk i64 {
        retrieve, destroy;
        /// Deletes the note, keeping a copy.
        #[status = 204]
        action destroy(chanrest::rfc::RouteLookup<i64>) -> ();
    }
}

fn main() {}
