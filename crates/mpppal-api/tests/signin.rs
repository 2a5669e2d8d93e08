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
    said: BufReader<std::process::ChildStdout>,
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
    // Once per test process, and every test waits for it: tests run side by side, and one that
    // saw a half-installed node_modules would start an issuer that cannot load.
    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| {
        if !dir.join("node_modules/oauth2-mock-server").is_dir() {
            let installed = Command::new("npm")
                .args(["ci", "--silent", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .expect("npm runs (Node.js 20+ is needed for the sign-in tests)");
            assert!(installed.success(), "npm ci in tests/oidc failed");
        }
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("node")
        .arg(dir.join("issuer.mjs"))
        .args([port.to_string(), subject.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut said = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    said.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("issuer ")
        .unwrap_or_else(|| panic!("the issuer said {line:?}"))
        .to_string();
    Issuer { url, child, said }
}

impl Issuer {
    /// The issuer adds a signing key; its tokens alternate between the keys from now on.
    fn rotate(&mut self) {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "rotate").unwrap();
        let mut line = String::new();
        self.said.read_line(&mut line).unwrap();
        assert!(line.starts_with("rotated "), "the issuer said {line:?}");
    }
}

struct Browser {
    api: String,
    http: reqwest::Client,
}

/// The API with sign-in against `issuer`, served on a loopback port; its base URL.
async fn api_signing_in_with(pool: &PgPool, issuer: &Issuer) -> String {
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
    api
}

/// The value of cookie `name` in a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok())
        .filter_map(|c| c.strip_prefix(&format!("{name}=")))
        .filter_map(|c| c.split(';').next())
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

impl Browser {
    /// A browser of its own (cookies are the test's to carry) that follows no redirect.
    fn at(api: &str) -> Self {
        Self {
            api: api.to_string(),
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// Follows the sign-in as a browser would, one redirect at a time: to the issuer, back to the
    /// callback with the login cookie `/auth/login` set. The callback's answer: status, its
    /// `Set-Cookie` session token, the callback URL and that login cookie (to try them again).
    async fn sign_in(&self) -> (u16, Option<String>, String, Value) {
        let (callback, login) = self.start_sign_in().await;
        let (status, token, body) = self.get_callback(&callback, Some(&login)).await;
        (status, token, callback, body)
    }

    /// `/auth/login` and the issuer: the callback URL the issuer sends the browser to, and the
    /// login cookie this browser holds.
    async fn start_sign_in(&self) -> (String, String) {
        let login = self
            .http
            .get(format!("{}/auth/login", self.api))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 303);
        let binding = set_cookie(&login, "mpppal_login").expect("a login-binding cookie");
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
        (callback, binding)
    }

    async fn get_callback(&self, url: &str, login: Option<&str>) -> (u16, Option<String>, Value) {
        let mut request = self.http.get(url);
        if let Some(login) = login {
            request = request.header(COOKIE, format!("mpppal_login={login}"));
        }
        let answer = request.send().await.unwrap();
        let status = answer.status().as_u16();
        let token = set_cookie(&answer, "mpppal_session");
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
    let api = api_signing_in_with(&pool, &issuer).await;
    let browser = Browser::at(&api);

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
    let (status, again, problem) = browser.get_callback(&callback, None).await;
    assert_eq!(
        (status, problem["code"].as_str(), again),
        (400, Some("invalid_state"), None)
    );
    let forged = callback.replace("state=", "state=forged");
    let (status, _, problem) = browser.get_callback(&forged, None).await;
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

/// Login CSRF: someone starts a sign-in as themselves, stops at the callback URL and gets it
/// opened in another person's browser, hoping to sign that browser in as them. The state is
/// bound to the browser that started it, so the callback refuses, and the state is spent.
#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_callback_carried_into_another_browser_signs_nobody_in(pool: PgPool) {
    let issuer = issuer(SUBJECT);
    let operator = keys::create_operator(&pool, "ops").await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    mpppal_db::members::add(&mut conn, operator, &issuer.url, SUBJECT)
        .await
        .unwrap();
    let api = api_signing_in_with(&pool, &issuer).await;
    let (attacker, victim) = (Browser::at(&api), Browser::at(&api));

    // The victim's browser has no login cookie, or one of its own sign-in.
    let (callback, attackers_cookie) = attacker.start_sign_in().await;
    let (_, victims_cookie) = victim.start_sign_in().await;
    for cookie in [None, Some(victims_cookie.as_str())] {
        let (status, token, problem) = victim.get_callback(&callback, cookie).await;
        assert_eq!(
            (status, problem["code"].as_str(), token),
            (400, Some("invalid_state"), None),
            "{problem}"
        );
    }
    // The state was spent by the first refusal: not even the browser that started it can
    // finish it now.
    let (status, token, _) = attacker
        .get_callback(&callback, Some(&attackers_cookie))
        .await;
    assert_eq!((status, token), (400, None));
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM operator_sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);

    // A sign-in finished in its own browser still works.
    let (status, token, _, _) = attacker.sign_in().await;
    assert_eq!(status, 303);
    assert!(token.is_some());
}

/// `mpppal operator login-link`: a one-time link opens a session for its operator once, and only
/// a link made with this server's master key does.
#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn a_login_link_signs_in_once(pool: PgPool) {
    let operator = keys::create_operator(&pool, "ops").await.unwrap();
    let deps = Dependencies::new(pool.clone(), &redis_url(), "http://127.0.0.1:1")
        .unwrap()
        .with_master_key(Some(MASTER));
    let api = support::serve(deps).await;
    let browser = Browser::at(&api);
    let mut conn = pool.acquire().await.unwrap();
    let token = mpppal_api::signin::create_link(&mut conn, &MASTER, operator, "root")
        .await
        .unwrap();
    let elsewhere = mpppal_api::signin::create_link(&mut conn, &[9; 32], operator, "root")
        .await
        .unwrap();
    let open = |token: String| {
        let browser = &browser;
        async move {
            let answer = browser
                .http
                .get(format!("{}/auth/link?token={token}", browser.api))
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let cookie = set_cookie(&answer, "mpppal_session");
            let location = answer
                .headers()
                .get(LOCATION)
                .map(|l| l.to_str().unwrap().to_string());
            let body = answer.json::<Value>().await.unwrap_or(Value::Null);
            (
                status,
                cookie,
                location,
                body["code"].as_str().map(str::to_string),
            )
        }
    };

    // A link made under another master key, or with its MAC changed, is refused.
    let (id, tag) = token.split_once('.').unwrap();
    let flipped = format!(
        "{id}.{}{}",
        &tag[..tag.len() - 1],
        if tag.ends_with('0') { '1' } else { '0' }
    );
    for bad in [elsewhere, flipped, id.to_string(), "garbage".into()] {
        let (status, cookie, _, code) = open(bad).await;
        assert_eq!(
            (status, cookie, code.as_deref()),
            (400, None, Some("invalid_link"))
        );
    }

    let (status, cookie, location, _) = open(token.clone()).await;
    assert_eq!((status, location.as_deref()), (303, Some("/")));
    let cookie = cookie.expect("a session cookie");
    let (status, me) = browser
        .with_cookie("GET", "/auth/session", &cookie, false, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            me["operatorId"].as_str(),
            me["issuer"].as_str(),
            me["subject"].as_str()
        ),
        (
            Some(operator.to_string().as_str()),
            Some("mpppal:login-link"),
            Some("root")
        )
    );
    let (status, _) = browser
        .with_cookie(
            "POST",
            "/v1/api-keys",
            &cookie,
            true,
            Some(json!({"name": "k", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(status, 201);
    let actors: Vec<String> = sqlx::query_scalar("SELECT actor FROM audit_log ORDER BY seq")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(actors, ["link:root", "link:root"]);

    // Used once: the same link again signs nobody in.
    let (status, cookie, _, code) = open(token).await;
    assert_eq!(
        (status, cookie, code.as_deref()),
        (400, None, Some("invalid_link"))
    );
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn sign_in_goes_on_when_the_issuer_rotates_its_keys(pool: PgPool) {
    let mut issuer = issuer(SUBJECT);
    let operator = keys::create_operator(&pool, "ops").await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    mpppal_db::members::add(&mut conn, operator, &issuer.url, SUBJECT)
        .await
        .unwrap();
    let api = api_signing_in_with(&pool, &issuer).await;
    let browser = Browser::at(&api);
    // The first sign-in reads the issuer's keys (one key).
    assert_eq!(browser.sign_in().await.0, 303);
    // A new key: the next token is signed with the old one, the one after with the new one,
    // which the server has never seen and fetches.
    issuer.rotate();
    for n in 0..2 {
        let (status, token, _, problem) = browser.sign_in().await;
        assert_eq!(status, 303, "sign-in {n} after the rotation: {problem}");
        assert!(token.is_some());
    }
}
