chanrest::consumer! {
    /// Work.
    pub consumer Jobs: JobsHandler {
        /// Runs as a task of its own.
        #[detached]
        action run() -> u32;
    }
}

struct Impl;

impl JobsHandler for Impl {
    async fn run(&self, _ctx: &chanrest::Ctx, _args: chanrest::NoArgs) -> chanrest::Result<u32> {
        // Held across an await: the future cannot move to another thread.
        let count = std::rc::Rc::new(1);
        tokio::task::yield_now().await;
        Ok(*count)
    }
}

fn main() {}
