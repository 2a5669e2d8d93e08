//! Reporting to the MPPPal operator API, off the request path: `report` and `session` only
//! queue; a background task sends, signed with an API key (agent scope), retrying what the API
//! could not take.
//!
//! - Deferred receipts go in batches to `POST /v1/receipts`: they are what MPPPal settles.
//!   Payments made by transaction settled themselves and are not sent.
//! - Sessions: the open (`POST /v1/sessions`), the highest voucher at most once a second and
//!   before a close (`POST /v1/sessions/{id}/vouchers`: vouchers are cumulative, so only the
//!   latest matters), and the close (`POST /v1/sessions/{id}/close`).

use async_trait::async_trait;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

use super::api::ApiCredentials;
use super::report::{PaidReceipt, ReceiptReporter, SessionEvent};

/// Most receipts in one report (the API takes up to 1000).
const BATCH: usize = 200;
/// Attempts per request; a retry waits 1, 2, then 4 s (a whole second at least, so the retried
/// request carries a new signature rather than a replayed one).
const ATTEMPTS: u32 = 4;
/// How often the latest vouchers are sent while sessions run.
const VOUCHER_EVERY: Duration = Duration::from_secs(1);

/// What the API made of what was sent so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub stored: u64,
    pub duplicate: u64,
    pub conflict: u64,
    /// Refused by the API (`detail` went to the log).
    pub invalid: u64,
    /// Never delivered: the API was unreachable or refused the whole batch, every attempt.
    pub failed: u64,
    /// Sessions the API recorded as opened, vouchers it took, sessions it recorded as settled.
    pub sessions_opened: u64,
    pub vouchers: u64,
    pub sessions_closed: u64,
}

enum Message {
    Receipt(Value),
    Session(SessionEvent),
    Flush(oneshot::Sender<Delivered>),
}

/// A [`ReceiptReporter`] for one MPPPal account. Create it inside a Tokio runtime.
pub struct ApiReporter {
    account_id: String,
    queue: mpsc::UnboundedSender<Message>,
}

impl ApiReporter {
    pub fn new(api: ApiCredentials, account_id: impl Into<String>) -> Self {
        let account_id = account_id.into();
        let (queue, inbox) = mpsc::unbounded_channel();
        let courier = Courier {
            http: super::timeouts::http_client(),
            api,
            account_id: account_id.clone(),
            totals: Delivered::default(),
            sessions: HashMap::new(),
            vouchers: HashMap::new(),
        };
        tokio::spawn(courier.run(inbox));
        Self { account_id, queue }
    }

    /// Waits until everything reported so far has been delivered (or given up on); the totals
    /// since this reporter was made.
    pub async fn flush(&self) -> Delivered {
        let (done, answer) = oneshot::channel();
        if self.queue.send(Message::Flush(done)).is_err() {
            return Delivered::default();
        }
        answer.await.unwrap_or_default()
    }

    fn queue(&self, message: Message) {
        if self.queue.send(message).is_err() {
            tracing::warn!("the MPPPal reporter has stopped; a report was dropped");
        }
    }
}

#[async_trait]
impl ReceiptReporter for ApiReporter {
    async fn report(&self, paid: PaidReceipt) {
        let Some(deferred) = paid.deferred else {
            tracing::debug!(url = %paid.url, "paid by transaction; nothing for MPPPal to settle");
            return;
        };
        self.queue(Message::Receipt(json!({
            "accountId": self.account_id,
            "challengeId": paid.challenge_id,
            "recipient": paid.recipient,
            "mint": deferred.mint,
            "amount": paid.amount,
            "expiresAt": deferred.payload.expires_at,
            "category": deferred.payload.category,
            "signature": deferred.payload.signature,
        })));
    }

    async fn session(&self, event: SessionEvent) {
        self.queue(Message::Session(event));
    }
}

/// The background task's state.
struct Courier {
    http: reqwest::Client,
    api: ApiCredentials,
    account_id: String,
    totals: Delivered,
    /// Channel → the API's session id.
    sessions: HashMap<String, String>,
    /// Channel → the highest voucher not yet sent: (cumulative, expires at, signature).
    vouchers: HashMap<String, (u64, i64, String)>,
}

