//! The worker's settings: defaults fit a production deployment; every one can be set from the
//! environment (`MPPPAL_WORKER_*`, `MPPPAL_WEBHOOK_*`), and tests shorten the waits.

use solana_commitment_config::CommitmentConfig;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub rpc_url: String,
    /// When a settlement counts: `confirmed` (default) or `finalized`.
    pub commitment: CommitmentConfig,
    /// The Redis stream jobs travel on, and the consumer group that reads it.
    pub stream: String,
    pub group: String,
    /// This worker's name in the group (unique per process).
    pub consumer: String,
    /// Jobs one worker runs at a time.
    pub concurrency: usize,
    /// Failed tries before a job is dead (visible, replayable).
    pub retry_cap: i32,
    /// Backoff after the first failed try; doubles each time up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A job relayed this long ago and not finished is sent again (its stream entry was lost or
    /// its worker died); longer than any one try takes.
    pub lease: Duration,
    /// How long one try waits for a sent transaction to be confirmed before it lets go.
    pub confirm_wait: Duration,
    /// Waits before each retry of a failed webhook try; when spent, the message is given up.
    pub webhook_schedule: Vec<Duration>,
    /// Failed tries in a row after which an endpoint is disabled.
    pub webhook_disable_after: i32,
    pub webhook_timeout: Duration,
    /// Which webhook targets the worker may connect to (public addresses, unless allowed).
    pub egress: mpppal_egress::Egress,
    /// Webhook messages one worker sends at a time.
    pub webhook_concurrency: usize,
    /// How often the reconciler compares the ledger with the chain.
    pub reconcile_every: Duration,
    /// A pending transfer older than this is overdue: the reconciler reports it and sends its
    /// job again.
    pub overdue_after: Duration,
    /// How often accepted deferred receipts are grouped into `settle_batch` transactions: a
    /// longer wait fills batches better, a shorter one pays providers sooner.
    pub batch_every: Duration,
}

impl WorkerConfig {
    /// Defaults for a worker settling through the node at `rpc_url`.
    pub fn new(rpc_url: &str) -> Self {
        Self {
            rpc_url: rpc_url.to_string(),
            commitment: CommitmentConfig::confirmed(),
            stream: "mpppal:jobs".into(),
            group: "mpppal-workers".into(),
            consumer: format!("worker-{}", std::process::id()),
            concurrency: 4,
            retry_cap: 10,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
            lease: Duration::from_secs(300),
            confirm_wait: Duration::from_secs(90),
            webhook_schedule: [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800]
                .map(Duration::from_secs)
                .to_vec(),
            webhook_disable_after: 30,
            webhook_timeout: Duration::from_secs(10),
            egress: mpppal_egress::Egress::default(),
            webhook_concurrency: 2,
            reconcile_every: Duration::from_secs(60),
            overdue_after: Duration::from_secs(600),
            batch_every: Duration::from_secs(10),
        }
    }

