//! Integration tests of the chain layer: one binary, one module per concern.

// Test helpers outside `#[test]` functions unwrap too (clippy.toml only covers the test functions themselves).
#![allow(clippy::unwrap_used)]

mod anvil;
mod bad_input;
mod deploy;
mod embedded;
mod errors;
mod fake_node;
mod operator;
mod operator_errors;
mod scenario;
