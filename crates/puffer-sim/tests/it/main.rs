//! Integration tests of the simulator (one binary): conservation, reproducibility, the docs' worked example,
//! sensitivity, scenario parsing.

mod common;
mod conservation;
mod reproducibility;
mod scenario_file;
mod sensitivity;
mod worked_example;
