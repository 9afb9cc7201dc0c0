chanrest::consumer! {
    pub consumer Calc: CalcHandler {
        action add(AddArgs { a: i64, b: i64 }) -> i64
    }
}

fn main() {}
