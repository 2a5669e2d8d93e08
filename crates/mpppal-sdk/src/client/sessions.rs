//! Payment sessions from the agent's side: one session per provider, opened on the first
//! session challenge, reused with cumulative vouchers, topped up within policy, closed on
//! request, when idle or when the client is dropped, and reopened when the provider says the
//! channel is gone (410).

use anchor_lang::prelude::Pubkey;
use mpppal_policy::{evaluate, Payment, Verdict};
use mpppal_protocol::{format_authorization, PaymentChallenge, PaymentCredential};
use mpppal_settlement_program::{OpenSessionArgs, TopUpArgs};
use mpppal_solana::method::session::{SessionAction, SessionRequest};
use mpppal_solana::method::SignedVoucher;
use mpppal_solana::settlement_ix::{self, SessionAccounts};
use reqwest::{header, StatusCode};
use solana_signer::Signer;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use super::paying::{unix_now, PaidResponse, PayingClient, Transport};
use super::report::{PaidReceipt, SessionEvent};
use super::PayError;
use crate::wallets::{WalletReader, WalletSnapshot};

/// Seconds a session stays open before the payer may reclaim its escrow.
const SESSION_SECONDS: i64 = 3_600;

/// A request that starts this soon after the session's previous one ended is taken as part of a
/// back-to-back run (ADR 0022): several times what making a voucher takes, far less than any
/// pause an agent makes to think.
const BACK_TO_BACK: Duration = Duration::from_micros(250);

/// How long the task that makes the next voucher waits when the paying code runs in a task on
/// a multi-thread runtime (ADR 0022): long enough for the caller to have read the response it
/// just got, which a signature on the same worker would hold up.
const SIGN_AFTER: Duration = Duration::from_millis(1);

/// One provider's session: empty until a session is opened, and again after it closes. Its
/// lock keeps that session's vouchers in order without holding up requests to other providers.
pub(super) type Slot = Arc<tokio::sync::Mutex<Option<OpenSession>>>;

/// A session this client holds with one provider.
#[derive(Clone, Debug)]
pub struct OpenSession {
    pub(super) challenge: PaymentChallenge,
    pub(super) accounts: SessionAccounts,
    /// The session account (`accounts.session()`), derived once: finding a program address
    /// costs tens of microseconds, and every voucher names it.
    pub(super) channel: Pubkey,
    pub(super) price: u64,
    pub(super) deposit: u64,
    pub(super) cumulative: u64,
    pub(super) last_voucher: Option<SignedVoucher>,
    /// The next voucher (for `cumulative + price`) and its credential, made beside the previous
    /// request or after it (ADR 0021) so that signing and encoding are off the next one's path.
    pub(super) ahead: Option<Prepared>,
    pub(super) fee_payer: Pubkey,
    pub(super) url: String,
    /// When a request last went through it (opening counts).
    pub(super) last_used: std::time::Instant,
}

impl OpenSession {
    pub fn channel(&self) -> Pubkey {
        self.channel
    }

    /// The cumulative amount the next request's voucher is for.
    fn next_cumulative(&self) -> u64 {
        self.cumulative + self.price
    }

    /// Whether the next request would have to make its voucher itself: none is ready, and the
    /// deposit covers one (past it, the request tops up first).
    fn lacks_next_voucher(&self) -> bool {
        let next = self.next_cumulative();
        let ready = self
            .ahead
            .as_ref()
            .is_some_and(|ahead| ahead.is_for(next, &self.challenge));
        !ready && next <= self.deposit
    }
}

/// A voucher signed for one challenge, with the `Authorization` value that carries it.
#[derive(Clone, Debug)]
pub(super) struct Prepared {
    cumulative: u64,
    challenge_id: String,
    voucher: SignedVoucher,
    authorization: header::HeaderValue,
}

impl Prepared {
    /// Whether this is the voucher for `cumulative` under `challenge`: a voucher made before
    /// the challenge was renewed carries the old challenge's echo and would be refused.
    fn is_for(&self, cumulative: u64, challenge: &PaymentChallenge) -> bool {
        self.cumulative == cumulative && self.challenge_id == challenge.id
    }
}

