//! The shared vectors, by kind. Inputs are fixed (keys from fixed seeds, fixed clocks) so the
//! file changes only when the Rust code's answers change.

mod chain;
mod messages;
mod policy;
mod signatures;

use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;

pub fn all() -> Value {
    json!({
        "about": "Computed by crates/mpppal/tests/shared_vectors.rs from the Rust core; the TypeScript and Python SDKs must give the same verdicts and bytes. Regenerate with MPPPAL_UPDATE_VECTORS=1 cargo test -p mpppal --test shared_vectors. u64 amounts are decimal strings, keys and signatures base58, bytes lowercase hex.",
        "policy": {
            "evaluate": policy::evaluate(),
            "validate": policy::validate(),
        },
        "vouchers": messages::vouchers(),
        "receipts": messages::receipts(),
        "credentials": messages::credentials(),
        "hmac": signatures::hmac(),
        "webhooks": signatures::webhooks(),
        "addresses": chain::addresses(),
        "instructions": chain::instructions(),
    })
}

/// A key from a fixed seed, and the seed as hex, so SDKs can rebuild the same key.
pub fn key(seed: u8) -> (Keypair, String) {
    let secret = [seed; 32];
    (Keypair::new_from_array(secret), hex::encode(secret))
}

/// A public key that is nobody's (filled with one byte).
pub fn address(fill: u8) -> anchor_lang::prelude::Pubkey {
    anchor_lang::prelude::Pubkey::new_from_array([fill; 32])
}

pub fn pubkey_of(keypair: &Keypair) -> anchor_lang::prelude::Pubkey {
    anchor_lang::prelude::Pubkey::new_from_array(keypair.pubkey().to_bytes())
}
