//! Every problem `code` the API answers with, and the statuses it comes with: the one table the
//! server is held to (`Problem::new` checks it in debug builds, so every test that meets a problem
//! checks it too) and that `docs/api.md`'s error table is tested against.

/// `(code, statuses)`; the first status is the usual one.
pub const CODES: &[(&str, &[u16])] = &[
    ("not_ready", &[503]),
    ("not_configured", &[503]),
    ("unauthenticated", &[401]),
    ("stale_timestamp", &[401]),
    ("unknown_key", &[401]),
    ("revoked_key", &[401]),
    ("bad_signature", &[401]),
    ("replayed", &[401]),
    ("insufficient_scope", &[403]),
    ("body_too_large", &[413]),
    ("invalid_body", &[400, 415]),
    ("invalid_request", &[400]),
    ("not_found", &[404]),
    ("method_not_allowed", &[405]),
    ("rate_limited", &[429]),
    ("csrf_header_required", &[403]),
    ("key_unreadable", &[500]),
    ("invalid_idempotency_key", &[400]),
    ("idempotency_key_reused", &[422]),
    ("invalid_query", &[400]),
    ("invalid_cursor", &[400]),
    ("invalid_handle", &[400]),
    ("invalid_policy", &[400]),
    ("handle_taken", &[409]),
    ("owner_unfunded", &[409]),
    ("chain_unavailable", &[503]),
    ("chain_rejected", &[502]),
    ("idempotency_key_required", &[400]),
    ("invalid_amount", &[400]),
    ("invalid_recipient", &[400]),
    ("unknown_recipient", &[400]),
    ("payment_denied", &[422]),
    ("not_custodial", &[409]),
    ("already_requested", &[409]),
    ("awaiting_approval", &[409]),
    ("already_settled", &[409]),
    ("payment_failed", &[409]),
    ("transaction_expired", &[409]),
    ("receipt_conflict", &[409]),
    ("unknown_channel", &[400]),
    ("channel_mismatch", &[400]),
    ("bad_voucher", &[400]),
    ("voucher_over_deposit", &[400]),
    ("session_open", &[409]),
    ("session_settled", &[409]),
    ("leg_not_to_recipient", &[400]),
    ("own_transfer", &[403]),
    ("escalation_decided", &[409]),
    ("escalation_expired", &[409]),
    ("wallet_missing", &[502]),
    ("endpoint_disabled", &[409]),
    ("too_many_endpoints", &[409]),
    ("invalid_webhook_url", &[400]),
    ("invalid_state", &[400]),
    ("invalid_link", &[400]),
    ("signin_failed", &[401]),
    ("not_a_member", &[403]),
    ("issuer_unavailable", &[503]),
    ("internal", &[500]),
];

/// The statuses `code` may be sent with; `None` for a code the table does not know.
pub fn statuses(code: &str) -> Option<&'static [u16]> {
    CODES.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// `docs/api.md`'s error table, as `code → statuses` (a row may name several codes).
    fn documented() -> BTreeMap<String, Vec<u16>> {
        let docs = include_str!("../../../../docs/api.md");
        let section = docs
            .split("## Errors")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("docs/api.md has an Errors section");
        let mut table = BTreeMap::new();
        for line in section.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let statuses: Vec<u16> = cells[2]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|n| n.len() == 3)
                .map(|n| n.parse().expect("three digits"))
                .collect();
            for code in cells[1].split(',') {
                table.insert(code.trim().trim_matches('`').to_string(), statuses.clone());
            }
        }
        table
    }

    #[test]
    fn the_docs_list_every_code_with_its_statuses() {
        let ours: BTreeMap<String, Vec<u16>> = CODES
            .iter()
            .map(|(c, s)| (c.to_string(), s.to_vec()))
            .collect();
        assert_eq!(
            documented(),
            ours,
            "docs/api.md's error table and problem/codes.rs disagree"
        );
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for (code, statuses) in CODES {
            assert!(seen.insert(code), "{code} twice");
            assert!(!statuses.is_empty(), "{code} without a status");
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code} is not snake_case"
            );
        }
    }
}
