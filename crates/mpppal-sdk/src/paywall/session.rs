//! Payment sessions on the paywall: open (escrow through the Settlement Program), cumulative
//! vouchers served off chain, top-up, and close (one transaction paying the last voucher).
//!
//! Per channel, requests are serialized (a lock in this process, compare-and-set in the channel
//! store across replicas), and a voucher is recorded in the store before the handler runs; a
//! failed handler puts the previous voucher back, so nobody pays for an error. The voucher
//! signer is the one the Session account holds on chain, never the payload's.

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AccountDeserialize, Discriminator};
use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use ed25519_dalek::VerifyingKey;
use mpppal_protocol::Receipt;
use mpppal_settlement_program::{CloseSessionArgs, Session, SessionStatus};
use mpppal_solana::method::session::{
    amount, inspect_open, OpenSummary, SessionAction, SessionDetails, SessionRequest,
};
use mpppal_solana::method::voucher::verifying_key;
use mpppal_solana::method::{SignedVoucher, VoucherClaim};
use mpppal_solana::settlement_ix;
use mpppal_solana::signed::{ed25519_instruction, SignedMessage};
use serde_json::json;
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use std::collections::HashMap;
use std::convert::Infallible;
use std::str::FromStr;
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};
use tower::Service;

use super::channels::{ChannelRecord, ChannelStore, Versioned};
use super::config::VoucherCheck;
use super::gate::{now, rfc3339, Intent, Shared};
use super::problem::Problem;
use super::verify::{cosign, fees_only};
use crate::chain::uses_lookup_tables;
use solana_message::compiled_instruction::CompiledInstruction;

/// How often a request re-reads a channel that another replica changed under it before giving
/// up with a 503. Conflicts need two replicas writing one channel at once, which a single agent
/// (whose session requests are sequential) does not cause.
const MAX_CONFLICTS: usize = 8;

/// The channel store and, per channel, this process's turn: requests on one channel run one at
/// a time here (handler included), and replicas are kept apart by the store's compare-and-set.
pub(super) struct Channels {
    store: Arc<dyn ChannelStore>,
    turns: std::sync::Mutex<HashMap<Pubkey, Arc<Mutex<Kept>>>>,
}

/// What this process keeps of a channel between turns, in the turn itself: the signer's
/// verification key, decoded once instead of once per voucher.
#[derive(Default)]
pub(super) struct Kept {
    key: Option<(Pubkey, VerifyingKey)>,
}

impl Kept {
    /// The verification key of `signer` (the channel's, from chain state).
    fn key(&mut self, signer: &Pubkey) -> Result<VerifyingKey, Problem> {
        match self.key {
            Some((known, key)) if known == *signer => Ok(key),
            _ => {
                let key =
                    verifying_key(signer).map_err(|e| Problem::InvalidSignature(e.to_string()))?;
                self.key = Some((*signer, key));
                Ok(key)
            }
        }
    }
}

impl Channels {
    pub(super) fn new(store: Arc<dyn ChannelStore>) -> Self {
        Self {
            store,
            turns: Default::default(),
        }
    }

    /// Waits for this process's turn on a channel known to the store (so unknown ids, which
    /// anyone can send, never take memory here).
    async fn turn(&self, channel: &Pubkey) -> OwnedMutexGuard<Kept> {
        let turn = self
            .turns
            .lock()
            .expect("channel turns lock")
            .entry(*channel)
            .or_default()
            .clone();
        turn.lock_owned().await
    }

    fn forget(&self, channel: &Pubkey) {
        self.turns
            .lock()
            .expect("channel turns lock")
            .remove(channel);
    }
}

impl Shared {
    /// The request of this route's session challenges.
    pub(super) fn session_request(&self, price: u64) -> SessionRequest {
        let c = &self.config;
        SessionRequest {
            amount: price.to_string(),
            currency: c.mint.to_string(),
            recipient: c.recipient.to_string(),
            unit_type: Some("request".into()),
            suggested_deposit: c.sessions.as_ref().map(|s| s.suggested_deposit.to_string()),
            method_details: SessionDetails {
                network: c.network,
                channel_program: mpppal_solana::SETTLEMENT_PROGRAM_ID.to_string(),
                decimals: c.decimals,
                fee_payer: c.fee_payer.as_ref().map(|_| true),
                fee_payer_key: c.fee_payer.as_ref().map(|k| k.pubkey().to_string()),
                min_voucher_delta: Some(price.to_string()),
            },
        }
    }

