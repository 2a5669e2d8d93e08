//! End to end on a local chain: the provider's paywall and the agent's paying client over real
//! HTTP and JSON-RPC.

mod support;

mod client;
mod keypair_client;
mod middleware;
mod paywall;
mod replicas;
mod session_client;
mod sessions;
mod transactions;
mod vouchers_after_serving;
