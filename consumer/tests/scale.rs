//! The DSL at a real size, compiled without `#![recursion_limit]`: a consumer of 100
//! actions, each with two doc lines, one attribute (`#[status = 201]`, `#[detached]` or
//! `#[pushes(tick)]`) and documented argument fields, and a model of 60 documented fields.
//! Both are served and called through `App::connect_local`.
//!
//! The declarations are written out as a user would write them: action `aNN` adds its
//! arguments and `NN`; field `fNN` of `Wide` cycles through the field types, every tenth is
//! a query field, every fourth has a default.

use chanrest::generic::ModelHandler;
use chanrest::model::Model;
use chanrest::store::Store;
use chanrest::{App, Ctx, InMemoryChannelLayer, LocalConnection, ManifestBuilder, Push, Scope};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Which attribute action `aNN` has: `NN % 3`.
fn attribute_of(n: usize) -> &'static str {
    ["status", "detached", "pushes"][n % 3]
}

chanrest::consumer! {
    /// A consumer of a hundred actions.
    pub consumer Big: BigHandler {
        /// Adds `a`, `b` and 0.
        /// Action number 0 of the hundred.
        #[status = 201]
        action a00(A00Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 1.
        /// Action number 1 of the hundred.
        #[detached]
        action a01(A01Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 2.
        /// Action number 2 of the hundred.
        #[pushes(tick)]
        action a02(A02Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 3.
        /// Action number 3 of the hundred.
        #[status = 201]
        action a03(A03Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 4.
        /// Action number 4 of the hundred.
        #[detached]
        action a04(A04Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 5.
        /// Action number 5 of the hundred.
        #[pushes(tick)]
        action a05(A05Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 6.
        /// Action number 6 of the hundred.
        #[status = 201]
        action a06(A06Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 7.
        /// Action number 7 of the hundred.
        #[detached]
        action a07(A07Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 8.
        /// Action number 8 of the hundred.
        #[pushes(tick)]
        action a08(A08Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 9.
        /// Action number 9 of the hundred.
        #[status = 201]
        action a09(A09Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 10.
        /// Action number 10 of the hundred.
        #[detached]
        action a10(A10Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 11.
        /// Action number 11 of the hundred.
        #[pushes(tick)]
        action a11(A11Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 12.
        /// Action number 12 of the hundred.
        #[status = 201]
        action a12(A12Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 13.
        /// Action number 13 of the hundred.
        #[detached]
        action a13(A13Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 14.
        /// Action number 14 of the hundred.
        #[pushes(tick)]
        action a14(A14Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 15.
        /// Action number 15 of the hundred.
        #[status = 201]
        action a15(A15Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 16.
        /// Action number 16 of the hundred.
        #[detached]
        action a16(A16Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 17.
        /// Action number 17 of the hundred.
        #[pushes(tick)]
        action a17(A17Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 18.
        /// Action number 18 of the hundred.
        #[status = 201]
        action a18(A18Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 19.
        /// Action number 19 of the hundred.
        #[detached]
        action a19(A19Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 20.
        /// Action number 20 of the hundred.
        #[pushes(tick)]
        action a20(A20Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 21.
        /// Action number 21 of the hundred.
        #[status = 201]
        action a21(A21Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 22.
        /// Action number 22 of the hundred.
        #[detached]
        action a22(A22Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 23.
        /// Action number 23 of the hundred.
        #[pushes(tick)]
        action a23(A23Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 24.
        /// Action number 24 of the hundred.
        #[status = 201]
        action a24(A24Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 25.
        /// Action number 25 of the hundred.
        #[detached]
        action a25(A25Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 26.
        /// Action number 26 of the hundred.
        #[pushes(tick)]
        action a26(A26Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 27.
        /// Action number 27 of the hundred.
        #[status = 201]
        action a27(A27Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 28.
        /// Action number 28 of the hundred.
        #[detached]
        action a28(A28Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 29.
        /// Action number 29 of the hundred.
        #[pushes(tick)]
        action a29(A29Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 30.
        /// Action number 30 of the hundred.
        #[status = 201]
        action a30(A30Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 31.
        /// Action number 31 of the hundred.
        #[detached]
        action a31(A31Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 32.
        /// Action number 32 of the hundred.
        #[pushes(tick)]
        action a32(A32Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 33.
        /// Action number 33 of the hundred.
        #[status = 201]
        action a33(A33Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 34.
        /// Action number 34 of the hundred.
        #[detached]
        action a34(A34Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 35.
        /// Action number 35 of the hundred.
        #[pushes(tick)]
        action a35(A35Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 36.
        /// Action number 36 of the hundred.
        #[status = 201]
        action a36(A36Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 37.
        /// Action number 37 of the hundred.
        #[detached]
        action a37(A37Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 38.
        /// Action number 38 of the hundred.
        #[pushes(tick)]
        action a38(A38Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 39.
        /// Action number 39 of the hundred.
        #[status = 201]
        action a39(A39Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 40.
        /// Action number 40 of the hundred.
        #[detached]
        action a40(A40Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 41.
        /// Action number 41 of the hundred.
        #[pushes(tick)]
        action a41(A41Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 42.
        /// Action number 42 of the hundred.
        #[status = 201]
        action a42(A42Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 43.
        /// Action number 43 of the hundred.
        #[detached]
        action a43(A43Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 44.
        /// Action number 44 of the hundred.
        #[pushes(tick)]
        action a44(A44Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 45.
        /// Action number 45 of the hundred.
        #[status = 201]
        action a45(A45Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 46.
        /// Action number 46 of the hundred.
        #[detached]
        action a46(A46Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 47.
        /// Action number 47 of the hundred.
        #[pushes(tick)]
        action a47(A47Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 48.
        /// Action number 48 of the hundred.
        #[status = 201]
        action a48(A48Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 49.
        /// Action number 49 of the hundred.
        #[detached]
        action a49(A49Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 50.
        /// Action number 50 of the hundred.
        #[pushes(tick)]
        action a50(A50Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 51.
        /// Action number 51 of the hundred.
        #[status = 201]
        action a51(A51Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 52.
        /// Action number 52 of the hundred.
        #[detached]
        action a52(A52Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 53.
        /// Action number 53 of the hundred.
        #[pushes(tick)]
        action a53(A53Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 54.
        /// Action number 54 of the hundred.
        #[status = 201]
        action a54(A54Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 55.
        /// Action number 55 of the hundred.
        #[detached]
        action a55(A55Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 56.
        /// Action number 56 of the hundred.
        #[pushes(tick)]
        action a56(A56Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 57.
        /// Action number 57 of the hundred.
        #[status = 201]
        action a57(A57Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 58.
        /// Action number 58 of the hundred.
        #[detached]
        action a58(A58Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 59.
        /// Action number 59 of the hundred.
        #[pushes(tick)]
        action a59(A59Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 60.
        /// Action number 60 of the hundred.
        #[status = 201]
        action a60(A60Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 61.
        /// Action number 61 of the hundred.
        #[detached]
        action a61(A61Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 62.
        /// Action number 62 of the hundred.
        #[pushes(tick)]
        action a62(A62Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 63.
        /// Action number 63 of the hundred.
        #[status = 201]
        action a63(A63Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 64.
        /// Action number 64 of the hundred.
        #[detached]
        action a64(A64Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 65.
        /// Action number 65 of the hundred.
        #[pushes(tick)]
        action a65(A65Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 66.
        /// Action number 66 of the hundred.
        #[status = 201]
        action a66(A66Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 67.
        /// Action number 67 of the hundred.
        #[detached]
        action a67(A67Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 68.
        /// Action number 68 of the hundred.
        #[pushes(tick)]
        action a68(A68Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 69.
        /// Action number 69 of the hundred.
        #[status = 201]
        action a69(A69Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 70.
        /// Action number 70 of the hundred.
        #[detached]
        action a70(A70Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 71.
        /// Action number 71 of the hundred.
        #[pushes(tick)]
        action a71(A71Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 72.
        /// Action number 72 of the hundred.
        #[status = 201]
        action a72(A72Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 73.
        /// Action number 73 of the hundred.
        #[detached]
        action a73(A73Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 74.
        /// Action number 74 of the hundred.
        #[pushes(tick)]
        action a74(A74Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 75.
        /// Action number 75 of the hundred.
        #[status = 201]
        action a75(A75Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 76.
        /// Action number 76 of the hundred.
        #[detached]
        action a76(A76Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 77.
        /// Action number 77 of the hundred.
        #[pushes(tick)]
        action a77(A77Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 78.
        /// Action number 78 of the hundred.
        #[status = 201]
        action a78(A78Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 79.
        /// Action number 79 of the hundred.
        #[detached]
        action a79(A79Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 80.
        /// Action number 80 of the hundred.
        #[pushes(tick)]
        action a80(A80Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 81.
        /// Action number 81 of the hundred.
        #[status = 201]
        action a81(A81Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 82.
        /// Action number 82 of the hundred.
        #[detached]
        action a82(A82Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 83.
        /// Action number 83 of the hundred.
        #[pushes(tick)]
        action a83(A83Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 84.
        /// Action number 84 of the hundred.
        #[status = 201]
        action a84(A84Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 85.
        /// Action number 85 of the hundred.
        #[detached]
        action a85(A85Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 86.
        /// Action number 86 of the hundred.
        #[pushes(tick)]
        action a86(A86Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 87.
        /// Action number 87 of the hundred.
        #[status = 201]
        action a87(A87Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 88.
        /// Action number 88 of the hundred.
        #[detached]
        action a88(A88Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 89.
        /// Action number 89 of the hundred.
        #[pushes(tick)]
        action a89(A89Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 90.
        /// Action number 90 of the hundred.
        #[status = 201]
        action a90(A90Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 91.
        /// Action number 91 of the hundred.
        #[detached]
        action a91(A91Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 92.
        /// Action number 92 of the hundred.
        #[pushes(tick)]
        action a92(A92Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 93.
        /// Action number 93 of the hundred.
        #[status = 201]
        action a93(A93Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 94.
        /// Action number 94 of the hundred.
        #[detached]
        action a94(A94Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 95.
        /// Action number 95 of the hundred.
        #[pushes(tick)]
        action a95(A95Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 96.
        /// Action number 96 of the hundred.
        #[status = 201]
        action a96(A96Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 97.
        /// Action number 97 of the hundred.
        #[detached]
        action a97(A97Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 98.
        /// Action number 98 of the hundred.
        #[pushes(tick)]
        action a98(A98Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;
        /// Adds `a`, `b` and 99.
        /// Action number 99 of the hundred.
        #[status = 201]
        action a99(A99Args {
            /// The first term.
            a: i64,
            /// The second term (default 0).
            #[serde(default)]
            b: i64,
        }) -> i64;

        /// The first term of an action with `#[pushes(tick)]`.
        push tick(i64);
    }
}

struct BigApi;

impl BigHandler for BigApi {
    async fn a00(&self, _ctx: &Ctx, args: A00Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b)
    }
    async fn a01(&self, _ctx: &Ctx, args: A01Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 1)
    }
    async fn a02(&self, ctx: &Ctx, args: A02Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 2)
    }
    async fn a03(&self, _ctx: &Ctx, args: A03Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 3)
    }
    async fn a04(&self, _ctx: &Ctx, args: A04Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 4)
    }
    async fn a05(&self, ctx: &Ctx, args: A05Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 5)
    }
    async fn a06(&self, _ctx: &Ctx, args: A06Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 6)
    }
    async fn a07(&self, _ctx: &Ctx, args: A07Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 7)
    }
    async fn a08(&self, ctx: &Ctx, args: A08Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 8)
    }
    async fn a09(&self, _ctx: &Ctx, args: A09Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 9)
    }
    async fn a10(&self, _ctx: &Ctx, args: A10Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 10)
    }
    async fn a11(&self, ctx: &Ctx, args: A11Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 11)
    }
    async fn a12(&self, _ctx: &Ctx, args: A12Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 12)
    }
    async fn a13(&self, _ctx: &Ctx, args: A13Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 13)
    }
    async fn a14(&self, ctx: &Ctx, args: A14Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 14)
    }
    async fn a15(&self, _ctx: &Ctx, args: A15Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 15)
    }
    async fn a16(&self, _ctx: &Ctx, args: A16Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 16)
    }
    async fn a17(&self, ctx: &Ctx, args: A17Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 17)
    }
    async fn a18(&self, _ctx: &Ctx, args: A18Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 18)
    }
    async fn a19(&self, _ctx: &Ctx, args: A19Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 19)
    }
    async fn a20(&self, ctx: &Ctx, args: A20Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 20)
    }
    async fn a21(&self, _ctx: &Ctx, args: A21Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 21)
    }
    async fn a22(&self, _ctx: &Ctx, args: A22Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 22)
    }
    async fn a23(&self, ctx: &Ctx, args: A23Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 23)
    }
    async fn a24(&self, _ctx: &Ctx, args: A24Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 24)
    }
    async fn a25(&self, _ctx: &Ctx, args: A25Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 25)
    }
    async fn a26(&self, ctx: &Ctx, args: A26Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 26)
    }
    async fn a27(&self, _ctx: &Ctx, args: A27Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 27)
    }
    async fn a28(&self, _ctx: &Ctx, args: A28Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 28)
    }
    async fn a29(&self, ctx: &Ctx, args: A29Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 29)
    }
    async fn a30(&self, _ctx: &Ctx, args: A30Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 30)
    }
    async fn a31(&self, _ctx: &Ctx, args: A31Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 31)
    }
    async fn a32(&self, ctx: &Ctx, args: A32Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 32)
    }
    async fn a33(&self, _ctx: &Ctx, args: A33Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 33)
    }
    async fn a34(&self, _ctx: &Ctx, args: A34Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 34)
    }
    async fn a35(&self, ctx: &Ctx, args: A35Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 35)
    }
    async fn a36(&self, _ctx: &Ctx, args: A36Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 36)
    }
    async fn a37(&self, _ctx: &Ctx, args: A37Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 37)
    }
    async fn a38(&self, ctx: &Ctx, args: A38Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 38)
    }
    async fn a39(&self, _ctx: &Ctx, args: A39Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 39)
    }
    async fn a40(&self, _ctx: &Ctx, args: A40Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 40)
    }
    async fn a41(&self, ctx: &Ctx, args: A41Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 41)
    }
    async fn a42(&self, _ctx: &Ctx, args: A42Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 42)
    }
    async fn a43(&self, _ctx: &Ctx, args: A43Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 43)
    }
    async fn a44(&self, ctx: &Ctx, args: A44Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 44)
    }
    async fn a45(&self, _ctx: &Ctx, args: A45Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 45)
    }
    async fn a46(&self, _ctx: &Ctx, args: A46Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 46)
    }
    async fn a47(&self, ctx: &Ctx, args: A47Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 47)
    }
    async fn a48(&self, _ctx: &Ctx, args: A48Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 48)
    }
    async fn a49(&self, _ctx: &Ctx, args: A49Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 49)
    }
    async fn a50(&self, ctx: &Ctx, args: A50Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 50)
    }
    async fn a51(&self, _ctx: &Ctx, args: A51Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 51)
    }
    async fn a52(&self, _ctx: &Ctx, args: A52Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 52)
    }
    async fn a53(&self, ctx: &Ctx, args: A53Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 53)
    }
    async fn a54(&self, _ctx: &Ctx, args: A54Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 54)
    }
    async fn a55(&self, _ctx: &Ctx, args: A55Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 55)
    }
    async fn a56(&self, ctx: &Ctx, args: A56Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 56)
    }
    async fn a57(&self, _ctx: &Ctx, args: A57Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 57)
    }
    async fn a58(&self, _ctx: &Ctx, args: A58Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 58)
    }
    async fn a59(&self, ctx: &Ctx, args: A59Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 59)
    }
    async fn a60(&self, _ctx: &Ctx, args: A60Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 60)
    }
    async fn a61(&self, _ctx: &Ctx, args: A61Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 61)
    }
    async fn a62(&self, ctx: &Ctx, args: A62Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 62)
    }
    async fn a63(&self, _ctx: &Ctx, args: A63Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 63)
    }
    async fn a64(&self, _ctx: &Ctx, args: A64Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 64)
    }
    async fn a65(&self, ctx: &Ctx, args: A65Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 65)
    }
    async fn a66(&self, _ctx: &Ctx, args: A66Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 66)
    }
    async fn a67(&self, _ctx: &Ctx, args: A67Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 67)
    }
    async fn a68(&self, ctx: &Ctx, args: A68Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 68)
    }
    async fn a69(&self, _ctx: &Ctx, args: A69Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 69)
    }
    async fn a70(&self, _ctx: &Ctx, args: A70Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 70)
    }
    async fn a71(&self, ctx: &Ctx, args: A71Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 71)
    }
    async fn a72(&self, _ctx: &Ctx, args: A72Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 72)
    }
    async fn a73(&self, _ctx: &Ctx, args: A73Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 73)
    }
    async fn a74(&self, ctx: &Ctx, args: A74Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 74)
    }
    async fn a75(&self, _ctx: &Ctx, args: A75Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 75)
    }
    async fn a76(&self, _ctx: &Ctx, args: A76Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 76)
    }
    async fn a77(&self, ctx: &Ctx, args: A77Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 77)
    }
    async fn a78(&self, _ctx: &Ctx, args: A78Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 78)
    }
    async fn a79(&self, _ctx: &Ctx, args: A79Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 79)
    }
    async fn a80(&self, ctx: &Ctx, args: A80Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 80)
    }
    async fn a81(&self, _ctx: &Ctx, args: A81Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 81)
    }
    async fn a82(&self, _ctx: &Ctx, args: A82Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 82)
    }
    async fn a83(&self, ctx: &Ctx, args: A83Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 83)
    }
    async fn a84(&self, _ctx: &Ctx, args: A84Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 84)
    }
    async fn a85(&self, _ctx: &Ctx, args: A85Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 85)
    }
    async fn a86(&self, ctx: &Ctx, args: A86Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 86)
    }
    async fn a87(&self, _ctx: &Ctx, args: A87Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 87)
    }
    async fn a88(&self, _ctx: &Ctx, args: A88Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 88)
    }
    async fn a89(&self, ctx: &Ctx, args: A89Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 89)
    }
    async fn a90(&self, _ctx: &Ctx, args: A90Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 90)
    }
    async fn a91(&self, _ctx: &Ctx, args: A91Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 91)
    }
    async fn a92(&self, ctx: &Ctx, args: A92Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 92)
    }
    async fn a93(&self, _ctx: &Ctx, args: A93Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 93)
    }
    async fn a94(&self, _ctx: &Ctx, args: A94Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 94)
    }
    async fn a95(&self, ctx: &Ctx, args: A95Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 95)
    }
    async fn a96(&self, _ctx: &Ctx, args: A96Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 96)
    }
    async fn a97(&self, _ctx: &Ctx, args: A97Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 97)
    }
    async fn a98(&self, ctx: &Ctx, args: A98Args) -> chanrest::Result<i64> {
        ctx.push(&Push::new("tick", &args.a)?);
        Ok(args.a + args.b + 98)
    }
    async fn a99(&self, _ctx: &Ctx, args: A99Args) -> chanrest::Result<i64> {
        Ok(args.a + args.b + 99)
    }
}

chanrest::model! {
    /// A model of sixty fields.
    pub model Wide in "wides" (write WideWrite, patch WidePatch, filter WideFilter) {
        /// The key.
        /// Assigned by the database.
        #[pk(auto)]
        id: i64,
        /// Field number 1.
        /// Of type `String`.
        f01: String,
        /// Field number 2.
        /// Of type `bool`.
        f02: bool,
        /// Field number 3.
        /// Of type `f64`.
        f03: f64,
        /// Field number 4.
        /// Of type `Option<String>`.
        f04: Option<String> = None,
        /// Field number 5.
        /// Of type `i64`.
        f05: i64,
        /// Field number 6.
        /// Of type `String`.
        f06: String [max_length = 50, blank = true],
        /// Field number 7.
        /// Of type `bool`.
        f07: bool,
        /// Field number 8.
        /// Of type `f64`.
        f08: f64 = 0.5,
        /// Field number 9.
        /// Of type `Option<String>`.
        f09: Option<String>,
        /// Field number 10.
        /// Of type `i64`.
        #[query]
        f10: i64 [min = 0],
        /// Field number 11.
        /// Of type `String`.
        f11: String,
        /// Field number 12.
        /// Of type `bool`.
        f12: bool = true,
        /// Field number 13.
        /// Of type `f64`.
        f13: f64,
        /// Field number 14.
        /// Of type `Option<String>`.
        f14: Option<String>,
        /// Field number 15.
        /// Of type `i64`.
        f15: i64,
        /// Field number 16.
        /// Of type `String`.
        f16: String [max_length = 50, blank = true] = String::from("d"),
        /// Field number 17.
        /// Of type `bool`.
        f17: bool,
        /// Field number 18.
        /// Of type `f64`.
        f18: f64,
        /// Field number 19.
        /// Of type `Option<String>`.
        f19: Option<String>,
        /// Field number 20.
        /// Of type `i64`.
        #[query]
        f20: i64 [min = 0] = 7,
        /// Field number 21.
        /// Of type `String`.
        f21: String,
        /// Field number 22.
        /// Of type `bool`.
        f22: bool,
        /// Field number 23.
        /// Of type `f64`.
        f23: f64,
        /// Field number 24.
        /// Of type `Option<String>`.
        f24: Option<String> = None,
        /// Field number 25.
        /// Of type `i64`.
        f25: i64,
        /// Field number 26.
        /// Of type `String`.
        f26: String [max_length = 50, blank = true],
        /// Field number 27.
        /// Of type `bool`.
        f27: bool,
        /// Field number 28.
        /// Of type `f64`.
        f28: f64 = 0.5,
        /// Field number 29.
        /// Of type `Option<String>`.
        f29: Option<String>,
        /// Field number 30.
        /// Of type `i64`.
        #[query]
        f30: i64 [min = 0],
        /// Field number 31.
        /// Of type `String`.
        f31: String,
        /// Field number 32.
        /// Of type `bool`.
        f32: bool = true,
        /// Field number 33.
        /// Of type `f64`.
        f33: f64,
        /// Field number 34.
        /// Of type `Option<String>`.
        f34: Option<String>,
        /// Field number 35.
        /// Of type `i64`.
        f35: i64,
        /// Field number 36.
        /// Of type `String`.
        f36: String [max_length = 50, blank = true] = String::from("d"),
        /// Field number 37.
        /// Of type `bool`.
        f37: bool,
        /// Field number 38.
        /// Of type `f64`.
        f38: f64,
        /// Field number 39.
        /// Of type `Option<String>`.
        f39: Option<String>,
        /// Field number 40.
        /// Of type `i64`.
        #[query]
        f40: i64 [min = 0] = 7,
        /// Field number 41.
        /// Of type `String`.
        f41: String,
        /// Field number 42.
        /// Of type `bool`.
        f42: bool,
        /// Field number 43.
        /// Of type `f64`.
        f43: f64,
        /// Field number 44.
        /// Of type `Option<String>`.
        f44: Option<String> = None,
        /// Field number 45.
        /// Of type `i64`.
        f45: i64,
        /// Field number 46.
        /// Of type `String`.
        f46: String [max_length = 50, blank = true],
        /// Field number 47.
        /// Of type `bool`.
        f47: bool,
        /// Field number 48.
        /// Of type `f64`.
        f48: f64 = 0.5,
        /// Field number 49.
        /// Of type `Option<String>`.
        f49: Option<String>,
        /// Field number 50.
        /// Of type `i64`.
        #[query]
        f50: i64 [min = 0],
        /// Field number 51.
        /// Of type `String`.
        f51: String,
        /// Field number 52.
        /// Of type `bool`.
        f52: bool = true,
        /// Field number 53.
        /// Of type `f64`.
        f53: f64,
        /// Field number 54.
        /// Of type `Option<String>`.
        f54: Option<String>,
        /// Field number 55.
        /// Of type `i64`.
        f55: i64,
        /// Field number 56.
        /// Of type `String`.
        f56: String [max_length = 50, blank = true] = String::from("d"),
        /// Field number 57.
        /// Of type `bool`.
        f57: bool,
        /// Field number 58.
        /// Of type `f64`.
        f58: f64,
        /// Field number 59.
        /// Of type `Option<String>`.
        f59: Option<String>,
    }
}

chanrest::model_consumer! {
    /// Rows of sixty fields.
    pub consumer Wides: WidesHandler for Wide {
        list, retrieve, create, patch, delete;
    }
}

struct WidesApi {
    store: Store,
}

impl ModelHandler<Wide> for WidesApi {
    fn store(&self) -> &Store {
        &self.store
    }
}

impl WidesHandler for WidesApi {}

/// A create's `data`: every field without a default (parsed: serde_json's `json!` recurses
/// once per key and stops at about 45).
fn wide_data() -> Value {
    serde_json::from_str(
        r#"{
            "f01": "s1",
            "f02": false,
            "f03": 3.25,
            "f05": 5,
            "f06": "s6",
            "f07": false,
            "f09": "o9",
            "f10": 10,
            "f11": "s11",
            "f13": 13.25,
            "f14": "o14",
            "f15": 15,
            "f17": false,
            "f18": 18.25,
            "f19": "o19",
            "f21": "s21",
            "f22": false,
            "f23": 23.25,
            "f25": 25,
            "f26": "s26",
            "f27": false,
            "f29": "o29",
            "f30": 30,
            "f31": "s31",
            "f33": 33.25,
            "f34": "o34",
            "f35": 35,
            "f37": false,
            "f38": 38.25,
            "f39": "o39",
            "f41": "s41",
            "f42": false,
            "f43": 43.25,
            "f45": 45,
            "f46": "s46",
            "f47": false,
            "f49": "o49",
            "f50": 50,
            "f51": "s51",
            "f53": 53.25,
            "f54": "o54",
            "f55": 55,
            "f57": false,
            "f58": 58.25,
            "f59": "o59"
        }"#,
    )
    .expect("JSON")
}

