//! `mpppal`: the one MPPPal binary. Each subcommand lives in `commands/`.

use clap::{Parser, Subcommand};

mod commands;
mod demo;
mod program_output;

#[derive(Parser)]
#[command(
    name = "mpppal",
    version,
    about = "Agent wallets that pay HTTP 402 (MPP) services in USDC on Solana"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the end-to-end story on an embedded chain it starts itself.
    Demo,
    /// Answer one MPP conformance-harness request (JSON on stdin, JSON on stdout).
    ConformanceAdapter,
    /// Serve a sample paid API behind the MPPPal paywall.
    Provider(commands::provider::Args),
    /// Fetch a URL, paying its 402 from an MPPPal wallet.
    Pay(commands::pay::Args),
    /// Serve the embedded chain (programs, SPL Token, local USDC, faucets) over Solana JSON-RPC.
    Localnet(commands::localnet::Args),
}

fn main() {
    // The Solana runtime logs every instruction at debug level; keep the terminal for the
    // story unless the user asks for more with RUST_LOG.
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo => commands::demo::run(),
        Command::ConformanceAdapter => commands::conformance_adapter::run(),
        Command::Localnet(args) => commands::localnet::run(args),
        Command::Provider(args) => commands::provider::run(args),
        Command::Pay(args) => commands::pay::run(args),
    };
    if let Err(err) = result {
        // One line for the user; the cause chain keeps the detail.
        eprintln!("mpppal: {err:#}");
        std::process::exit(1);
    }
}