    pub(super) async fn serve_session<S>(
        self: &Arc<Self>,
        price: u64,
        header_value: &str,
        request: Request<Body>,
        inner: S,
    ) -> Response<Body>
    where
        S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    {
        match self.session_step(price, header_value, request, inner).await {
            Ok(response) => response,
            Err(problem) => self.refuse(Intent::Session, price, problem),
        }
    }

    async fn session_step<S>(
        self: &Arc<Self>,
        price: u64,
        header_value: &str,
        request: Request<Body>,
        mut inner: S,
    ) -> Result<Response<Body>, Problem>
    where
        S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    {
        if self.config.sessions.is_none() {
            return Err(Problem::MethodUnsupported(
                "this paywall has no session terms".into(),
            ));
        }
        let (challenge, action): (_, SessionAction) =
            self.bound_challenge(header_value, "session")?;
        // The challenge's HMAC covers the request exactly as encoded, so the encoding this
        // route issues now is the only one that can match.
        let current = self.encoded_request(Intent::Session, price);
        if current.as_ref().map(|r| r.raw()) != Some(challenge.request.raw()) {
            return Err(Problem::InvalidChallenge(
                "the price or terms of this route changed".into(),
            ));
        }
        let channel_id = Pubkey::from_str(action.channel_id()).map_err(|_| {
            Problem::MalformedCredential("channelId is not a base58 address".into())
        })?;
        match action {
            SessionAction::Open {
                wallet,
                session_id,
                deposit_amount,
                transaction,
                ..
            } => {
                let wallet = Pubkey::from_str(&wallet)
                    .map_err(|_| Problem::MalformedCredential("wallet".into()))?;
                let session_id: u64 = session_id.parse().map_err(|_| {
                    Problem::MalformedCredential("sessionId must be a decimal u64".into())
                })?;
                let deposit = amount("depositAmount", &deposit_amount)
                    .map_err(|e| Problem::MalformedCredential(e.to_string()))?;
                if deposit < price {
                    return Err(Problem::PaymentInsufficient(
                        "the deposit does not cover one request".into(),
                    ));
                }
                self.open(channel_id, wallet, session_id, deposit, &transaction)
                    .await?;
                let receipt = session_receipt(&channel_id, 0, None);
                let Ok(response) = inner.call(request).await;
                Ok(with_receipt(response, &receipt))
            }
            SessionAction::Voucher { voucher, .. } => {
                self.current(&channel_id).await?;
                let turn = self.channels.turn(&channel_id).await;
                self.pay_with_voucher(price, channel_id, voucher, request, inner, turn)
                    .await
            }
            SessionAction::TopUp {
                additional_amount,
                transaction,
                ..
            } => {
                self.current(&channel_id).await?;
                let _turn = self.channels.turn(&channel_id).await;
                self.current(&channel_id).await?;
                amount("additionalAmount", &additional_amount)
                    .map_err(|e| Problem::MalformedCredential(e.to_string()))?;
                let tx = self.decode_and_cosign(&transaction, false)?;
                let simulated = self.simulate_ok(&tx).await?;
                let tops_up_this_channel = simulated.instructions.iter().any(|ix| {
                    ix.program_id == mpppal_solana::SETTLEMENT_PROGRAM_ID
                        && ix.data.starts_with(
                            mpppal_settlement_program::instruction::TopUpSession::DISCRIMINATOR,
                        )
                        && ix.accounts.get(5) == Some(&channel_id)
                });
                if !tops_up_this_channel {
                    return Err(Problem::VerificationFailed(
                        "the transaction does not top up this channel".into(),
                    ));
                }
                self.chain
                    .send_and_confirm(&tx)
                    .await
                    .map_err(Problem::VerificationFailed)?;
                let on_chain = self.read_session(&channel_id).await?.deposit;
                let record = self
                    .change(&channel_id, |record| {
                        record.deposit = record.deposit.max(on_chain);
                        Ok(())
                    })
                    .await?;
                Ok(json_response(
                    StatusCode::OK,
                    json!({ "channelId": channel_id.to_string(), "deposit": record.deposit.to_string() }),
                    &session_receipt(&channel_id, record.accepted, None),
                ))
            }
            SessionAction::Close { voucher, .. } => {
                self.current(&channel_id).await?;
                let _turn = self.channels.turn(&channel_id).await;
                // Marked closed before the transaction, so no replica accepts a voucher that
                // the closing transaction would not pay.
                let closing = self
                    .change(&channel_id, |record| {
                        if record.closed {
                            return Err(Problem::ChannelFinalized);
                        }
                        if let Some(voucher) = &voucher {
                            let verified = voucher
                                .verify(&record.signer)
                                .map_err(|e| Problem::InvalidSignature(e.to_string()))?;
                            if verified.channel == channel_id
                                && verified.cumulative > record.accepted
                                && verified.cumulative <= record.deposit
                            {
                                record.accepted = verified.cumulative;
                                record.best = Some(voucher.clone());
                            }
                        }
                        record.closed = true;
                        Ok(())
                    })
                    .await?;
                let (signature, refunded) = match self.close(&closing).await {
                    Ok(closed) => closed,
                    Err(problem) => {
                        self.reopen_unless_closed_on_chain(&channel_id).await;
                        return Err(problem);
                    }
                };
                self.channels.forget(&channel_id);
                let receipt = session_receipt(
                    &channel_id,
                    closing.accepted,
                    Some((signature.clone(), refunded)),
                );
                Ok(json_response(
                    StatusCode::OK,
                    json!({ "channelId": channel_id.to_string(), "paid": closing.accepted.to_string(), "refunded": refunded.to_string(), "txHash": signature }),
                    &receipt,
                ))
            }
        }
    }

