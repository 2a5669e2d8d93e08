//! `--ledger-dir`: the chain's state kept on disk between runs.
//!
//! The runtime behind the local chain keeps everything in memory. To survive a restart we keep
//! two append-only JSON-lines files: `accounts.jsonl` (the state of every account a transaction
//! touched, after it) and `transactions.jsonl` (what `getTransaction` reports). On start the
//! latest state of each account is loaded into the new chain's genesis, and the transactions
//! into the RPC's history. Blocks, slots and blockhashes start afresh.

use anchor_lang::prelude::Pubkey;
use base64::Engine;
use serde::{Deserialize, Serialize};
use solana_account::Account;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;

const ACCOUNTS: &str = "accounts.jsonl";
const TRANSACTIONS: &str = "transactions.jsonl";

/// One account's state after a transaction; `None` data means the account was closed.
#[derive(Serialize, Deserialize)]
struct AccountLine {
    address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<AccountState>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountState {
    lamports: u64,
    owner: String,
    executable: bool,
    rent_epoch: u64,
    data: String,
}

/// The on-disk ledger of a local chain.
pub struct LedgerDir {
    path: PathBuf,
    accounts: Mutex<File>,
    transactions: Mutex<File>,
}

impl LedgerDir {
    /// Opens (creating if needed) the ledger in `path`.
    pub fn open(path: &Path) -> io::Result<Self> {
        fs::create_dir_all(path)?;
        let append = |name| {
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path.join(name))
        };
        Ok(Self {
            path: path.to_path_buf(),
            accounts: Mutex::new(append(ACCOUNTS)?),
            transactions: Mutex::new(append(TRANSACTIONS)?),
        })
    }

    /// The latest state of every account the ledger knows, closed accounts left out.
    pub fn load_accounts(&self) -> io::Result<Vec<(Pubkey, Account)>> {
        let mut latest: BTreeMap<String, Option<AccountState>> = BTreeMap::new();
        for parsed in parse_lines::<AccountLine>(&self.path.join(ACCOUNTS))? {
            latest.insert(parsed.address, parsed.state);
        }
        latest
            .into_iter()
            .filter_map(|(address, state)| state.map(|s| (address, s)))
            .map(|(address, s)| {
                let key = Pubkey::from_str(&address).map_err(invalid)?;
                let owner = Pubkey::from_str(&s.owner).map_err(invalid)?;
                let data = base64::engine::general_purpose::STANDARD
                    .decode(s.data)
                    .map_err(invalid)?;
                Ok((
                    key,
                    Account {
                        lamports: s.lamports,
                        data,
                        owner,
                        executable: s.executable,
                        rent_epoch: s.rent_epoch,
                    },
                ))
            })
            .collect()
    }

    /// Every stored transaction record, oldest first, as the JSON values that were saved.
    pub fn load_transactions(&self) -> io::Result<Vec<serde_json::Value>> {
        parse_lines(&self.path.join(TRANSACTIONS))
    }

    /// Appends the state of accounts after a transaction (`None` = closed).
    pub fn save_accounts(&self, accounts: &[(Pubkey, Option<Account>)]) -> io::Result<()> {
        let mut out = String::new();
        for (address, account) in accounts {
            let line = AccountLine {
                address: address.to_string(),
                state: account.as_ref().map(|a| AccountState {
                    lamports: a.lamports,
                    owner: a.owner.to_string(),
                    executable: a.executable,
                    rent_epoch: a.rent_epoch,
                    data: base64::engine::general_purpose::STANDARD.encode(&a.data),
                }),
            };
            out.push_str(&serde_json::to_string(&line).map_err(invalid)?);
            out.push('\n');
        }
        let mut file = self.accounts.lock().expect("ledger file lock");
        file.write_all(out.as_bytes())?;
        file.flush()
    }

    /// Appends one transaction record.
    pub fn save_transaction(&self, record: &serde_json::Value) -> io::Result<()> {
        let mut line = serde_json::to_string(record).map_err(invalid)?;
        line.push('\n');
        let mut file = self.transactions.lock().expect("ledger file lock");
        file.write_all(line.as_bytes())?;
        file.flush()
    }
}

/// Parses every line; a torn last line (the process died mid-write) is dropped, any other bad
/// line is an error, because skipping it would silently lose state.
fn parse_lines<T: serde::de::DeserializeOwned>(path: &Path) -> io::Result<Vec<T>> {
    let lines = read_lines(path)?;
    let count = lines.len();
    let mut out = Vec::with_capacity(count);
    for (i, line) in lines.iter().enumerate() {
        match serde_json::from_str(line) {
            Ok(value) => out.push(value),
            Err(e) if i + 1 == count => {
                tracing::warn!(path = %path.display(), "dropping a torn last ledger line: {e}");
            }
            Err(e) => return Err(invalid(e)),
        }
    }
    Ok(out)
}

fn read_lines(path: &Path) -> io::Result<Vec<String>> {
    match File::open(path) {
        Ok(file) => BufReader::new(file)
            .lines()
            .filter(|l| !matches!(l, Ok(text) if text.trim().is_empty()))
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(vec![]),
        Err(e) => Err(e),
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("corrupt ledger line: {e}"),
    )
}
