chanrest::consumer! {
    #[dialect = graphql]
    pub consumer Calc: CalcHandler {
        action ping() -> ();
    }
}

fn main() {}