impl Courier {
    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Message>) {
        let mut tick = tokio::time::interval(VOUCHER_EVERY);
        let mut batch = Vec::new();
        loop {
            tokio::select! {
                message = inbox.recv() => {
                    let Some(first) = message else { break };
                    let mut flushes = Vec::new();
                    let mut next = Some(first);
                    // Take everything already queued, in order.
                    while let Some(message) = next {
                        match message {
                            Message::Receipt(r) => {
                                batch.push(r);
                                if batch.len() == BATCH {
                                    self.receipts(std::mem::take(&mut batch)).await;
                                }
                            }
                            Message::Session(event) => self.session(event).await,
                            Message::Flush(done) => flushes.push(done),
                        }
                        next = inbox.try_recv().ok();
                    }
                    if !batch.is_empty() {
                        self.receipts(std::mem::take(&mut batch)).await;
                    }
                    if !flushes.is_empty() {
                        self.send_vouchers().await;
                        for done in flushes {
                            let _ = done.send(self.totals);
                        }
                    }
                }
                _ = tick.tick() => self.send_vouchers().await,
            }
        }
    }

    /// POSTs `body` to `path` until the API answers (2xx or 4xx); `None` after every attempt
    /// failed to reach it or met a 5xx.
    async fn post(&self, path: &str, body: &Value) -> Option<(u16, Value)> {
        let body = body.to_string();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_secs(1 << (attempt - 1))).await;
            }
            match self.api.post(&self.http, path, &body).await {
                Ok((status, answer)) if !status.is_server_error() => {
                    return Some((status.as_u16(), answer))
                }
                Ok((status, _)) => {
                    tracing::warn!(%status, attempt, path, "the MPPPal API could not answer now")
                }
                Err(e) => tracing::warn!(error = %e, attempt, path, "cannot reach the MPPPal API"),
            }
        }
        None
    }

    async fn receipts(&mut self, batch: Vec<Value>) {
        let count = batch.len() as u64;
        match self
            .post("/v1/receipts", &json!({ "receipts": batch }))
            .await
        {
            Some((200, answer)) => {
                for result in answer["results"].as_array().into_iter().flatten() {
                    match result["outcome"].as_str() {
                        Some("stored") => self.totals.stored += 1,
                        Some("duplicate") => self.totals.duplicate += 1,
                        Some("conflict") => self.totals.conflict += 1,
                        _ => {
                            self.totals.invalid += 1;
                            tracing::warn!(result = %result, "the MPPPal API refused a receipt");
                        }
                    }
                }
            }
            other => {
                // Refused whole (bad key, wrong scope) or never reached: retrying cannot help.
                tracing::warn!(answer = ?other, "receipts were not reported to MPPPal");
                self.totals.failed += count;
            }
        }
    }

    async fn session(&mut self, event: SessionEvent) {
        match event {
            SessionEvent::Opened { channel, url } => {
                let body = json!({ "accountId": self.account_id, "channel": channel, "providerEndpoint": url });
                match self.post("/v1/sessions", &body).await {
                    Some((200 | 201, answer)) => {
                        if let Some(id) = answer["sessionId"].as_str() {
                            self.sessions.insert(channel, id.to_string());
                            self.totals.sessions_opened += 1;
                        }
                    }
                    other => {
                        tracing::warn!(answer = ?other, %channel, "a session was not reported to MPPPal")
                    }
                }
            }
            SessionEvent::Voucher {
                channel,
                cumulative,
                expires_at,
                signature,
            } => {
                let higher = self
                    .vouchers
                    .get(&channel)
                    .is_none_or(|(held, _, _)| cumulative > *held);
                if higher {
                    self.vouchers
                        .insert(channel, (cumulative, expires_at, signature));
                }
            }
            SessionEvent::Closed { channel, tx } => {
                self.send_voucher(&channel).await;
                let Some(id) = self.sessions.remove(&channel) else {
                    return;
                };
                match self
                    .post(&format!("/v1/sessions/{id}/close"), &json!({ "tx": tx }))
                    .await
                {
                    Some((200, _)) => self.totals.sessions_closed += 1,
                    other => {
                        tracing::warn!(answer = ?other, %id, "a session close was not reported to MPPPal")
                    }
                }
            }
        }
    }

    async fn send_vouchers(&mut self) {
        let channels: Vec<String> = self.vouchers.keys().cloned().collect();
        for channel in channels {
            self.send_voucher(&channel).await;
        }
    }

    async fn send_voucher(&mut self, channel: &str) {
        let (Some(id), Some((cumulative, expires_at, signature))) = (
            self.sessions.get(channel).cloned(),
            self.vouchers.remove(channel),
        ) else {
            return;
        };
        let body =
            json!({ "cumulative": cumulative, "expiresAt": expires_at, "signature": signature });
        match self
            .post(&format!("/v1/sessions/{id}/vouchers"), &body)
            .await
        {
            Some((200, _)) => self.totals.vouchers += 1,
            other => tracing::warn!(answer = ?other, %id, "a voucher was not reported to MPPPal"),
        }
    }
}
