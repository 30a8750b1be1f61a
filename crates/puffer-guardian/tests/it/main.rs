//! Integration tests of the guardian: one binary, one module per concern.

// Test helpers outside `#[test]` functions unwrap too (clippy.toml only covers the test functions themselves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod adversarial;
mod harness;
mod inprocess;
