//! `sol!` bindings this crate needs beyond `puffer_chain::bindings`: the SpurtReporter (reports, exits and
//! activations processing).
#![allow(missing_docs, clippy::too_many_arguments, unreachable_pub)]

alloy::sol!(
    #[sol(all_derives)]
    SpurtReporter,
    "../puffer-contracts/artifacts/SpurtReporter.json"
);