    /// Serves `request` against the next voucher of a channel whose turn this request holds.
    ///
    /// By default the voucher is verified and recorded before the handler runs. A paywall that
    /// serves before verifying (`VoucherCheck::AfterServing`, ADR 0019) checks everything but
    /// the signature first, serves, and verifies and records the voucher after the response,
    /// still holding the channel's turn, so the next voucher waits for this one's outcome.
    async fn pay_with_voucher<S>(
        self: &Arc<Self>,
        price: u64,
        channel_id: Pubkey,
        voucher: SignedVoucher,
        request: Request<Body>,
        mut inner: S,
        mut turn: OwnedMutexGuard<Kept>,
    ) -> Result<Response<Body>, Problem>
    where
        S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    {
        for _ in 0..MAX_CONFLICTS {
            let Versioned {
                version,
                mut record,
            } = self.current(&channel_id).await?;
            let serve_first = self.serves_before_verifying() && !record.verify_first;
            let claimed = voucher
                .claims(&record.signer)
                .map_err(|e| Problem::InvalidSignature(e.to_string()))?;
            let key = turn.key(&record.signer)?;
            if !serve_first {
                claimed
                    .check_signature_with(&key)
                    .map_err(|e| Problem::InvalidSignature(e.to_string()))?;
            }
            let replay = admit(&record, &claimed, &voucher, &channel_id, price)?;
            if serve_first {
                record.accept(&voucher, claimed.cumulative, replay);
                let Ok(response) = inner.call(request).await;
                if !response.status().is_success() {
                    return Ok(response);
                }
                let this = Arc::clone(self);
                tokio::spawn(async move {
                    let _turn = turn;
                    this.verify_served(channel_id, voucher, claimed, &key, version, record)
                        .await;
                });
                return Ok(with_receipt(
                    response,
                    &session_receipt(&channel_id, claimed.cumulative, None),
                ));
            }
            // Recorded before serving; put back if the handler fails.
            let previous = record.clone();
            record.accept(&voucher, claimed.cumulative, replay);
            if !self.save(&channel_id, version, &record).await? {
                continue;
            }
            let Ok(response) = inner.call(request).await;
            if !response.status().is_success() {
                if !matches!(
                    self.save(&channel_id, version + 1, &previous).await,
                    Ok(true)
                ) {
                    tracing::warn!(channel = %channel_id, "the voucher of a failed request stays accepted: the channel changed meanwhile");
                }
                return Ok(response);
            }
            return Ok(with_receipt(
                response,
                &session_receipt(&channel_id, record.accepted, None),
            ));
        }
        Err(busy())
    }

