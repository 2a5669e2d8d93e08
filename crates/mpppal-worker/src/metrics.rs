//! The worker's metrics, in the process-wide Prometheus registry (rendered by `/metrics`, and
//! sent to DogStatsD when configured).

use prometheus::{
    register_histogram_vec, register_int_counter_vec, register_int_gauge_vec, HistogramVec,
    IntCounterVec, IntGaugeVec,
};
use std::sync::OnceLock;

pub struct Metrics {
    /// Jobs finished, by kind and result (`done`, `retry`, `dead`).
    pub jobs: IntCounterVec,
    /// Seconds from a transfer's creation to its settlement on chain.
    pub settlement_seconds: HistogramVec,
    /// Outbox jobs by state (`waiting`, `in_flight`, `dead`).
    pub queue_depth: IntGaugeVec,
    /// Webhook tries, by result (`delivered`, `failed`).
    pub webhook_attempts: IntCounterVec,
    /// RPC calls that failed, by operation.
    pub rpc_errors: IntCounterVec,
    /// Differences the reconciler found, by kind.
    pub reconciliation_differences: IntCounterVec,
}

/// Job kinds the worker runs (the `kind` of `mpppal_worker_jobs_total`).
pub const JOB_KINDS: &[&str] = &[
    "transfer.settle",
    crate::confirm::JOB,
    mpppal_db::batches::JOB,
    crate::sessions::JOB,
    "event",
];

/// What the reconciler reports (the `kind` of `mpppal_reconciliation_differences_total`).
pub const DIFFERENCE_KINDS: &[&str] = &[
    "balance_short",
    "dead_settlement",
    "overdue_transfer",
    "policy_ahead_of_chain",
    "policy_behind_chain",
    "session_closed_unrecorded",
    "session_missing",
    "session_past_expiry",
    "settled_not_on_chain",
    "wallet_missing",
];

pub fn get() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| Metrics::registered().zeroed())
}

impl Metrics {
    /// Every series of a known label set, at zero: an alert on a rate or a count sees 0 from
    /// the start, not a series that appears only after the first event.
    fn zeroed(self) -> Self {
        for kind in JOB_KINDS {
            for result in ["done", "retry", "dead"] {
                self.jobs.with_label_values(&[kind, result]);
            }
        }
        for kind in ["transfer", "receipts"] {
            self.settlement_seconds.with_label_values(&[kind]);
        }
        for state in ["waiting", "in_flight", "dead"] {
            self.queue_depth.with_label_values(&[state]);
        }
        for result in ["delivered", "failed"] {
            self.webhook_attempts.with_label_values(&[result]);
        }
        self.rpc_errors.with_label_values(&["settle"]);
        for kind in DIFFERENCE_KINDS {
            self.reconciliation_differences.with_label_values(&[kind]);
        }
        self
    }

    fn registered() -> Self {
        Self {
            jobs: register_int_counter_vec!(
                "mpppal_worker_jobs_total",
                "Worker jobs finished, by kind and result",
                &["kind", "result"]
            )
            .expect("registers once"),
            settlement_seconds: register_histogram_vec!(
                "mpppal_settlement_seconds",
                "Seconds from a transfer's creation to its settlement on chain",
                &["kind"],
                vec![0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0]
            )
            .expect("registers once"),
            queue_depth: register_int_gauge_vec!(
                "mpppal_queue_jobs",
                "Outbox jobs by state",
                &["state"]
            )
            .expect("registers once"),
            webhook_attempts: register_int_counter_vec!(
                "mpppal_webhook_attempts_total",
                "Webhook delivery tries, by result",
                &["result"]
            )
            .expect("registers once"),
            rpc_errors: register_int_counter_vec!(
                "mpppal_rpc_errors_total",
                "Solana RPC calls that failed, by operation",
                &["operation"]
            )
            .expect("registers once"),
            reconciliation_differences: register_int_counter_vec!(
                "mpppal_reconciliation_differences_total",
                "Differences between the ledger and the chain the reconciler found, by kind",
                &["kind"]
            )
            .expect("registers once"),
        }
    }
}
