// @mpppal/sdk: agents pay HTTP 402 (MPP) services from MPPPal wallets with a fetch-shaped
// function; operators drive the MPPPal API. No default export (STYLE.md).
export * from "./errors.js";
export * from "./policy/index.js";
export { baseUnits, u64 } from "./amounts.js";
export { decodeBase58, encodeBase58 } from "./solana/base58.js";
export { Ed25519Key, verifySignature } from "./solana/keys.js";
export * from "./solana/programs.js";
export * from "./solana/addresses.js";
export * from "./solana/messages.js";
export type { AccountMeta, Instruction } from "./solana/instruction.js";
export { policyTransfer, type PolicyTransfer } from "./solana/policy-ix.js";
export { openSession, topUpSession, type OpenSession, type SessionParties, type TopUpSession } from "./solana/settlement-ix.js";
export { decodeWallet, type WalletAccount } from "./solana/wallet-account.js";
export { Chain, type WalletSnapshot } from "./solana/chain.js";
export * from "./protocol/challenge.js";
export { canonicalRequest, signRequest } from "./operator/signing.js";
export * from "./webhooks.js";
export * from "./protocol/solana-payloads.js";
export { MppPal, type CallOptions, type MppPalOptions, type NewAccount, type NewTransfer, type PolicyInput, type Schemas } from "./operator/client.js";
export { PageList, type Page } from "./operator/pages.js";
export { createPayingFetch, type PayingFetch } from "./paying/fetch.js";
export { custodialWallet, keypairWallet, policyWallet } from "./paying/wallets.js";
export { paymentOf, type PaymentInfo } from "./paying/payment.js";
export { ACCEPT_PAYMENT, type CustodialWallet, type KeypairWallet, type Offer, type PayBy, type PayingFetchOptions, type PayingWallet, type PolicyWallet } from "./paying/options.js";
export { ApiReporter, type Delivered, type ReceiptReport } from "./paying/reporter.js";
export { solanaCharge, type ValidCharge } from "./paying/charge.js";
export type { SessionState } from "./paying/sessions.js";
export { solanaChargeClient, solanaChargeMethod } from "./mppx.js";