/// A payable session challenge: its request and fee payer.
pub(super) fn session_offer(
    challenge: &PaymentChallenge,
    mint: &Pubkey,
    settlement: &Pubkey,
) -> Option<(SessionRequest, u64, Pubkey)> {
    if challenge.method.as_str() != "solana"
        || challenge.intent.as_str() != "session"
        || challenge.is_expired()
    {
        return None;
    }
    let request: SessionRequest = challenge.request.decode().ok()?;
    let details = &request.method_details;
    if details.channel_program != settlement.to_string() || request.currency != mint.to_string() {
        return None;
    }
    let price: u64 = request.amount.parse().ok().filter(|p| *p > 0)?;
    let fee_payer = Pubkey::from_str(details.fee_payer_key.as_deref()?).ok()?;
    Some((request, price, fee_payer))
}

impl PayingClient {
    pub(super) fn check_policy(
        &self,
        snapshot: &WalletSnapshot,
        amount: u64,
        payee: &Pubkey,
    ) -> Result<(), PayError> {
        let payment = Payment {
            amount,
            counterparty: payee.to_bytes(),
            category: self.category.as_deref(),
            memo: None,
            owner_cosigned: false,
        };
        match evaluate(
            &snapshot.wallet.policy.to_policy(),
            &snapshot.wallet.spend(),
            &payment,
            unix_now(),
        ) {
            Verdict::Allow => Ok(()),
            Verdict::Escalate(reason) => Err(PayError::EscalationRequired(reason.to_string())),
            Verdict::Deny(reason) => Err(PayError::PolicyDenied {
                code: reason.code().into(),
                reason: reason.to_string(),
            }),
        }
    }

    /// A transaction carrying `instructions`, fees paid by `fee_payer`, signed by the agent.
    async fn agent_transaction(
        &self,
        instructions: &[anchor_lang::solana_program::instruction::Instruction],
        fee_payer: &Pubkey,
    ) -> Result<String, PayError> {
        super::sign::partially_signed(&self.chain, instructions, fee_payer, &self.wallet.agent)
            .await
    }

