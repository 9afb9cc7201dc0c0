chanrest::consumer! {
    #[derive(Debug)]
    pub consumer Calc: CalcHandler {
        action ping() -> ();
    }
}

fn main() {}
