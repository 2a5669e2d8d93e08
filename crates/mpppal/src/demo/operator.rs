//! The operator's side of the demo: the MPPPal operator API served in-process on the demo's
//! PostgreSQL and Redis, an operator with its first key, and signed calls to it over HTTP.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

pub struct OperatorApi {
    pub base: String,
    /// The operator's id, and the configuration it was served with (for sign-in links).
    pub operator_id: sqlx::types::Uuid,
    config: mpppal_api::Config,
    pub key_id: String,
    /// The master key the API seals keys with (the worker opens them with it).
    pub master_key: [u8; 32],
    secret: String,
    http: reqwest::Client,
    /// The last timestamp signed, so that two identical calls never carry the same signature.
    calls: std::sync::atomic::AtomicI64,
}

impl OperatorApi {
    /// Serves the API on a free loopback port and creates the demo's operator.
    pub async fn start(
        database_url: &str,
        redis_url: &str,
        rpc_url: &str,
        dashboard: Option<&std::path::Path>,
    ) -> Result<Self> {
        let mut master = [0u8; 32];
        getrandom::fill(&mut master).expect("the OS random source");
        let master_key = master;
        let master = hex::encode(master);
        let env = |name: &str| match name {
            "DATABASE_URL" => Some(database_url.to_string()),
            "REDIS_URL" => Some(redis_url.to_string()),
            "SOLANA_RPC_URL" => Some(rpc_url.to_string()),
            "MPPPAL_MASTER_KEY" => Some(master.clone()),
            "MPPPAL_BIND" => Some("127.0.0.1:0".into()),
            "MPPPAL_DASHBOARD_DIR" => dashboard.map(|d| d.display().to_string()),
            // The demo's webhook receiver listens on loopback.
            "MPPPAL_WEBHOOK_ALLOW_PRIVATE" => Some("true".into()),
            _ => None,
        };
        let config = mpppal_api::Config::load(None, env)?;
        let (operator_id, key) = mpppal_api::create_operator(&config, "Demo operator")
            .await
            .map_err(|e| anyhow!("creating the operator: {e}"))?;
        let (bound, listening) = tokio::sync::oneshot::channel();
        let served_config = config.clone();
        tokio::spawn(async move {
            let served = mpppal_api::serve(
                &config,
                |address| {
                    let _ = bound.send(address);
                },
                std::future::pending(),
            )
            .await;
            if let Err(e) = served {
                // The story's next call to the API fails and says so; this says why.
                eprintln!("the operator API stopped: {e}");
            }
        });
        let address = listening.await.context("the operator API did not start")?;
        Ok(Self {
            base: format!("http://{address}"),
            operator_id,
            config: served_config,
            key_id: key.key_id,
            master_key,
            secret: key.secret,
            http: reqwest::Client::new(),
            calls: std::sync::atomic::AtomicI64::new(0),
        })
    }

    /// A signed call; the status and JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value)> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
        // Strictly increasing from four minutes back (inside the API's ±300 s window), so no two
        // calls ever share a timestamp and an identical call is never taken for a replay.
        let timestamp = self
            .calls
            .fetch_update(
                std::sync::atomic::Ordering::Relaxed,
                std::sync::atomic::Ordering::Relaxed,
                |last| Some((last + 1).max(now - 240)),
            )
            .map(|last| (last + 1).max(now - 240))
            .unwrap_or(now);
        let (bare, query) = path.split_once('?').unwrap_or((path, ""));
        let authorization = mpppal_signing::authorization(
            &self.key_id,
            &self.secret,
            method,
            bare,
            query,
            timestamp,
            body.as_bytes(),
        );
        let mut request = self
            .http
            .request(method.parse()?, format!("{}{path}", self.base))
            .header("authorization", authorization)
            // Per key: two keys' calls may share a timestamp, never an idempotency key.
            .header(
                "idempotency-key",
                format!("demo-{}-{timestamp}", self.key_id),
            );
        if !body.is_empty() {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = response.status().as_u16();
        let value = response.json().await.unwrap_or(Value::Null);
        Ok((status, value))
    }

    /// A call that must answer `expected`.
    pub async fn expect(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        expected: u16,
    ) -> Result<Value> {
        let (status, value) = self.call(method, path, body).await?;
        if status != expected {
            bail!("{method} {path} answered {status}, not {expected}: {value}");
        }
        Ok(value)
    }

    /// A one-time sign-in link to this API's dashboard, for the demo's operator.
    pub async fn login_link(&self) -> Result<String> {
        mpppal_api::login_link(&self.config, self.operator_id, "demo", Some(&self.base))
            .await
            .map_err(|e| anyhow!("making a sign-in link: {e}"))
    }

    /// The same API, called with another of the operator's keys.
    pub fn as_key(&self, key_id: &str, secret: &str) -> Self {
        Self {
            base: self.base.clone(),
            operator_id: self.operator_id,
            config: self.config.clone(),
            key_id: key_id.to_string(),
            master_key: self.master_key,
            secret: secret.to_string(),
            http: self.http.clone(),
            calls: std::sync::atomic::AtomicI64::new(0),
        }
    }
}
