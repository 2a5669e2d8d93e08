//! The demo story, all over real HTTP and Solana JSON-RPC on loopback: an operator creates an
//! agent account and its policy through the MPPPal operator API (on PostgreSQL and Redis); the
//! chain refuses what the policy forbids; the API refuses too, and holds a payment above the
//! escalation threshold for the operator's approval; the agent pays a paid API per request (a
//! standard MPP charge), with a deferred receipt it reports to MPPPal, and through a payment
//! session of 1,000 requests that settles in two transactions. The settlement worker settles the
//! approved transfer on chain, a local receiver gets the operator's webhooks, and the reconciler
//! checks the ledger against the chain.

mod dashboard;
mod narrator;
mod operator;
mod services;
mod settlement;
mod world;

use anyhow::{Context, Result};
use mpppal_policy_program::TransferArgs;
use mpppal_sdk::client::{AgentWallet, ApiCredentials, ApiReporter, PayingClient};
use mpppal_sdk::paywall::RpcChain;
use mpppal_solana::address;
use mpppal_solana::policy_ix::{self, PaymentAccounts};
use mpppal_solana::Pubkey;
use narrator::{usdc, Narrator};
use serde_json::json;
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
/// Price of one report, paid by deferred receipt (0.02 USDC).
const REPORT_PRICE: u64 = 20_000;

/// What the demo does once the story is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Stop every server and clean up.
    Stop,
    /// Keep the servers up and serve the dashboard with the story's data until Ctrl-C.
    Stay,
}

pub async fn story(out: Box<dyn Write + Send>, ending: Ending) -> Result<()> {
    let mut n = Narrator::new(out);
    let dashboard = match ending {
        Ending::Stay => Some(dashboard::prepare(&mut n)?),
        Ending::Stop => None,
    };
    n.step("Starting an embedded Solana chain behind JSON-RPC, and a paid API behind the MPPPal paywall");
    let w = world::World::start(CHARGE_PRICE, SESSION_PRICE, REPORT_PRICE).await?;
    n.detail(&format!("chain  {}", w.rpc_url));
    n.detail(&format!(
        "API    {}  (/charge {} per request, /report {} by deferred receipt, /session {} per request)",
        w.api,
        usdc(CHARGE_PRICE),
        usdc(REPORT_PRICE),
        usdc(SESSION_PRICE)
    ));

    n.step("Starting the MPPPal operator API on PostgreSQL and Redis");
    let services = services::Services::start().await?;
    n.detail(&services.description);
    let result = with_operator(&mut n, &w, &services, dashboard.as_deref()).await;
    services.stop().await;
    result
}

