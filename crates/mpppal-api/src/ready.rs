//! Readiness: the API can serve only when PostgreSQL, Redis and the Solana RPC node all answer.
//! Each is checked at once, with its own deadline, so one dead dependency cannot hide another.

use serde::Serialize;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How long one dependency may take to answer before it counts as down.
const DEADLINE: Duration = Duration::from_secs(2);

/// What the API depends on, and the master key that opens API keys.
pub struct Dependencies {
    pub db: PgPool,
    pub redis: redis::Client,
    pub solana: RpcClient,
    pub master_key: Option<[u8; 32]>,
    /// Sending the owner's transactions and reading wallets (longer deadlines than `solana`).
    pub chain: crate::chain::Chain,
    /// Operator sign-in, when configured.
    pub signin: Option<Arc<crate::signin::SignIn>>,
    /// How browser cookies are named and flagged (`Secure` and `__Host-` over https).
    pub cookies: crate::signin::Cookies,
    /// Which webhook URLs operators may register.
    pub egress: mpppal_egress::Egress,
    /// The dashboard's static export, when this server serves it.
    pub dashboard: Option<Arc<crate::dashboard::Dashboard>>,
    /// Request rate limits, per key, per client address and for sign-in.
    pub rate_limits: crate::rate_limit::RateLimits,
    /// One multiplexed Redis connection for request work, made on first use (and remade by the
    /// manager after failures), so the API starts even while Redis is down.
    shared_redis: tokio::sync::OnceCell<redis::aio::ConnectionManager>,
}

impl Dependencies {
    /// Handles on the configured dependencies; connects to none of them yet.
    pub fn new(db: PgPool, redis_url: &str, solana_rpc_url: &str) -> Result<Self, String> {
        let redis =
            redis::Client::open(redis_url).map_err(|e| format!("REDIS_URL is not usable: {e}"))?;
        Ok(Self {
            db,
            redis,
            solana: RpcClient::new_with_timeout(solana_rpc_url.to_string(), DEADLINE),
            master_key: None,
            chain: crate::chain::Chain::new(solana_rpc_url, None),
            signin: None,
            cookies: crate::signin::Cookies::default(),
            dashboard: None,
            egress: mpppal_egress::Egress::default(),
            rate_limits: crate::rate_limit::RateLimits::default(),
            shared_redis: tokio::sync::OnceCell::new(),
        })
    }

    /// Wallets hold `mint` (when `None`, the one an MPPPal local chain announces).
    pub fn with_usdc_mint(
        mut self,
        mint: Option<anchor_lang::prelude::Pubkey>,
        rpc_url: &str,
    ) -> Self {
        self.chain = crate::chain::Chain::new(rpc_url, mint);
        self
    }

    /// Request rate limits (the defaults unless changed).
    pub fn with_rate_limits(mut self, limits: crate::rate_limit::Limits) -> Self {
        self.rate_limits = crate::rate_limit::RateLimits::new(limits);
        self
    }

    /// Operator sign-in against `oidc`'s issuer.
    pub fn with_oidc(mut self, oidc: Option<crate::config::OidcConfig>) -> Self {
        self.signin = oidc.map(|o| Arc::new(crate::signin::SignIn::new(o)));
        if self.signin.as_ref().is_some_and(|s| s.over_https()) {
            self.cookies.secure = true;
        }
        self
    }

    /// Lets operators register webhook URLs that `egress` allows.
    pub fn with_egress(mut self, egress: mpppal_egress::Egress) -> Self {
        self.egress = egress;
        self
    }

    /// Serves `dashboard` at `/`.
    pub fn with_dashboard(mut self, dashboard: Option<crate::dashboard::Dashboard>) -> Self {
        self.dashboard = dashboard.map(Arc::new);
        self
    }

    /// Browsers reach this server at `url` (`MPPPAL_PUBLIC_URL`); over https its cookies are
    /// `Secure` and `__Host-` prefixed.
    pub fn with_public_url(mut self, url: Option<&str>) -> Self {
        if url.is_some_and(|u| u.starts_with("https://")) {
            self.cookies.secure = true;
        }
        self
    }

