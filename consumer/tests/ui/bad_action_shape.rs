chanrest::consumer! {
    pub consumer Calc: CalcHandler {
        action add -> i64;
    }
}

fn main() {}
