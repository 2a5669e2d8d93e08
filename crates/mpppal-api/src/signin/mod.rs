//! Operators' people sign in with OpenID Connect (ADR 0014): authorization code with PKCE (S256)
//! against the configured issuer, ID token verified (signature from the issuer's keys, issuer,
//! audience, expiry, nonce), and the identity (issuer, subject) mapped to an operator. The result
//! is a browser session: an HttpOnly cookie whose token the database keeps only as a hash.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;

use crate::config::OidcConfig;

pub mod cookies;
pub(crate) mod link;
pub mod sessions;

use crate::problem::Problem;
use crate::ready::Dependencies;
pub use cookies::Cookies;
use cookies::LOGIN_SECONDS;
pub use link::create as create_link;
pub use sessions::{actor, lookup};

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

pub struct SignIn {
    config: OidcConfig,
    http: openidconnect::reqwest::Client,
    /// The issuer's discovery document with its signing keys, fetched on first use (a failure
    /// is retried next time) and again when an ID token names a key it does not hold.
    metadata: tokio::sync::RwLock<Option<Discovered>>,
}

struct Discovered {
    metadata: CoreProviderMetadata,
    at: std::time::Instant,
    /// Fetched because a token named a key the earlier fetch did not hold.
    for_unknown_key: bool,
}

/// After fetching the keys for an unknown one, they are not fetched again for this long: tokens
/// signed with a key the issuer does not publish must not make every sign-in fetch them.
const REDISCOVER_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

impl SignIn {
    pub fn new(config: OidcConfig) -> Self {
        Self {
            config,
            http: openidconnect::reqwest::ClientBuilder::new()
                // Following redirects from the issuer would let it steer our requests elsewhere.
                .redirect(openidconnect::reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .expect("a plain HTTP client builds"),
            metadata: tokio::sync::RwLock::new(None),
        }
    }

    fn issuer_down(&self, e: String) -> Problem {
        tracing::warn!(error = %e, issuer = %self.config.issuer, "OpenID Connect discovery failed");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "issuer_unavailable",
            "the sign-in provider did not answer; try again",
        )
    }

    /// The discovery document, fetched now if there is none yet, or `again` for an unknown key
    /// (unless the last fetch was for one too, less than [`REDISCOVER_AFTER`] ago).
    async fn metadata(&self, again: bool) -> Result<CoreProviderMetadata, Problem> {
        let fresh_enough = |d: &Option<Discovered>| {
            d.as_ref()
                .filter(|d| !again || (d.for_unknown_key && d.at.elapsed() < REDISCOVER_AFTER))
                .map(|d| d.metadata.clone())
        };
        if let Some(metadata) = fresh_enough(&*self.metadata.read().await) {
            return Ok(metadata);
        }
        let mut cached = self.metadata.write().await;
        // Another sign-in may have fetched it while this one waited for the lock.
        if let Some(metadata) = fresh_enough(&cached) {
            return Ok(metadata);
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| self.issuer_down(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| self.issuer_down(e.to_string()))?;
        if again {
            tracing::info!(issuer = %self.config.issuer, "fetched the issuer's keys again");
        }
        *cached = Some(Discovered {
            metadata: metadata.clone(),
            at: std::time::Instant::now(),
            for_unknown_key: again,
        });
        Ok(metadata)
    }

    async fn client(&self) -> Result<Client, Problem> {
        self.client_from(self.metadata(false).await?)
    }

    /// A client over keys fetched again: the issuer may have rotated them since they were read.
    async fn client_with_fresh_keys(&self) -> Result<Client, Problem> {
        self.client_from(self.metadata(true).await?)
    }

    fn client_from(&self, metadata: CoreProviderMetadata) -> Result<Client, Problem> {
        let redirect = RedirectUrl::new(self.config.redirect_url.clone())
            .map_err(|e| self.issuer_down(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Browsers come back to this server over https, so its cookies must be `Secure`.
    pub fn over_https(&self) -> bool {
        self.config.redirect_url.starts_with("https://")
    }
}

/// `/auth/*`: sign in, see who is signed in, sign out.
pub fn router() -> Router<Arc<Dependencies>> {
    Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/auth/link", get(link::sign_in))
        .route("/auth/session", get(sessions::session))
        .route("/auth/logout", post(sessions::logout))
}

fn signin(deps: &Dependencies) -> Result<&SignIn, Problem> {
    deps.signin.as_deref().ok_or_else(|| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_configured",
            "operator sign-in is not configured (MPPPAL_OIDC_ISSUER)",
        )
    })
}

/// What the callback needs to finish a sign-in, kept in Redis under its `state`.
#[derive(Serialize, Deserialize)]
struct Pending {
    verifier: String,
    nonce: String,
    /// SHA-256 (hex) of the login-binding cookie given to the browser that started it.
    browser: String,
}

/// Starts a sign-in: `303` to the issuer's authorization endpoint with a fresh state, nonce and
/// PKCE challenge, and a cookie binding that state to this browser.
pub(crate) async fn login(State(deps): State<Arc<Dependencies>>) -> Result<Response, Problem> {
    let signin = signin(&deps)?;
    let client = signin.client().await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let mut binding = [0u8; 32];
    getrandom::fill(&mut binding).expect("the OS random source");
    let binding = hex::encode(binding);
    let pending = serde_json::to_string(&Pending {
        verifier: verifier.secret().clone(),
        nonce: nonce.secret().clone(),
        browser: hex::encode(Sha256::digest(binding.as_bytes())),
    })
    .expect("serialises");
    let mut redis = deps.redis().await.map_err(Problem::redis)?;
    redis::cmd("SET")
        .arg(format!("mpppal:login:{}", state.secret()))
        .arg(pending)
        .arg("EX")
        .arg(LOGIN_SECONDS)
        .query_async::<()>(&mut redis)
        .await
        .map_err(Problem::redis)?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, url.to_string()),
            (header::SET_COOKIE, deps.cookies.bind_login(&binding)),
        ],
    )
        .into_response())
}

