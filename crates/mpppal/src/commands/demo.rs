//! `mpppal demo`: the story of an agent wallet, on a chain the command starts itself.

use anyhow::Result;

pub fn run() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let out = crate::program_output::take_stdout()?;
    runtime.block_on(crate::demo::story(Box::new(out)))
}
