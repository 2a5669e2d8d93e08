//! The Solana cluster a challenge is for.

use serde::{Deserialize, Serialize};

/// Cluster identifiers of the `solana` method drafts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Network {
    #[default]
    #[serde(rename = "mainnet-beta")]
    MainnetBeta,
    #[serde(rename = "devnet")]
    Devnet,
    #[serde(rename = "testnet")]
    Testnet,
    #[serde(rename = "localnet")]
    Localnet,
}
