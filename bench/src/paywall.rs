//! `paywall`: the paywall's own work for a paid session request, with no network. Requests
//! carrying vouchers signed beforehand are sent straight to the router (voucher verified before
//! serving, the default), against raw strict Ed25519 verification, the one cost a signed voucher
//! per request cannot avoid, in alternating rounds. The ratio says how close the paywall comes to
//! the signature check alone; free of loopback scheduling, it moves with changes to the
//! paywall's code where `session` mostly shows the machine.

use axum::body::Body;
use axum::http::{header, Request};
use http_body_util::BodyExt;
use std::time::Instant;
use tower::ServiceExt;

use crate::{setup, RawVoucher};

const ROUNDS: usize = 11;
const PER_ROUND: usize = 1_000;

pub fn run() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let world = setup::World::start().await;
        let metered = format!("{}/metered", world.api);
        let (_opener, credentials) = world.presigned(&metered, (ROUNDS * PER_ROUND) as u64).await;
        let raw = RawVoucher::new();
        let mut rounds = Vec::with_capacity(ROUNDS);
        for round in credentials.chunks(PER_ROUND) {
            let start = Instant::now();
            for _ in 0..PER_ROUND {
                raw.verify();
            }
            let raw = start.elapsed().as_secs_f64() / PER_ROUND as f64;
            let start = Instant::now();
            for authorization in round {
                let request = Request::get("/metered")
                    .header(header::AUTHORIZATION, authorization)
                    .body(Body::empty())
                    .expect("request");
                let response = world.router.clone().oneshot(request).await.expect("served");
                assert!(response.status().is_success(), "a pre-signed voucher pays");
                response.into_body().collect().await.expect("body");
            }
            let paid = start.elapsed().as_secs_f64() / round.len() as f64;
            rounds.push((raw / paid, paid, raw));
        }
        rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (ratio, paid, raw) = rounds[ROUNDS / 2];
        println!(
            "paywall work per paid session request, in process (median of {ROUNDS} rounds): {:.1} us, raw strict verification {:.1} us, ratio {ratio:.2} (rounds {:.2}..{:.2}; no goal)",
            paid * 1e6,
            raw * 1e6,
            rounds[0].0,
            rounds[ROUNDS - 1].0
        );
    });
}
