//! open_session, top_up_session, close_session and expire_session.

use crate::support::*;
use anchor_lang::AccountDeserialize;
use mpppal_settlement_program::{
    CloseSessionArgs, ExpireSessionArgs, OpenSessionArgs, Session, SessionStatus, TopUpArgs,
};
use mpppal_solana::settlement_ix::{self, SessionAccounts};
use mpppal_solana::signed::{ed25519_instruction, sign_voucher};
use solana_keypair::Keypair;
use solana_signer::Signer;

const HOUR: i64 = 3_600;

struct Open {
    f: Fixture,
    s: SessionAccounts,
    payer: Keypair,
}

async fn open_with(deposit: u64) -> (Open, Result<(), solana_program_test::BanksClientError>) {
    // No escalation threshold: these tests are about sessions, not co-signatures.
    let no_escalation = mpppal_policy_program::PolicyArgs {
        escalation_threshold: None,
        ..policy()
    };
    let f = fixture_with(no_escalation, 100 * USDC).await;
    let payer = Keypair::new();
    let mut o = Open {
        s: SessionAccounts {
            wallet: f.wallet,
            mint: f.mint(),
            session_id: 42,
            payee: f.bob.pubkey(),
            rent_payer: payer.pubkey(),
        },
        f,
        payer,
    };
    o.f.chain
        .airdrop(&o.payer.pubkey(), 100_000_000)
        .await
        .unwrap();
    let result = o.send_open(deposit, NOON + HOUR).await;
    (o, result)
}

async fn open(deposit: u64) -> Open {
    let (o, result) = open_with(deposit).await;
    result.unwrap();
    o
}

impl Open {
    async fn send_open(
        &mut self,
        deposit: u64,
        expires_at: i64,
    ) -> Result<(), solana_program_test::BanksClientError> {
        let ix = settlement_ix::open_session(
            &self.s,
            &self.f.agent.pubkey(),
            None,
            OpenSessionArgs {
                session_id: self.s.session_id,
                deposit,
                expires_at,
                memo: None,
                category: None,
            },
        );
        let (agent, payer) = (self.f.agent.insecure_clone(), self.payer.insecure_clone());
        self.f.chain.send(&[ix], &[&agent, &payer]).await
    }

    async fn session(&mut self) -> Session {
        let account = self
            .f
            .chain
            .context
            .banks_client
            .get_account(self.s.session())
            .await
            .unwrap()
            .unwrap();
        Session::try_deserialize(&mut account.data.as_slice()).unwrap()
    }

    /// The payee closes with a voucher for `cumulative` signed by `signer`.
    async fn close(
        &mut self,
        signer: &Keypair,
        cumulative: u64,
        voucher_expires_at: i64,
    ) -> Result<(), solana_program_test::BanksClientError> {
        let voucher = sign_voucher(signer, &self.s.session(), cumulative, voucher_expires_at);
        let ix = settlement_ix::close_session(
            &self.s,
            CloseSessionArgs {
                cumulative,
                voucher_expires_at,
            },
        );
        let payee = self.f.bob.insecure_clone();
        self.f
            .chain
            .send(&[ed25519_instruction(&[voucher]), ix], &[&payee])
            .await
    }

    async fn top_up(&mut self, amount: u64) -> Result<(), solana_program_test::BanksClientError> {
        let ix = settlement_ix::top_up_session(
            &self.s,
            &self.f.agent.pubkey(),
            None,
            TopUpArgs {
                amount,
                memo: None,
                category: None,
            },
        );
        let agent = self.f.agent.insecure_clone();
        self.f.chain.send(&[ix], &[&agent]).await
    }
}

