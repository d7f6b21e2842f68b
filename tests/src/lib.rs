//! Integration and UI tests of crossmint-auth live in `tests/`. This library only makes the
//! README's code blocks doc tests, so every example in it compiles.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct Readme;
