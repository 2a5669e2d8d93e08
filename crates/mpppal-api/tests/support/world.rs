//! A whole API to test against: a fresh database, the real Redis, the embedded chain behind its
//! JSON-RPC, an operator with an all-scopes key, and helpers to read back what the chain holds.

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::Dependencies;
use mpppal_localnet::rpc::{self, Node};
use mpppal_localnet::LocalChain;
use mpppal_policy_program::Wallet;
use serde_json::{json, Value};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use sqlx::PgPool;
use std::str::FromStr;
use std::sync::Arc;

use super::{redis_url, serve, Signed};

pub const MASTER: [u8; 32] = [9; 32];
pub const USDC: u64 = 1_000_000;

pub struct World {
    pub api: Signed,
    /// A second key of the operator, holding only `read` and `approve`: escalations are
    /// approved by someone other than whoever asked for the transfer.
    pub approver: Signed,
    pub rpc: RpcClient,
    pub pool: PgPool,
    /// The embedded chain itself, for what only a dev chain allows (moving its clock).
    pub node: Option<Arc<Node>>,
}

pub async fn world(pool: PgPool) -> World {
    let chain = LocalChain::start().await;
    let node = Arc::new(Node::new(chain));
    let (rpc_url, _) = rpc::spawn(node.clone()).await.unwrap();
    let mut w = world_on(pool, &rpc_url, rpc_url.clone()).await;
    w.node = Some(node);
    w
}

pub async fn world_on(pool: PgPool, api_rpc: &str, test_rpc: String) -> World {
    let operator = keys::create_operator(&pool, "ops").await.unwrap();
    let key = keys::create(
        &pool,
        &MASTER,
        operator,
        "all",
        &[Scope::Read, Scope::Write, Scope::Agent],
    )
    .await
    .unwrap();
    let approver = keys::create(
        &pool,
        &MASTER,
        operator,
        "approver",
        &[Scope::Read, Scope::Approve],
    )
    .await
    .unwrap();
    // The tests' webhook receivers listen on loopback.
    let deps = Dependencies::new(pool.clone(), &redis_url(), api_rpc)
        .unwrap()
        .with_master_key(Some(MASTER))
        .with_egress(mpppal_egress::Egress {
            allow_private: true,
        });
    let base = serve(deps).await;
    World {
        api: Signed::new(&base, &key.key_id, &key.secret),
        approver: Signed::new(&base, &approver.key_id, &approver.secret),
        rpc: RpcClient::new_with_commitment(
            test_rpc,
            solana_commitment_config::CommitmentConfig::confirmed(),
        ),
        pool,
        node: None,
    }
}

pub fn policy() -> Value {
    json!({
        "maxSingleTransfer": 5 * USDC,
        "maxDailySpend": 50 * USDC,
        "escalationThreshold": 2 * USDC,
    })
}

/// A non-custodial account whose agent key the test holds.
pub struct Agent {
    pub key: solana_keypair::Keypair,
    pub id: String,
    pub wallet: Pubkey,
}

impl World {
    pub async fn fund_owner(&self) {
        let (_, operator) = self.api.call("GET", "/v1/operator", None, None).await;
        let owner = match operator["ownerAddress"].as_str() {
            Some(owner) => owner.to_string(),
            None => {
                // The owner key is made on first use: an account creation that answers
                // owner_unfunded names it.
                let (status, problem) = self
                    .create(
                        json!({"name": "probe", "custody": "custodial", "policy": policy()}),
                        None,
                    )
                    .await;
                assert_eq!(
                    (status, problem["code"].as_str()),
                    (409, Some("owner_unfunded"))
                );
                problem["ownerAddress"].as_str().unwrap().to_string()
            }
        };
        let owner = Pubkey::from_str(&owner).unwrap();
        self.rpc
            .request_airdrop(&owner, 10_000_000_000)
            .await
            .unwrap();
    }

    /// A custodial account with `policy`, created through the API (the owner must be funded).
    pub async fn account(&self, policy: Value) -> Value {
        let (status, account) = self
            .create(
                json!({"name": "agent", "custody": "custodial", "policy": policy}),
                None,
            )
            .await;
        assert_eq!(status, 201, "{account}");
        account
    }

