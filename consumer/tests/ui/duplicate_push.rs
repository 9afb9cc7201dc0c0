chanrest::consumer! {
    /// A chat.
    pub consumer Chat: ChatHandler {
        /// A line.
        push message(String);
        /// Another line.
        push message(String);
    }
}

fn main() {}
