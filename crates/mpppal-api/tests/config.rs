//! Configuration: file, then environment, then defaults; every mistake one line naming it.

use mpppal_api::Config;
use std::collections::HashMap;
use std::io::Write;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |key| map.get(key).cloned()
}

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

const NEEDED: [(&str, &str); 2] = [
    ("DATABASE_URL", "postgres://db/one"),
    ("REDIS_URL", "redis://cache"),
];

#[test]
fn defaults_fill_what_is_not_given() {
    let config = Config::load(None, env(&NEEDED)).unwrap();
    assert_eq!(config.bind.to_string(), "127.0.0.1:8090");
    assert_eq!(config.solana_rpc_url, "http://127.0.0.1:8899");
    assert_eq!(config.policy_program_id, mpppal_solana::POLICY_PROGRAM_ID);
    assert_eq!(config.master_key, None);
}

#[test]
fn the_environment_wins_over_the_file() {
    let f = file("database_url = \"postgres://db/from-file\"\nredis_url = \"redis://file\"\nbind = \"0.0.0.0:9000\"\n");
    let config = Config::load(
        Some(f.path()),
        env(&[("DATABASE_URL", "postgres://db/from-env")]),
    )
    .unwrap();
    assert_eq!(config.database_url, "postgres://db/from-env");
    assert_eq!(config.redis_url.as_deref(), Some("redis://file"));
    assert_eq!(config.bind.to_string(), "0.0.0.0:9000");
}

#[test]
fn mistakes_are_one_line_errors_naming_the_setting() {
    let missing = Config::load(None, env(&[("REDIS_URL", "redis://x")]))
        .unwrap_err()
        .to_string();
    assert!(missing.contains("DATABASE_URL"), "{missing}");
    let unknown = file("databse_url = \"postgres://typo\"\n");
    let err = Config::load(Some(unknown.path()), env(&NEEDED))
        .unwrap_err()
        .to_string();
    assert!(err.contains("databse_url"), "{err}");
    let mut bad_key = NEEDED.to_vec();
    bad_key.push(("MPPPAL_MASTER_KEY", "not-hex"));
    let err = Config::load(None, env(&bad_key)).unwrap_err().to_string();
    assert!(
        err.contains("master key") && !err.contains("not-hex"),
        "{err}"
    );
    let mut bad_mint = NEEDED.to_vec();
    bad_mint.push(("MPPPAL_USDC_MINT", "0xabc"));
    assert!(Config::load(None, env(&bad_mint))
        .unwrap_err()
        .to_string()
        .contains("USDC mint"));
    for err in [missing, err] {
        assert!(!err.contains('\n'), "one line: {err}");
    }
}

#[test]
fn debug_output_keeps_secrets_out() {
    let mut with_key = NEEDED.to_vec();
    let hex = "11".repeat(32);
    with_key.push(("MPPPAL_MASTER_KEY", &hex));
    with_key[0] = ("DATABASE_URL", "postgres://user:hunter2@db/one");
    let config = Config::load(None, env(&with_key)).unwrap();
    assert_eq!(config.master_key, Some([0x11; 32]));
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains(&hex),
        "{shown}"
    );
}

#[test]
fn sign_in_needs_its_client_id_and_redirect_url() {
    let config = Config::load(None, env(&NEEDED)).unwrap();
    assert!(config.oidc.is_none(), "no issuer, no sign-in");
    let issuer = ("MPPPAL_OIDC_ISSUER", "https://id.example.test");
    let client = ("MPPPAL_OIDC_CLIENT_ID", "mpppal");
    let redirect = (
        "MPPPAL_OIDC_REDIRECT_URL",
        "https://ops.example.test/auth/callback",
    );
    let missing = Config::load(None, env(&[NEEDED[0], NEEDED[1], issuer, client]))
        .unwrap_err()
        .to_string();
    assert!(missing.contains("MPPPAL_OIDC_REDIRECT_URL"), "{missing}");
    let bad = Config::load(
        None,
        env(&[
            NEEDED[0],
            NEEDED[1],
            ("MPPPAL_OIDC_ISSUER", "id.example.test"),
            client,
            redirect,
        ]),
    )
    .unwrap_err()
    .to_string();
    assert!(bad.contains("not an http(s) URL"), "{bad}");
    let f = file("oidc_issuer = \"https://id.example.test\"\noidc_client_id = \"from-file\"\n");
    let config = Config::load(Some(f.path()), env(&[NEEDED[0], NEEDED[1], redirect])).unwrap();
    let oidc = config.oidc.unwrap();
    assert_eq!(
        (oidc.client_id.as_str(), oidc.client_secret),
        ("from-file", None)
    );
}
