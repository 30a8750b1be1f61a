//! Puffer's guardian: custody checks, provisioning approvals, ejections with threshold keyshares and
//! growth-spurt reports — as a library (the protocol rules, no HTTP or timers; what the simulator runs in
//! process) and as a daemon (`puffer guardian run`).
//!
//! # Public API for in-process use (the simulator)
//!
//! - [`Enclave`] with [`MemoryEnclave`] (and [`SealedEnclave`] for the daemon): enclave address, EIP-712
//!   signing, keyshare decryption, partial exit signatures.
//! - [`Store`] with [`MemoryStore`] / [`RedbStore`]: the guardian's durable state and signing ledger.
//! - [`Guardian::new`]`(operator, enclave, store, network, params)` then, each step:
//!   - [`ChainView::facts`] (or build a [`ChainFacts`] yourself) — the guardian's view of the chain;
//!   - [`Guardian::record_registration`] for each `GuardianChain::registrations` event → [`Verdict`]
//!     (uses [`custody::check_custody`]; the strategy's credentials from [`ChainView::withdrawal_credentials`]);
//!   - provisioning: [`Guardian::provisioning_request`]`(&facts, available_wei, deadline)` gives the request
//!     ([`SignRequest::Provision`] for the schedule's next approved validators, or [`SignRequest::Skip`] for a
//!     failed head), then [`gather_signatures`] → the blob for `GuardianChain::provision_nodes` /
//!     `skip_provisioning`;
//!   - ejections: [`Guardian::scan_validator`] per beacon record (the rule is [`ejection::ejection_reason`];
//!     balances from [`ejection::scan_balances`]), then for each of [`Guardian::exit_requests`] a
//!     [`gather_exit`] → a `SignedVoluntaryExit` for the beacon node, and [`Guardian::mark_ejection_submitted`];
//!   - reports: [`report::build_report`]`(&SpurtInputs, deadline)` (pure, deterministic),
//!     [`Guardian::record_report`], [`SignRequest::Report`] + [`gather_signatures`] → `postSpurtReport`;
//!     trees and proofs from [`Guardian::trees`] (`SpurtTrees`, JSON).
//! - [`Peers`]: [`InProcessPeers`] (N guardians in one process; `set_facts`, `set_online`; no async runtime
//!   needed: [`InProcessPeers::gather_signatures_now`] / [`InProcessPeers::gather_exit_now`]) or the daemon's
//!   HTTP peers. Every answer is verified before it counts ([`quorum`]).
//! - [`merkle`]: sorted-pair trees and the contracts' leaves; [`digest`]: the EIP-712 digests.

pub mod bindings;
pub mod custody;
pub mod daemon;
pub mod digest;
pub mod duties;
pub mod ejection;
pub mod enclave;
mod error;
pub mod merkle;
pub mod observe;
pub mod quorum;
pub mod report;
pub mod store;
mod util;
pub mod view;

pub use custody::{SkipReason, Verdict};
pub use duties::{
    ChainFacts, EjectionCandidate, Guardian, GuardianParams, SignRecord, SignRequest, SignResponse,
    StoredRegistration,
};
pub use enclave::{Enclave, MemoryEnclave, SealedEnclave};
pub use error::{GuardianError, Result};
pub use quorum::{InProcessPeers, PeerAnswer, Peers, RoundReport, gather_exit, gather_signatures};
pub use report::{ExitReason, SpurtBuild, SpurtInputs, SpurtTrees, build_report};
pub use store::{MemoryStore, RedbStore, Store, Table};
pub use view::ChainView;
