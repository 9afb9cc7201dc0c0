//! Each misuse of `consumer!`, `model!`, `model_consumer!` and `routed_model_consumer!` fails
//! to compile with a message that names the fix, and, where the mistake is a name, an error
//! on that token.

#[test]
fn dsl_misuse_is_a_compile_error_naming_the_fix() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
