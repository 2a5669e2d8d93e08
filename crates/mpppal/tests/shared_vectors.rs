//! The vectors the TypeScript and Python SDKs are checked against (`tests/vectors/sdk-vectors.json`):
//! policy verdicts, signed message bytes, credentials, HMAC and webhook signatures, addresses and
//! program instructions, all computed here by the Rust code the SDKs must agree with.
//!
//! `cargo test -p mpppal --test shared_vectors` fails when the committed file differs from what
//! the Rust code computes today; `MPPPAL_UPDATE_VECTORS=1` rewrites it.

mod vectors;

use std::path::PathBuf;

#[test]
fn the_committed_vectors_are_what_the_rust_code_computes() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/sdk-vectors.json");
    let mut computed = serde_json::to_string_pretty(&vectors::all()).expect("serialises");
    computed.push('\n');
    if std::env::var_os("MPPPAL_UPDATE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("vectors dir");
        std::fs::write(&path, &computed).expect("write vectors");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == computed,
        "tests/vectors/sdk-vectors.json is stale: run `MPPPAL_UPDATE_VECTORS=1 cargo test -p mpppal --test shared_vectors` and commit it"
    );
}
