//! Operator sign-in with OpenID Connect against a real provider (oauth2-mock-server, from npm)
//! started by the test: authorization code with PKCE, the ID token verified, the identity mapped
//! to its operator, a session cookie that works on `/v1` (changes need the CSRF header), one-use
//! sign-in states, and sign-out.

use mpppal_api::auth::keys::{self, Scope};
use mpppal_api::config::OidcConfig;
use mpppal_api::Dependencies;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use support::{redis_url, serve_on};

mod support;

const MASTER: [u8; 32] = [3; 32];
const SUBJECT: &str = "alice";

/// The provider process, stopped when the test ends.
struct Issuer {
    url: String,
    child: Child,
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the OpenID Connect provider of `tests/oidc` (installing its pinned npm packages on
/// first use) for `subject`.
fn issuer(subject: &str) -> Issuer {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
    if !dir.join("node_modules/oauth2-mock-server").is_dir() {
        let installed = Command::new("npm")
            .args(["ci", "--silent", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (Node.js 20+ is needed for the sign-in tests)");
        assert!(installed.success(), "npm ci in tests/oidc failed");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("node")
        .arg(dir.join("issuer.mjs"))
        .args([port.to_string(), subject.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("issuer ")
        .unwrap_or_else(|| panic!("the issuer said {line:?}"))
        .to_string();
    Issuer { url, child }
}

struct Browser {
    api: String,
    http: reqwest::Client,
}

impl Browser {
    /// Follows the sign-in as a browser would, one redirect at a time: to the issuer, back to the
    /// callback. The callback's answer: status, its `Set-Cookie` session token, and the
    /// callback URL (to try it again).
    async fn sign_in(&self) -> (u16, Option<String>, String, Value) {
        let login = self
            .http
            .get(format!("{}/auth/login", self.api))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 303);
        let authorize = login.headers()[LOCATION].to_str().unwrap().to_string();
        assert!(
            authorize.contains("code_challenge_method=S256"),
            "{authorize}"
        );
        assert!(authorize.contains("nonce="), "{authorize}");
        let at_issuer = self.http.get(&authorize).send().await.unwrap();
        assert_eq!(at_issuer.status(), 302, "{:?}", at_issuer.text().await);
        let callback = at_issuer.headers()[LOCATION].to_str().unwrap().to_string();
        assert!(
            callback.starts_with(&format!("{}/auth/callback?", self.api)),
            "{callback}"
        );
        let (status, token, body) = self.get_callback(&callback).await;
        (status, token, callback, body)
    }

    async fn get_callback(&self, url: &str) -> (u16, Option<String>, Value) {
        let answer = self.http.get(url).send().await.unwrap();
        let status = answer.status().as_u16();
        let token = answer
            .headers()
            .get(SET_COOKIE)
            .and_then(|c| c.to_str().ok())
            .and_then(|c| c.strip_prefix("mpppal_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_string);
        let body = answer.json().await.unwrap_or(Value::Null);
        (status, token, body)
    }

    async fn with_cookie(
        &self,
        method: &str,
        path: &str,
        token: &str,
        csrf: bool,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.api))
            .header(COOKIE, format!("theme=dark; mpppal_session={token}"));
        if csrf {
            request = request.header("x-mpppal-csrf", "1");
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn an_operator_member_signs_in_with_openid_connect(pool: PgPool) {
    let issuer = issuer(SUBJECT);
    let operator = keys::create_operator(&pool, "ops").await.unwrap();
    keys::create(&pool, &MASTER, operator, "first", &[Scope::Read])
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    let deps = Dependencies::new(pool.clone(), &redis_url(), "http://127.0.0.1:1")
        .unwrap()
        .with_master_key(Some(MASTER))
        .with_oidc(Some(OidcConfig {
            issuer: issuer.url.clone(),
            client_id: "mpppal-dashboard".into(),
            client_secret: None,
            redirect_url: format!("{api}/auth/callback"),
        }));
    serve_on(listener, deps);
    let browser = Browser {
        api,
        http: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap(),
    };

    // A verified identity that is nobody's member gets no session.
    let (status, token, _, problem) = browser.sign_in().await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("not_a_member"))
    );
    assert_eq!(token, None);

    let mut conn = pool.acquire().await.unwrap();
    mpppal_db::members::add(&mut conn, operator, &issuer.url, SUBJECT)
        .await
        .unwrap();
    let (status, token, callback, _) = browser.sign_in().await;
    assert_eq!(status, 303);
    let token = token.expect("a session cookie");

    // The session is the operator's: on /auth/session and on /v1.
    let (status, me) = browser
        .with_cookie("GET", "/auth/session", &token, false, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(me["operatorId"], operator.to_string());
    assert_eq!(
        (me["subject"].as_str(), me["email"].as_str()),
        (Some(SUBJECT), Some("alice@example.test"))
    );
    let (status, me) = browser
        .with_cookie("GET", "/v1/operator", &token, false, None)
        .await;
    assert_eq!(
        (status, me["operatorId"].as_str()),
        (200, Some(operator.to_string().as_str()))
    );

    // A change by cookie needs the CSRF header; with it, it is made and audited as the person.
    let new_key = json!({"name": "from the dashboard", "scopes": ["read"]});
    let (status, problem) = browser
        .with_cookie("POST", "/v1/api-keys", &token, false, Some(new_key.clone()))
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("csrf_header_required"))
    );
    let (status, _) = browser
        .with_cookie("POST", "/v1/api-keys", &token, true, Some(new_key))
        .await;
    assert_eq!(status, 201);
    let actors: Vec<(String, String)> =
        sqlx::query_as("SELECT actor, action FROM audit_log ORDER BY seq")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        actors,
        [
            ("oidc:alice".to_string(), "operator.signed_in".to_string()),
            ("oidc:alice".to_string(), "api_key.created".to_string())
        ]
    );

    // A sign-in's state works once: the same redirect replayed signs nobody in.
    let (status, again, problem) = browser.get_callback(&callback).await;
    assert_eq!(
        (status, problem["code"].as_str(), again),
        (400, Some("invalid_state"), None)
    );
    let forged = callback.replace("state=", "state=forged");
    let (status, _, problem) = browser.get_callback(&forged).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_state"))
    );

    // Signing out ends the session.
    let (status, _) = browser
        .with_cookie("POST", "/auth/logout", &token, false, None)
        .await;
    assert_eq!(status, 204);
    let (status, problem) = browser
        .with_cookie("GET", "/v1/operator", &token, false, None)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    let (status, _) = browser
        .with_cookie("GET", "/auth/session", &token, false, None)
        .await;
    assert_eq!(status, 401);
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn sign_in_without_an_issuer_configured_says_so(pool: PgPool) {
    let deps = Dependencies::new(pool, &redis_url(), "http://127.0.0.1:1")
        .unwrap()
        .with_master_key(Some(MASTER));
    let base = support::serve(deps).await;
    let answer = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 503);
    let problem: Value = answer.json().await.unwrap();
    assert_eq!(problem["code"], "not_configured");
}
