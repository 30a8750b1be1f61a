//! Integration tests of puffer-beacon (one binary).

mod admin;
mod anvil;
mod bad_input;
mod common;
mod determinism;
mod fixtures;
mod http;
mod lifecycle;
mod queues;
mod withdrawals;
