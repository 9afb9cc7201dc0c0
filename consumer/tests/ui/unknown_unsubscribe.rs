chanrest::consumer! {
    /// A chat.
    pub consumer Chat: ChatHandler {
        /// Joins a room.
        #[pushes(message)]
        #[unsubscribe(leav)]
        action join() -> ();
        /// Leaves it.
        action leave() -> ();
        /// A line.
        push message(String);
    }
}

fn main() {}
