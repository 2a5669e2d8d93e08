//! Strict base64url (RFC 4648 §5) for protocol fields.
//!
//! The `mpp` crate decodes leniently (standard alphabet, padding anywhere). The cross-language
//! vectors require refusing those forms, so every encoded field we accept goes through here.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Why a value is not strict base64url.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base64url: {0}")]
pub struct InvalidBase64Url(String);

/// Decodes base64url: the URL-safe alphabet only, zero trailing bits, and at most one run of
/// correct final padding (which the vectors accept).
pub fn decode(input: &str) -> Result<Vec<u8>, InvalidBase64Url> {
    let body = match input.find('=') {
        None => input,
        Some(at) => {
            let (body, pad) = input.split_at(at);
            if pad.chars().any(|c| c != '=') {
                return Err(InvalidBase64Url("padding inside the value".into()));
            }
            if !input.len().is_multiple_of(4) || pad.len() > 2 {
                return Err(InvalidBase64Url(
                    "padding to a length that is not a multiple of four".into(),
                ));
            }
            body
        }
    };
    // Every byte before the first bad one is ASCII, so it starts a character.
    if let Some(at) = body
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        let bad = body[at..].chars().next().unwrap_or_default();
        return Err(InvalidBase64Url(format!(
            "character {bad:?} is not in the base64url alphabet"
        )));
    }
    // The alphabet and padding are checked above, so this is the unpadded URL-safe decoding the
    // `mpp` crate ends with, without its normalising copy: credentials are decoded on every
    // paid request.
    URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|e| InvalidBase64Url(e.to_string()))
}

/// Encodes as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    mpp::protocol::core::base64url_encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_lenient_forms() {
        assert_eq!(decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(decode("aGVsbG8=").unwrap(), b"hello");
        for bad in [
            "a+b/",
            "aG=VsbG8",
            "aGVsbG8==",
            "aGVsbG8===",
            "aGVs\nbG8",
            "a",
        ] {
            assert!(decode(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
