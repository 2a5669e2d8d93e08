//! The operator API's request signature (ADR 0010): what a client signs with its API key and how
//! the header carries it. The API verifies with this crate and clients sign with it, so the two
//! cannot drift apart.
//!
//! ```text
//! Authorization: MPPPal-HMAC-SHA256 KeyId=mpk_…, Timestamp=<unix seconds>, Signature=<hex>
//! signature = HMAC-SHA256(SHA-256(secret), METHOD \n PATH \n QUERY \n TIMESTAMP \n hex(SHA-256(body)))
//! ```

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const SCHEME: &str = "MPPPal-HMAC-SHA256";

/// The key a secret signs with; the server keeps only this, sealed.
pub fn verification_key(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The bytes signed for one request.
pub fn canonical(method: &str, path: &str, query: &str, timestamp: i64, body: &[u8]) -> String {
    let body_hash = hex::encode(Sha256::digest(body));
    format!("{method}\n{path}\n{query}\n{timestamp}\n{body_hash}")
}

pub fn mac(key: &[u8; 32], canonical: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(canonical.as_bytes());
    mac
}

/// The `Authorization` value for a request, as a client computes it.
pub fn authorization(
    key_id: &str,
    secret: &str,
    method: &str,
    path: &str,
    query: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    let tag = mac(
        &verification_key(secret),
        &canonical(method, path, query, timestamp, body),
    )
    .finalize()
    .into_bytes();
    format!(
        "{SCHEME} KeyId={key_id}, Timestamp={timestamp}, Signature={}",
        hex::encode(tag)
    )
}

/// The three parts of a signed `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
pub struct Signed {
    pub key_id: String,
    pub timestamp: i64,
    pub signature: [u8; 32],
}

/// Parses the header; the error says what is wrong with it.
pub fn parse(header: &str) -> Result<Signed, &'static str> {
    let rest = header
        .strip_prefix(SCHEME)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or("the Authorization scheme must be MPPPal-HMAC-SHA256")?;
    let (mut key_id, mut timestamp, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=').ok_or("malformed parameter")?;
        let slot = match name {
            "KeyId" => &mut key_id,
            "Timestamp" => &mut timestamp,
            "Signature" => &mut signature,
            _ => return Err("unknown parameter"),
        };
        if slot.replace(value.to_string()).is_some() {
            return Err("repeated parameter");
        }
    }
    let key_id = key_id.ok_or("KeyId is missing")?;
    let timestamp = timestamp
        .ok_or("Timestamp is missing")?
        .parse()
        .map_err(|_| "Timestamp must be unix seconds")?;
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(signature.ok_or("Signature is missing")?, &mut bytes)
        .map_err(|_| "Signature must be 64 hex digits")?;
    Ok(Signed {
        key_id,
        timestamp,
        signature: bytes,
    })
}
