//! Request rate limits: per API key (or signed-in person), per client address, and a tighter one
//! per address for sign-in, whose every start keeps state in Redis until it expires.
//!
//! Each limit is a generic cell rate algorithm (GCRA) per caller: `rate` requests a second on
//! average, bursts of up to `burst`. The cells live in this process's memory, so N replicas allow
//! N times the rate: the limits protect each server from being flooded, they are not quotas.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::problem::Problem;
use crate::ready::Dependencies;

/// The routes that start or finish a sign-in (each keeps state in Redis or the database, or
/// asks the issuer): the tighter per-address limit counts these, not a signed-in page's checks
/// of `/auth/session`.
const SIGN_IN_PATHS: [&str; 3] = ["/auth/login", "/auth/callback", "/auth/link"];

/// Callers remembered before the idle ones are forgotten (a full cell is the same as none).
const PRUNE_ABOVE: usize = 10_000;

/// `rate` requests per second on average, up to `burst` at once; `None` for no limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: u32,
}

impl Rate {
    /// Parses a setting: requests per second (`50`), or with `per_minute` per minute, or
    /// `off`/`0` for no limit. Bursts are twice the per-second rate, or the per-minute number.
    pub fn parse(name: &str, text: &str, per_minute: bool) -> Result<Option<Rate>, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let unit = if per_minute { "minute" } else { "second" };
        let n: f64 = text
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && (0.0..=1e6).contains(r))
            .ok_or_else(|| {
                format!("{name} must be requests per {unit} (0 to 1000000) or off, not {text:?}")
            })?;
        if n == 0.0 {
            return Ok(None);
        }
        Ok(Some(if per_minute {
            Rate {
                per_second: n / 60.0,
                burst: (n.ceil() as u32).max(1),
            }
        } else {
            Rate {
                per_second: n,
                burst: ((n * 2.0).ceil() as u32).max(1),
            }
        }))
    }
}

/// The three limits, as configured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub per_key: Option<Rate>,
    pub per_address: Option<Rate>,
    pub sign_in: Option<Rate>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_key: Some(Rate {
                per_second: 50.0,
                burst: 100,
            }),
            per_address: Some(Rate {
                per_second: 100.0,
                burst: 200,
            }),
            // 20 a minute, 20 at once: a person signing in needs a handful.
            sign_in: Some(Rate {
                per_second: 20.0 / 60.0,
                burst: 20,
            }),
        }
    }
}

/// One limit's cells, by caller.
pub struct Limiter {
    rate: Option<Rate>,
    /// Each caller's theoretical arrival time: when its cell would be empty again.
    cells: Mutex<HashMap<String, Instant>>,
}

impl Limiter {
    pub fn new(rate: Option<Rate>) -> Self {
        Self {
            rate,
            cells: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `caller` at `now`; `Err(wait)` when it is over the limit.
    pub fn check(&self, caller: &str, now: Instant) -> Result<(), Duration> {
        let Some(rate) = self.rate else {
            return Ok(());
        };
        let interval = Duration::from_secs_f64(1.0 / rate.per_second);
        let tolerance = interval.mul_f64(f64::from(rate.burst.saturating_sub(1)));
        let mut cells = self.cells.lock().expect("rate limit lock");
        if cells.len() > PRUNE_ABOVE {
            cells.retain(|_, tat| *tat > now);
        }
        let tat = cells.get(caller).copied().unwrap_or(now).max(now);
        let ahead = tat - now;
        if ahead > tolerance {
            return Err(ahead - tolerance);
        }
        cells.insert(caller.to_string(), tat + interval);
        Ok(())
    }
}

/// The limiters of one server.
pub struct RateLimits {
    pub per_key: Limiter,
    pub per_address: Limiter,
    pub sign_in: Limiter,
}

impl RateLimits {
    pub fn new(limits: Limits) -> Self {
        Self {
            per_key: Limiter::new(limits.per_key),
            per_address: Limiter::new(limits.per_address),
            sign_in: Limiter::new(limits.sign_in),
        }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

/// 429 `rate_limited` with `Retry-After` (whole seconds, at least 1).
pub fn too_many(who: &str, wait: Duration) -> Response {
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut response = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("too many requests from this {who}; retry after {seconds} s"),
    )
    .into_response();
    response
        .headers_mut()
        .insert("retry-after", HeaderValue::from(seconds));
    response
}

/// Every request counts against its client address, and sign-in routes ([`SIGN_IN_PATHS`]) also
/// against the tighter sign-in limit. A server started without connection info (embedded in a program of
/// its own) has no addresses to count.
pub async fn by_address(
    State(deps): State<Arc<Dependencies>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(address) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
    else {
        return next.run(request).await;
    };
    let now = Instant::now();
    if let Err(wait) = deps.rate_limits.per_address.check(&address, now) {
        return too_many("address", wait);
    }
    if SIGN_IN_PATHS.contains(&request.uri().path()) {
        if let Err(wait) = deps.rate_limits.sign_in.check(&address, now) {
            return too_many("address (sign-in)", wait);
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let limiter = Limiter::new(Some(Rate {
            per_second: 10.0,
            burst: 3,
        }));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check("a", t0).is_ok());
        }
        let wait = limiter.check("a", t0).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        // Another caller has its own cell.
        assert!(limiter.check("b", t0).is_ok());
        // After one interval, one more request.
        let later = t0 + Duration::from_millis(100);
        assert!(limiter.check("a", later).is_ok());
        assert!(limiter.check("a", later).is_err());
    }

    #[test]
    fn settings_parse_or_say_what_is_wrong() {
        assert_eq!(Rate::parse("X", "off", false).unwrap(), None);
        assert_eq!(Rate::parse("X", "0", false).unwrap(), None);
        assert_eq!(
            Rate::parse("X", "5", false).unwrap(),
            Some(Rate {
                per_second: 5.0,
                burst: 10
            })
        );
        assert_eq!(
            Rate::parse("X", "30", true).unwrap(),
            Some(Rate {
                per_second: 0.5,
                burst: 30
            })
        );
        assert!(Rate::parse("X", "lots", false).unwrap_err().contains("X"));
        assert!(Rate::parse("X", "-1", false).is_err());
        assert!(Rate::parse("X", "NaN", true).is_err());
    }
}
