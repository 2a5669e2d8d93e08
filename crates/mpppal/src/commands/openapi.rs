//! `mpppal openapi`: the operator API's OpenAPI description on stdout, for generating clients
//! (the dashboard's typed client is generated from it) without a running server.

use anyhow::Result;

pub fn run() -> Result<()> {
    let spec = mpppal_api::routes::spec();
    println!("{}", serde_json::to_string_pretty(&spec)?);
    Ok(())
}