    /// A non-custodial account with `policy`: its agent key (held by the test) and the account.
    pub async fn non_custodial(&self, policy: Value) -> (solana_keypair::Keypair, Value) {
        use solana_signer::Signer;
        let key = solana_keypair::Keypair::new();
        let (status, account) = self
            .create(
                json!({"name": "agent", "custody": "non_custodial",
                       "agentPublicKey": key.pubkey().to_string(), "policy": policy}),
                None,
            )
            .await;
        assert_eq!(status, 201, "{account}");
        (key, account)
    }

    /// A non-custodial account (agent key held by the test; 1 USDC per transfer, 10 a day) with
    /// `funding` in its vault. The owner must be funded.
    pub async fn funded_agent(&self, funding: u64) -> Agent {
        let (key, account) = self
            .non_custodial(json!({"maxSingleTransfer": USDC, "maxDailySpend": 10 * USDC}))
            .await;
        let wallet = account["solanaAddress"].as_str().unwrap().to_string();
        self.faucet(&wallet, funding).await;
        Agent {
            key,
            id: account["accountId"].as_str().unwrap().to_string(),
            wallet: Pubkey::from_str(&wallet).unwrap(),
        }
    }

    /// Base units held by the token account at `account` (0 when it does not exist).
    pub async fn token_balance(&self, account: &Pubkey) -> u64 {
        match self.rpc.get_token_account_balance(account).await {
            Ok(balance) => balance.amount.parse().unwrap(),
            Err(_) => 0,
        }
    }

    /// USDC held by `owner`'s token account (0 when it has none).
    pub async fn usdc_of(&self, owner: &Pubkey) -> u64 {
        let account = mpppal_solana::address::token_account(owner, &self.mint().await);
        self.token_balance(&account).await
    }

    pub async fn create(&self, body: Value, key: Option<&str>) -> (u16, Value) {
        self.api
            .call("POST", "/v1/accounts", Some(&body), key)
            .await
    }

    pub async fn wallet(&self, address: &str) -> Wallet {
        let account = self
            .rpc
            .get_account(&Pubkey::from_str(address).unwrap())
            .await
            .unwrap();
        Wallet::try_deserialize(&mut account.data.as_slice()).unwrap()
    }

    /// The local chain's USDC mint.
    pub async fn mint(&self) -> Pubkey {
        let info: Value = self
            .rpc
            .send(
                solana_rpc_client_api::request::RpcRequest::Custom {
                    method: "mpppal_info",
                },
                json!([]),
            )
            .await
            .unwrap();
        Pubkey::from_str(info["usdcMint"].as_str().unwrap()).unwrap()
    }

    /// Mints `amount` local USDC to `owner`'s token account (a wallet PDA's vault, say).
    pub async fn faucet(&self, owner: &str, amount: u64) {
        let _: Value = self
            .rpc
            .send(
                solana_rpc_client_api::request::RpcRequest::Custom {
                    method: "mpppal_requestUsdc",
                },
                json!([owner, amount]),
            )
            .await
            .unwrap();
    }

    /// A provider whose paywall takes MPPPal deferred receipts only, serving `/data` for `price`;
    /// its base URL.
    pub async fn receipts_paywall(&self, price: u64) -> String {
        self.paywall(price, false).await
    }

    /// A provider taking transactions whose fees it sponsors (standard MPP pull mode), serving
    /// `/data` for `price`; its base URL and the recipient's token account.
    pub async fn sponsored_paywall(&self, price: u64) -> (String, String) {
        let recipient = Pubkey::new_unique();
        let base = self.paywall_for(recipient, price, true).await;
        let account = mpppal_solana::address::token_account(&recipient, &self.mint().await);
        (base, account.to_string())
    }

    async fn paywall(&self, price: u64, sponsored: bool) -> String {
        self.paywall_for(Pubkey::new_unique(), price, sponsored)
            .await
    }

