//! Secrets at rest (ADR 0012): 32-byte secrets sealed under the master key with AES-256-GCM. The
//! associated data is a label naming what the secret belongs to, so a sealed secret copied to
//! another row does not open. The API seals; the API and the settlement worker open.

pub mod seal;

use solana_keypair::Keypair;

/// The label of an operator's wallet-owner key.
pub fn owner_label(operator_id: impl std::fmt::Display) -> String {
    format!("owner:{operator_id}")
}

/// The label of a custodial account's agent key.
pub fn agent_label(account_id: &str) -> String {
    format!("agent:{account_id}")
}

/// The label of a webhook endpoint's signing secret.
pub fn webhook_label(endpoint_id: &str) -> String {
    format!("webhook:{endpoint_id}")
}

/// A fresh Ed25519 key and the seed it comes from.
pub fn generate() -> ([u8; 32], Keypair) {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("the OS random source");
    (seed, Keypair::new_from_array(seed))
}

/// The key a sealed seed stands for, or `None` when it was not sealed for `label` under `master`.
pub fn open_key(master: &[u8; 32], label: &str, sealed: &[u8]) -> Option<Keypair> {
    seal::open(master, label, sealed).map(Keypair::new_from_array)
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_signer::Signer as _;

    #[test]
    fn a_sealed_key_opens_only_under_its_label_and_master() {
        let master = [7u8; 32];
        let (seed, key) = generate();
        let sealed = seal::seal(&master, &agent_label("acct_1"), &seed);
        let opened = open_key(&master, &agent_label("acct_1"), &sealed).unwrap();
        assert_eq!(opened.pubkey(), key.pubkey());
        assert!(open_key(&master, &agent_label("acct_2"), &sealed).is_none());
        assert!(open_key(&[8u8; 32], &agent_label("acct_1"), &sealed).is_none());
    }
}