    /// Opens a session on `challenge` with `request` (the one that met the 402) as its first,
    /// unmetered request.
    pub(super) async fn open_session(
        &self,
        origin: String,
        challenge: PaymentChallenge,
        offer: (SessionRequest, u64, Pubkey),
        request: reqwest::Request,
        via: &Transport<'_>,
    ) -> Result<PaidResponse, PayError> {
        let slot = self.slot(&origin, true).expect("created on demand");
        let mut held = slot.lock().await;
        // Another request to this provider may have opened a session meanwhile: use it rather
        // than lock up a second deposit.
        if let Some(paid) = self.pay_in_session(&mut held, &request, via).await? {
            self.release(&slot, held);
            return Ok(paid);
        }
        let (terms, price, fee_payer) = offer;
        let snapshot = self
            .chain
            .read(&self.wallet.wallet)
            .await
            .map_err(PayError::Wallet)?;
        let payee = Pubkey::from_str(&terms.recipient).map_err(|_| {
            PayError::NoPayableChallenge("the session recipient is not a key".into())
        })?;
        let suggested: u64 = terms
            .suggested_deposit
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or(price.saturating_mul(100));
        let policy = &snapshot.wallet.policy;
        let remaining_today = snapshot
            .wallet
            .spend()
            .remaining(policy.max_daily_spend, unix_now());
        let deposit = suggested
            .min(policy.max_single_transfer)
            .min(remaining_today)
            .min(snapshot.vault_balance);
        if deposit < price {
            return Err(PayError::InsufficientBalance {
                balance: deposit,
                needed: price,
            });
        }
        self.check_policy(&snapshot, deposit, &payee)?;
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| PayError::Build(e.to_string()))?;
        let accounts = SessionAccounts {
            wallet: self.wallet.wallet,
            mint: snapshot.wallet.mint,
            session_id: u64::from_le_bytes(id),
            payee,
            rent_payer: fee_payer,
        };
        let open = settlement_ix::open_session(
            &accounts,
            &self.wallet.agent.pubkey(),
            None,
            OpenSessionArgs {
                session_id: accounts.session_id,
                deposit,
                expires_at: unix_now() + SESSION_SECONDS,
                memo: None,
                category: self.category.clone(),
            },
        );
        let transaction = self.agent_transaction(&[open], &fee_payer).await?;
        let channel = accounts.session();
        let authorization = credential(
            &challenge,
            SessionAction::Open {
                channel_id: channel.to_string(),
                wallet: self.wallet.wallet.to_string(),
                session_id: accounts.session_id.to_string(),
                deposit_amount: deposit.to_string(),
                transaction,
            },
        )?;
        let url = request.url().to_string();
        let response = self.send_with(request, authorization, via).await?;
        // A refused payment opened nothing; any other answer (even a failed handler) means the
        // session exists on chain and must be kept, to be used and closed.
        if matches!(
            response.status(),
            StatusCode::BAD_REQUEST
                | StatusCode::PAYMENT_REQUIRED
                | StatusCode::FORBIDDEN
                | StatusCode::GONE
        ) {
            return Err(super::paying::refused(response).await);
        }
        self.reporter
            .session(SessionEvent::Opened {
                channel: channel.to_string(),
                url: url.clone(),
            })
            .await;
        *held = Some(OpenSession {
            challenge,
            accounts,
            channel,
            price,
            deposit,
            cumulative: 0,
            last_voucher: None,
            ahead: None,
            fee_payer,
            url,
            last_used: std::time::Instant::now(),
        });
        self.release(&slot, held);
        let receipt = super::choose::receipt_of(&response);
        Ok(PaidResponse {
            response,
            receipt,
            paid: 0,
        })
    }

    /// The session slot of `origin`, created empty if `create`.
    fn slot(&self, origin: &str, create: bool) -> Option<Slot> {
        let mut slots = self.sessions.lock().expect("sessions lock");
        if create {
            Some(slots.entry(origin.to_string()).or_default().clone())
        } else {
            slots.get(origin).cloned()
        }
    }

    /// Pays `request` with the next voucher of the session held for `origin`, if any. `None`
    /// means there is no usable session (none, or the provider dropped it): pay afresh.
    pub(super) async fn with_session(
        &self,
        origin: &str,
        request: &reqwest::Request,
        via: &Transport<'_>,
    ) -> Result<Option<PaidResponse>, PayError> {
        let Some(slot) = self.slot(origin, false) else {
            return Ok(None);
        };
        let mut held = slot.lock().await;
        let paid = self.pay_in_session(&mut held, request, via).await;
        self.release(&slot, held);
        paid
    }

    /// Lets go of a session after a request; if the next request would have to make its own
    /// voucher, has one made meanwhile.
    fn release(&self, slot: &Slot, held: tokio::sync::MutexGuard<'_, Option<OpenSession>>) {
        let needed = held.as_ref().is_some_and(OpenSession::lacks_next_voucher);
        drop(held);
        if needed {
            self.sign_ahead(Arc::clone(slot));
        }
    }

    /// Makes the session's next voucher and its credential in a task of its own, so that the
    /// next request finds them ready (ADR 0021). The task runs when the caller next waits: for
    /// an agent that does anything between requests, signing is off every request's path. It
    /// holds the session's lock only to read and to store, and skips a session a request holds
    /// (that request makes its own voucher), so it never delays a request or a close. Called
    /// from a task on a multi-thread runtime, it first waits `SIGN_AFTER`, so that it does not
    /// sign on that worker while the caller is still reading the response (ADR 0022).
    fn sign_ahead(&self, slot: Slot) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let agent = Arc::clone(&self.wallet.agent);
        let wait = caller() == Caller::WorkerTask;
        runtime.spawn(async move {
            if wait {
                tokio::time::sleep(SIGN_AFTER).await;
            }
            let (challenge, channel, next) = {
                let Ok(held) = slot.try_lock() else {
                    return;
                };
                let Some(session) = held.as_ref().filter(|s| s.lacks_next_voucher()) else {
                    return;
                };
                (
                    session.challenge.clone(),
                    session.channel,
                    session.next_cumulative(),
                )
            };
            // A failure here is met again, and reported, when the request makes the voucher.
            let Ok(prepared) = prepare(&agent, &challenge, &channel, next) else {
                return;
            };
            let Ok(mut held) = slot.try_lock() else {
                return;
            };
            if let Some(session) = held.as_mut() {
                if prepared.is_for(session.next_cumulative(), &session.challenge) {
                    session.ahead = Some(prepared);
                }
            }
        });
    }

    /// Pays `request` with the next voucher of the session in `held`; empties the slot and
    /// answers `None` when the provider no longer knows the channel.
    async fn pay_in_session(
        &self,
        held: &mut Option<OpenSession>,
        request: &reqwest::Request,
        via: &Transport<'_>,
    ) -> Result<Option<PaidResponse>, PayError> {
        let Some(session) = held.as_mut() else {
            return Ok(None);
        };
        if session.next_cumulative() > session.deposit {
            self.top_up(session).await?;
        }
        let channel = session.channel.to_string();
        let since_previous = session.last_used.elapsed();
        for attempt in 0..2 {
            let next = session.next_cumulative();
            let ready = session
                .ahead
                .take()
                .filter(|ahead| ahead.is_for(next, &session.challenge));
            let found_ready = ready.is_some();
            let prepared = match ready {
                Some(ahead) => ahead,
                None => prepare(
                    &self.wallet.agent,
                    &session.challenge,
                    &session.channel,
                    next,
                )?,
            };
            let retry = request.try_clone().ok_or(PayError::NotReplayable)?;
            let url = retry.url().to_string();
            // The following voucher is signed while this request is on the wire when
            // `signs_beside` says so; on a current-thread runtime after yielding once, so that
            // the connection's task writes the request before the signing starts.
            let after = next + session.price;
            let caller = caller();
            let beside =
                after <= session.deposit && signs_beside(caller, since_previous, found_ready);
            let (agent, challenge, channel_key) =
                (&self.wallet.agent, &session.challenge, &session.channel);
            let send = self.send_with(retry, prepared.authorization.clone(), via);
            let (response, beside) = tokio::join!(send, async move {
                if !beside {
                    return None;
                }
                if caller == Caller::CurrentThread {
                    tokio::task::yield_now().await;
                }
                prepare(agent, challenge, channel_key, after).ok()
            });
            let response = response?;
            match response.status() {
                s if s.is_success() => {
                    session.ahead = beside;
                    let voucher = prepared.voucher;
                    self.reporter
                        .session(SessionEvent::Voucher {
                            channel: channel.clone(),
                            cumulative: next,
                            expires_at: voucher.voucher.expires_at.unwrap_or(0),
                            signature: voucher.signature.clone(),
                        })
                        .await;
                    session.cumulative = next;
                    session.last_voucher = Some(voucher);
                    session.last_used = std::time::Instant::now();
                    session.url = url.clone();
                    let receipt = super::choose::receipt_of(&response);
                    if let Some(r) = &receipt {
                        self.reporter
                            .report(PaidReceipt {
                                url,
                                challenge_id: session.challenge.id.clone(),
                                amount: session.price,
                                recipient: session.accounts.payee.to_string(),
                                receipt: r.clone(),
                                deferred: None,
                            })
                            .await;
                    }
                    return Ok(Some(PaidResponse {
                        response,
                        receipt,
                        paid: session.price,
                    }));
                }
                StatusCode::GONE => {
                    *held = None;
                    return Ok(None);
                }
                StatusCode::PAYMENT_REQUIRED if attempt == 0 => {
                    // The cached challenge expired: take the fresh one and try once more.
                    let fresh = fresh_session_challenge(&response).ok_or_else(|| {
                        PayError::NoPayableChallenge(
                            "the provider offered no new session challenge".into(),
                        )
                    })?;
                    session.challenge = fresh;
                }
                StatusCode::BAD_REQUEST | StatusCode::PAYMENT_REQUIRED | StatusCode::FORBIDDEN => {
                    return Err(super::paying::refused(response).await)
                }
                // The handler failed: the provider kept the previous voucher, and so do we; this
                // one stays the next.
                _ => {
                    session.ahead = Some(prepared);
                    return Ok(Some(PaidResponse {
                        response,
                        receipt: None,
                        paid: 0,
                    }));
                }
            }
        }
        Err(PayError::NoPayableChallenge(
            "the session challenge could not be renewed".into(),
        ))
    }

    async fn top_up(&self, session: &mut OpenSession) -> Result<(), PayError> {
        let snapshot = self
            .chain
            .read(&self.wallet.wallet)
            .await
            .map_err(PayError::Wallet)?;
        let amount = session.deposit.min(snapshot.vault_balance);
        if amount < session.price {
            return Err(PayError::InsufficientBalance {
                balance: snapshot.vault_balance,
                needed: session.price,
            });
        }
        self.check_policy(&snapshot, amount, &session.accounts.payee)?;
        let ix = settlement_ix::top_up_session(
            &session.accounts,
            &self.wallet.agent.pubkey(),
            None,
            TopUpArgs {
                amount,
                memo: None,
                category: self.category.clone(),
            },
        );
        let transaction = self.agent_transaction(&[ix], &session.fee_payer).await?;
        let authorization = credential(
            &session.challenge,
            SessionAction::TopUp {
                channel_id: session.channel().to_string(),
                additional_amount: amount.to_string(),
                transaction,
            },
        )?;
        let request = self.http.get(&session.url).build()?;
        let response = self
            .send_with(request, authorization, &self.direct())
            .await?;
        if !response.status().is_success() {
            return Err(super::paying::refused(response).await);
        }
        session.deposit += amount;
        Ok(())
    }

    /// Closes every open session with its last voucher; returns what each close reported.
    pub async fn close_sessions(&self) -> Result<Vec<serde_json::Value>, PayError> {
        self.close_where(|_| true).await
    }

    /// Closes the sessions no request has used for `max_idle` or longer, so their unspent
    /// deposit comes back; a later request to that provider opens a new one. Call it from a
    /// timer to close sessions an agent has stopped using.
    pub async fn close_idle_sessions(
        &self,
        max_idle: Duration,
    ) -> Result<Vec<serde_json::Value>, PayError> {
        self.close_where(|session| session.last_used.elapsed() >= max_idle)
            .await
    }

    /// Closes the chosen sessions one by one. A session whose close fails is kept (and the
    /// error returned), so the client can try again rather than forget an open deposit.
    async fn close_where(
        &self,
        chosen: impl Fn(&OpenSession) -> bool,
    ) -> Result<Vec<serde_json::Value>, PayError> {
        let slots: Vec<Slot> = self
            .sessions
            .lock()
            .expect("sessions lock")
            .values()
            .cloned()
            .collect();
        let mut closed = Vec::new();
        for slot in slots {
            let mut held = slot.lock().await;
            let Some(session) = held.as_ref().filter(|s| chosen(s)) else {
                continue;
            };
            let authorization = self.close_credential(session)?;
            let request = self.http.get(&session.url).build()?;
            let channel = session.channel().to_string();
            let response = self
                .send_with(request, authorization, &self.direct())
                .await?;
            if response.status() == StatusCode::GONE {
                // The provider no longer knows the channel: nothing to close there. The deposit
                // comes back through `expire_session` once the channel expires.
                *held = None;
                closed.push(serde_json::json!({ "channelId": channel, "gone": true }));
                continue;
            }
            if !response.status().is_success() {
                return Err(super::paying::refused(response).await);
            }
            *held = None;
            let answer: serde_json::Value = response.json().await?;
            if let Some(tx) = answer["txHash"].as_str() {
                self.reporter
                    .session(SessionEvent::Closed {
                        channel: channel.clone(),
                        tx: tx.to_string(),
                    })
                    .await;
            }
            closed.push(answer);
        }
        Ok(closed)
    }

    fn close_credential(&self, session: &OpenSession) -> Result<header::HeaderValue, PayError> {
        credential(
            &session.challenge,
            SessionAction::Close {
                channel_id: session.channel().to_string(),
                voucher: session.last_voucher.clone(),
            },
        )
    }

    async fn send_with(
        &self,
        mut request: reqwest::Request,
        authorization: header::HeaderValue,
        via: &Transport<'_>,
    ) -> Result<reqwest::Response, PayError> {
        request
            .headers_mut()
            .insert(header::AUTHORIZATION, authorization);
        via(request).await
    }
}

