//! Prometheus metrics, hand-written (counters and gauges as atomics, rendered in the text format).

use std::sync::atomic::{AtomicU64, Ordering};

macro_rules! metrics {
    ($($name:ident: $kind:literal, $help:literal;)*) => {
        /// The daemon's counters and gauges.
        #[derive(Debug, Default)]
        pub struct Metrics {
            $(
                #[doc = $help]
                pub $name: AtomicU64,
            )*
        }

        impl Metrics {
            /// The Prometheus text exposition.
            pub fn render(&self) -> String {
                let mut out = String::new();
                $(
                    out.push_str(concat!("# HELP puffer_guardian_", stringify!($name), " ", $help, "\n"));
                    out.push_str(concat!("# TYPE puffer_guardian_", stringify!($name), " ", $kind, "\n"));
                    out.push_str(&format!(
                        concat!("puffer_guardian_", stringify!($name), " {}\n"),
                        self.$name.load(Ordering::Relaxed)
                    ));
                )*
                out
            }
        }
    };
}

metrics! {
    peer_requests_total: "counter", "Peer signing requests received.";
    peer_requests_unauthenticated_total: "counter", "Peer requests refused by authentication (unknown peer, bad signature, replay, wrong recipient or chain, stale).";
    peer_requests_malformed_total: "counter", "Peer requests whose body did not parse (garbage, never signed).";
    peer_requests_refused_total: "counter", "Peer requests refused by the protocol rules or the signing ledger.";
    signatures_released_total: "counter", "Signatures and partial signatures released (own and to peers).";
    bad_peer_answers_total: "counter", "Peer answers that did not verify and were excluded.";
    registrations_checked_total: "counter", "Registrations custody-checked.";
    registrations_failed_custody_total: "counter", "Registrations that failed the custody check.";
    provisioned_total: "counter", "Validators this guardian submitted provisioning for.";
    skipped_total: "counter", "Registrations this guardian submitted skips for.";
    exits_submitted_total: "counter", "Combined exits accepted by the beacon node.";
    reports_posted_total: "counter", "Growth-spurt reports this guardian posted.";
    rpc_errors_total: "counter", "Failed Ethereum RPC steps (retried with backoff).";
    beacon_errors_total: "counter", "Failed or garbage beacon node answers (retried with backoff).";
    loop_errors_total: "counter", "Daemon loop iterations that ended in an error.";
    scan_validators: "gauge", "Validators in the last balance scan.";
    scan_millis: "gauge", "Duration of the last balance scan, milliseconds.";
    last_tick_unix: "gauge", "Unix time of the last completed loop iteration.";
}

impl Metrics {
    /// Adds one.
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets a gauge.
    pub fn set(gauge: &AtomicU64, value: u64) {
        gauge.store(value, Ordering::Relaxed);
    }
}
