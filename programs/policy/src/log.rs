//! Transaction logs and events that reach the runtime's log collector in every build.
//!
//! On Solana these are the `sol_log` / `sol_log_data` syscalls, exactly what `msg!` and `emit!`
//! use. Natively built programs (tests, the embedded chain) print `msg!` to stdout and drop
//! `emit!` entirely, so there we go through the runtime's syscall stubs instead. Events then
//! arrive as a `Program log: Program data: <base64>` line, which the embedded chain turns back
//! into the standard `Program data: <base64>`.

use anchor_lang::Event;

/// Writes one line to the transaction's log.
pub fn message(text: &str) {
    #[cfg(target_os = "solana")]
    anchor_lang::solana_program::log::sol_log(text);
    #[cfg(not(target_os = "solana"))]
    anchor_lang::compat::solana_sysvar::program_stubs::sol_log(text);
}

/// Emits an Anchor event (discriminator + Borsh) as `Program data`.
pub fn emit_event<E: Event>(event: &E) {
    let data = event.data();
    #[cfg(target_os = "solana")]
    anchor_lang::solana_program::log::sol_log_data(&[&data]);
    #[cfg(not(target_os = "solana"))]
    {
        use base64::Engine;
        message(&format!(
            "Program data: {}",
            base64::engine::general_purpose::STANDARD.encode(data)
        ));
    }
}