    /// The defaults, overridden by whichever variables `var` knows.
    pub fn from_vars(rpc_url: &str, var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut c = Self::new(rpc_url);
        let secs = |name: &str| -> Result<Option<Duration>, String> {
            var(name)
                .map(|v| {
                    v.parse::<f64>()
                        .ok()
                        // Below a billion seconds: `from_secs_f64` panics past u64's range.
                        .filter(|s| s.is_finite() && (0.0..1e9).contains(s))
                        .map(Duration::from_secs_f64)
                        .ok_or_else(|| format!("{name} must be a number of seconds, not {v:?}"))
                })
                .transpose()
        };
        let count = |name: &str| -> Result<Option<usize>, String> {
            var(name)
                .map(|v| {
                    v.parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("{name} must be a positive whole number, not {v:?}"))
                })
                .transpose()
        };
        if let Some(level) = var("MPPPAL_SETTLEMENT_COMMITMENT") {
            c.commitment = match level.as_str() {
                "confirmed" => CommitmentConfig::confirmed(),
                "finalized" => CommitmentConfig::finalized(),
                _ => {
                    return Err(format!(
                        "MPPPAL_SETTLEMENT_COMMITMENT must be confirmed or finalized, not {level:?}"
                    ))
                }
            };
        }
        if let Some(name) = var("MPPPAL_WORKER_NAME") {
            c.consumer = name;
        }
        // Deployments (and test stacks) sharing one Redis keep their jobs apart by stream.
        if let Some(stream) = var("MPPPAL_JOB_STREAM") {
            if stream.trim().is_empty() {
                return Err("MPPPAL_JOB_STREAM must name a Redis stream, not be empty".into());
            }
            c.stream = stream;
        }
        if let Some(n) = count("MPPPAL_WORKER_CONCURRENCY")? {
            c.concurrency = n;
        }
        if let Some(n) = count("MPPPAL_WORKER_RETRY_CAP")? {
            c.retry_cap = i32::try_from(n).map_err(|_| "MPPPAL_WORKER_RETRY_CAP is too large")?;
        }
        if let Some(d) = secs("MPPPAL_WORKER_BACKOFF_SECONDS")? {
            c.backoff_base = d;
        }
        if let Some(d) = secs("MPPPAL_WORKER_BACKOFF_MAX_SECONDS")? {
            c.backoff_max = d;
        }
        if let Some(d) = secs("MPPPAL_WORKER_LEASE_SECONDS")? {
            c.lease = d;
        }
        if let Some(d) = secs("MPPPAL_WORKER_CONFIRM_WAIT_SECONDS")? {
            c.confirm_wait = d;
        }
        if let Some(d) = secs("MPPPAL_RECONCILE_SECONDS")? {
            c.reconcile_every = d;
        }
        if let Some(d) = secs("MPPPAL_OVERDUE_SECONDS")? {
            c.overdue_after = d;
        }
        if let Some(d) = secs("MPPPAL_RECEIPT_BATCH_SECONDS")? {
            c.batch_every = d;
        }
        if let Some(list) = var("MPPPAL_WEBHOOK_RETRY_SCHEDULE") {
            c.webhook_schedule = list
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    s.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite() && (0.0..1e9).contains(v))
                        .map(Duration::from_secs_f64)
                        .ok_or_else(|| {
                            format!("MPPPAL_WEBHOOK_RETRY_SCHEDULE must list seconds, like 5,30,120; not {list:?}")
                        })
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(n) = count("MPPPAL_WEBHOOK_DISABLE_AFTER")? {
            c.webhook_disable_after =
                i32::try_from(n).map_err(|_| "MPPPAL_WEBHOOK_DISABLE_AFTER is too large")?;
        }
        if let Some(d) = secs("MPPPAL_WEBHOOK_TIMEOUT_SECONDS")? {
            c.webhook_timeout = d;
        }
        c.egress = mpppal_egress::Egress::from_var(&var)?;
        Ok(c)
    }

    /// The wait after the `attempts`-th failed try: doubling from the base, capped.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let factor = 2f64.powi(attempts.saturating_sub(1).clamp(0, 30));
        self.backoff_base.mul_f64(factor).min(self.backoff_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let c = WorkerConfig::new("http://rpc");
        let waits: Vec<u64> = (1..=11).map(|n| c.backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    }

    #[test]
    fn bad_settings_are_named() {
        let err = WorkerConfig::from_vars("http://rpc", |k| {
            (k == "MPPPAL_WORKER_RETRY_CAP").then(|| "ten".to_string())
        })
        .unwrap_err();
        assert!(err.contains("MPPPAL_WORKER_RETRY_CAP"), "{err}");
        let err = WorkerConfig::from_vars("http://rpc", |k| {
            (k == "MPPPAL_WEBHOOK_RETRY_SCHEDULE").then(|| "5,soon".to_string())
        })
        .unwrap_err();
        assert!(err.contains("5,30,120"), "{err}");
        let c = WorkerConfig::from_vars("http://rpc", |k| {
            (k == "MPPPAL_SETTLEMENT_COMMITMENT").then(|| "finalized".to_string())
        })
        .unwrap();
        assert!(c.commitment.is_finalized());
    }
}
