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
    Demo(commands::demo::Args),
    /// Answer one MPP conformance-harness request (JSON on stdin, JSON on stdout).
    ConformanceAdapter,
    /// Serve the operator API (applies the database schema first).
    Serve(commands::serve::Args),
    /// Run the settlement worker: settles transfers on chain, delivers webhooks, reconciles.
    Worker(commands::worker::Args),
    /// Manage operators of the API (create one with its first API key).
    Operator(commands::operator::Args),
    /// Rotate the master key that seals API keys at rest.
    MasterKey(commands::master_key::Args),
    /// Check the audit log's hash chain.
    Audit(commands::audit::Args),
    /// Serve a sample paid API behind the MPPPal paywall.
    Provider(commands::provider::Args),
    /// Fetch a URL, paying its 402 from an MPPPal wallet or a plain keypair.
    Pay(commands::pay::Args),
    /// Serve the embedded chain (programs, SPL Token, local USDC, faucets) over Solana JSON-RPC.
    Localnet(commands::localnet::Args),
    /// Print the operator API's OpenAPI description (what `GET /openapi.json` serves).
    Openapi,
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print as clap formats them.
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            // A usage error is one line, like every other error of the CLI.
            let text = err.to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|line| !line.starts_with("Usage:"))
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect();
            let message = message.join(" ");
            eprintln!(
                "mpppal: {} (see --help)",
                message.trim_start_matches("error: ")
            );
            std::process::exit(2);
        }
    };
    // The Solana runtime logs every instruction at debug level; keep the terminal for the
    // story unless the user asks for more with RUST_LOG. A server logs its requests.
    if std::env::var_os("RUST_LOG").is_none() {
        let level = match cli.command {
            Command::Serve(_) | Command::Worker(_) => "info",
            _ => "error",
        };
        std::env::set_var("RUST_LOG", level);
    }
    let result = match cli.command {
        Command::Demo(args) => commands::demo::run(args),
        Command::ConformanceAdapter => commands::conformance_adapter::run(),
        Command::Localnet(args) => commands::localnet::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Worker(args) => commands::worker::run(args),
        Command::Operator(args) => commands::operator::run(args),
        Command::MasterKey(args) => commands::master_key::run(args),
        Command::Audit(args) => commands::audit::run(args),
        Command::Provider(args) => commands::provider::run(args),
        Command::Pay(args) => commands::pay::run(args),
        Command::Openapi => commands::openapi::run(),
    };
    if let Err(err) = result {
        // One line for the user; the cause chain keeps the detail.
        eprintln!("mpppal: {err:#}");
        std::process::exit(1);
    }
}
