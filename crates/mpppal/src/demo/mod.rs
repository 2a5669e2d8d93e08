//! The demo story: an operator creates an agent wallet with a policy, the agent pays, the policy
//! refuses what it must, the owner co-signs an escalation, and a session of many micro-payments
//! settles in two transactions.

mod narrator;

use anyhow::{anyhow, Context, Result};
use mpppal_localnet::LocalChain;
use mpppal_policy_program::{PolicyArgs, TransferArgs};
use mpppal_settlement_program::{CloseSessionArgs, OpenSessionArgs};
use mpppal_solana::address;
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use mpppal_solana::settlement_ix::{self, SessionAccounts};
use mpppal_solana::signed::{ed25519_instruction, sign_voucher};
use narrator::{usdc, Narrator};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::io::Write;

const USDC: u64 = 1_000_000;
/// Requests in the demo session, each paid by a cumulative voucher.
const SESSION_REQUESTS: u64 = 1_000;
/// Price of one session request in base units (0.001 USDC).
const PRICE_PER_REQUEST: u64 = 1_000;

pub async fn story(out: Box<dyn Write + Send>) -> Result<()> {
    let mut n = Narrator::new(out);
    n.step(
        "Starting an embedded Solana chain (Policy + Settlement programs, SPL Token, local USDC)",
    );
    let mut chain = LocalChain::start().await;

    let owner = Keypair::new();
    let agent = Keypair::new();
    let provider = Keypair::new();
    let wallet_key = Keypair::new().pubkey();
    let wallet = address::wallet(&wallet_key);
    let mint = chain.mint;
    chain
        .airdrop(&owner.pubkey(), 1_000_000_000)
        .await
        .context("funding the owner with SOL for rent")?;

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
    let create =
        policy_ix::create_wallet(&owner.pubkey(), &wallet_key, &agent.pubkey(), &mint, policy);
    n.tx(chain.send_explained(&[create], &[&owner]).await)?;
    n.detail(&format!("wallet PDA {wallet}"));

    n.step("Faucet funds the wallet with 100 USDC");
    let vault = chain
        .fund_usdc(&wallet, 100 * USDC)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    n.count_tx();
    let provider_usdc = chain
        .fund_usdc(&provider.pubkey(), 0)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    n.count_tx();

    let mut nonce = 0;
    let payment = |amount: u64, nonce: u64, cosigner: Option<&Keypair>| {
        policy_ix::transfer(
            &PaymentAccounts {
                agent: agent.pubkey(),
                owner_cosigner: cosigner.map(|k| k.pubkey()),
                wallet,
                mint,
                destination: provider_usdc,
            },
            TransferArgs {
                amount,
                nonce,
                memo: Some("demo: paid API call".into()),
                category: None,
            },
        )
    };

    n.step("Agent pays the provider 1.50 USDC (allowed)");
    n.tx(chain
        .send_explained(&[payment(1_500_000, nonce, None)], &[&agent])
        .await)?;
    nonce += 1;

    n.step("Agent tries to pay 7.00 USDC (over the single-transfer cap)");
    n.refused(
        chain
            .send_explained(&[payment(7 * USDC, nonce, None)], &[&agent])
            .await,
    )?;

    n.step("Agent tries to pay 3.00 USDC without the owner (above the escalation threshold)");
    n.refused(
        chain
            .send_explained(&[payment(3 * USDC, nonce, None)], &[&agent])
            .await,
    )?;

    n.step("Owner co-signs the same 3.00 USDC payment");
    n.tx(chain
        .send_explained(&[payment(3 * USDC, nonce, Some(&owner))], &[&agent, &owner])
        .await)?;

    n.step(&format!(
        "Agent opens a session with the provider: {} deposit in escrow",
        usdc(2 * USDC)
    ));
    let session = SessionAccounts {
        wallet,
        mint,
        session_id: 1,
        payee: provider.pubkey(),
        rent_payer: owner.pubkey(),
    };
    let now = chain.clock().await.unix_timestamp;
    let open = settlement_ix::open_session(
        &session,
        &agent.pubkey(),
        None,
        OpenSessionArgs {
            session_id: 1,
            deposit: 2 * USDC,
            expires_at: now + 3_600,
            memo: None,
            category: None,
        },
    );
    n.tx(chain.send_explained(&[open], &[&agent, &owner]).await)?;

    n.step(&format!(
        "{SESSION_REQUESTS} paid requests at {} each: cumulative vouchers, off chain",
        usdc(PRICE_PER_REQUEST)
    ));
    let channel = session.session();
    let mut last = None;
    for i in 1..=SESSION_REQUESTS {
        last = Some(sign_voucher(&agent, &channel, i * PRICE_PER_REQUEST, 0));
    }
    let last = last.context("the session made no requests")?;
    n.detail(&format!(
        "{SESSION_REQUESTS} vouchers signed, 0 transactions"
    ));

    n.step("Provider closes the session with the last voucher");
    let close = settlement_ix::close_session(
        &session,
        CloseSessionArgs {
            cumulative: SESSION_REQUESTS * PRICE_PER_REQUEST,
            voucher_expires_at: 0,
        },
    );
    n.tx(chain
        .send_explained(&[ed25519_instruction(&[last]), close], &[&provider])
        .await)?;

    let wallet_balance = chain.token_balance(&vault).await.unwrap_or(0);
    let provider_balance = chain.token_balance(&provider_usdc).await.unwrap_or(0);
    n.summary(&[
        ("agent wallet", usdc(wallet_balance)),
        ("provider", usdc(provider_balance)),
    ]);
    let expected_provider = 1_500_000 + 3 * USDC + SESSION_REQUESTS * PRICE_PER_REQUEST;
    anyhow::ensure!(
        provider_balance == expected_provider && wallet_balance == 100 * USDC - expected_provider,
        "balances do not add up: provider {provider_balance}, wallet {wallet_balance}"
    );
    n.payments(2 + SESSION_REQUESTS, 2 + 2);
    Ok(())
}
