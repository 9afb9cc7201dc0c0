chanrest::consumer! {
    /// A chat.
    pub consumer Chat: ChatHandler {
        /// Says something.
        #[pushes(mesage)]
        action say() -> ();
        /// A line.
        push message(String);
    }
}

fn main() {}
