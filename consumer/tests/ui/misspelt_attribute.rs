chanrest::consumer! {
    /// Work.
    pub consumer Jobs: JobsHandler {
        /// Runs a while.
        #[detach]
        action run() -> ();
    }
}

fn main() {}