fn manifest() -> chanrest::Manifest {
    ManifestBuilder::new("scale", "1.0")
        .consumer::<Big>("/ws/big/")
        .consumer::<Wides>("/ws/wides/")
        .build()
}

#[test]
fn the_manifest_has_every_action_with_its_docs_and_attributes() {
    let manifest = manifest();
    let big = &manifest.consumers[0];
    assert_eq!(big.actions.len(), 100);
    for (n, action) in big.actions.iter().enumerate() {
        assert_eq!(action.name, format!("a{n:02}"));
        assert_eq!(
            action.doc,
            format!("Adds `a`, `b` and {n}.\nAction number {n} of the hundred.")
        );
        let attribute = attribute_of(n);
        assert_eq!(action.status, if attribute == "status" { 201 } else { 200 });
        assert_eq!(action.detached, attribute == "detached", "{}", action.name);
        let pushes: &[&str] = if attribute == "pushes" {
            &["tick"]
        } else {
            &[]
        };
        assert_eq!(action.pushes, pushes, "{}", action.name);
        assert_eq!(action.unsubscribe, None);
        assert_eq!(
            action.args,
            json!({"$ref": format!("#/definitions/A{n:02}Args")})
        );
    }
    let args = &manifest.definitions["A42Args"];
    assert_eq!(
        args["description"],
        "Adds `a`, `b` and 42.\nAction number 42 of the hundred."
    );
    assert_eq!(args["properties"]["a"]["description"], "The first term.");
    assert_eq!(
        args["properties"]["b"]["description"],
        "The second term (default 0)."
    );
    assert_eq!(args["required"], json!(["a"]));
    assert_eq!(big.pushes.len(), 1);
    assert_eq!(
        big.pushes[0].doc,
        "The first term of an action with `#[pushes(tick)]`."
    );

    // What dispatch reads is the same list.
    let actions = <Big as chanrest::Contract>::actions();
    assert_eq!(actions.len(), 100);
    assert_eq!(actions[99].name, "a99");
    assert_eq!((actions[99].status, actions[97].detached), (201, true));
    assert_eq!(actions[98].pushes, ["tick"]);
}