    async fn paywall_for(&self, recipient: Pubkey, price: u64, sponsored: bool) -> String {
        use mpppal_sdk::paywall::{MemoryStore, Paywall, PaywallConfig, ReceiptTerms, RpcChain};
        use solana_signer::Signer;
        let fee_payer = if sponsored {
            // The recipient's token account exists, as a real provider's would.
            self.faucet(&recipient.to_string(), 1).await;
            let key = solana_keypair::Keypair::new();
            let sig = self
                .rpc
                .request_airdrop(&key.pubkey(), 1_000_000_000)
                .await
                .unwrap();
            self.rpc.confirm_transaction(&sig).await.unwrap();
            Some(Arc::new(key))
        } else {
            None
        };
        let paywall = Paywall::new(
            PaywallConfig {
                realm: "api.test".into(),
                secret: "a paywall secret of at least thirty-two bytes".into(),
                recipient,
                mint: self.mint().await,
                decimals: 6,
                network: mpppal_solana::method::Network::Localnet,
                challenge_ttl: std::time::Duration::from_secs(300),
                receipts: (!sponsored).then(|| ReceiptTerms {
                    settlement_program: mpppal_solana::SETTLEMENT_PROGRAM_ID,
                    max_ttl: std::time::Duration::from_secs(600),
                }),
                transactions: sponsored,
                fee_payer,
                sessions: None,
            },
            Arc::new(RpcChain::new(self.rpc.url())),
            Arc::new(MemoryStore::default()),
        )
        .unwrap();
        let app = axum::Router::new().route(
            "/data",
            axum::routing::get(|| async { "the data" }).route_layer(paywall.charge(price)),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        base
    }

    /// A provider selling `/metered` by payment session at `price` per request (fees of the
    /// open sponsored); its base URL.
    pub async fn session_paywall(&self, price: u64) -> String {
        use mpppal_sdk::paywall::{MemoryStore, Paywall, PaywallConfig, RpcChain, SessionTerms};
        use solana_signer::Signer;
        let payee = solana_keypair::Keypair::new();
        let fee_payer = solana_keypair::Keypair::new();
        let sig = self
            .rpc
            .request_airdrop(&fee_payer.pubkey(), 1_000_000_000)
            .await
            .unwrap();
        self.rpc.confirm_transaction(&sig).await.unwrap();
        // The payee's token account exists, as a real provider's would.
        self.faucet(&payee.pubkey().to_string(), 1).await;
        let paywall = Paywall::new(
            PaywallConfig {
                realm: "api.test".into(),
                secret: "a paywall secret of at least thirty-two bytes".into(),
                recipient: payee.pubkey(),
                mint: self.mint().await,
                decimals: 6,
                network: mpppal_solana::method::Network::Localnet,
                challenge_ttl: std::time::Duration::from_secs(300),
                receipts: None,
                transactions: false,
                fee_payer: Some(Arc::new(fee_payer)),
                sessions: Some(SessionTerms {
                    payee: Arc::new(payee),
                    suggested_deposit: 100 * price,
                    vouchers: Default::default(),
                }),
            },
            Arc::new(RpcChain::new(self.rpc.url())),
            Arc::new(MemoryStore::default()),
        )
        .unwrap();
        let app = axum::Router::new().route(
            "/metered",
            axum::routing::get(|| async { "metered" }).route_layer(paywall.session(price)),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        base
    }

    /// The SDK's reporter for `account_id`, with an agent-scope key of its own, and a client
    /// signed with that key.
    pub async fn api_reporter(
        &self,
        account_id: &str,
    ) -> (Arc<mpppal_sdk::client::ApiReporter>, Signed) {
        let (key_id, secret) = self.agent_key().await;
        let signed = Signed::new(&self.api.base, &key_id, &secret);
        let reporter = mpppal_sdk::client::ApiReporter::new(
            mpppal_sdk::client::ApiCredentials {
                base_url: self.api.base.clone(),
                key_id,
                secret,
            },
            account_id,
        );
        (Arc::new(reporter), signed)
    }

    /// An API key of this operator's with only the agent scope.
    pub async fn agent_key(&self) -> (String, String) {
        let (status, key) = self
            .api
            .call(
                "POST",
                "/v1/api-keys",
                Some(&json!({"name": "agent", "scopes": ["agent"]})),
                None,
            )
            .await;
        assert_eq!(status, 201, "{key}");
        (
            key["keyId"].as_str().unwrap().into(),
            key["secret"].as_str().unwrap().into(),
        )
    }

    /// The embedded chain, locked: no transaction runs while it is held.
    pub async fn chain(&self) -> tokio::sync::MutexGuard<'_, LocalChain> {
        self.node
            .as_ref()
            .expect("a world on the embedded chain")
            .settled()
            .await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }
}