#[tokio::test]
async fn open_locks_the_deposit_in_escrow_against_the_daily_cap() {
    let mut o = open(3 * USDC).await;
    assert_eq!(o.f.balance(&o.s.escrow()).await, 3 * USDC);
    assert_eq!(o.f.balance(&o.f.vault.clone()).await, 97 * USDC);
    let s = o.session().await;
    assert_eq!(s.signer, o.f.agent.pubkey());
    assert_eq!((s.deposit, s.status), (3 * USDC, SessionStatus::Open));
    assert_eq!(o.f.wallet_state().await.spent_today, 3 * USDC);
}

#[tokio::test]
async fn open_refuses_bad_expiry_policy_breaches_and_reuse_of_an_id() {
    let (mut o, result) = open_with(6 * USDC).await;
    assert_eq!(error_code(result), policy_err::OVER_SINGLE);
    assert_eq!(
        error_code(o.send_open(USDC, NOON - 1).await),
        settle_err::INVALID_EXPIRY
    );
    assert_eq!(
        error_code(o.send_open(USDC, NOON + 31 * 86_400).await),
        settle_err::INVALID_EXPIRY
    );
    assert_eq!(o.f.balance(&o.f.vault.clone()).await, 100 * USDC);
    o.send_open(USDC, NOON + HOUR).await.unwrap();
    // The same session id again: the session PDA exists.
    assert!(o.send_open(USDC, NOON + HOUR).await.is_err());
    assert_eq!(o.f.balance(&o.s.escrow()).await, USDC);
}

#[tokio::test]
async fn open_refuses_a_payee_token_account_of_someone_else() {
    let mut o = open(USDC).await;
    let carol = Keypair::new();
    let to_carol = SessionAccounts {
        payee: carol.pubkey(),
        session_id: 43,
        ..o.s
    };
    // The session names Carol as payee but would pay into Bob's token account.
    let mut ix = settlement_ix::open_session(
        &to_carol,
        &o.f.agent.pubkey(),
        None,
        OpenSessionArgs {
            session_id: 43,
            deposit: USDC,
            expires_at: NOON + HOUR,
            memo: None,
            category: None,
        },
    );
    ix.accounts[7].pubkey = o.f.bob_usdc;
    let (agent, payer) = (o.f.agent.insecure_clone(), o.payer.insecure_clone());
    assert_eq!(
        error_code(o.f.chain.send(&[ix], &[&agent, &payer]).await),
        TOKEN_OWNER
    );
}

#[tokio::test]
async fn top_up_adds_to_the_deposit_until_closed_or_expired() {
    let mut o = open(USDC).await;
    o.top_up(2 * USDC).await.unwrap();
    assert_eq!(o.session().await.deposit, 3 * USDC);
    assert_eq!(o.f.balance(&o.s.escrow()).await, 3 * USDC);
    assert_eq!(
        error_code(o.top_up(6 * USDC).await),
        policy_err::OVER_SINGLE
    );

    o.f.chain.set_time(NOON + HOUR).await;
    assert_eq!(
        error_code(o.top_up(USDC).await),
        settle_err::SESSION_EXPIRED
    );
    o.f.chain.set_time(NOON).await;
    let agent = o.f.agent.insecure_clone();
    o.close(&agent, USDC, 0).await.unwrap();
    assert_eq!(
        error_code(o.top_up(USDC).await),
        settle_err::SESSION_NOT_OPEN
    );
}

#[tokio::test]
async fn close_pays_the_voucher_refunds_the_rest_and_frees_budget() {
    let mut o = open(4 * USDC).await;
    let payer_before = o.f.chain.lamports(&o.payer.pubkey()).await;
    let agent = o.f.agent.insecure_clone();
    o.close(&agent, 1_250_000, NOON + 60).await.unwrap();
    assert_eq!(o.f.balance(&o.f.bob_usdc.clone()).await, 1_250_000);
    assert_eq!(
        o.f.balance(&o.f.vault.clone()).await,
        100 * USDC - 1_250_000
    );
    assert_eq!(
        o.f.chain.token_balance(&o.s.escrow()).await,
        None,
        "escrow account closed"
    );
    assert!(
        o.f.chain.lamports(&o.payer.pubkey()).await > payer_before,
        "escrow rent returned"
    );
    let s = o.session().await;
    assert_eq!((s.status, s.paid), (SessionStatus::Closed, 1_250_000));
    // Only what the payee was paid still counts against today's cap.
    assert_eq!(o.f.wallet_state().await.spent_today, 1_250_000);
    assert_eq!(
        error_code(o.close(&agent, 1_250_000, NOON + 60).await),
        settle_err::SESSION_NOT_OPEN
    );
}