#[test]
fn the_model_has_sixty_documented_fields() {
    let fields = Wide::fields();
    assert_eq!(fields.len(), 60);
    assert_eq!(Wide::primary_key().name, "id");
    assert!(fields[0].auto && fields[0].primary_key);
    assert_eq!(fields[0].doc, "The key.\nAssigned by the database.");
    assert_eq!(fields[13].name, "f13");
    assert_eq!(fields[13].doc, "Field number 13.\nOf type `f64`.");
    let query: Vec<&str> = fields.iter().filter(|f| f.query).map(|f| f.name).collect();
    assert_eq!(query, ["f10", "f20", "f30", "f40", "f50"]);
    assert_eq!(fields.iter().filter(|f| f.default.is_some()).count(), 14);
    assert_eq!(fields[4].default, Some(Value::Null));
    assert_eq!(fields[12].default, Some(json!(true)));
    assert!(fields[9].nullable);

    let manifest = manifest();
    let properties = |name: &str| {
        manifest.definitions[name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name} in the manifest"))
            .clone()
    };
    assert_eq!(properties("Wide").len(), 60);
    let write = properties("WideWrite");
    assert_eq!(write.len(), 59, "the auto key is not written");
    assert!(!write.contains_key("id"));
    assert_eq!(
        write["f13"]["description"],
        "Field number 13.\nOf type `f64`."
    );
    assert_eq!(properties("WidePatch").len(), 59);

    // The query fields make the filter type.
    let filter = WideFilter {
        f10: 10.into(),
        f50: 50.into(),
        ..WideFilter::default()
    };
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({"f10": 10, "f50": 50})
    );
}

