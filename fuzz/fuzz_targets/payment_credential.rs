//! `Authorization: Payment …` as a paywall receives it: any bytes, read as the header's text,
//! then the credential's base64url JSON. Nothing may panic, whatever arrives.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A header that is not text is refused before parsing (the paywall's first check).
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(credential) = mpppal_protocol::parse_authorization(header) {
        // What a parsed credential is turned back into must parse again to the same thing.
        if let Ok(again) = mpppal_protocol::format_authorization(&credential) {
            let reparsed = mpppal_protocol::parse_authorization(&again)
                .expect("a formatted credential parses");
            assert_eq!(reparsed.challenge.id, credential.challenge.id);
        }
    }
    let _ = mpppal_protocol::base64url::decode(header);
});
