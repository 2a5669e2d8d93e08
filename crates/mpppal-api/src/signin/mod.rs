//! Operators' people sign in with OpenID Connect (ADR 0014): authorization code with PKCE (S256)
//! against the configured issuer, ID token verified (signature from the issuer's keys, issuer,
//! audience, expiry, nonce), and the identity (issuer, subject) mapped to an operator. The result
//! is a browser session: an HttpOnly cookie whose token the database keeps only as a hash.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;

use crate::config::OidcConfig;
use crate::problem::Problem;
use crate::ready::Dependencies;

/// The session cookie's name.
pub const COOKIE: &str = "mpppal_session";
/// How long a session lasts.
const SESSION_SECONDS: i64 = 12 * 3600;
/// How long a sign-in may take between `/auth/login` and `/auth/callback`.
const LOGIN_SECONDS: u64 = 600;

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
    /// The issuer's discovery document, fetched on first use (a failure is retried next time).
    metadata: tokio::sync::OnceCell<CoreProviderMetadata>,
}

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
            metadata: tokio::sync::OnceCell::new(),
        }
    }

    async fn client(&self) -> Result<Client, Problem> {
        let issuer_down = |e: String| {
            tracing::warn!(error = %e, issuer = %self.config.issuer, "OpenID Connect discovery failed");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "issuer_unavailable",
                "the sign-in provider did not answer; try again",
            )
        };
        let metadata = self
            .metadata
            .get_or_try_init(|| async {
                let issuer = IssuerUrl::new(self.config.issuer.clone())
                    .map_err(|e| issuer_down(e.to_string()))?;
                CoreProviderMetadata::discover_async(issuer, &self.http)
                    .await
                    .map_err(|e| issuer_down(e.to_string()))
            })
            .await?;
        let redirect = RedirectUrl::new(self.config.redirect_url.clone())
            .map_err(|e| issuer_down(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    fn secure_cookie(&self) -> bool {
        self.config.redirect_url.starts_with("https://")
    }
}

/// `/auth/*`: sign in, see who is signed in, sign out.
pub fn router() -> Router<Arc<Dependencies>> {
    Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/auth/session", get(session))
        .route("/auth/logout", post(logout))
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

fn redis_down(e: redis::RedisError) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not_ready",
        format!("redis: {e}"),
    )
}

/// What the callback needs to finish a sign-in, kept in Redis under its `state`.
#[derive(Serialize, Deserialize)]
struct Pending {
    verifier: String,
    nonce: String,
}

/// Starts a sign-in: `303` to the issuer's authorization endpoint with a fresh state, nonce and
/// PKCE challenge.
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
    let pending = serde_json::to_string(&Pending {
        verifier: verifier.secret().clone(),
        nonce: nonce.secret().clone(),
    })
    .expect("serialises");
    let mut redis = deps.redis().await.map_err(redis_down)?;
    redis::cmd("SET")
        .arg(format!("mpppal:login:{}", state.secret()))
        .arg(pending)
        .arg("EX")
        .arg(LOGIN_SECONDS)
        .query_async::<()>(&mut redis)
        .await
        .map_err(redis_down)?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, url.to_string())]).into_response())
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

/// Finishes a sign-in: the state is used once, the code is exchanged with the PKCE verifier, the
/// ID token verified, the identity mapped to its operator; then a session cookie and `303` to `/`.
pub(crate) async fn callback(
    State(deps): State<Arc<Dependencies>>,
    Query(back): Query<Callback>,
) -> Result<Response, Problem> {
    let signin = signin(&deps)?;
    if let Some(error) = back.error {
        return Err(failed(format!(
            "the sign-in provider refused: {error} {}",
            back.error_description.unwrap_or_default()
        )));
    }
    let (Some(code), Some(state)) = (back.code, back.state) else {
        return Err(Problem::invalid("code and state are required"));
    };
    let mut redis = deps.redis().await.map_err(redis_down)?;
    // GETDEL: a state is good for one callback, so a replayed redirect cannot sign in again.
    let pending: Option<String> = redis::cmd("GETDEL")
        .arg(format!("mpppal:login:{state}"))
        .query_async(&mut redis)
        .await
        .map_err(redis_down)?;
    let pending: Pending = pending
        .and_then(|p| serde_json::from_str(&p).ok())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_state",
                "this sign-in is unknown, used or expired; start again at /auth/login",
            )
        })?;
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
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
        .map_err(|e| failed(format!("the ID token does not verify: {e}")))?;
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
    let mut token = [0u8; 32];
    getrandom::fill(&mut token).expect("the OS random source");
    let token = hex::encode(token);
    mpppal_db::members::open_session(
        &mut tx,
        &Sha256::digest(token.as_bytes()).into(),
        operator,
        &issuer,
        &subject,
        email.as_deref(),
        SESSION_SECONDS,
    )
    .await
    .map_err(Problem::database)?;
    mpppal_db::audit::append(
        &mut tx,
        &mpppal_db::audit::Entry {
            operator_id: Some(operator),
            actor: &actor(&subject),
            action: "operator.signed_in",
            subject: &subject,
            details: json!({ "issuer": issuer, "email": email }),
        },
    )
    .await
    .map_err(Problem::database)?;
    tx.commit().await.map_err(Problem::database)?;
    tracing::info!(%operator, %subject, "operator member signed in");
    let cookie = format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={SESSION_SECONDS}{}",
        if signin.secure_cookie() {
            "; Secure"
        } else {
            ""
        }
    );
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/".to_string()),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response())
}

/// How a signed-in person appears as an actor (audit rows, `changedBy`): `oidc:<subject>`.
pub fn actor(subject: &str) -> String {
    let mut actor = format!("oidc:{subject}");
    // The audit and policy tables keep actors to 64 characters.
    actor.truncate(64);
    actor
}

/// The session token in the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The live session behind a token.
pub async fn lookup(
    deps: &Dependencies,
    token: &str,
) -> Result<Option<mpppal_db::members::Session>, Problem> {
    let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
    mpppal_db::members::session(&mut conn, &Sha256::digest(token.as_bytes()).into())
        .await
        .map_err(Problem::database)
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    operator_id: String,
    issuer: String,
    subject: String,
    email: Option<String>,
    expires_at: String,
}

/// Who is signed in (by the session cookie).
pub(crate) async fn session(
    State(deps): State<Arc<Dependencies>>,
    headers: HeaderMap,
) -> Result<Json<SessionView>, Problem> {
    let no_session = || {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "no live session; sign in at /auth/login",
        )
    };
    let token = session_token(&headers).ok_or_else(no_session)?;
    let s = lookup(&deps, &token).await?.ok_or_else(no_session)?;
    Ok(Json(SessionView {
        operator_id: s.operator_id.to_string(),
        issuer: s.issuer,
        subject: s.subject,
        email: s.email,
        expires_at: s.expires_at,
    }))
}

/// Ends the session and clears the cookie (`204` whether or not there was one).
pub(crate) async fn logout(
    State(deps): State<Arc<Dependencies>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Some(token) = session_token(&headers) {
        let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
        mpppal_db::members::close_session(&mut conn, &Sha256::digest(token.as_bytes()).into())
            .await
            .map_err(Problem::database)?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("mpppal_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"),
    );
    Ok(response)
}
