//! `mpppal conformance-adapter`: one JSON request on stdin, one JSON response on stdout, in the
//! ABI of the public MPP conformance harness.

use anyhow::{Context, Result};
use std::io::Read;

pub fn run() -> Result<()> {
    let mut request = String::new();
    std::io::stdin()
        .read_to_string(&mut request)
        .context("reading the request from stdin")?;
    let response = mpppal_protocol::conformance::respond(&request);
    println!("{response}");
    Ok(())
}
