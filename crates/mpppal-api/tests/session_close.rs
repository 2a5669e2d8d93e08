//! Sessions ended by the worker as the chain ended them: a provider's close the agent never
//! reported is found on chain and recorded with its transaction, and a session nobody closed
//! within its window is ended with the best voucher the agent reported: the provider paid that,
//! the rest of the deposit back in the wallet. Both are reconciliation differences until then.

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use async_trait::async_trait;
use mpppal_sdk::client::{
    AgentWallet, ApiReporter, PaidReceipt, PayingClient, ReceiptReporter, SessionEvent,
};
use mpppal_sdk::paywall::RpcChain;
use mpppal_settlement_program::state::Session;
use sqlx::PgPool;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use support::worker::{eventually, start, test_config};
use support::world::{world, Agent, World, USDC};

mod support;

const PRICE: u64 = 1_000;

/// Passes everything on to the API except closes, which it keeps: the agent that crashed
/// before reporting its close.
struct LosesCloses {
    api: Arc<ApiReporter>,
    closes: Mutex<Vec<String>>,
}

#[async_trait]
impl ReceiptReporter for LosesCloses {
    async fn report(&self, paid: PaidReceipt) {
        self.api.report(paid).await
    }

    async fn session(&self, event: SessionEvent) {
        match event {
            SessionEvent::Closed { tx, .. } => self.closes.lock().unwrap().push(tx),
            other => self.api.session(other).await,
        }
    }
}

impl World {
    async fn session_on_chain(&self, channel: &Pubkey) -> Session {
        let account = self.rpc.get_account(channel).await.unwrap();
        Session::try_deserialize(&mut account.data.as_slice()).unwrap()
    }

    async fn session_row(&self, session_id: &str) -> serde_json::Value {
        let (status, view) = self
            .api
            .call("GET", &format!("/v1/sessions/{session_id}"), None, None)
            .await;
        assert_eq!(status, 200, "{view}");
        view
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_worker_records_unreported_closes_and_expires_abandoned_sessions(pool: PgPool) {
    let w = world(pool).await;
    w.fund_owner().await;
    let Agent {
        key: agent,
        id,
        wallet,
    } = w.funded_agent(5 * USDC).await;
    let vault = mpppal_solana::address::vault(&wallet, &w.mint().await);
    let (api, _) = w.api_reporter(&id).await;
    let reporter = Arc::new(LosesCloses {
        api: api.clone(),
        closes: Mutex::new(Vec::new()),
    });
    let client = |reporter: Arc<LosesCloses>| {
        PayingClient::new(
            AgentWallet {
                agent: agent.insecure_clone(),
                wallet,
            },
            Arc::new(RpcChain::new(w.rpc.url())),
            reporter,
        )
        .with_max_price(USDC)
    };
    // Two providers, a session with each.
    let closed_by_provider = w.session_paywall(PRICE).await;
    let abandoned = w.session_paywall(PRICE).await;
    let first = client(reporter.clone());
    let second = client(reporter.clone());
    for _ in 0..5 {
        for (c, base) in [(&first, &closed_by_provider), (&second, &abandoned)] {
            let paid = c.get(&format!("{base}/metered")).await.unwrap();
            assert_eq!(paid.response.status(), 200);
        }
    }
    let delivered = api.flush().await;
    assert_eq!(delivered.sessions_opened, 2, "{delivered:?}");
    let (_, listed) = w
        .api
        .call("GET", &format!("/v1/sessions?accountId={id}"), None, None)
        .await;
    let by_provider = |base: &str| {
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["providerEndpoint"].as_str().unwrap().starts_with(base))
            .unwrap_or_else(|| panic!("no session for {base}: {listed}"))
            .clone()
    };
    let closed = by_provider(&closed_by_provider);
    let left = by_provider(&abandoned);
    let closed_id = closed["sessionId"].as_str().unwrap().to_string();
    let left_id = left["sessionId"].as_str().unwrap().to_string();

    // The provider closes the first on chain; the agent's report of it is lost.
    first.close_sessions().await.unwrap();
    let close_tx = reporter.closes.lock().unwrap().first().cloned().unwrap();
    let closed_channel = Pubkey::from_str(closed["channel"].as_str().unwrap()).unwrap();
    let closed_on_chain = w.session_on_chain(&closed_channel).await;
    assert!(closed_on_chain.paid > 0);
    // Nobody closes the second; the chain's clock passes its expiry and the payee's hour.
    let left_channel = Pubkey::from_str(left["channel"].as_str().unwrap()).unwrap();
    let left_on_chain = w.session_on_chain(&left_channel).await;
    let reported = left["runningTotal"].as_u64().unwrap();
    assert!(reported > 0, "the agent reported its vouchers: {left}");
    let before_expiry = w.token_balance(&vault).await;
    let payee_before = w.token_balance(&left_on_chain.payee_token_account).await;
    w.chain()
        .await
        .set_time(left_on_chain.expires_at + 3_601)
        .await;

    let _worker = start(&w, test_config(w.rpc.url().as_str())).await;
    eventually(60, "both sessions to be settled in the ledger", || async {
        w.count("SELECT count(*) FROM mpp_sessions WHERE status = 'settled'")
            .await
            == 2
    })
    .await;

    let view = w.session_row(&closed_id).await;
    assert_eq!(view["paid"], closed_on_chain.paid, "{view}");
    assert_eq!(view["settlementTxSignature"], close_tx.as_str());
    let view = w.session_row(&left_id).await;
    assert_eq!(view["paid"], reported, "{view}");
    let expiry_tx = view["settlementTxSignature"].as_str().unwrap().to_string();
    assert_ne!(expiry_tx, close_tx);
    assert!(matches!(
        w.session_on_chain(&left_channel).await.status,
        mpppal_settlement_program::state::SessionStatus::Expired
    ));
    // The provider got the voucher it never claimed; the rest of the deposit is back.
    assert_eq!(
        w.token_balance(&left_on_chain.payee_token_account).await,
        payee_before + reported
    );
    assert_eq!(
        w.token_balance(&vault).await,
        before_expiry + left_on_chain.deposit - reported
    );
    assert_eq!(
        w.count(
            "SELECT count(*) FROM audit_log WHERE action = 'session.settled' AND actor = 'worker'"
        )
        .await,
        2
    );
    // Each was reported as a difference once, with an event, and is resolved now.
    for kind in ["session_closed_unrecorded", "session_past_expiry"] {
        assert_eq!(
            w.count(&format!(
                "SELECT count(*) FROM reconciliation_differences WHERE kind = '{kind}'"
            ))
            .await,
            1,
            "{kind}"
        );
    }
    eventually(10, "the differences to resolve", || async {
        w.count("SELECT count(*) FROM reconciliation_differences WHERE resolved_at IS NULL")
            .await
            == 0
    })
    .await;
    assert_eq!(
        w.count("SELECT count(*) FROM outbox WHERE kind = 'event' AND payload->>'type' = 'session.settled'")
            .await,
        2
    );
}
