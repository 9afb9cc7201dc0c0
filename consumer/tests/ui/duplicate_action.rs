chanrest::consumer! {
    pub consumer Calc: CalcHandler {
        action ping() -> ();
        action ping() -> ();
    }
}

fn main() {}