    fn serves_before_verifying(&self) -> bool {
        self.config
            .sessions
            .as_ref()
            .is_some_and(|terms| terms.vouchers == VoucherCheck::AfterServing)
    }

    /// After a response served on an unverified voucher: records the voucher if its signature
    /// holds; otherwise records nothing and makes the channel verify every later voucher before
    /// serving, so a forger gets one request per channel (and replica) and the payer's own
    /// vouchers still go through.
    async fn verify_served(
        &self,
        channel: Pubkey,
        voucher: SignedVoucher,
        claimed: VoucherClaim,
        key: &VerifyingKey,
        version: u64,
        record: ChannelRecord,
    ) {
        if claimed.check_signature_with(key).is_err() {
            tracing::warn!(%channel, cumulative = claimed.cumulative, "a voucher served before verification has a bad signature; this channel now verifies every voucher before serving");
            if let Err(problem) = self
                .change(&channel, |current| {
                    current.verify_first = true;
                    Ok(())
                })
                .await
            {
                tracing::error!(%channel, ?problem, "could not mark the channel to verify vouchers first");
            }
            return;
        }
        if matches!(self.save(&channel, version, &record).await, Ok(true)) {
            return;
        }
        // Another replica wrote the channel meanwhile: keep whichever voucher is higher.
        let recorded = self
            .change(&channel, |current| {
                if current.closed {
                    return Err(Problem::ChannelFinalized);
                }
                if claimed.cumulative > current.accepted && claimed.cumulative <= current.deposit {
                    current.accept(&voucher, claimed.cumulative, false);
                }
                Ok(())
            })
            .await;
        if let Err(problem) = recorded {
            tracing::warn!(%channel, cumulative = claimed.cumulative, ?problem, "a voucher served before verification could not be recorded; the payer's next voucher covers it");
        }
    }

    /// The channel's record; 410 if unknown or closed, 503 if the store cannot say.
    async fn current(&self, channel: &Pubkey) -> Result<Versioned, Problem> {
        match self.channels.store.load(channel).await {
            Ok(Some(current)) if current.record.closed => Err(Problem::ChannelFinalized),
            Ok(Some(current)) => Ok(current),
            Ok(None) => Err(Problem::ChannelNotFound),
            Err(e) => Err(store_down(e)),
        }
    }

    async fn save(
        &self,
        channel: &Pubkey,
        version: u64,
        record: &ChannelRecord,
    ) -> Result<bool, Problem> {
        self.channels
            .store
            .update(channel, version, record)
            .await
            .map_err(store_down)
    }

    /// Applies `edit` to the channel's latest record and saves it, re-reading on conflicts.
    /// `edit` sees closed channels too, so it decides what a closed channel means.
    async fn change(
        &self,
        channel: &Pubkey,
        edit: impl Fn(&mut ChannelRecord) -> Result<(), Problem>,
    ) -> Result<ChannelRecord, Problem> {
        for _ in 0..MAX_CONFLICTS {
            let Versioned {
                version,
                mut record,
            } = match self.channels.store.load(channel).await {
                Ok(Some(current)) => current,
                Ok(None) => return Err(Problem::ChannelNotFound),
                Err(e) => return Err(store_down(e)),
            };
            edit(&mut record)?;
            if self.save(channel, version, &record).await? {
                return Ok(record);
            }
        }
        Err(busy())
    }

    /// After a failed closing transaction: if the chain still has the channel open, take
    /// vouchers again; if it is closed or unreadable, stay closed (serving on a channel that
    /// may be settled would serve for free).
    async fn reopen_unless_closed_on_chain(&self, channel: &Pubkey) {
        if self.read_session(channel).await.is_ok() {
            let reopened = self
                .change(channel, |record| {
                    record.closed = false;
                    Ok(())
                })
                .await;
            if let Err(problem) = reopened {
                tracing::warn!(channel = %channel, ?problem, "a channel whose close failed could not be reopened");
            }
        }
    }

