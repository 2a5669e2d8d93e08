//! A standard Solana JSON-RPC endpoint in front of the embedded chain.
//!
//! Enough of the API for ordinary clients (`solana-rpc-client`, `@solana/kit`, `solana-py`) to
//! fetch a blockhash, send and simulate transactions, follow their status, read transactions
//! with logs and inner instructions, read accounts and token balances, and get SOL and local
//! USDC from the faucet. Extensions carry an `mpppal_` prefix.

mod accounts;
mod cluster;
mod envelope;
mod history;
mod meta;
mod node;
mod params;
mod parsed;
mod send;

pub use envelope::{RpcError, RpcErrorCode};
pub use node::Node;

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;
use std::sync::Arc;
use tokio::net::TcpListener;

use envelope::{Request, Response};

/// Most requests one batch may hold: a batch is answered in one piece, so an unbounded one would
/// let one client hold the chain (and memory for every answer) as long as it likes.
pub const MAX_BATCH: usize = 100;

/// The router: one POST endpoint taking single or batched JSON-RPC requests.
pub fn router(node: Arc<Node>) -> Router {
    Router::new()
        .route("/", post(handle))
        .with_state(node)
        .layer(mpppal_protocol::panic_guard::layer())
}

/// Serves `node` on a free loopback port in a background task; returns its URL and the task.
pub async fn spawn(
    node: Arc<Node>,
) -> std::io::Result<(String, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    Ok((url, tokio::spawn(serve(node, listener))))
}

/// Serves JSON-RPC on `listener` until the task is dropped.
pub async fn serve(node: Arc<Node>, listener: TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(node)).await
}

async fn handle(State(node): State<Arc<Node>>, body: axum::body::Bytes) -> Json<Value> {
    // In a task of its own: a client that hangs up mid-request drops this handler, and must not
    // stop a transaction between its execution and the record of its status.
    let answered = tokio::spawn(answer(node, body)).await;
    Json(
        answered
            .unwrap_or_else(|e| Response::error(Value::Null, RpcError::internal(e)).into_value()),
    )
}

async fn answer(node: Arc<Node>, body: axum::body::Bytes) -> Value {
    let parsed: Result<Value, _> = serde_json::from_slice(&body);
    let value = match parsed {
        Err(e) => Response::error(Value::Null, RpcError::parse(e.to_string())).into_value(),
        Ok(Value::Array(batch)) if batch.is_empty() => {
            Response::error(Value::Null, RpcError::invalid_request("empty batch")).into_value()
        }
        Ok(Value::Array(batch)) if batch.len() > MAX_BATCH => Response::error(
            Value::Null,
            RpcError::invalid_request(&format!("a batch holds at most {MAX_BATCH} requests")),
        )
        .into_value(),
        Ok(Value::Array(batch)) => {
            let mut out = Vec::with_capacity(batch.len());
            for item in batch {
                out.push(one(&node, item).await.into_value());
            }
            Value::Array(out)
        }
        Ok(item) => one(&node, item).await.into_value(),
    };
    value
}

async fn one(node: &Node, item: Value) -> Response {
    let request = match Request::from_value(item) {
        Ok(r) => r,
        Err(failure) => {
            let (id, err) = *failure;
            return Response::error(id, err);
        }
    };
    let id = request.id.clone();
    tracing::debug!(method = %request.method, "rpc request");
    match dispatch(node, &request.method, request.params).await {
        Ok(result) => Response::result(id, result),
        Err(err) => Response::error(id, err),
    }
}

async fn dispatch(node: &Node, method: &str, params: Value) -> Result<Value, RpcError> {
    match method {
        "getHealth" => cluster::get_health(),
        "getVersion" => cluster::get_version(),
        "getGenesisHash" => cluster::get_genesis_hash(node),
        "getSlot" => cluster::get_slot(node).await,
        "getBlockHeight" => cluster::get_block_height(node).await,
        "getEpochInfo" => cluster::get_epoch_info(node).await,
        "getLatestBlockhash" => cluster::get_latest_blockhash(node).await,
        "isBlockhashValid" => cluster::is_blockhash_valid(node, params).await,
        "getMinimumBalanceForRentExemption" => cluster::get_rent_minimum(node, params).await,
        "getFeeForMessage" => cluster::get_fee_for_message(node, params).await,
        "getBalance" => accounts::get_balance(node, params).await,
        "getAccountInfo" => accounts::get_account_info(node, params).await,
        "getMultipleAccounts" => accounts::get_multiple_accounts(node, params).await,
        "getTokenAccountBalance" => accounts::get_token_account_balance(node, params).await,
        "sendTransaction" => send::send_transaction(node, params).await,
        "simulateTransaction" => send::simulate_transaction(node, params).await,
        "requestAirdrop" => send::request_airdrop(node, params).await,
        "mpppal_requestUsdc" => send::request_usdc(node, params).await,
        "mpppal_info" => cluster::mpppal_info(node),
        "getSignatureStatuses" => history::get_signature_statuses(node, params).await,
        "getTransaction" => history::get_transaction(node, params).await,
        "getSignaturesForAddress" => history::get_signatures_for_address(node, params).await,
        other => Err(RpcError::method_not_found(other)),
    }
}
