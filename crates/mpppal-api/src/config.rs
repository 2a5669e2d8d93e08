//! `mpppal serve` configuration: an optional TOML file, then the environment (which wins), then
//! defaults. Every problem is one line naming the setting.

use anchor_lang::prelude::Pubkey;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::Path;
use std::str::FromStr;

/// The settings as a file may give them; every field optional, unknown fields refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    database_url: Option<String>,
    redis_url: Option<String>,
    solana_rpc_url: Option<String>,
    policy_program_id: Option<String>,
    settlement_program_id: Option<String>,
    usdc_mint: Option<String>,
    master_key: Option<String>,
    oidc_issuer: Option<String>,
    oidc_client_id: Option<String>,
    oidc_client_secret: Option<String>,
    oidc_redirect_url: Option<String>,
    dogstatsd_addr: Option<String>,
    metrics_bind: Option<String>,
    public_url: Option<String>,
    dashboard_dir: Option<String>,
    webhook_allow_private: Option<String>,
    rate_limit_per_key: Option<String>,
    rate_limit_per_address: Option<String>,
    rate_limit_sign_in: Option<String>,
}

/// Operator sign-in with OpenID Connect (authorization code + PKCE).
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer URL; its discovery document is at `/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// For confidential clients; a public client relies on PKCE alone.
    pub client_secret: Option<String>,
    /// This API's `/auth/callback` as the issuer will redirect browsers to it.
    pub redirect_url: String,
}

/// Where the API listens and what it talks to.
#[derive(Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: String,
    /// Required by `serve`; commands that only touch the database do without.
    pub redis_url: Option<String>,
    pub solana_rpc_url: String,
    pub policy_program_id: Pubkey,
    pub settlement_program_id: Pubkey,
    /// The USDC mint wallets hold; read from the chain's configuration when absent.
    pub usdc_mint: Option<Pubkey>,
    /// 32 bytes that encrypt custodial agent keys at rest; required once custodial accounts exist.
    pub master_key: Option<[u8; 32]>,
    /// Operator sign-in; `None` leaves `/auth/*` answering 503 `not_configured`.
    pub oidc: Option<OidcConfig>,
    /// A DogStatsD agent (host:port) to send metrics to, besides `GET /metrics`.
    pub dogstatsd_addr: Option<String>,
    /// Where `mpppal worker` serves `GET /metrics` (the API serves it on its own address).
    pub metrics_bind: Option<SocketAddr>,
    /// Where browsers reach this server (`MPPPAL_PUBLIC_URL`): sign-in links start with it, and
    /// over https its cookies are `Secure`. Default: `http://` and the bind address.
    pub public_url: String,
    /// The dashboard's static export to serve at `/` (`MPPPAL_DASHBOARD_DIR`), if any.
    pub dashboard_dir: Option<std::path::PathBuf>,
    /// Which webhook URLs operators may register (`MPPPAL_WEBHOOK_ALLOW_PRIVATE`).
    pub egress: mpppal_egress::Egress,
    /// Request rate limits (`MPPPAL_RATE_LIMIT_*`).
    pub rate_limits: crate::rate_limit::Limits,
}

// Secrets (database passwords in URLs, the master key) never reach logs through `Debug`.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("solana_rpc_url", &self.solana_rpc_url)
            .field("policy_program_id", &self.policy_program_id)
            .field("settlement_program_id", &self.settlement_program_id)
            .field("usdc_mint", &self.usdc_mint)
            .field("master_key", &self.master_key.map(|_| "<set>"))
            .field(
                "oidc_issuer",
                &self.oidc.as_ref().map(|o| o.issuer.as_str()),
            )
            .finish_non_exhaustive()
    }
}

/// Why the configuration cannot be used, in one line.
#[derive(Debug, thiserror::Error)]
#[error("config: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Reads `file` (if any), then the environment through `env` (`std::env::var` in production).
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let from_file = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
                toml::from_str::<FileConfig>(&text).map_err(|e| {
                    ConfigError(format!(
                        "{}: {}",
                        path.display(),
                        e.message().replace('\n', " ")
                    ))
                })?
            }
            None => FileConfig::default(),
        };
        let pick = |var: &str, field: Option<String>| env(var).or(field);
        let bind = pick("MPPPAL_BIND", from_file.bind).unwrap_or_else(|| "127.0.0.1:8090".into());
        let bind = SocketAddr::from_str(&bind)
            .map_err(|_| ConfigError(format!("bind address {bind:?} is not host:port")))?;
        let database_url = pick("DATABASE_URL", from_file.database_url).ok_or_else(|| {
            ConfigError("DATABASE_URL is not set (or database_url in the config file)".into())
        })?;
        let redis_url = pick("REDIS_URL", from_file.redis_url);
        let solana_rpc_url = pick("SOLANA_RPC_URL", from_file.solana_rpc_url)
            .unwrap_or_else(|| "http://127.0.0.1:8899".into());
        let key = |name: &str, value: Option<String>, default: Option<Pubkey>| match value {
            Some(text) => Pubkey::from_str(&text)
                .map(Some)
                .map_err(|_| ConfigError(format!("{name} {text:?} is not a base58 address"))),
            None => Ok(default),
        };
        let policy_program_id = key(
            "policy program id",
            pick("MPPPAL_POLICY_PROGRAM_ID", from_file.policy_program_id),
            Some(mpppal_solana::POLICY_PROGRAM_ID),
        )?
        .expect("defaulted");
        let settlement_program_id = key(
            "settlement program id",
            pick(
                "MPPPAL_SETTLEMENT_PROGRAM_ID",
                from_file.settlement_program_id,
            ),
            Some(mpppal_solana::SETTLEMENT_PROGRAM_ID),
        )?
        .expect("defaulted");
        let usdc_mint = key(
            "USDC mint",
            pick("MPPPAL_USDC_MINT", from_file.usdc_mint),
            None,
        )?;
        let master_key = pick("MPPPAL_MASTER_KEY", from_file.master_key)
            .map(|hex| parse_key(&hex))
            .transpose()?;
        let oidc = match pick("MPPPAL_OIDC_ISSUER", from_file.oidc_issuer) {
            None => None,
            Some(issuer) => {
                let needed = |var: &str, field: Option<String>| {
                    pick(var, field).ok_or_else(|| {
                        ConfigError(format!("MPPPAL_OIDC_ISSUER is set, so {var} must be too"))
                    })
                };
                let client_id = needed("MPPPAL_OIDC_CLIENT_ID", from_file.oidc_client_id)?;
                let redirect_url = needed("MPPPAL_OIDC_REDIRECT_URL", from_file.oidc_redirect_url)?;
                for (name, url) in [
                    ("MPPPAL_OIDC_ISSUER", &issuer),
                    ("MPPPAL_OIDC_REDIRECT_URL", &redirect_url),
                ] {
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        return Err(ConfigError(format!("{name} {url:?} is not an http(s) URL")));
                    }
                }
                Some(OidcConfig {
                    issuer,
                    client_id,
                    client_secret: pick("MPPPAL_OIDC_CLIENT_SECRET", from_file.oidc_client_secret),
                    redirect_url,
                })
            }
        };
        let dogstatsd_addr = pick("MPPPAL_DOGSTATSD_ADDR", from_file.dogstatsd_addr);
        if let Some(address) = &dogstatsd_addr {
            if address
                .rsplit_once(':')
                .and_then(|(_, p)| p.parse::<u16>().ok())
                .is_none()
            {
                return Err(ConfigError(format!(
                    "MPPPAL_DOGSTATSD_ADDR {address:?} is not host:port"
                )));
            }
        }
        let metrics_bind = pick("MPPPAL_METRICS_BIND", from_file.metrics_bind)
            .map(|text| {
                SocketAddr::from_str(&text).map_err(|_| {
                    ConfigError(format!("MPPPAL_METRICS_BIND {text:?} is not host:port"))
                })
            })
            .transpose()?;
        let public_url = pick("MPPPAL_PUBLIC_URL", from_file.public_url)
            .map(|url| url.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
            return Err(ConfigError(format!(
                "MPPPAL_PUBLIC_URL {public_url:?} is not an http(s) URL"
            )));
        }
        let dashboard_dir =
            pick("MPPPAL_DASHBOARD_DIR", from_file.dashboard_dir).map(std::path::PathBuf::from);
        let allow_private = pick(
            mpppal_egress::ALLOW_PRIVATE_VAR,
            from_file.webhook_allow_private,
        );
        let egress =
            mpppal_egress::Egress::from_var(|_| allow_private.clone()).map_err(ConfigError)?;
        let defaults = crate::rate_limit::Limits::default();
        let rate =
            |var: &str, field: Option<String>, default, per_minute: bool| match pick(var, field) {
                None => Ok(default),
                Some(text) => {
                    crate::rate_limit::Rate::parse(var, &text, per_minute).map_err(ConfigError)
                }
            };
        let rate_limits = crate::rate_limit::Limits {
            per_key: rate(
                "MPPPAL_RATE_LIMIT_PER_KEY",
                from_file.rate_limit_per_key,
                defaults.per_key,
                false,
            )?,
            per_address: rate(
                "MPPPAL_RATE_LIMIT_PER_ADDRESS",
                from_file.rate_limit_per_address,
                defaults.per_address,
                false,
            )?,
            sign_in: rate(
                "MPPPAL_RATE_LIMIT_SIGN_IN",
                from_file.rate_limit_sign_in,
                defaults.sign_in,
                true,
            )?,
        };
        Ok(Self {
            rate_limits,
            egress,
            public_url,
            dashboard_dir,
            dogstatsd_addr,
            metrics_bind,
            oidc,
            bind,
            database_url,
            redis_url,
            solana_rpc_url,
            policy_program_id,
            settlement_program_id,
            usdc_mint,
            master_key,
        })
    }
}

/// A master key: 64 hex digits; the message never repeats the value.
pub fn parse_key(hex: &str) -> Result<[u8; 32], ConfigError> {
    let bad = || ConfigError("the master key must be 64 hex digits (32 bytes)".into());
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(bad());
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(key)
}
