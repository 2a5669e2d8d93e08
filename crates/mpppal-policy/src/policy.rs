//! The spending policy of one agent wallet and its validation.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Most counterparties an allow-list may hold (bounded so the on-chain account has a fixed size).
pub const MAX_COUNTERPARTIES: usize = 16;
/// Most categories a policy may allow.
pub const MAX_CATEGORIES: usize = 8;
/// Longest category name, in bytes.
pub const MAX_CATEGORY_LEN: usize = 32;

/// Spending rules for one agent wallet. Amounts are USDC base units.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Policy {
    /// Largest amount one payment may move.
    pub max_single_transfer: u64,
    /// Most the wallet may pay out in one UTC day (transfers plus session escrow locked).
    pub max_daily_spend: u64,
    /// Recipients the wallet may pay; empty means any.
    pub allowed_counterparties: Vec<[u8; 32]>,
    /// Categories the wallet may pay for; empty means any, and then no category is needed.
    pub categories: Vec<String>,
    /// Every payment must carry a non-empty memo.
    pub require_memo: bool,
    /// Payments above this amount need the owner's co-signature; `None` never escalates.
    pub escalation_threshold: Option<u64>,
    /// A paused wallet pays nothing.
    pub paused: bool,
}

/// Why a policy is not acceptable as written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// `max_daily_spend` is zero, so the wallet could never pay.
    ZeroDailyLimit,
    /// `max_single_transfer` is zero, so the wallet could never pay.
    ZeroSingleLimit,
    /// `max_single_transfer` is above `max_daily_spend`; the larger cap could never be used.
    SingleAboveDaily,
    /// More than [`MAX_COUNTERPARTIES`] counterparties.
    TooManyCounterparties,
    /// The same counterparty appears twice.
    DuplicateCounterparty,
    /// More than [`MAX_CATEGORIES`] categories.
    TooManyCategories,
    /// A category is empty, too long, or has characters other than `a-z 0-9 _ -`.
    InvalidCategory,
    /// The same category appears twice.
    DuplicateCategory,
    /// An escalation threshold of zero would escalate every payment; use `paused` instead.
    ZeroEscalationThreshold,
}

impl PolicyError {
    /// Stable snake_case code for APIs and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ZeroDailyLimit => "zero_daily_limit",
            Self::ZeroSingleLimit => "zero_single_limit",
            Self::SingleAboveDaily => "single_above_daily",
            Self::TooManyCounterparties => "too_many_counterparties",
            Self::DuplicateCounterparty => "duplicate_counterparty",
            Self::TooManyCategories => "too_many_categories",
            Self::InvalidCategory => "invalid_category",
            Self::DuplicateCategory => "duplicate_category",
            Self::ZeroEscalationThreshold => "zero_escalation_threshold",
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::ZeroDailyLimit => "max_daily_spend must be above zero",
            Self::ZeroSingleLimit => "max_single_transfer must be above zero",
            Self::SingleAboveDaily => "max_single_transfer must not exceed max_daily_spend",
            Self::TooManyCounterparties => "allowed_counterparties holds at most 16 keys",
            Self::DuplicateCounterparty => "allowed_counterparties lists a key twice",
            Self::TooManyCategories => "categories holds at most 8 names",
            Self::InvalidCategory => "a category is 1-32 characters of a-z, 0-9, '_' or '-'",
            Self::DuplicateCategory => "categories lists a name twice",
            Self::ZeroEscalationThreshold => "escalation_threshold must be above zero when set",
        };
        f.write_str(text)
    }
}

impl Policy {
    /// Checks that the policy is internally consistent and fits the on-chain account.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.max_daily_spend == 0 {
            return Err(PolicyError::ZeroDailyLimit);
        }
        if self.max_single_transfer == 0 {
            return Err(PolicyError::ZeroSingleLimit);
        }
        if self.max_single_transfer > self.max_daily_spend {
            return Err(PolicyError::SingleAboveDaily);
        }
        if self.allowed_counterparties.len() > MAX_COUNTERPARTIES {
            return Err(PolicyError::TooManyCounterparties);
        }
        if has_duplicates(&self.allowed_counterparties) {
            return Err(PolicyError::DuplicateCounterparty);
        }
        if self.categories.len() > MAX_CATEGORIES {
            return Err(PolicyError::TooManyCategories);
        }
        if !self.categories.iter().all(|c| is_valid_category(c)) {
            return Err(PolicyError::InvalidCategory);
        }
        if has_duplicates(&self.categories) {
            return Err(PolicyError::DuplicateCategory);
        }
        if self.escalation_threshold == Some(0) {
            return Err(PolicyError::ZeroEscalationThreshold);
        }
        Ok(())
    }

    /// True when `counterparty` may be paid under the allow-list.
    pub fn allows_counterparty(&self, counterparty: &[u8; 32]) -> bool {
        self.allowed_counterparties.is_empty() || self.allowed_counterparties.contains(counterparty)
    }

    /// True when `category` satisfies the category list.
    pub fn allows_category(&self, category: Option<&str>) -> bool {
        if self.categories.is_empty() {
            return true;
        }
        category.is_some_and(|c| self.categories.iter().any(|allowed| allowed == c))
    }
}

fn is_valid_category(category: &str) -> bool {
    (1..=MAX_CATEGORY_LEN).contains(&category.len())
        && category
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

// Lists are at most 16 long, so the quadratic scan is cheaper than sorting a copy on chain.
fn has_duplicates<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .any(|(i, a)| items[i + 1..].iter().any(|b| a == b))
}
