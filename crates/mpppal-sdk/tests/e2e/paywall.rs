//! The paywall over real HTTP, paid with MPPPal receipts from a wallet on the local chain read
//! over JSON-RPC: what it serves, and every way it refuses.

use crate::support::*;
use mpppal_protocol::parse_receipt;
use mpppal_solana::method::ChargeRequest;
use mpppal_solana::policy_ix;
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_rpc_client_api::request::RpcRequest;
use solana_signer::Signer;

async fn problem_type(response: reqwest::Response) -> (u16, String, bool) {
    let status = response.status().as_u16();
    let fresh = response.headers().contains_key("www-authenticate");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["type"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string(),
        fresh,
    )
}

#[tokio::test]
async fn unpaid_requests_get_a_fresh_bound_challenge() {
    let w = world(10 * USDC).await;
    let response = w.get("/data", None).await;
    assert_eq!(response.status(), 402);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let first = w.challenge("/data").await;
    let second = w.challenge("/data").await;
    assert_eq!(
        (first.method.as_str(), first.intent.as_str()),
        ("solana", "charge")
    );
    assert!(first.verify(SECRET), "the id is the HMAC of the challenge");
    let request: ChargeRequest = first.request.decode().unwrap();
    assert_eq!(request.amount, PRICE.to_string());
    assert_eq!(request.currency, w.mint.to_string());
    assert!(request.method_details.mpppal_receipt.is_some());
    assert_ne!(first.id, second.id, "every 402 carries a fresh challenge");
    assert_eq!(w.get("/free", None).await.status(), 200);
}

#[tokio::test]
async fn a_receipt_by_the_agent_buys_one_response_with_a_payment_receipt() {
    let w = world(10 * USDC).await;
    let challenge = w.challenge("/data").await;
    let authorization = w.pay(&challenge, &w.agent, 300);
    let response = w.get("/data", Some(&authorization)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "private");
    let receipt = parse_receipt(response.headers()["payment-receipt"].to_str().unwrap()).unwrap();
    assert_eq!(receipt.method.as_str(), "solana");
    assert_eq!(receipt.extensions["challengeId"], json!(challenge.id));
    assert_eq!(response.text().await.unwrap(), "the data");

    // The same credential again is a replay.
    let (status, kind, fresh) = problem_type(w.get("/data", Some(&authorization)).await).await;
    assert_eq!(
        (status, kind.as_str(), fresh),
        (402, "invalid-challenge", true)
    );
}

