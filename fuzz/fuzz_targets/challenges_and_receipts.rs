//! What a paying client reads from a server: `WWW-Authenticate` challenges (one or several per
//! field) and `Payment-Receipt`, as the client takes them (visible ASCII header values). Nothing
//! may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A second field value after the first newline: servers send several challenges that way.
    let fields: Vec<&str> = text.splitn(2, '\n').collect();
    for challenge in mpppal_protocol::parse_www_authenticate_all(fields)
        .into_iter()
        .flatten()
    {
        // A parsed challenge's request decodes or says why.
        let _ = challenge.request.decode_value();
        let _ = challenge.to_echo();
    }
    let _ = mpppal_protocol::parse_receipt(text);
});
