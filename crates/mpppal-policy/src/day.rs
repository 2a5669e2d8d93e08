//! The daily spending window: a UTC calendar day of the cluster clock (see ADR 0002).

/// Seconds in one UTC day; leap seconds do not exist in Unix time.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// The UTC day index (days since 1970-01-01) that contains `unix_timestamp`.
///
/// Euclidean division keeps timestamps before the epoch in the right day instead of rounding
/// them towards zero.
pub fn utc_day(unix_timestamp: i64) -> i64 {
    unix_timestamp.div_euclid(SECONDS_PER_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_boundaries_are_utc_midnight() {
        assert_eq!(utc_day(0), 0);
        assert_eq!(utc_day(86_399), 0);
        assert_eq!(utc_day(86_400), 1);
        assert_eq!(utc_day(-1), -1);
    }
}