#[tokio::test]
async fn refuses_forged_tampered_expired_and_unaffordable_payments() {
    let w = world(300_000).await;

    let challenge = w.challenge("/data").await;
    let mallory = Keypair::new();
    let (status, kind, _) = problem_type(
        w.get("/data", Some(&w.pay(&challenge, &mallory, 300)))
            .await,
    )
    .await;
    assert_eq!((status, kind.as_str()), (402, "verification-failed"));

    // Lower the price inside the echoed request: the HMAC no longer matches.
    let mut cheap = w.challenge("/data").await;
    let mut request: Value = cheap.request.decode_value().unwrap();
    request["amount"] = json!("1");
    cheap.request = mpppal_protocol::Base64UrlJson::from_value(&request).unwrap();
    let (status, kind, _) =
        problem_type(w.get("/data", Some(&w.pay(&cheap, &w.agent, 300))).await).await;
    assert_eq!((status, kind.as_str()), (402, "invalid-challenge"));

    // A receipt that outlives the paywall's terms.
    let challenge = w.challenge("/data").await;
    let (status, kind, _) = problem_type(
        w.get("/data", Some(&w.pay(&challenge, &w.agent, 3_600)))
            .await,
    )
    .await;
    assert_eq!((status, kind.as_str()), (402, "verification-failed"));

    // 0.30 USDC in the wallet: one 0.25 receipt is covered, a second is not while the first is pending.
    let first = w.challenge("/data").await;
    assert_eq!(
        w.get("/data", Some(&w.pay(&first, &w.agent, 300)))
            .await
            .status(),
        200
    );
    let second = w.challenge("/data").await;
    let (status, kind, _) =
        problem_type(w.get("/data", Some(&w.pay(&second, &w.agent, 300))).await).await;
    assert_eq!((status, kind.as_str()), (402, "payment-insufficient"));

    // Malformed and doubled credentials.
    let (status, kind, _) = problem_type(w.get("/data", Some("Payment not*base64")).await).await;
    assert_eq!((status, kind.as_str()), (402, "malformed-credential"));
    let response = w
        .http
        .get(format!("{}/data", w.api))
        .header("authorization", "Payment abc")
        .header("authorization", "Payment def")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

/// The paywall reads a credential in one strict pass (ADR 0020): a lenient spelling, an
/// oversized token, a payload of the wrong shape or a challenge of another intent is refused
/// before any payment is taken, so the challenge's proper credential still pays afterwards.
#[tokio::test]
async fn credentials_it_cannot_read_are_refused_and_spend_nothing() {
    let w = world(10 * USDC).await;
    let challenge = w.challenge("/data").await;
    let authorization = w.pay(&challenge, &w.agent, 300);
    let token = authorization.strip_prefix("Payment ").unwrap();
    let w = &w;
    let refused = |header: String| async move {
        let (status, kind, _) = problem_type(w.get("/data", Some(&header)).await).await;
        (status, kind)
    };
    let malformed = (402, "malformed-credential".to_string());

    // The standard alphabet, or padding inside the value, spells the token another way.
    let standard = token.replace('-', "+").replace('_', "/") + "+";
    assert_eq!(refused(format!("Payment {standard}")).await, malformed);
    let (head, tail) = token.split_at(10);
    assert_eq!(refused(format!("Payment {head}={tail}")).await, malformed);
    assert_eq!(
        refused(format!("Payment {}", "A".repeat(70_000))).await,
        malformed
    );

    // The right challenge with a payload that is no charge payload.
    let credential = mpppal_protocol::PaymentCredential::new(
        challenge.to_echo(),
        json!({ "type": "banknote", "serial": 7 }),
    );
    let odd = mpppal_protocol::format_authorization(&credential).unwrap();
    assert_eq!(refused(odd).await, malformed);

    // The same payload bound to the challenge with its intent renamed: the HMAC fails first.
    let mut renamed = challenge.to_echo();
    renamed.intent = "session".into();
    let credential =
        mpppal_protocol::PaymentCredential::new(renamed, json!({ "type": "banknote" }));
    let header = mpppal_protocol::format_authorization(&credential).unwrap();
    assert_eq!(
        refused(header).await,
        (402, "invalid-challenge".to_string())
    );

    // Nothing above was taken as a payment: the challenge's own credential still buys the data.
    let response = w.get("/data", Some(&authorization)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "the data");
}

/// A header of bytes that are not text (here UTF-8 for "é") once killed the connection's task: the
/// gate read it as "" and sliced it. It is a malformed credential, for charges and sessions alike,
/// and the server goes on serving.
#[tokio::test]
async fn a_credential_that_is_not_text_is_refused_and_the_server_goes_on() {
    let w = world(10 * USDC).await;
    for path in ["/data", "/metered"] {
        let header =
            reqwest::header::HeaderValue::from_bytes(b"Payment \xc3\xa9t\xc3\xa9").unwrap();
        let response = w
            .http
            .get(format!("{}{path}", w.api))
            .header("authorization", header)
            .send()
            .await
            .expect("the server answers rather than dropping the connection");
        assert_eq!(
            problem_type(response).await,
            (402, "malformed-credential".to_string(), true),
            "{path}"
        );
    }
    assert_eq!(w.get("/free", None).await.status(), 200);
}

#[tokio::test]
async fn a_paused_wallet_is_refused_with_403_and_a_failed_handler_costs_nothing() {
    // 0.30 USDC covers one 0.25 payment at a time.
    let w = world(300_000).await;
    // The handler fails: no receipt header, and the payment does not stay pending...
    let challenge = w.challenge("/broken").await;
    let response = w
        .get("/broken", Some(&w.pay(&challenge, &w.agent, 300)))
        .await;
    assert_eq!(response.status(), 500);
    assert!(!response.headers().contains_key("payment-receipt"));
    // ...so the wallet can still afford the next request.
    let challenge = w.challenge("/data").await;
    assert_eq!(
        w.get("/data", Some(&w.pay(&challenge, &w.agent, 300)))
            .await
            .status(),
        200
    );

    // Funded again but paused by its owner: refused as a policy matter, 403.
    let top_up: Value = w
        .rpc
        .send(
            RpcRequest::Custom {
                method: "mpppal_requestUsdc",
            },
            json!([w.wallet.to_string(), 10 * USDC]),
        )
        .await
        .unwrap();
    assert!(top_up["value"]["signature"].is_string());
    send(
        &w.rpc,
        &[policy_ix::set_paused(&w.owner.pubkey(), &w.wallet, true)],
        &w.owner,
        &[],
    )
    .await;
    let challenge = w.challenge("/data").await;
    let (status, kind, _) = problem_type(
        w.get("/data", Some(&w.pay(&challenge, &w.agent, 300)))
            .await,
    )
    .await;
    assert_eq!((status, kind.as_str()), (403, "verification-failed"));
}

#[tokio::test]
async fn a_computed_price_is_charged_per_request() {
    let w = world(10 * USDC).await;
    let challenge = w.challenge("/priced?items=7").await;
    let request: ChargeRequest = challenge.request.decode().unwrap();
    assert_eq!(request.amount, "70000");
    let paid = w
        .get("/priced?items=7", Some(&w.pay(&challenge, &w.agent, 300)))
        .await;
    assert_eq!(paid.status(), 200);
    // A payment made for 7 items does not buy 8.
    let challenge = w.challenge("/priced?items=7").await;
    let (status, kind, _) = problem_type(
        w.get("/priced?items=8", Some(&w.pay(&challenge, &w.agent, 300)))
            .await,
    )
    .await;
    assert_eq!((status, kind.as_str()), (402, "invalid-challenge"));
}

#[tokio::test]
async fn concurrent_receipts_never_exceed_the_wallet_balance() {
    // 1.00 USDC covers exactly four 0.25 USDC receipts, however many arrive at once.
    let w = world(USDC).await;
    let mut authorizations = Vec::new();
    for _ in 0..12 {
        let challenge = w.challenge("/data").await;
        authorizations.push(w.pay(&challenge, &w.agent, 300));
    }
    let requests = authorizations.iter().map(|a| w.get("/data", Some(a)));
    let statuses: Vec<u16> = futures_join(requests)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        4,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 402).count(),
        8,
        "{statuses:?}"
    );
}

async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.collect();
    let mut out = Vec::with_capacity(handles.len());
    // Poll them together so the requests really overlap at the server.
    let joined = futures_util::future::join_all(handles).await;
    out.extend(joined);
    out
}
