//! Which Solana cluster the server's RPC node serves, as explorers name clusters: what a
//! transaction link in the dashboard needs.

use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    /// `mainnet-beta`, `devnet`, `testnet`, `localnet` (an RPC node on this machine) or `custom`.
    name: &'static str,
    /// The RPC node's URL (explorers open `localnet` and `custom` clusters by it).
    rpc_url: String,
}

impl Cluster {
    /// Judged by the RPC URL's host: the public clusters' well-known names, loopback as localnet.
    pub fn of(rpc_url: &str) -> Self {
        let authority = rpc_url
            .split("://")
            .nth(1)
            .unwrap_or(rpc_url)
            .split('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let host = if authority.starts_with('[') {
            authority.split(']').next().unwrap_or("").to_string() + "]"
        } else {
            authority.split(':').next().unwrap_or("").to_string()
        };
        let name = if host == "localhost" || host.starts_with("127.") || host == "[::1]" {
            "localnet"
        } else if host.contains("devnet") {
            "devnet"
        } else if host.contains("testnet") {
            "testnet"
        } else if host.contains("mainnet") {
            "mainnet-beta"
        } else {
            "custom"
        };
        Self {
            name,
            rpc_url: rpc_url.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cluster;

    #[test]
    fn clusters_are_named_by_their_rpc_host() {
        for (url, name) in [
            ("http://127.0.0.1:8899", "localnet"),
            ("http://localhost:8899/", "localnet"),
            ("http://[::1]:8899", "localnet"),
            ("https://api.devnet.solana.com", "devnet"),
            ("https://api.mainnet-beta.solana.com", "mainnet-beta"),
            ("https://rpc.example.com/mainnet?key=1", "custom"),
        ] {
            assert_eq!(Cluster::of(url).name, name, "{url}");
        }
    }
}
