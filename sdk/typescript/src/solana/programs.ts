// Program ids and fixed addresses (docs/programs.md).
export const POLICY_PROGRAM_ID = "DRY1D4akCQHJ8dTu4mWM4Nu5j8Ve566y4CkgwpZiAKWz";
export const SETTLEMENT_PROGRAM_ID = "ECpwR9Daksw8p2YWj3jEsqbZ7HB59Rv9cnJEjZg89Tqh";
/** The Settlement Program's signing PDA (`["settlement-authority"]`, bump 251). */
export const SETTLEMENT_AUTHORITY = "BnEJoBRGWXSbngjz9KmJJcTfsLSLgGsUBc4xcskroPpY";
export const TOKEN_PROGRAM_ID = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const TOKEN_2022_PROGRAM_ID = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
export const ASSOCIATED_TOKEN_PROGRAM_ID = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
export const SYSTEM_PROGRAM_ID = "11111111111111111111111111111111";
export const INSTRUCTIONS_SYSVAR_ID = "Sysvar1nstructions1111111111111111111111111";
export const USDC_DECIMALS = 6;
