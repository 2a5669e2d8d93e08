//! The two cookies of a browser sign-in: the session itself, and the short-lived one that binds an
//! OpenID Connect login to the browser that started it (so a callback URL carried into another
//! browser signs nobody in there: login CSRF).
//!
//! Served over https both are `Secure` and carry the `__Host-` prefix, which browsers accept only
//! from a secure origin with `Path=/` and no `Domain`: a sibling subdomain cannot plant or
//! overwrite them.

use axum::http::{header, HeaderMap};

/// The session cookie's name over plain http.
pub const SESSION: &str = "mpppal_session";
/// The login-binding cookie's name over plain http.
pub const LOGIN: &str = "mpppal_login";
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// How long a sign-in may take between `/auth/login` and `/auth/callback`.
pub const LOGIN_SECONDS: u64 = 600;

/// How this server names and flags its cookies: decided by whether browsers reach it over https.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cookies {
    pub secure: bool,
}

impl Cookies {
    pub fn session_name(self) -> String {
        self.name(SESSION)
    }

    pub fn login_name(self) -> String {
        self.name(LOGIN)
    }

    fn name(self, base: &str) -> String {
        if self.secure {
            format!("__Host-{base}")
        } else {
            base.to_string()
        }
    }

    fn set(self, name: &str, value: &str, max_age: i64) -> String {
        format!(
            "{name}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{}",
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// `Set-Cookie` for a new session.
    pub fn open_session(self, token: &str) -> String {
        self.set(&self.session_name(), token, SESSION_SECONDS)
    }

    /// `Set-Cookie` that ends the session cookie.
    pub fn clear_session(self) -> String {
        self.set(&self.session_name(), "", 0)
    }

    /// `Set-Cookie` binding a login to this browser. `SameSite=Lax` still sends it on the
    /// issuer's top-level redirect back to the callback.
    pub fn bind_login(self, binding: &str) -> String {
        self.set(&self.login_name(), binding, LOGIN_SECONDS as i64)
    }

    /// `Set-Cookie` that ends the login binding (the callback has used it).
    pub fn clear_login(self) -> String {
        self.set(&self.login_name(), "", 0)
    }

    /// The session token in the request's cookies, if any.
    pub fn session_token(self, headers: &HeaderMap) -> Option<String> {
        find(headers, &self.session_name())
    }

    /// The login binding in the request's cookies, if any.
    pub fn login_binding(self, headers: &HeaderMap) -> Option<String> {
        find(headers, &self.login_name())
    }
}

fn find(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, value)| *n == name && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn over_https_cookies_are_host_prefixed_and_secure() {
        let https = Cookies { secure: true };
        assert_eq!(
            https.open_session("t"),
            "__Host-mpppal_session=t; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200; Secure"
        );
        assert!(https.bind_login("b").starts_with("__Host-mpppal_login=b;"));
        let http = Cookies { secure: false };
        assert_eq!(
            http.clear_login(),
            "mpppal_login=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"
        );
    }

    #[test]
    fn a_secure_server_ignores_the_unprefixed_session_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; mpppal_session=planted"),
        );
        assert_eq!(Cookies { secure: true }.session_token(&headers), None);
        assert_eq!(
            Cookies { secure: false }.session_token(&headers).as_deref(),
            Some("planted")
        );
    }
}
