chanrest::consumer! {
    /// A chat.
    pub consumer Chat: ChatHandler {
        /// Joins a room.
        #[unsubscribe(leave)]
        action join() -> ();
        /// Leaves it.
        action leave() -> ();
    }
}

fn main() {}
