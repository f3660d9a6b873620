//! The library half of `orderseal-cli`: the inbox server (`orderseal serve`),
//! so that its router can be driven in process by tests and the fuzz target
//! `fuzz/fuzz_targets/inbox_request.rs`. The binary (`src/main.rs`) holds
//! the other commands and calls [`serve::run`].

pub mod serve;