/// Where the paying code runs, as far as making vouchers goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    /// Outside the workers of a multi-thread runtime (its `block_on` future, as in
    /// `#[tokio::main]`): the workers drive the connection while the caller signs.
    BesideWorkers,
    /// In a task on a multi-thread runtime: the connection's task is woken on the caller's
    /// worker, so what the caller signs meanwhile holds the request up.
    WorkerTask,
    /// On a current-thread runtime: the connection's task runs only when the caller waits.
    CurrentThread,
}

/// Where this code runs (no runtime counts as current-thread: nothing runs beside it).
fn caller() -> Caller {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::CurrentThread) | Err(_) => Caller::CurrentThread,
        Ok(_) if tokio::task::try_id().is_some() => Caller::WorkerTask,
        Ok(_) => Caller::BesideWorkers,
    }
}

/// Whether the voucher after a request is signed beside it, while it is on the wire, rather than
/// by `release`'s task between requests. Always beside it outside a multi-thread runtime's
/// workers (ADR 0021). Elsewhere (ADR 0022) only for a caller that came back to back, or whose
/// voucher was not ready (so it gave that task no time): a caller that waits between requests
/// gets it from the task, which keeps the signature off the connection's thread while the
/// request is in flight; one that does not would otherwise sign every voucher on its requests'
/// path.
fn signs_beside(caller: Caller, since_previous: Duration, found_ready: bool) -> bool {
    caller == Caller::BesideWorkers || since_previous < BACK_TO_BACK || !found_ready
}

