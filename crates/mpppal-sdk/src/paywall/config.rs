//! What a paywall charges and how.

use anchor_lang::prelude::Pubkey;
use mpppal_solana::method::Network;
use solana_keypair::Keypair;
use std::sync::Arc;
use std::time::Duration;

/// Deferred-receipt terms a paywall offers.
#[derive(Clone, Debug)]
pub struct ReceiptTerms {
    /// The Settlement Program the receipts settle through.
    pub settlement_program: Pubkey,
    /// Longest a receipt may stay unsettled; bounds the provider's risk.
    pub max_ttl: Duration,
}

#[derive(Clone, Debug)]
pub struct PaywallConfig {
    /// The protection space named in challenges, e.g. `api.example.com`.
    pub realm: String,
    /// Key of the challenge-id HMAC; at least 32 bytes.
    pub secret: String,
    /// Who gets paid: the owner of the receiving token account.
    pub recipient: Pubkey,
    pub mint: Pubkey,
    pub decimals: u8,
    pub network: Network,
    /// How long a challenge stays payable.
    pub challenge_ttl: Duration,
    pub receipts: Option<ReceiptTerms>,
    /// Whether payments by transaction (pull, and push without a fee payer) are accepted.
    pub transactions: bool,
    /// Pays the fees of pull-mode transactions when set (`feePayer: true` in challenges).
    pub fee_payer: Option<Arc<Keypair>>,
    /// Session terms; routes using `Paywall::session` need them.
    pub sessions: Option<SessionTerms>,
}

/// What a paywall needs to run payment sessions.
#[derive(Clone, Debug)]
pub struct SessionTerms {
    /// The recipient's keypair: it signs the close that pays the session out.
    pub payee: Arc<Keypair>,
    /// Deposit suggested to clients, in base units.
    pub suggested_deposit: u64,
    /// When a voucher's signature is checked: before serving (the default) or after.
    pub vouchers: VoucherCheck,
}

/// When the paywall checks a session voucher's signature (ADR 0019).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VoucherCheck {
    /// Verified and recorded before the handler runs: nothing is served on a bad voucher.
    #[default]
    BeforeServing,
    /// Every other check first (challenge, channel, amount, deposit, expiry), then the handler,
    /// then the signature, off the response's path. A bad signature costs the provider that one
    /// request, after which the channel verifies every voucher first; a good voucher is recorded
    /// once verified, so a crash in between loses at most one request, covered by the payer's next
    /// cumulative voucher. For providers whose requests are cheap next to the time of a
    /// signature check.
    AfterServing,
}

impl PaywallConfig {
    /// Checks what would make every challenge unusable.
    pub fn validate(&self) -> Result<(), String> {
        if self.secret.len() < 32 {
            return Err("the challenge secret must be at least 32 bytes".into());
        }
        if self.realm.is_empty() {
            return Err("the realm must not be empty".into());
        }
        if let Some(terms) = &self.sessions {
            use solana_signer::Signer;
            if terms.payee.pubkey() != self.recipient {
                return Err("the session payee keypair must be the recipient's".into());
            }
            if self.fee_payer.is_none() {
                return Err(
                    "sessions need a fee payer: it submits opens, top-ups and closes".into(),
                );
            }
        }
        if self.receipts.is_none() && !self.transactions && self.sessions.is_none() {
            return Err("no payment kind is offered: accept transactions or receipts".into());
        }
        Ok(())
    }
}
