//! `mpppal demo`: the story of an agent wallet, on a chain the command starts itself.

use anyhow::Result;

#[derive(clap::Args)]
pub struct Args {
    /// Keep every server up after the story and print a one-time sign-in link to the dashboard
    /// holding its data (building the dashboard first if needed); Ctrl-C ends it.
    #[arg(long)]
    stay: bool,
}

pub fn run(args: Args) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let out = crate::program_output::take_stdout()?;
    let ending = if args.stay {
        crate::demo::Ending::Stay
    } else {
        crate::demo::Ending::Stop
    };
    runtime.block_on(crate::demo::story(Box::new(out), ending))
}
