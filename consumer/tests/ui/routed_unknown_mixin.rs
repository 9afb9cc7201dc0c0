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
        retrieve, partial_updat;
    }
}

fn main() {}
