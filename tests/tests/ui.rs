//! Compile-time tests of `#[crossmint_auth]`: every valid shape compiles, and every rule
//! is a compile error with a checked-in message (`ui/fail/*.stderr`).
//!
//! Regenerate the expectations with `TRYBUILD=overwrite cargo test -p crossmint-auth-tests
//! --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
