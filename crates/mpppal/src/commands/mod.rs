//! One module per subcommand.

pub mod conformance_adapter;
pub mod demo;
pub mod localnet;
pub mod master_key;
pub mod operator;
pub mod pay;
pub mod provider;
pub mod serve;
