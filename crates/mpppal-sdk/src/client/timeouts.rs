//! The HTTP client every paying client starts with: a server that never answers must not hold an
//! agent (and the payment it is making) forever.

use std::time::Duration;

/// How long a connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take in all, its body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A client with the default timeouts.
pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("a client with timeouts builds")
}
