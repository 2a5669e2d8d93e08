//! The operator API's `Authorization: MPPPal-HMAC-SHA256 KeyId=…, Timestamp=…, Signature=…`
//! from any client. Nothing may panic; what parses says exactly what it read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(signed) = mpppal_signing::parse(header) {
        assert!(header.contains(&signed.key_id));
        // The check a server makes next (a freshness window around its clock) cannot overflow.
        let _ = signed.timestamp.abs_diff(i64::MIN);
        let _ = signed.timestamp.abs_diff(i64::MAX);
    }
});
