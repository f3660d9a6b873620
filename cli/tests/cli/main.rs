//! Integration tests of the `orderseal` binary (one test crate, so the
//! binary and helpers are built and linked once).

// clippy.toml allows these inside `#[test]` functions only; the helpers of
// a test crate are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_input;
mod batch;
mod keys;
mod roundtrip;
mod snapshots;
mod support;