    /// The shared Redis connection (made on first use, remade by the manager after failures).
    pub async fn redis(&self) -> Result<redis::aio::ConnectionManager, redis::RedisError> {
        Ok(tokio::time::timeout(
            DEADLINE,
            self.shared_redis
                .get_or_try_init(|| redis::aio::ConnectionManager::new(self.redis.clone())),
        )
        .await
        .map_err(|_| redis::RedisError::from((redis::ErrorKind::IoError, "no answer from Redis")))??
        .clone())
    }

    pub fn with_master_key(mut self, key: Option<[u8; 32]>) -> Self {
        self.master_key = key;
        self
    }

    /// Records a request signature for `ttl_seconds`; false if it was already recorded.
    pub async fn remember_signature(
        &self,
        key_id: &str,
        signature: &[u8; 32],
        ttl_seconds: i64,
    ) -> Result<bool, redis::RedisError> {
        let mut redis = self.redis().await?;
        let key = format!("mpppal:sig:{key_id}:{}", hex::encode(signature));
        let set: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(1)
            .arg("NX")
            .arg("EX")
            .arg(ttl_seconds)
            .query_async(&mut redis)
            .await?;
        Ok(set.is_some())
    }
}

/// Each dependency's state: "ok", or why not; and what the Solana RPC node said of itself.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Checks {
    pub database: String,
    pub redis: String,
    /// "ok", or why not (a node behind the cluster says by how many slots).
    pub solana: String,
    /// The node's latest slot, when it answered.
    pub solana_slot: Option<u64>,
    /// How long `getHealth` and `getSlot` took, in milliseconds, when it answered.
    pub solana_latency_ms: Option<u64>,
}

impl Checks {
    /// The dependencies that failed, by name.
    pub fn failing(&self) -> BTreeMap<&'static str, &str> {
        [
            ("database", &self.database),
            ("redis", &self.redis),
            ("solana", &self.solana),
        ]
        .into_iter()
        .filter(|(_, state)| state.as_str() != "ok")
        .map(|(name, state)| (name, state.as_str()))
        .collect()
    }
}

/// "ok", or why not in words that say nothing of the dependency's own error text (which goes
/// to the log: `/ready` answers anyone).
async fn within<E: std::fmt::Display>(
    name: &str,
    check: impl std::future::Future<Output = Result<(), E>>,
) -> String {
    match tokio::time::timeout(DEADLINE, check).await {
        Ok(Ok(())) => "ok".into(),
        Ok(Err(e)) => {
            tracing::warn!(dependency = name, error = %e, "dependency check failed");
            "error: see the server log".into()
        }
        Err(_) => format!("no answer within {} s", DEADLINE.as_secs()),
    }
}

/// Checks every dependency at once, and records what it found in the metrics.
pub async fn check(deps: &Dependencies) -> Checks {
    let database = within("database", mpppal_db::ping(&deps.db));
    let redis = within("redis", async {
        let mut connection = deps.redis.get_multiplexed_async_connection().await?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
    });
    let slot = std::sync::Mutex::new(None);
    let started = std::time::Instant::now();
    let solana = within("solana", async {
        deps.solana.get_health().await?;
        *slot.lock().expect("not poisoned") = Some(deps.solana.get_slot().await?);
        Ok::<(), solana_rpc_client_api::client_error::Error>(())
    });
    let (database, redis, solana) = tokio::join!(database, redis, solana);
    let latency = started.elapsed();
    let slot = slot.into_inner().expect("not poisoned");
    let checks = Checks {
        solana_latency_ms: (solana == "ok").then_some(latency.as_millis() as u64),
        solana_slot: slot,
        database,
        redis,
        solana,
    };
    crate::metrics::record_checks(&checks, latency);
    checks
}

/// Checks every `every` for as long as the process lives, so the metrics show a dead
/// dependency within seconds even when nobody calls `/ready`.
pub async fn probe(deps: Arc<Dependencies>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        check(&deps).await;
    }
}
