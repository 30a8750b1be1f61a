//! Integration tests of the simulator (one binary): conservation, reproducibility, the docs' worked example,
//! sensitivity, scenario parsing.

// A panic is the failure report in tests.
#![allow(clippy::unwrap_used)]

mod common;
mod conservation;
mod custody;
mod reproducibility;
mod scenario_file;
mod sensitivity;
mod worked_example;
