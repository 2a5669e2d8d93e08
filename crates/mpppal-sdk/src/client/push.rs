//! Push mode, shared by both clients: the payer sends its own transaction, waits for it to be
//! confirmed, and presents the signature. Money has moved before the server answers, so a
//! refusal (or no answer) must hand the caller the signature to claim the payment by.

use super::paying::refused;
use super::PayError;
use crate::chain::RpcChain;

/// Sends `tx` and waits for `confirmed`; its signature.
pub(super) async fn send(
    chain: &RpcChain,
    tx: &solana_transaction::Transaction,
) -> Result<String, PayError> {
    chain
        .rpc
        .send_and_confirm_transaction(tx)
        .await
        .map(|signature| signature.to_string())
        .map_err(|e| PayError::Build(format!("the payment was not confirmed: {e}")))
}

/// The server's answer to a paid retry: the response if it succeeded; otherwise why not, as
/// `RefusedAfterPaying` when `pushed` names a transaction that already moved the money.
pub(super) async fn answer(
    sent: Result<reqwest::Response, PayError>,
    pushed: Option<&str>,
) -> Result<reqwest::Response, PayError> {
    let response = match (sent, pushed) {
        (Ok(response), _) => response,
        (Err(e), Some(signature)) => {
            return Err(PayError::RefusedAfterPaying {
                signature: signature.to_string(),
                status: 0,
                kind: "no-answer".into(),
                detail: e.to_string(),
            })
        }
        (Err(e), None) => return Err(e),
    };
    if response.status().is_success() {
        return Ok(response);
    }
    Err(match (pushed, refused(response).await) {
        (
            Some(signature),
            PayError::Refused {
                status,
                kind,
                detail,
            },
        ) => PayError::RefusedAfterPaying {
            signature: signature.to_string(),
            status,
            kind,
            detail,
        },
        (_, error) => error,
    })
}
