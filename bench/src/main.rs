//! MPPPal benchmarks. Each prints a ratio against a baseline measured in the same run, on the
//! same machine and build, so the numbers compare like with like:
//!
//! - `voucher`: verifying a session voucher as the paywall does (parse, rebuild the message,
//!   strict Ed25519) vs raw `ed25519-dalek` strict verification of the same message.
//! - `session`: paid session requests per second through the paywall vs the same route unpaid.
//! - `latency`: the paying client's median latency for a paid session request vs plain `reqwest`
//!   to the same server.
//!
//! `session` and `latency` run against a paywall verifying vouchers before serving (the default)
//! and one serving before verifying (`VoucherCheck::AfterServing`, ADR 0019), each in two
//! layouts: client and servers sharing one runtime, and each on a one-thread runtime of its own.
//!
//! - `paywall`: the paywall's own work for a paid session request, in process (no network), vs
//!   raw strict verification of a voucher.
//!
//! - `ingest`: receipts stored per second by the API's batch ingestion vs a raw multi-row
//!   INSERT into the same table (needs PostgreSQL: `DATABASE_URL`, default the local server).
//! - `ingest-http`: the same through the whole `POST /v1/receipts` endpoint (signed requests,
//!   Ed25519 per receipt) vs the raw INSERT (needs PostgreSQL and Redis).
//! - `settle`: transfers and deferred receipts settled per minute by the API and the settlement
//!   worker on the embedded chain, with creation- (report-) to-settlement latency (p50, p99), vs
//!   the same payments sent directly to the same chain (needs PostgreSQL and Redis).
//!
//! Run: `cargo run -p mpppal-bench --release -- [voucher|paywall|session|latency|ingest|ingest-http|settle]`
//! (all by default).

mod ingest;
mod ingest_http;
mod paywall;
mod session;
mod settle;
mod setup;

use ed25519_dalek::{Signature, VerifyingKey};
use mpppal_solana::method::SignedVoucher;
use mpppal_solana::Pubkey;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::time::{Duration, Instant};

fn main() {
    let which: Vec<String> = std::env::args().skip(1).collect();
    let run = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if run("voucher") {
        voucher();
    }
    if run("ingest") {
        runtime.block_on(ingest::run());
    }
    if run("ingest-http") {
        runtime.block_on(ingest_http::run());
    }
    if run("settle") {
        runtime.block_on(settle::run());
    }
    if run("paywall") {
        paywall::run();
    }
    if run("session") || run("latency") {
        session::run(run("session"), run("latency"));
    }
}

/// Runs `f` repeatedly for about `budget` and returns operations per second.
fn per_second(budget: Duration, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..64 {
            f();
        }
        n += 64;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn voucher() {
    let raw = RawVoucher::new();
    let budget = Duration::from_secs(2);
    let baseline = per_second(budget, || raw.verify());
    let ours = per_second(budget, || {
        raw.voucher.verify(&raw.signer).expect("valid");
    });
    println!("voucher verification: {ours:.0}/s, raw ed25519-dalek {baseline:.0}/s, ratio {:.2} (goal >= 0.70)", ours / baseline);
}

/// A signed voucher, and what raw verification of it needs ready: the signer's key decoded, the
/// signed message and the signature's bytes.
pub(crate) struct RawVoucher {
    voucher: SignedVoucher,
    signer: Pubkey,
    key: VerifyingKey,
    message: Vec<u8>,
    signature: Signature,
}

impl RawVoucher {
    pub(crate) fn new() -> Self {
        let agent = Keypair::new();
        let channel = Pubkey::new_unique();
        let voucher = SignedVoucher::sign(&agent, &channel, 123_456, 0);
        let signer = agent.pubkey();
        let signature =
            mpppal_solana::method::payload::signature_bytes("signature", &voucher.signature)
                .expect("signature");
        Self {
            key: VerifyingKey::from_bytes(&signer.to_bytes()).expect("key"),
            message: mpppal_solana::method::session::voucher_bytes(&channel, 123_456, 0),
            signature: Signature::from_bytes(&signature),
            voucher,
            signer,
        }
    }

    /// Strict `ed25519-dalek` verification, with nothing else around it.
    pub(crate) fn verify(&self) {
        self.key
            .verify_strict(&self.message, &self.signature)
            .expect("valid");
    }
}