#[tokio::test]
async fn tokens_sent_straight_to_the_escrow_go_back_but_free_no_budget() {
    let mut o = open(4 * USDC).await;
    assert_eq!(o.f.wallet_state().await.spent_today, 4 * USDC);
    // Someone sends 10 USDC to the escrow: not locked from the wallet, never counted.
    o.f.chain
        .mint_usdc_to(&o.s.escrow(), 10 * USDC)
        .await
        .unwrap();
    let agent = o.f.agent.insecure_clone();
    o.close(&agent, 1_250_000, NOON + 60).await.unwrap();
    assert_eq!(o.f.balance(&o.f.bob_usdc.clone()).await, 1_250_000);
    // Every token the escrow held goes back to the wallet, the donation too...
    assert_eq!(
        o.f.balance(&o.f.vault.clone()).await,
        100 * USDC - 1_250_000 + 10 * USDC
    );
    // ...but the day's budget gets back only the deposit not paid out.
    assert_eq!(o.f.wallet_state().await.spent_today, 1_250_000);
}

#[tokio::test]
async fn close_with_zero_needs_no_voucher_and_refunds_everything() {
    let mut o = open(USDC).await;
    let ix = settlement_ix::close_session(
        &o.s,
        CloseSessionArgs {
            cumulative: 0,
            voucher_expires_at: 0,
        },
    );
    let payee = o.f.bob.insecure_clone();
    o.f.chain.send(&[ix], &[&payee]).await.unwrap();
    assert_eq!(o.f.balance(&o.f.vault.clone()).await, 100 * USDC);
    assert_eq!(o.f.balance(&o.f.bob_usdc.clone()).await, 0);
}

#[tokio::test]
async fn close_refuses_forged_oversized_and_expired_vouchers() {
    let mut o = open(2 * USDC).await;
    let agent = o.f.agent.insecure_clone();
    let mallory = Keypair::new();
    assert_eq!(
        error_code(o.close(&mallory, USDC, 0).await),
        settle_err::VOUCHER_NOT_SIGNED
    );
    assert_eq!(
        error_code(o.close(&agent, 2 * USDC + 1, 0).await),
        settle_err::EXCEEDS_DEPOSIT
    );
    assert_eq!(
        error_code(o.close(&agent, USDC, NOON - 1).await),
        settle_err::VOUCHER_EXPIRED
    );

    // A voucher signed for a different amount than the one claimed.
    let voucher = sign_voucher(&agent, &o.s.session(), USDC, 0);
    let ix = settlement_ix::close_session(
        &o.s,
        CloseSessionArgs {
            cumulative: 2 * USDC,
            voucher_expires_at: 0,
        },
    );
    let payee = o.f.bob.insecure_clone();
    assert_eq!(
        error_code(
            o.f.chain
                .send(&[ed25519_instruction(&[voucher]), ix], &[&payee])
                .await
        ),
        settle_err::VOUCHER_NOT_SIGNED
    );
    // Only the payee may close.
    let ix = settlement_ix::close_session(
        &SessionAccounts {
            payee: agent.pubkey(),
            ..o.s
        },
        CloseSessionArgs {
            cumulative: 0,
            voucher_expires_at: 0,
        },
    );
    assert!(o.f.chain.send(&[ix], &[&agent]).await.is_err());
    assert_eq!(o.f.balance(&o.s.escrow()).await, 2 * USDC);
    assert_eq!(o.f.balance(&o.f.bob_usdc.clone()).await, 0);
}

