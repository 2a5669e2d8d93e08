//! Readiness: the API can serve only when PostgreSQL, Redis and the Solana RPC node all answer.
//! Each is checked at once, with its own deadline, so one dead dependency cannot hide another.

use serde::Serialize;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long one dependency may take to answer before it counts as down.
const DEADLINE: Duration = Duration::from_secs(2);

/// What the API depends on.
pub struct Dependencies {
    pub db: PgPool,
    pub redis: redis::Client,
    pub solana: RpcClient,
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
        })
    }
}

/// Each dependency's state: "ok", or why not.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Checks {
    pub database: String,
    pub redis: String,
    pub solana: String,
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

async fn within<E: std::fmt::Display>(
    check: impl std::future::Future<Output = Result<(), E>>,
) -> String {
    match tokio::time::timeout(DEADLINE, check).await {
        Ok(Ok(())) => "ok".into(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {} s", DEADLINE.as_secs()),
    }
}

/// Checks every dependency at once.
pub async fn check(deps: &Dependencies) -> Checks {
    let database = within(mpppal_db::ping(&deps.db));
    let redis = within(async {
        let mut connection = deps.redis.get_multiplexed_async_connection().await?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
    });
    let solana = within(async { deps.solana.get_health().await });
    let (database, redis, solana) = tokio::join!(database, redis, solana);
    Checks {
        database,
        redis,
        solana,
    }
}
