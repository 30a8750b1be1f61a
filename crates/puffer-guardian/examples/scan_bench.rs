//! Balance-scan benchmark (placeholder).
fn main() {}