    fn decode_and_cosign(
        &self,
        transaction: &str,
        allow_rent_payer: bool,
    ) -> Result<VersionedTransaction, Problem> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(transaction)
            .map_err(|_| Problem::MalformedCredential("transaction: not standard base64".into()))?;
        let mut tx: VersionedTransaction = bincode::deserialize(&bytes).map_err(|_| {
            Problem::MalformedCredential("transaction: not a serialized transaction".into())
        })?;
        if tx.sanitize().is_err() || uses_lookup_tables(&tx) {
            return Err(Problem::MalformedCredential(
                "transaction: malformed, or uses address lookup tables".into(),
            ));
        }
        let fee_payer = self
            .config
            .fee_payer
            .as_ref()
            .expect("validated: sessions have a fee payer");
        if allow_rent_payer {
            let settlement = tx
                .message
                .static_account_keys()
                .iter()
                .position(|k| *k == mpppal_solana::SETTLEMENT_PROGRAM_ID);
            cosign(&mut tx, fee_payer, rent_payer_of_open(settlement))?;
        } else {
            cosign(&mut tx, fee_payer, fees_only)?;
        }
        Ok(tx)
    }

    async fn open(
        &self,
        channel_id: Pubkey,
        wallet: Pubkey,
        session_id: u64,
        deposit: u64,
        transaction: &str,
    ) -> Result<(), Problem> {
        let tx = self.decode_and_cosign(transaction, true)?;
        let fee_payer = self.config.fee_payer.as_ref().expect("validated").pubkey();
        let simulated = self.simulate_ok(&tx).await?;
        let expected = OpenSummary {
            session: channel_id,
            wallet,
            session_id,
            deposit,
            expires_at: 0,
            payer: fee_payer,
            payee: self.config.recipient,
            mint: self.config.mint,
        };
        let summary = inspect_open(&simulated.instructions, &expected)
            .map_err(|e| Problem::VerificationFailed(e.to_string()))?;
        if summary.expires_at <= now() + 60 {
            return Err(Problem::VerificationFailed(
                "the session would expire within a minute".into(),
            ));
        }
        self.chain
            .send_and_confirm(&tx)
            .await
            .map_err(Problem::VerificationFailed)?;
        let session = self.read_session(&channel_id).await?;
        let record = ChannelRecord {
            wallet,
            mint: self.config.mint,
            session_id,
            payee: self.config.recipient,
            rent_payer: fee_payer,
            signer: session.signer,
            verify_first: false,
            deposit: session.deposit,
            accepted: 0,
            best: None,
            retried: false,
            closed: false,
        };
        match self.channels.store.insert(&channel_id, &record).await {
            Ok(true) => Ok(()),
            // The open transaction created the account, so the id cannot have been known.
            Ok(false) => Err(Problem::VerificationFailed(
                "this channel is already open".into(),
            )),
            Err(e) => {
                // The escrow exists on chain but cannot be used here; its payer recovers it
                // through `expire_session`.
                tracing::error!(channel = %channel_id, "an opened channel could not be recorded");
                Err(store_down(e))
            }
        }
    }

    async fn read_session(&self, channel_id: &Pubkey) -> Result<Session, Problem> {
        let account = self
            .chain
            .rpc
            .get_account(channel_id)
            .await
            .map_err(|_| Problem::ChannelNotFound)?;
        let session = Session::try_deserialize(&mut account.data.as_slice())
            .map_err(|_| Problem::ChannelNotFound)?;
        if session.status != SessionStatus::Open {
            return Err(Problem::ChannelFinalized);
        }
        Ok(session)
    }

    /// Closes on chain with the best voucher; returns the signature and the refunded amount.
    async fn close(&self, state: &ChannelRecord) -> Result<(String, u64), Problem> {
        let terms = self
            .config
            .sessions
            .as_ref()
            .expect("checked by the caller");
        let fee_payer = self.config.fee_payer.as_ref().expect("validated");
        let mut instructions = Vec::new();
        let (cumulative, voucher_expires_at) = match &state.best {
            Some(best) => {
                let verified = best
                    .verify(&state.signer)
                    .map_err(|e| Problem::InvalidSignature(e.to_string()))?;
                instructions.push(ed25519_instruction(&[SignedMessage {
                    signer: state.signer,
                    message: mpppal_settlement_program::messages::voucher_message(
                        &verified.channel,
                        verified.cumulative,
                        verified.expires_at,
                    )
                    .to_vec(),
                    signature: verified.signature,
                }]));
                (verified.cumulative, verified.expires_at)
            }
            None => (0, 0),
        };
        instructions.push(settlement_ix::close_session(
            &state.accounts(),
            CloseSessionArgs {
                cumulative,
                voucher_expires_at,
            },
        ));
        let blockhash = self
            .chain
            .rpc
            .get_latest_blockhash()
            .await
            .map_err(|e| Problem::VerificationFailed(format!("no blockhash: {e}")))?;
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            &instructions,
            Some(&fee_payer.pubkey()),
            &[fee_payer.as_ref(), terms.payee.as_ref()],
            blockhash,
        );
        let signature = self
            .chain
            .send_and_confirm(&tx.into())
            .await
            .map_err(Problem::VerificationFailed)?;
        Ok((signature.to_string(), state.deposit - cumulative))
    }
}

