//! Where paid receipts go: the operator API in production, memory in tests.

use async_trait::async_trait;
use mpppal_protocol::Receipt;
use std::sync::Mutex;

/// One paid request, as the agent saw it.
#[derive(Clone, Debug)]
pub struct PaidReceipt {
    pub url: String,
    pub challenge_id: String,
    pub amount: u64,
    pub recipient: String,
    /// The server's `Payment-Receipt`.
    pub receipt: Receipt,
    /// When the agent paid with a deferred receipt: what it signed, for MPPPal to settle.
    pub deferred: Option<DeferredReceipt>,
}

/// A deferred receipt as signed: the mint it pays in and the credential's payload.
#[derive(Clone, Debug)]
pub struct DeferredReceipt {
    pub mint: String,
    pub payload: mpppal_solana::method::ReceiptPayload,
}

/// What happened to a payment session, for the operator's view of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEvent {
    /// A session was opened on chain at `channel` for requests to `url`.
    Opened { channel: String, url: String },
    /// The provider accepted the voucher for `cumulative` base units (its base58 signature).
    Voucher {
        channel: String,
        cumulative: u64,
        expires_at: i64,
        signature: String,
    },
    /// The provider closed the session on chain with transaction `tx`.
    Closed { channel: String, tx: String },
}

#[async_trait]
pub trait ReceiptReporter: Send + Sync {
    /// Called once per paid response; must not fail the request (report errors elsewhere).
    async fn report(&self, paid: PaidReceipt);

    /// Called as sessions open, move and close; reporters that do not track sessions ignore it.
    async fn session(&self, _event: SessionEvent) {}
}

/// Keeps receipts and session events in memory.
#[derive(Default)]
pub struct MemoryReporter {
    receipts: Mutex<Vec<PaidReceipt>>,
    sessions: Mutex<Vec<SessionEvent>>,
}

impl MemoryReporter {
    pub fn receipts(&self) -> Vec<PaidReceipt> {
        self.receipts.lock().expect("reporter lock").clone()
    }

    pub fn session_events(&self) -> Vec<SessionEvent> {
        self.sessions.lock().expect("reporter lock").clone()
    }
}

#[async_trait]
impl ReceiptReporter for MemoryReporter {
    async fn report(&self, paid: PaidReceipt) {
        self.receipts.lock().expect("reporter lock").push(paid);
    }

    async fn session(&self, event: SessionEvent) {
        self.sessions.lock().expect("reporter lock").push(event);
    }
}