#[derive(Deserialize)]
pub(crate) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn failed(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "signin_failed", detail)
}

/// Finishes a sign-in: the state is used once and only in the browser that started it, the code
/// is exchanged with the PKCE verifier, the ID token verified, the identity mapped to its
/// operator; then a session cookie and `303` to `/`.
pub(crate) async fn callback(
    State(deps): State<Arc<Dependencies>>,
    headers: HeaderMap,
    Query(back): Query<Callback>,
) -> Response {
    let finished = finish(&deps, &headers, back).await;
    for_browser(&deps, &headers, finished)
}

/// A sign-in that fails in a browser (it asks for HTML) lands on the dashboard's signed-out page,
/// which says why; other clients, and servers without the dashboard, get the problem itself.
pub(crate) fn for_browser(
    deps: &Dependencies,
    headers: &HeaderMap,
    result: Result<Response, Problem>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    match result {
        Ok(response) => response,
        Err(problem) if wants_html && deps.dashboard.is_some() => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("code", problem.code)
                .append_pair("detail", &problem.detail)
                .finish();
            (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, format!("/signed-out/?{query}"))],
            )
                .into_response()
        }
        Err(problem) => problem.into_response(),
    }
}

async fn finish(
    deps: &Arc<Dependencies>,
    headers: &HeaderMap,
    back: Callback,
) -> Result<Response, Problem> {
    let signin = signin(deps)?;
    if let Some(error) = back.error {
        return Err(failed(format!(
            "the sign-in provider refused: {error} {}",
            back.error_description.unwrap_or_default()
        )));
    }
    let (Some(code), Some(state)) = (back.code, back.state) else {
        return Err(Problem::invalid("code and state are required"));
    };
    let mut redis = deps.redis().await.map_err(Problem::redis)?;
    // GETDEL: a state is good for one callback, so a replayed redirect cannot sign in again.
    let pending: Option<String> = redis::cmd("GETDEL")
        .arg(format!("mpppal:login:{state}"))
        .query_async(&mut redis)
        .await
        .map_err(Problem::redis)?;
    let pending: Pending = pending
        .and_then(|p| serde_json::from_str(&p).ok())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_state",
                "this sign-in is unknown, used or expired; start again at /auth/login",
            )
        })?;
    // A callback URL carried into another browser (login CSRF: someone else's sign-in finished
    // in the victim's browser) has no binding cookie, or another one. Its state is spent anyway.
    let bound = deps
        .cookies
        .login_binding(headers)
        .is_some_and(|b| hex::encode(Sha256::digest(b.as_bytes())) == pending.browser);
    if !bound {
        tracing::warn!("a sign-in callback arrived in a browser that did not start it");
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_state",
            "this sign-in was started in another browser; start again at /auth/login",
        ));
    }
    let client = signin.client().await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| failed(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
        .request_async(&signin.http)
        .await
        .map_err(|e| failed(format!("the code exchange failed: {e}")))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| failed("the sign-in provider sent no ID token"))?;
    let nonce = Nonce::new(pending.nonce);
    let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
        Ok(claims) => claims.clone(),
        // Signed with a key we have not seen: the issuer rotated its keys since we read them.
        Err(openidconnect::ClaimsVerificationError::SignatureVerification(
            openidconnect::SignatureVerificationError::NoMatchingKey,
        )) => {
            let client = signin.client_with_fresh_keys().await?;
            let verifier = client.id_token_verifier();
            let verified = id_token.claims(&verifier, &nonce).cloned();
            verified.map_err(|e| failed(format!("the ID token does not verify: {e}")))?
        }
        Err(e) => return Err(failed(format!("the ID token does not verify: {e}"))),
    };
    let issuer = claims.issuer().as_str().to_string();
    let subject = claims.subject().as_str().to_string();
    let email = claims.email().map(|e| e.as_str().to_string());

    let mut tx = deps.db.begin().await.map_err(Problem::database)?;
    let operator = mpppal_db::members::operator_of(&mut tx, &issuer, &subject)
        .await
        .map_err(Problem::database)?
        .ok_or_else(|| {
            tracing::info!(%issuer, %subject, "sign-in by an identity that is no operator's member");
            Problem::new(
                StatusCode::FORBIDDEN,
                "not_a_member",
                format!("{subject} at {issuer} may not act for any operator; an operator adds it with `mpppal operator add-member`"),
            )
        })?;
    let person = sessions::Person {
        operator,
        issuer: &issuer,
        subject: &subject,
        email: email.as_deref(),
    };
    let cookie = sessions::open(deps, &mut tx, &person).await?;
    tx.commit().await.map_err(Problem::database)?;
    tracing::info!(%operator, %subject, "operator member signed in");
    let mut response = (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/".to_string()),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&deps.cookies.clear_login()).expect("a cookie is header text"),
    );
    Ok(response)
}