async fn with_operator(
    n: &mut Narrator,
    w: &world::World,
    services: &services::Services,
    dashboard: Option<&std::path::Path>,
) -> Result<()> {
    let op = operator::OperatorApi::start(
        &services.database_url,
        &services.redis_url,
        &w.rpc_url,
        dashboard,
    )
    .await?;
    n.detail(&format!("operator API {}  (key {})", op.base, op.key_id));
    let (hooks_url, hooks) = settlement::receiver().await?;
    let endpoint = op
        .expect(
            "POST",
            "/v1/webhooks",
            Some(&json!({ "url": hooks_url })),
            201,
        )
        .await?;
    n.detail(&format!(
        "webhook endpoint {} -> {hooks_url} (Standard Webhooks signatures)",
        endpoint["endpointId"].as_str().unwrap_or_default()
    ));
    let worker = settlement::worker(
        &services.database_url,
        &services.redis_url,
        &w.rpc_url,
        op.master_key,
    )
    .await?;
    n.detail("settlement worker running: outbox -> Redis stream -> chain");

    n.step(
        "Operator funds its owner key and creates an agent account with a policy, through the API",
    );
    let me = op.expect("GET", "/v1/operator", None, 200).await?;
    let owner: Pubkey = me["ownerAddress"]
        .as_str()
        .context("the operator has no owner key")?
        .parse()?;
    w.airdrop(&owner).await?;
    n.count_tx();
    let agent = Keypair::new();
    let account = op
        .expect(
            "POST",
            "/v1/accounts",
            Some(&json!({
                "name": "Research agent",
                "handle": "@research-agent.mpppal",
                "custody": "non_custodial",
                "agentPublicKey": agent.pubkey().to_string(),
                "policy": {
                    "maxSingleTransfer": 5 * USDC,
                    "maxDailySpend": 50 * USDC,
                    "escalationThreshold": 2 * USDC,
                },
            })),
            201,
        )
        .await?;
    n.count_tx();
    let account_id = account["accountId"]
        .as_str()
        .context("no accountId")?
        .to_string();
    let wallet: Pubkey = account["solanaAddress"]
        .as_str()
        .context("no wallet")?
        .parse()?;
    n.detail(&format!(
        "{account_id} {}  wallet PDA {wallet}",
        account["handle"].as_str().unwrap_or_default()
    ));
    n.detail(&format!(
        "policy v{}: max_single_transfer {}, max_daily_spend {}, escalation above {} (on chain: {})",
        account["policy"]["version"],
        usdc(5 * USDC),
        usdc(50 * USDC),
        usdc(2 * USDC),
        account["policy"]["txSignature"].as_str().unwrap_or_default()
    ));

    n.step("Faucet funds the wallet with 100 USDC");
    w.faucet(&wallet, 100 * USDC).await?;
    n.count_tx();

    let fee_payer = Keypair::new();
    w.airdrop(&fee_payer.pubkey()).await?;
    let payment = |amount: u64, nonce: u64| {
        policy_ix::transfer(
            &PaymentAccounts {
                agent: agent.pubkey(),
                owner_cosigner: None,
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
    n.step("Agent pays the provider 1.50 USDC directly on chain (allowed)");
    n.tx(w
        .send(&[payment(1_500_000, 0)], &fee_payer, &[&agent])
        .await)?;
    n.step("Agent tries to pay 7.00 USDC (over the single-transfer cap)");
    n.refused(w.send(&[payment(7 * USDC, 1)], &fee_payer, &[&agent]).await)?;
    n.step("Agent tries to pay 3.00 USDC without the owner (above the escalation threshold)");
    n.refused(w.send(&[payment(3 * USDC, 1)], &fee_payer, &[&agent]).await)?;

    n.step("Operator adds a custodial account (MPPPal keeps its agent key) for payments made through the API");
    let custodial = op
        .expect(
            "POST",
            "/v1/accounts",
            Some(&json!({
                "name": "Procurement agent",
                "handle": "@procurement.mpppal",
                "custody": "custodial",
                "policy": {
                    "maxSingleTransfer": 5 * USDC,
                    "maxDailySpend": 50 * USDC,
                    "escalationThreshold": 2 * USDC,
                },
            })),
            201,
        )
        .await?;
    n.count_tx();
    let custodial_id = custodial["accountId"]
        .as_str()
        .context("no accountId")?
        .to_string();
    let custodial_wallet: Pubkey = custodial["solanaAddress"]
        .as_str()
        .context("no wallet")?
        .parse()?;
    w.faucet(&custodial_wallet, 10 * USDC).await?;
    n.count_tx();
    n.detail(&format!(
        "{custodial_id} @procurement.mpppal, same policy, 10 USDC; its agent key sealed under the master key"
    ));

    n.step("Through the API: 7.00 USDC is refused before anything is signed");
    let provider = w.provider.to_string();
    let (status, refused) = op
        .call(
            "POST",
            "/v1/transfers",
            Some(&json!({"accountId": custodial_id, "to": provider, "amount": 7 * USDC})),
        )
        .await?;
    anyhow::ensure!(
        status == 422,
        "the API accepted a payment over the cap: {refused}"
    );
    n.detail(&format!(
        "HTTP 422 {}: {} (recorded as {}, rejected)",
        refused["code"].as_str().unwrap_or_default(),
        refused["reason"].as_str().unwrap_or_default(),
        refused["transferId"].as_str().unwrap_or_default()
    ));
    n.step("Through the API: 3.00 USDC waits for the operator, who approves it");
    let waiting = op
        .expect(
            "POST",
            "/v1/transfers",
            Some(&json!({"accountId": custodial_id, "to": provider, "amount": 3 * USDC, "memo": "demo: invoice"})),
            202,
        )
        .await?;
    let escalation = waiting["escalationId"]
        .as_str()
        .context("no escalationId")?;
    n.detail(&format!(
        "HTTP 202: {} is {}, escalation {escalation}",
        waiting["transferId"].as_str().unwrap_or_default(),
        waiting["status"].as_str().unwrap_or_default()
    ));
    // Separation of duties: the key that asked for the payment cannot approve it.
    let approver_key = op
        .expect(
            "POST",
            "/v1/api-keys",
            Some(&json!({"name": "approver", "scopes": ["read", "approve"]})),
            201,
        )
        .await?;
    let approver = op.as_key(
        approver_key["keyId"].as_str().context("no keyId")?,
        approver_key["secret"].as_str().context("no secret")?,
    );
    let approved = approver
        .expect(
            "POST",
            &format!("/v1/escalations/{escalation}/approve"),
            Some(&json!({"note": "expected invoice"})),
            200,
        )
        .await?;
    n.detail(&format!(
        "escalation {} by the approver's key ({}), not the key that asked; the transfer is queued for settlement with the owner's co-signature",
        approved["status"].as_str().unwrap_or_default(),
        approver_key["keyId"].as_str().unwrap_or_default()
    ));
    let approved_transfer = waiting["transferId"]
        .as_str()
        .context("no transferId")?
        .to_string();

    // The agent reports what it pays with a key of its own that can do nothing else.
    let agent_key = op
        .expect(
            "POST",
            "/v1/api-keys",
            Some(&json!({"name": "research agent", "scopes": ["agent"]})),
            201,
        )
        .await?;
    let reporter = Arc::new(ApiReporter::new(
        ApiCredentials {
            base_url: op.base.clone(),
            key_id: agent_key["keyId"].as_str().context("no keyId")?.into(),
            secret: agent_key["secret"].as_str().context("no secret")?.into(),
        },
        account_id.clone(),
    ));
    let client = PayingClient::new(
        AgentWallet {
            agent: agent.insecure_clone(),
            wallet,
        },
        Arc::new(RpcChain::new(w.rpc_url.clone())),
        reporter.clone(),
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

    n.step(
        "Agent calls GET /report: pays with a signed receipt, served at once, reported to MPPPal",
    );
    let paid = client
        .get(&format!("{}/report", w.api))
        .await
        .context("paying /report")?;
    let delivered = reporter.flush().await;
    n.detail(&format!(
        "HTTP {} after signing a receipt for {}; no transaction; receipts reported to MPPPal: {} stored",
        paid.response.status(),
        usdc(paid.paid),
        delivered.stored
    ));
    anyhow::ensure!(
        delivered.stored == 1 && w.paywall_transactions() == charge_txs,
        "the receipt was not reported as it should be: {delivered:?}"
    );

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
    let delivered = reporter.flush().await;
    let sessions = op.expect("GET", "/v1/sessions", None, 200).await?;
    let session = &sessions["items"][0];
    n.detail(&format!(
        "reported to MPPPal: {} {}, paid {} as the chain says ({} session open, {} voucher, {} close reported)",
        session["sessionId"].as_str().unwrap_or_default(),
        session["status"].as_str().unwrap_or_default(),
        usdc(session["paid"].as_u64().unwrap_or(0)),
        delivered.sessions_opened,
        delivered.vouchers,
        delivered.sessions_closed
    ));
    anyhow::ensure!(
        session["status"] == "settled" && session["paid"].as_u64() == Some(metered),
        "the operator API does not show the session settled: {session}"
    );
    let session_txs = w.paywall_transactions() - charge_txs;
    n.count_txs(charge_txs + session_txs);

    n.step("The settlement worker settles the approved transfer on chain");
    let settled = settled(&op, &approved_transfer).await?;
    n.count_tx();
    n.detail(&format!(
        "{approved_transfer} settled: {} to the provider, co-signed by the owner, transaction {}",
        usdc(settled["amount"].as_u64().unwrap_or(0)),
        settled["txSignature"].as_str().unwrap_or_default()
    ));

    n.step("The settlement worker settles the deferred receipt with settle_batch");
    let receipt = settled_receipt(&op).await?;
    n.count_tx();
    n.detail(&format!(
        "receipt for {} settled in settle_batch transaction {}",
        usdc(receipt["amount"].as_u64().unwrap_or(0)),
        receipt["settlementTxSignature"]
            .as_str()
            .unwrap_or_default()
    ));

    let wallet_balance = w.token_balance(&address::vault(&wallet, &w.mint)).await?;
    let provider_balance = w
        .token_balance(&address::token_account(&w.provider, &w.mint))
        .await?;
    n.summary(&[
        ("agent wallet", usdc(wallet_balance)),
        ("provider", usdc(provider_balance)),
    ]);
    // Everything has moved: the receipt by its batch, the approved transfer from the custodial
    // wallet.
    let expected = 1_500_000 + CHARGE_PRICE + REPORT_PRICE + SESSION_REQUESTS * SESSION_PRICE;
    anyhow::ensure!(
        provider_balance == expected + 3 * USDC + 1 && wallet_balance == 100 * USDC - expected,
        "balances do not add up: provider {provider_balance}, wallet {wallet_balance}"
    );
    anyhow::ensure!(
        session_txs == 2,
        "the session took {session_txs} transactions, not 2"
    );
    n.payments(2 + SESSION_REQUESTS, 1 + charge_txs + session_txs);
    let settled_page = op
        .expect("GET", "/v1/transfers?status=settled", None, 200)
        .await?;
    let rejected = op
        .expect("GET", "/v1/transfers?status=rejected", None, 200)
        .await?;
    let count = |page: &serde_json::Value| page["items"].as_array().map_or(0, |i| i.len());
    n.total(
        "operator API",
        &format!(
            "{} transfer settled by the worker, {} rejected by policy, 1 receipt ({}) settled in a batch",
            count(&settled_page),
            count(&rejected),
            usdc(REPORT_PRICE)
        ),
    );

    // Events are delivered within a second or two of being written.
    let wanted = [
        "transfer.rejected",
        "escalation.required",
        "transfer.created",
        "transfer.settled",
        "receipts.settled",
    ];
    for _ in 0..50 {
        if wanted
            .iter()
            .all(|t| hooks.types().iter().any(|got| got == t))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let types = hooks.types();
    n.total(
        "webhooks",
        &format!(
            "{} events received, signed: {}",
            types.len(),
            types.join(", ")
        ),
    );
    anyhow::ensure!(
        wanted.iter().all(|t| types.iter().any(|got| got == t)),
        "the webhook receiver did not get every event: {types:?}"
    );
    let report = mpppal_worker::reconcile::reconcile(&worker)
        .await
        .map_err(|e| anyhow::anyhow!("reconciliation: {e}"))?;
    n.total(
        "reconciliation",
        &format!(
            "{} accounts and {} settled transfers checked against the chain: {} differences",
            report.accounts_checked,
            report.settled_checked,
            report.differences.len()
        ),
    );
    for d in &report.differences {
        n.detail(&format!("{} {}: {}", d.kind, d.subject, d.detail));
    }
    if dashboard.is_some() {
        let link = op.login_link().await?;
        n.step("Everything stays up: the dashboard shows this story's data");
        n.detail(&format!("open {link}"));
        n.detail("(a one-time sign-in link, good for ten minutes; Ctrl-C stops the demo and deletes its data)");
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
    }
    Ok(())
}

/// The demo's one deferred receipt once the worker has settled it (or an error after a minute).
async fn settled_receipt(op: &operator::OperatorApi) -> Result<serde_json::Value> {
    for _ in 0..600 {
        let page = op.expect("GET", "/v1/receipts", None, 200).await?;
        let receipt = &page["items"][0];
        match receipt["status"].as_str() {
            Some("settled") => return Ok(receipt.clone()),
            Some("rejected") | Some("expired") => {
                anyhow::bail!("the worker could not settle the receipt: {receipt}")
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    anyhow::bail!("the receipt was not settled within a minute")
}

/// The transfer once the worker has settled it (or an error after a minute).
async fn settled(op: &operator::OperatorApi, transfer_id: &str) -> Result<serde_json::Value> {
    for _ in 0..600 {
        let transfer = op
            .expect("GET", &format!("/v1/transfers/{transfer_id}"), None, 200)
            .await?;
        match transfer["status"].as_str() {
            Some("settled") => return Ok(transfer),
            Some("failed") => {
                anyhow::bail!("the worker could not settle {transfer_id}: {transfer}")
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    anyhow::bail!("{transfer_id} was not settled within a minute")
}