#[tokio::test]
async fn close_refuses_after_the_grace_period_and_expire_returns_everything() {
    let mut o = open(2 * USDC).await;
    let expire = settlement_ix::expire_session(&o.s, ExpireSessionArgs::default());
    assert_eq!(
        error_code(o.f.chain.send(std::slice::from_ref(&expire), &[]).await),
        settle_err::STILL_CLAIMABLE
    );
    // Within the grace period after expiry the payee may still close...
    o.f.chain.set_time(NOON + HOUR + 10).await;
    assert_eq!(
        error_code(o.f.chain.send(std::slice::from_ref(&expire), &[]).await),
        settle_err::STILL_CLAIMABLE
    );
    // ...and after it only expiry is possible.
    o.f.chain.set_time(NOON + 2 * HOUR + 1).await;
    let agent = o.f.agent.insecure_clone();
    assert_eq!(
        error_code(o.close(&agent, USDC, 0).await),
        settle_err::CLOSE_WINDOW_PASSED
    );
    o.f.chain
        .send(std::slice::from_ref(&expire), &[])
        .await
        .unwrap();
    assert_eq!(o.f.balance(&o.f.vault.clone()).await, 100 * USDC);
    assert_eq!(o.session().await.status, SessionStatus::Expired);
    assert_eq!(
        error_code(o.f.chain.send(&[expire], &[]).await),
        settle_err::SESSION_NOT_OPEN
    );
}

#[tokio::test]
async fn expire_with_a_voucher_pays_it_and_returns_the_rest() {
    let mut o = open(2 * USDC).await;
    let voucher = |s: &SessionAccounts, signer: &Keypair, cumulative: u64, expires_at: i64| {
        let ix = settlement_ix::expire_session(
            s,
            ExpireSessionArgs {
                cumulative,
                voucher_expires_at: expires_at,
            },
        );
        let signed = sign_voucher(signer, &s.session(), cumulative, expires_at);
        [ed25519_instruction(&[signed]), ix]
    };
    let agent = o.f.agent.insecure_clone();
    // Not before the payee's window has passed, even with a voucher.
    let early = voucher(&o.s, &agent, USDC, 0);
    assert_eq!(
        error_code(o.f.chain.send(&early, &[]).await),
        settle_err::STILL_CLAIMABLE
    );
    o.f.chain.set_time(NOON + 2 * HOUR + 1).await;
    // A voucher not by the session's signer, over the deposit, or expired is refused.
    let stranger = Keypair::new();
    let forged = voucher(&o.s, &stranger, USDC, 0);
    assert_eq!(
        error_code(o.f.chain.send(&forged, &[]).await),
        settle_err::VOUCHER_NOT_SIGNED
    );
    let oversized = voucher(&o.s, &agent, 3 * USDC, 0);
    assert_eq!(
        error_code(o.f.chain.send(&oversized, &[]).await),
        settle_err::EXCEEDS_DEPOSIT
    );
    let stale = voucher(&o.s, &agent, USDC, NOON + HOUR);
    assert_eq!(
        error_code(o.f.chain.send(&stale, &[]).await),
        settle_err::VOUCHER_EXPIRED
    );
    // Anyone may present the agent's voucher: the payee gets it, the wallet the rest.
    let fair = voucher(&o.s, &agent, 1_250_000, 0);
    o.f.chain.send(&fair, &[]).await.unwrap();
    assert_eq!(o.f.balance(&o.f.bob_usdc.clone()).await, 1_250_000);
    assert_eq!(
        o.f.balance(&o.f.vault.clone()).await,
        100 * USDC - 1_250_000
    );
    let session = o.session().await;
    assert_eq!(
        (session.status, session.paid),
        (SessionStatus::Expired, 1_250_000)
    );
}