async fn connect(app: &App, path: &str) -> LocalConnection {
    app.connect_local(path, Scope::default()).await.unwrap()
}

/// The frames that arrive within `wait`, as JSON.
async fn frames(conn: &mut LocalConnection, count: usize) -> Vec<Value> {
    let mut frames = Vec::new();
    for _ in 0..count {
        frames.push(conn.recv_json().await.expect("a frame"));
    }
    frames
}

#[tokio::test]
async fn actions_of_a_big_consumer_are_served() {
    let app = App::new().consumer("/ws/big/", Big(BigApi));
    let mut conn = connect(&app, "/ws/big/").await;

    // `#[status = 201]`, inline.
    conn.send_json(&json!({"action": "a00", "request_id": 1, "a": 2, "b": 3}))
        .await;
    let reply = conn.recv_json().await.unwrap();
    assert_eq!(
        (
            &reply["action"],
            &reply["request_id"],
            &reply["response_status"],
            &reply["data"]
        ),
        (&json!("a00"), &json!(1), &json!(201), &json!(5))
    );

    // `#[detached]`: the reply comes from a task.
    conn.send_json(&json!({"action": "a97", "request_id": 2, "a": 1, "b": 1}))
        .await;
    let reply = conn.recv_json().await.unwrap();
    assert_eq!(
        (&reply["response_status"], &reply["data"]),
        (&json!(200), &json!(99))
    );

    // `#[pushes(tick)]`: a push beside the reply; `b` defaults to 0.
    conn.send_json(&json!({"action": "a50", "request_id": 3, "a": 4}))
        .await;
    let mut got = frames(&mut conn, 2).await;
    got.sort_by_key(|frame| frame["action"].to_string());
    assert_eq!(
        (&got[0]["action"], &got[0]["data"]),
        (&json!("a50"), &json!(54))
    );
    assert_eq!(
        (&got[1]["action"], &got[1]["data"], &got[1]["request_id"]),
        (&json!("tick"), &json!(4), &Value::Null)
    );

    // The last action, and an argument error with DRF's shape.
    conn.send_json(&json!({"action": "a99", "request_id": 4, "a": 0}))
        .await;
    assert_eq!(conn.recv_json().await.unwrap()["data"], 99);
    conn.send_json(&json!({"action": "a10", "request_id": 5, "b": 1}))
        .await;
    let reply = conn.recv_json().await.unwrap();
    assert_eq!(reply["response_status"], 400);
    assert_eq!(reply["errors"], json!([{"a": ["This field is required."]}]));
    conn.close().await;
}

