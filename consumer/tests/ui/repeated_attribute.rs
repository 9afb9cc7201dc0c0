chanrest::consumer! {
    /// Work.
    pub consumer Jobs: JobsHandler {
        /// Makes a job.
        #[status = 201]
        #[status = 202]
        action make() -> ();
    }
}

fn main() {}
