//! Sealing 32-byte secrets under the master key (AES-256-GCM), bound to a label.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};

/// nonce (12) || ciphertext (32) || tag (16).
pub const SEALED_LEN: usize = 60;

pub fn seal(master: &[u8; 32], label: &str, key: &[u8; 32]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(master.into());
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).expect("the OS random source");
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: key,
                aad: label.as_bytes(),
            },
        )
        .expect("AES-GCM encrypts any 32 bytes");
    [nonce.as_slice(), &sealed].concat()
}

/// The secret, or `None` when the blob was not sealed for `label` under `master`.
pub fn open(master: &[u8; 32], label: &str, sealed: &[u8]) -> Option<[u8; 32]> {
    if sealed.len() != SEALED_LEN {
        return None;
    }
    let (nonce, body) = sealed.split_at(12);
    let cipher = Aes256Gcm::new(master.into());
    let key = cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: label.as_bytes(),
            },
        )
        .ok()?;
    key.try_into().ok()
}
