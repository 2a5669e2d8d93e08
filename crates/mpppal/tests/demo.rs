//! The README's main command runs end to end and tells the story it promises.

use std::process::Command;

#[test]
fn demo_runs_the_story_and_balances_add_up() {
    let output = Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .arg("demo")
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for expected in [
        "refused on chain: payment denied: the amount is above max_single_transfer",
        "refused on chain: payment escalated",
        "HTTP 200 OK after paying 0.050000 USDC",
        "1000 requests paid 1.000000 USDC; on-chain transactions for the session so far: 1",
        "closed: provider paid 1.000000 USDC, 1.000000 USDC refunded to the wallet",
        "agent wallet   94.450000 USDC",
        "1003 paid requests settled in 5 payment transactions",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // Program prints of the native build stay out of the story.
    assert!(!stdout.contains("AnchorError"), "{stdout}");
}

#[test]
fn unknown_subcommand_is_a_one_line_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_mpppal"))
        .arg("fly")
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unrecognized subcommand 'fly'"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
