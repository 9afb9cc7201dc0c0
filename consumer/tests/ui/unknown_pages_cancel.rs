chanrest::consumer! {
    /// Numbers, streamed.
    pub consumer Numbers: NumbersHandler {
        /// Every page of numbers.
        #[detached]
        #[pages(cancel = list_cancle)]
        action list() -> Vec<i64>;
        /// Stops the streams.
        action list_cancel() -> ();
    }
}

fn main() {}