/// The fee payer may pay a session's rent: it may appear as the `payer` (first) account of an
/// `open_session` instruction, whose only use of it is funding the new accounts.
fn rent_payer_of_open(settlement: Option<usize>) -> impl Fn(&CompiledInstruction, usize) -> bool {
    move |ix, position| {
        position == 0
            && Some(usize::from(ix.program_id_index)) == settlement
            && ix
                .data
                .starts_with(mpppal_settlement_program::instruction::OpenSession::DISCRIMINATOR)
    }
}

fn store_down(e: String) -> Problem {
    tracing::error!(error = %e, "channel store unavailable");
    Problem::Unavailable(format!("the channel store is unavailable: {e}"))
}

fn busy() -> Problem {
    Problem::Unavailable("the channel kept changing while this request was checked; retry".into())
}

fn session_receipt(channel: &Pubkey, accepted: u64, closed: Option<(String, u64)>) -> Receipt {
    let mut receipt = Receipt::success("solana", channel.to_string());
    receipt.timestamp = rfc3339(now());
    receipt
        .extensions
        .insert("acceptedCumulative".into(), json!(accepted.to_string()));
    receipt
        .extensions
        .insert("spent".into(), json!(accepted.to_string()));
    if let Some((tx, refunded)) = closed {
        receipt.extensions.insert("txHash".into(), json!(tx));
        receipt
            .extensions
            .insert("refunded".into(), json!(refunded.to_string()));
    }
    receipt
}

fn with_receipt(mut response: Response<Body>, receipt: &Receipt) -> Response<Body> {
    if !response.status().is_success() {
        return response;
    }
    if let Some(value) = mpppal_protocol::format_receipt(receipt)
        .ok()
        .and_then(|v| HeaderValue::from_str(&v).ok())
    {
        response.headers_mut().insert("payment-receipt", value);
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    }
    response
}

fn json_response(status: StatusCode, body: serde_json::Value, receipt: &Receipt) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    with_receipt(response, receipt)
}

/// Checks a voucher's claims against the channel: its channel, expiry, the deposit, and that it
/// raises the accepted amount by at least `price`. Answers whether it is the one-time replay of
/// the accepted voucher (a retry after a lost response, ADR 0006).
fn admit(
    record: &ChannelRecord,
    claimed: &VoucherClaim,
    voucher: &SignedVoucher,
    channel: &Pubkey,
    price: u64,
) -> Result<bool, Problem> {
    if claimed.channel != *channel {
        return Err(Problem::InvalidSignature(
            "the voucher is for another channel".into(),
        ));
    }
    if claimed.expires_at != 0 && claimed.expires_at <= now() {
        return Err(Problem::PaymentExpired);
    }
    if claimed.cumulative > record.deposit {
        return Err(Problem::AmountExceedsDeposit(format!(
            "{} authorised, {} deposited",
            claimed.cumulative, record.deposit
        )));
    }
    let replay = record.best.as_ref() == Some(voucher) && !record.retried;
    let floor = record.accepted.saturating_add(price);
    if !replay && claimed.cumulative < floor {
        return Err(Problem::DeltaTooSmall(format!(
            "a request costs {price}; the voucher must authorise at least {floor}"
        )));
    }
    Ok(replay)
}
