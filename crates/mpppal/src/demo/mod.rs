//! The demo story, all over real HTTP and Solana JSON-RPC on loopback: an operator creates an
//! agent wallet with a policy; the chain refuses what the policy forbids and accepts the owner's
//! co-signature; the agent pays a paid API per request (a standard MPP charge) and through a
//! payment session of 1,000 requests that settles in two transactions.

mod narrator;
mod world;

use anyhow::{Context, Result};
use mpppal_policy_program::{PolicyArgs, TransferArgs};
use mpppal_sdk::client::{AgentWallet, MemoryReporter, PayingClient};
use mpppal_sdk::paywall::RpcChain;
use mpppal_solana::address;
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use narrator::{usdc, Narrator};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::io::Write;
use std::sync::Arc;

const USDC: u64 = 1_000_000;
/// Requests in the demo session.
const SESSION_REQUESTS: u64 = 1_000;
/// Price of one session request (0.001 USDC) and of one charged request (0.05 USDC).
const SESSION_PRICE: u64 = 1_000;
const CHARGE_PRICE: u64 = 50_000;

pub async fn story(out: Box<dyn Write + Send>) -> Result<()> {
    let mut n = Narrator::new(out);
    n.step("Starting an embedded Solana chain behind JSON-RPC, and a paid API behind the MPPPal paywall");
    let w = world::World::start(CHARGE_PRICE, SESSION_PRICE).await?;
    n.detail(&format!("chain  {}", w.rpc_url));
    n.detail(&format!(
        "API    {}  (/charge {} per request, /session {} per request)",
        w.api,
        usdc(CHARGE_PRICE),
        usdc(SESSION_PRICE)
    ));

    let owner = Keypair::new();
    let agent = Keypair::new();
    w.airdrop(&owner.pubkey()).await?;
    let policy = PolicyArgs {
        max_single_transfer: 5 * USDC,
        max_daily_spend: 50 * USDC,
        allowed_counterparties: vec![],
        categories: vec![],
        require_memo: false,
        escalation_threshold: Some(2 * USDC),
        paused: false,
    };
    n.step("Operator creates an agent wallet with a policy");
    n.detail(&format!(
        "max_single_transfer {}, max_daily_spend {}, escalation above {}",
        usdc(policy.max_single_transfer),
        usdc(policy.max_daily_spend),
        usdc(2 * USDC)
    ));
    let wallet_key = Keypair::new().pubkey();
    let create = policy_ix::create_wallet(
        &owner.pubkey(),
        &wallet_key,
        &agent.pubkey(),
        &w.mint,
        policy,
    );
    n.tx(w.send(&[create], &owner, &[]).await)?;
    let wallet = address::wallet(&wallet_key);
    n.detail(&format!("wallet PDA {wallet}"));

    n.step("Faucet funds the wallet with 100 USDC");
    w.faucet(&wallet, 100 * USDC).await?;
    n.count_tx();

    let payment = |amount: u64, nonce: u64, cosigner: Option<&Keypair>| {
        policy_ix::transfer(
            &PaymentAccounts {
                agent: agent.pubkey(),
                owner_cosigner: cosigner.map(|k| k.pubkey()),
                wallet,
                mint: w.mint,
                destination: address::token_account(&w.provider, &w.mint),
            },
            TransferArgs {
                amount,
                nonce,
                memo: Some("demo: invoice".into()),
                category: None,
            },
        )
    };
    n.step("Agent pays the provider 1.50 USDC directly (allowed)");
    n.tx(w
        .send(&[payment(1_500_000, 0, None)], &owner, &[&agent])
        .await)?;
    n.step("Agent tries to pay 7.00 USDC (over the single-transfer cap)");
    n.refused(
        w.send(&[payment(7 * USDC, 1, None)], &owner, &[&agent])
            .await,
    )?;
    n.step("Agent tries to pay 3.00 USDC without the owner (above the escalation threshold)");
    n.refused(
        w.send(&[payment(3 * USDC, 1, None)], &owner, &[&agent])
            .await,
    )?;
    n.step("Owner co-signs the same 3.00 USDC payment");
    n.tx(w
        .send(&[payment(3 * USDC, 1, Some(&owner))], &owner, &[&agent])
        .await)?;

    let client = PayingClient::new(
        AgentWallet {
            agent: agent.insecure_clone(),
            wallet,
        },
        Arc::new(RpcChain::new(w.rpc_url.clone())),
        Arc::new(MemoryReporter::default()),
    )
    .with_max_price(USDC);

    n.step("Agent calls GET /charge: HTTP 402, pays by MPP charge, gets the data");
    let paid = client
        .get(&format!("{}/charge", w.api))
        .await
        .context("paying /charge")?;
    let receipt = paid.receipt.clone().context("no Payment-Receipt")?;
    n.detail(&format!(
        "HTTP {} after paying {}; the server sent the transaction it co-signed as fee payer",
        paid.response.status(),
        usdc(paid.paid)
    ));
    n.detail(&format!("Payment-Receipt reference {}", receipt.reference));
    let charge_txs = w.paywall_transactions();

    n.step(&format!(
        "Agent calls GET /session {SESSION_REQUESTS} times: one escrow, then vouchers off chain"
    ));
    client
        .get(&format!("{}/session", w.api))
        .await
        .context("opening the session")?;
    let mut metered = 0;
    for _ in 0..SESSION_REQUESTS {
        metered += client
            .get(&format!("{}/session", w.api))
            .await
            .context("a session request")?
            .paid;
    }
    n.detail(&format!(
        "{SESSION_REQUESTS} requests paid {}; on-chain transactions for the session so far: {} (the open)",
        usdc(metered),
        w.paywall_transactions() - charge_txs
    ));
    let closed = client
        .close_sessions()
        .await
        .context("closing the session")?;
    let close = closed.first().context("no session to close")?;
    n.detail(&format!(
        "closed: provider paid {}, {} refunded to the wallet",
        usdc(close["paid"].as_str().unwrap_or("0").parse().unwrap_or(0)),
        usdc(
            close["refunded"]
                .as_str()
                .unwrap_or("0")
                .parse()
                .unwrap_or(0)
        )
    ));
    let session_txs = w.paywall_transactions() - charge_txs;
    n.count_txs(charge_txs + session_txs);

    let wallet_balance = w.token_balance(&address::vault(&wallet, &w.mint)).await?;
    let provider_balance = w
        .token_balance(&address::token_account(&w.provider, &w.mint))
        .await?;
    n.summary(&[
        ("agent wallet", usdc(wallet_balance)),
        ("provider", usdc(provider_balance)),
    ]);
    let expected = 1_500_000 + 3 * USDC + CHARGE_PRICE + SESSION_REQUESTS * SESSION_PRICE;
    anyhow::ensure!(
        provider_balance == expected + 1 && wallet_balance == 100 * USDC - expected,
        "balances do not add up: provider {provider_balance}, wallet {wallet_balance}"
    );
    anyhow::ensure!(
        session_txs == 2,
        "the session took {session_txs} transactions, not 2"
    );
    n.payments(3 + SESSION_REQUESTS, 2 + charge_txs + session_txs);
    Ok(())
}
