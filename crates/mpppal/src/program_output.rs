//! Keeps natively built programs' prints out of the user's terminal.
//!
//! The embedded chain runs the programs as host code, where Anchor's error lines go straight to
//! stdout (on Solana they are transaction logs, which the chain still records). Commands that
//! run the chain take stdout for themselves first and point the process's stdout at /dev/null.

use std::fs::File;
use std::io::{self, LineWriter};

/// Returns a writer to the real stdout and silences every other write to it.
pub fn take_stdout() -> io::Result<LineWriter<File>> {
    let original = rustix::io::dup(io::stdout())?;
    let null = File::options().write(true).open("/dev/null")?;
    rustix::stdio::dup2_stdout(&null)?;
    Ok(LineWriter::new(File::from(original)))
}
