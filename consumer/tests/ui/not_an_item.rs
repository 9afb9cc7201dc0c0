chanrest::consumer! {
    pub consumer Calc: CalcHandler {
        fn add(a: i64, b: i64) -> i64;
    }
}

fn main() {}