/// The `Authorization` value carrying `action` for `challenge`.
fn credential(
    challenge: &PaymentChallenge,
    action: SessionAction,
) -> Result<header::HeaderValue, PayError> {
    format_authorization(&PaymentCredential::new(challenge.to_echo(), action))
        .map_err(|e| PayError::Build(e.to_string()))?
        .parse()
        .map_err(|_| PayError::Build("header value".into()))
}

/// Signs the voucher for `cumulative` on `channel` and encodes its credential.
fn prepare(
    agent: &solana_keypair::Keypair,
    challenge: &PaymentChallenge,
    channel: &Pubkey,
    cumulative: u64,
) -> Result<Prepared, PayError> {
    let voucher = SignedVoucher::sign(agent, channel, cumulative, 0);
    let authorization = credential(
        challenge,
        SessionAction::Voucher {
            channel_id: channel.to_string(),
            voucher: voucher.clone(),
        },
    )?;
    Ok(Prepared {
        cumulative,
        challenge_id: challenge.id.clone(),
        voucher,
        authorization,
    })
}

fn fresh_session_challenge(response: &reqwest::Response) -> Option<PaymentChallenge> {
    super::choose::challenges_of(response)
        .into_iter()
        .find(|c| c.intent.as_str() == "session")
}

/// Dropping the client closes its sessions, so their unspent deposits come back: the closing
/// requests are sent from a task on the current Tokio runtime. That is best effort (a runtime
/// shutting down drops the task); call [`PayingClient::close_sessions`] to know they closed.
/// Sessions left open return their deposit through `expire_session` once they expire.
impl Drop for PayingClient {
    fn drop(&mut self) {
        let slots = match self.sessions.get_mut() {
            Ok(slots) => std::mem::take(slots),
            Err(_) => return,
        };
        let closes: Vec<(String, header::HeaderValue)> = slots
            .values()
            .filter_map(|slot| {
                let held = slot.try_lock().ok()?;
                let session = held.as_ref()?;
                Some((session.url.clone(), self.close_credential(session).ok()?))
            })
            .collect();
        if closes.is_empty() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(
                sessions = closes.len(),
                "client dropped outside a Tokio runtime: its sessions stay open until they expire"
            );
            return;
        };
        let http = self.http.clone();
        runtime.spawn(async move {
            for (url, authorization) in closes {
                let sent = http
                    .get(&url)
                    .header(header::AUTHORIZATION, authorization)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() || r.status() == StatusCode::GONE => {}
                    Ok(r) => tracing::warn!(%url, status = %r.status(), "closing a session on drop was refused"),
                    Err(e) => tracing::warn!(%url, error = %e, "closing a session on drop failed"),
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::RpcChain;
    use crate::client::{AgentWallet, MemoryReporter};
    use mpppal_protocol::{parse_authorization, Base64UrlJson};
    use solana_keypair::Keypair;

    const PRICE: u64 = 1_000;

    fn client() -> PayingClient {
        PayingClient::new(
            AgentWallet {
                agent: Keypair::new(),
                wallet: Pubkey::new_unique(),
            },
            // Never called: nothing here reads the chain.
            Arc::new(RpcChain::new("http://127.0.0.1:9")),
            Arc::new(MemoryReporter::default()),
        )
    }

    /// A slot holding a session that has paid `cumulative` of a `deposit`.
    fn slot(cumulative: u64, deposit: u64) -> Slot {
        let request = Base64UrlJson::from_value(&serde_json::json!({ "amount": "1000" })).unwrap();
        let challenge = PaymentChallenge::with_secret_key_full(
            "secret", "realm", "solana", "session", request, None, None, None, None, None,
        );
        let accounts = SessionAccounts {
            wallet: Pubkey::new_unique(),
            mint: Pubkey::new_unique(),
            session_id: 7,
            payee: Pubkey::new_unique(),
            rent_payer: Pubkey::new_unique(),
        };
        Arc::new(tokio::sync::Mutex::new(Some(OpenSession {
            challenge,
            channel: accounts.session(),
            accounts,
            price: PRICE,
            deposit,
            cumulative,
            last_voucher: None,
            ahead: None,
            fee_payer: Pubkey::new_unique(),
            url: "http://provider.test/metered".into(),
            last_used: std::time::Instant::now(),
        })))
    }

    #[tokio::test]
    async fn the_next_voucher_and_its_credential_are_made_between_requests() {
        let client = client();
        let slot = slot(3 * PRICE, 10 * PRICE);
        client.sign_ahead(slot.clone());
        // The task runs once this one waits, as between an agent's requests.
        tokio::task::yield_now().await;
        let held = slot.lock().await;
        let session = held.as_ref().unwrap();
        let ahead = session
            .ahead
            .as_ref()
            .expect("made while the client waited");
        assert!(ahead.is_for(4 * PRICE, &session.challenge));
        let verified = ahead.voucher.verify(&client.wallet.agent.pubkey()).unwrap();
        assert_eq!(
            (verified.channel, verified.cumulative),
            (session.channel, 4 * PRICE)
        );
        // The credential carries that voucher under the session's challenge.
        let credential = parse_authorization(ahead.authorization.to_str().unwrap()).unwrap();
        assert_eq!(credential.challenge.id, session.challenge.id);
        let action: SessionAction = serde_json::from_value(credential.payload).unwrap();
        let SessionAction::Voucher { voucher, .. } = action else {
            panic!("a voucher credential");
        };
        assert_eq!(voucher.signature, ahead.voucher.signature);
    }

    #[tokio::test]
    async fn nothing_is_made_while_a_request_holds_the_session_or_past_the_deposit() {
        let client = client();
        let busy = slot(3 * PRICE, 10 * PRICE);
        let request = busy.clone().lock_owned().await;
        client.sign_ahead(busy.clone());
        tokio::task::yield_now().await;
        drop(request);
        // Skipped, not queued behind the request: the request that follows makes its own.
        tokio::task::yield_now().await;
        assert!(busy.lock().await.as_ref().unwrap().ahead.is_none());

        let spent = slot(10 * PRICE, 10 * PRICE);
        client.sign_ahead(spent.clone());
        tokio::task::yield_now().await;
        assert!(spent.lock().await.as_ref().unwrap().ahead.is_none());
    }

    /// A provider on loopback that serves any request and keeps the `Authorization` values it
    /// was sent; its URL.
    async fn provider(seen: Arc<std::sync::Mutex<Vec<String>>>) -> String {
        let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap| {
            let seen = Arc::clone(&seen);
            async move {
                let authorization = headers[header::AUTHORIZATION].to_str().unwrap();
                seen.lock().unwrap().push(authorization.to_string());
                "served"
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{address}/metered")
    }

    /// One paid request on `slot` to a provider of its own, sent a second after the session's
    /// previous one; the cumulative amount of the voucher the provider received.
    async fn pay_after_a_pause(client: &PayingClient, slot: &Slot) -> u64 {
        let seen = Arc::default();
        let url = provider(Arc::clone(&seen)).await;
        slot.lock().await.as_mut().unwrap().last_used -= Duration::from_secs(1);
        let origin = reqwest::Url::parse(&url)
            .unwrap()
            .origin()
            .ascii_serialization();
        client
            .sessions
            .lock()
            .unwrap()
            .insert(origin.clone(), Arc::clone(slot));
        let request = client.http.get(&url).build().unwrap();
        let paid = client
            .with_session(&origin, &request, &client.direct())
            .await
            .unwrap()
            .expect("paid in the session");
        assert_eq!(paid.paid, PRICE);
        let sent = seen
            .lock()
            .unwrap()
            .pop()
            .expect("the provider got the request");
        sent_cumulative(client, &sent)
    }

    /// The cumulative amount of the voucher carried by an `Authorization` value the agent signed.
    fn sent_cumulative(client: &PayingClient, authorization: &str) -> u64 {
        let credential = parse_authorization(authorization).unwrap();
        let action: SessionAction = serde_json::from_value(credential.payload).unwrap();
        let SessionAction::Voucher { voucher, .. } = action else {
            panic!("a voucher credential");
        };
        let verified = voucher.verify(&client.wallet.agent.pubkey()).unwrap();
        verified.cumulative
    }

    /// The cumulative amount of the voucher the session holds ready, if any.
    async fn ready(slot: &Slot) -> Option<u64> {
        let held = slot.lock().await;
        held.as_ref().unwrap().ahead.as_ref().map(|a| a.cumulative)
    }

    #[tokio::test]
    async fn a_caller_that_pauses_gets_the_next_voucher_from_the_task_between_requests() {
        let client = client();
        let slot = slot(3 * PRICE, 10 * PRICE);
        client.sign_ahead(slot.clone());
        tokio::task::yield_now().await;
        assert_eq!(ready(&slot).await, Some(4 * PRICE));

        // The ready voucher was sent; the next one was not signed beside the request...
        assert_eq!(pay_after_a_pause(&client, &slot).await, 4 * PRICE);
        assert_eq!(ready(&slot).await, None);
        // ...but by the task, once this caller waits.
        tokio::task::yield_now().await;
        assert_eq!(ready(&slot).await, Some(5 * PRICE));
    }

    #[tokio::test]
    async fn a_request_that_had_to_sign_its_own_voucher_signs_the_next_beside_it() {
        let client = client();
        let slot = slot(3 * PRICE, 10 * PRICE);
        assert_eq!(pay_after_a_pause(&client, &slot).await, 4 * PRICE);
        // Ready the moment the request is answered: no task had to run for it.
        assert_eq!(ready(&slot).await, Some(5 * PRICE));
    }

    #[test]
    fn where_the_next_voucher_is_signed() {
        let pause = Duration::from_millis(5);
        let straight_back = Duration::from_micros(20);
        for caller in [Caller::CurrentThread, Caller::WorkerTask] {
            // Beside the request only when the caller gives the task no time.
            assert!(!signs_beside(caller, pause, true));
            assert!(signs_beside(caller, straight_back, true));
            assert!(signs_beside(caller, pause, false));
        }
        // Outside a multi-thread runtime's workers: always beside (ADR 0021).
        assert!(signs_beside(Caller::BesideWorkers, pause, true));
    }

    #[test]
    fn the_caller_is_told_by_runtime_and_task() {
        assert_eq!(caller(), Caller::CurrentThread);
        let current = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(current.block_on(async { caller() }), Caller::CurrentThread);
        let workers = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        assert_eq!(workers.block_on(async { caller() }), Caller::BesideWorkers);
        let in_task = workers.block_on(async { tokio::spawn(async { caller() }).await.unwrap() });
        assert_eq!(in_task, Caller::WorkerTask);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn from_a_worker_task_the_next_voucher_is_made_after_a_wait() {
        let client = Arc::new(client());
        let slot = slot(3 * PRICE, 10 * PRICE);
        let (task_client, task_slot) = (Arc::clone(&client), slot.clone());
        let started = std::time::Instant::now();
        tokio::spawn(async move { task_client.sign_ahead(task_slot) })
            .await
            .unwrap();
        let made = loop {
            if let Some(made) = ready(&slot).await {
                break made;
            }
            assert!(started.elapsed() < Duration::from_secs(5), "never made");
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        assert_eq!(made, 4 * PRICE);
        assert!(started.elapsed() >= SIGN_AFTER);
    }
}
