//! Each misuse of `consumer!` fails to compile with a message that names the fix.

#[test]
fn dsl_misuse_is_a_compile_error_naming_the_fix() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
