//! The SpurtReporter bindings this crate uses (re-exported from `puffer_chain::bindings`, so report structs are
//! the very types `puffer_chain::SpurtReports::post` takes).

pub use puffer_chain::bindings::{ISpurtReporterTypes, SpurtReporter};
