//! Reporting paid receipts to the MPPPal operator API (`POST /v1/receipts`), off the request
//! path: `report` only queues; a background task sends what has queued in batches, signed with
//! an API key (agent scope), retrying what the API could not take. Deferred receipts are what
//! MPPPal settles, so they are what is sent; payments made by transaction settled themselves.

use async_trait::async_trait;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

use super::api::ApiCredentials;
use super::report::{PaidReceipt, ReceiptReporter};

/// Most receipts in one report (the API takes up to 1000).
const BATCH: usize = 200;
/// Attempts per batch; a retry waits 1, 2, then 4 s (a whole second at least, so the retried
/// request carries a new signature rather than a replayed one).
const ATTEMPTS: u32 = 4;

/// What the API made of the receipts sent so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub stored: u64,
    pub duplicate: u64,
    pub conflict: u64,
    /// Refused by the API (`detail` went to the log).
    pub invalid: u64,
    /// Never delivered: the API was unreachable or refused the whole batch, every attempt.
    pub failed: u64,
}

enum Message {
    Receipt(Value),
    Flush(oneshot::Sender<Delivered>),
}

/// A [`ReceiptReporter`] for one MPPPal account. Create it inside a Tokio runtime.
pub struct ApiReporter {
    account_id: String,
    queue: mpsc::UnboundedSender<Message>,
}

impl ApiReporter {
    pub fn new(api: ApiCredentials, account_id: impl Into<String>) -> Self {
        let (queue, inbox) = mpsc::unbounded_channel();
        tokio::spawn(deliver(api, inbox));
        Self {
            account_id: account_id.into(),
            queue,
        }
    }

    /// Waits until every receipt reported so far has been delivered (or given up on); the
    /// totals since this reporter was made.
    pub async fn flush(&self) -> Delivered {
        let (done, answer) = oneshot::channel();
        if self.queue.send(Message::Flush(done)).is_err() {
            return Delivered::default();
        }
        answer.await.unwrap_or_default()
    }
}

#[async_trait]
impl ReceiptReporter for ApiReporter {
    async fn report(&self, paid: PaidReceipt) {
        let Some(deferred) = paid.deferred else {
            tracing::debug!(url = %paid.url, "paid by transaction; nothing for MPPPal to settle");
            return;
        };
        let receipt = json!({
            "accountId": self.account_id,
            "challengeId": paid.challenge_id,
            "recipient": paid.recipient,
            "mint": deferred.mint,
            "amount": paid.amount,
            "expiresAt": deferred.payload.expires_at,
            "category": deferred.payload.category,
            "signature": deferred.payload.signature,
        });
        if self.queue.send(Message::Receipt(receipt)).is_err() {
            tracing::warn!("the receipt reporter has stopped; a receipt was not reported");
        }
    }
}

async fn deliver(api: ApiCredentials, mut inbox: mpsc::UnboundedReceiver<Message>) {
    let http = reqwest::Client::new();
    let mut totals = Delivered::default();
    let mut batch = Vec::new();
    while let Some(first) = inbox.recv().await {
        let mut flushes = Vec::new();
        let mut next = Some(first);
        // Take everything already queued, sending whenever a batch fills.
        while let Some(message) = next {
            match message {
                Message::Receipt(r) => batch.push(r),
                Message::Flush(done) => flushes.push(done),
            }
            if batch.len() == BATCH {
                send(&http, &api, std::mem::take(&mut batch), &mut totals).await;
            }
            next = inbox.try_recv().ok();
        }
        if !batch.is_empty() {
            send(&http, &api, std::mem::take(&mut batch), &mut totals).await;
        }
        for done in flushes {
            let _ = done.send(totals);
        }
    }
}

async fn send(
    http: &reqwest::Client,
    api: &ApiCredentials,
    batch: Vec<Value>,
    totals: &mut Delivered,
) {
    let count = batch.len() as u64;
    let body = json!({ "receipts": batch }).to_string();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(1 << (attempt - 1))).await;
        }
        let (status, answer) = match api.post(http, "/v1/receipts", &body).await {
            Ok(answer) => answer,
            Err(e) => {
                tracing::warn!(error = %e, attempt, "cannot reach the MPPPal API to report receipts");
                continue;
            }
        };
        if status.is_server_error() {
            tracing::warn!(%status, attempt, "the MPPPal API could not take receipts now");
            continue;
        }
        if !status.is_success() {
            // The whole batch was refused (bad key, wrong scope): retrying cannot help.
            tracing::warn!(%status, problem = %answer, "the MPPPal API refused a receipt report");
            break;
        }
        for result in answer["results"].as_array().into_iter().flatten() {
            match result["outcome"].as_str() {
                Some("stored") => totals.stored += 1,
                Some("duplicate") => totals.duplicate += 1,
                Some("conflict") => totals.conflict += 1,
                _ => {
                    totals.invalid += 1;
                    tracing::warn!(result = %result, "the MPPPal API refused a receipt");
                }
            }
        }
        return;
    }
    totals.failed += count;
}
