//! `mpppal`: the one MPPPal binary. Each subcommand lives in `commands/`.

use clap::{Parser, Subcommand};

mod commands;
mod demo;

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
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo => commands::demo::run(),
    };
    if let Err(err) = result {
        // One line for the user; the cause chain keeps the detail.
        eprintln!("mpppal: {err:#}");
        std::process::exit(1);
    }
}
