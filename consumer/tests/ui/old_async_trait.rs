chanrest::consumer! {
    /// Arithmetic.
    pub consumer Calc: CalcHandler {
        /// Adds.
        action add(AddArgs { a: i64, b: i64 }) -> i64;
    }
}

struct Impl;

// Handler traits take plain `async fn`s: the attribute is one too many.
#[chanrest::async_trait]
impl CalcHandler for Impl {
    async fn add(&self, _ctx: &chanrest::Ctx, args: AddArgs) -> chanrest::Result<i64> {
        Ok(args.a + args.b)
    }
}

fn main() {}
