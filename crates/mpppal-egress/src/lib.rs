//! Where MPPPal's servers may send requests that an operator chose the address of (webhook
//! endpoints): public internet addresses only, unless whoever runs the server allows private
//! ones (`MPPPAL_WEBHOOK_ALLOW_PRIVATE`, for a receiver on the same machine or network).
//!
//! Without this, an endpoint URL could point the worker at loopback, the private network or a
//! cloud metadata service (169.254.169.254), and the delivery log would report what answered:
//! server-side request forgery. The URL is checked when it is registered, and the address is
//! checked again for every connection, after DNS, so a name that later resolves elsewhere (DNS
//! rebinding) is refused too. Not for: anything that talks to addresses MPPPal itself configured
//! (the RPC node, the identity provider).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// Whether private addresses are allowed: the server's operator decides, not the API caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Egress {
    pub allow_private: bool,
}

/// The setting's name, read by the API (registration) and the worker (delivery).
pub const ALLOW_PRIVATE_VAR: &str = "MPPPAL_WEBHOOK_ALLOW_PRIVATE";

impl Egress {
    /// From `MPPPAL_WEBHOOK_ALLOW_PRIVATE` as `var` reads it: `true`/`1`/`yes` allow private
    /// targets, `false`/`0`/`no` or unset do not; anything else is an error.
    pub fn from_var(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let allow_private = match var(ALLOW_PRIVATE_VAR).as_deref().map(str::trim) {
            None | Some("") | Some("0") | Some("false") | Some("no") => false,
            Some("1") | Some("true") | Some("yes") => true,
            Some(other) => {
                return Err(format!(
                    "{ALLOW_PRIVATE_VAR} must be true or false, not {other:?}"
                ))
            }
        };
        Ok(Self { allow_private })
    }
}

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// An address anyone on the internet could reach: not loopback, private, link-local, unique
/// local, shared (CGNAT), multicast, broadcast, unspecified or reserved for documentation.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || first == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || first == 0x0064 && v6.segments()[1] == 0xff9b) // NAT64 to IPv4, any target
        }
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

impl Egress {
    /// Checks a URL an operator registers: http(s), with a host; an IP literal must be public,
    /// and a name must resolve, to public addresses only.
    pub async fn check_url(&self, url: &str) -> Result<(), Refused> {
        let parsed = url::Url::parse(url).map_err(|e| Refused(format!("not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Refused("only http and https URLs are allowed".into()));
        }
        let host = parsed
            .host_str()
            .ok_or_else(|| Refused("the URL has no host".into()))?;
        if self.allow_private {
            return Ok(());
        }
        let port = parsed.port_or_known_default().unwrap_or(443);
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            return self.check_ip(ip);
        }
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| Refused(format!("{host} does not resolve: {e}")))?
            .collect();
        if addresses.is_empty() {
            return Err(Refused(format!("{host} does not resolve")));
        }
        for address in addresses {
            self.check_ip(address.ip())?;
        }
        Ok(())
    }

    fn check_ip(&self, ip: IpAddr) -> Result<(), Refused> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(Refused(format!(
                "{ip} is not a public address (this server does not send webhooks to loopback, private or link-local addresses)"
            )))
        }
    }

    /// Before each request: an IP literal in the URL is checked here (the client does no DNS
    /// for it); names are checked by [`Egress::resolver`] as they are resolved.
    pub fn check_literal(&self, url: &str) -> Result<(), Refused> {
        let parsed = url::Url::parse(url).map_err(|e| Refused(format!("not a URL: {e}")))?;
        match parsed.host() {
            Some(url::Host::Ipv4(ip)) => self.check_ip(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => self.check_ip(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => Ok(()),
            None => Err(Refused("the URL has no host".into())),
        }
    }

    /// A DNS resolver for the HTTP client that answers only public addresses (all of them when
    /// private ones are allowed), so the address connected to is the address checked.
    pub fn resolver(&self) -> Arc<PublicResolver> {
        Arc::new(PublicResolver(*self))
    }
}

/// The resolver [`Egress::resolver`] makes.
pub struct PublicResolver(Egress);

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let egress = self.0;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| egress.allow_private || is_public(a.ip()))
                .collect();
            if found.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    Box::new(Refused(format!("{host} resolves to no public address")));
                return Err(refused);
            }
            let addresses: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn registration_refuses_private_targets_unless_allowed() {
        let strict = Egress::default();
        for url in [
            "http://127.0.0.1:9000/hook",
            "http://[::1]/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost:8080/",
            "http://[fd00::5]/",
            "ftp://example.com/",
            "not a url",
        ] {
            assert!(strict.check_url(url).await.is_err(), "{url}");
        }
        assert!(strict.check_url("https://93.184.215.14/hook").await.is_ok());
        let open = Egress {
            allow_private: true,
        };
        assert!(open.check_url("http://127.0.0.1:9000/hook").await.is_ok());
        assert!(open.check_url("ftp://127.0.0.1/").await.is_err());
        assert!(strict.check_literal("http://10.0.0.1/").is_err());
        assert!(strict.check_literal("http://example.com/").is_ok());
    }

    #[tokio::test]
    async fn the_client_connects_to_no_private_address_a_name_resolves_to() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = reqwest::Client::builder()
            .dns_resolver(Egress::default().resolver())
            .build()
            .unwrap();
        // `localhost` resolves to loopback only: the request never leaves the client.
        let refused = client
            .get(format!("http://localhost:{port}/"))
            .send()
            .await
            .unwrap_err();
        let mut chain = String::new();
        let mut cause: Option<&dyn std::error::Error> = Some(&refused);
        while let Some(e) = cause {
            chain.push_str(&e.to_string());
            cause = e.source();
        }
        assert!(chain.contains("resolves to no public address"), "{chain}");
    }
}
