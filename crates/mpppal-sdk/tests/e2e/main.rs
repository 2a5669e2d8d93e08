//! End to end on a local chain: the provider's paywall and the agent's paying client over real
//! HTTP and JSON-RPC.

mod support;

mod client;
mod keypair_client;
mod paywall;
mod sessions;
mod transactions;