#[tokio::test]
async fn a_row_of_sixty_fields_round_trips() {
    let layer = Arc::new(InMemoryChannelLayer::new());
    let store = Store::connect("sqlite::memory:", layer.clone())
        .await
        .unwrap();
    store.migrate::<Wide>().await.unwrap();
    let app = App::new()
        .channel_layer(layer)
        .consumer("/ws/wides/", Wides(WidesApi { store }));
    let mut conn = connect(&app, "/ws/wides/").await;
    conn.set_timeout(Duration::from_secs(10));

    conn.send_json(&json!({"action": "create", "request_id": 1, "data": wide_data()}))
        .await;
    let created = conn.recv_json().await.unwrap();
    assert_eq!(created["response_status"], 201, "{created}");
    let row = &created["data"];
    assert_eq!(row.as_object().unwrap().len(), 60);
    assert_eq!(row["id"], 1);
    assert_eq!((&row["f13"], &row["f41"]), (&json!(13.25), &json!("s41")));
    // Defaults: f04 is an Option, f08 an f64, f12 a bool, f16 a String, f20 an i64.
    assert_eq!(
        (
            &row["f04"],
            &row["f08"],
            &row["f12"],
            &row["f16"],
            &row["f20"]
        ),
        (
            &Value::Null,
            &json!(0.5),
            &json!(true),
            &json!("d"),
            &json!(7)
        )
    );

    conn.send_json(
        &json!({"action": "patch", "request_id": 2, "pk": 1, "data": {"f01": "changed"}}),
    )
    .await;
    let patched = conn.recv_json().await.unwrap();
    assert_eq!(patched["data"]["f01"], "changed", "{patched}");

    conn.send_json(&json!({"action": "retrieve", "request_id": 3, "pk": 1}))
        .await;
    let retrieved = conn.recv_json().await.unwrap();
    assert_eq!(retrieved["data"], patched["data"]);

    // Every required field is named in the errors of an empty create.
    conn.send_json(&json!({"action": "create", "request_id": 4, "data": {}}))
        .await;
    let refused = conn.recv_json().await.unwrap();
    assert_eq!(refused["response_status"], 400);
    let required = Wide::fields()
        .iter()
        .filter(|f| !f.auto && f.default.is_none() && !f.nullable)
        .count();
    assert_eq!(
        refused["errors"][0].as_object().unwrap().len(),
        required,
        "{refused}"
    );
    conn.close().await;
}
