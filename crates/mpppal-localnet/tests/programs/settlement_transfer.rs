//! Settlement Program transfer: a direct payment through the Policy Program's debit.

use crate::support::*;
use mpppal_settlement_program::TransferArgs;
use mpppal_solana::policy_ix::PaymentAccounts;
use mpppal_solana::settlement_ix;
use solana_signer::Signer;

async fn send(
    f: &mut Fixture,
    amount: u64,
    nonce: u64,
) -> Result<(), solana_program_test::BanksClientError> {
    let ix = settlement_ix::transfer(
        &PaymentAccounts {
            agent: f.agent.pubkey(),
            owner_cosigner: None,
            wallet: f.wallet,
            mint: f.mint(),
            destination: f.bob_usdc,
        },
        TransferArgs {
            amount,
            nonce,
            memo: Some("api credits".into()),
            category: None,
        },
    );
    let agent = f.agent.insecure_clone();
    f.chain.send(&[ix], &[&agent]).await
}

#[tokio::test]
async fn pays_through_the_policy_and_moves_tokens() {
    let mut f = fixture().await;
    send(&mut f, 400_000, 0).await.unwrap();
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 400_000);
    assert_eq!(f.balance(&f.vault.clone()).await, 100 * USDC - 400_000);
    let w = f.wallet_state().await;
    assert_eq!((w.nonce, w.spent_today), (1, 400_000));
}

#[tokio::test]
async fn policy_refusals_and_replays_pass_through() {
    let mut f = fixture().await;
    assert_eq!(
        error_code(send(&mut f, 6 * USDC, 0).await),
        policy_err::OVER_SINGLE
    );
    send(&mut f, 1, 0).await.unwrap();
    assert_eq!(error_code(send(&mut f, 1, 0).await), policy_err::NONCE);
    let mut stranger = fixture().await;
    stranger.agent = solana_keypair::Keypair::new();
    assert_eq!(
        error_code(send(&mut stranger, 1, 0).await),
        policy_err::UNAUTHORIZED
    );
    assert_eq!(f.balance(&f.bob_usdc.clone()).await, 1);
}
