//! Cross-checks (filled in below).
