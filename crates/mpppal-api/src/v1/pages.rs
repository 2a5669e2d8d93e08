//! Cursor pagination shared by the lists: newest first, a cursor of `<created µs>.<id>` that the
//! client passes back untouched, and one row more than asked to tell whether a page follows.

use axum::http::StatusCode;

use crate::problem::Problem;

fn bad(code: &'static str, detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, code, detail)
}

/// `limit` as asked (1 to 100, 50 when absent), or 400 `invalid_query`.
pub fn limit(asked: Option<i64>) -> Result<i64, Problem> {
    let limit = asked.unwrap_or(50);
    if (1..=100).contains(&limit) {
        Ok(limit)
    } else {
        Err(bad("invalid_query", "limit must be 1 to 100"))
    }
}

/// A `status` filter, if given, is one of `allowed`; 400 `invalid_query` otherwise.
pub fn status(status: Option<&str>, allowed: &[&str]) -> Result<(), Problem> {
    match status {
        Some(s) if !allowed.contains(&s) => Err(bad(
            "invalid_query",
            format!("status must be one of {}", allowed.join(", ")),
        )),
        _ => Ok(()),
    }
}

/// A cursor this API returned for ids starting with `prefix`: (created µs, id).
pub fn parse_cursor<'a>(cursor: &'a str, prefix: &str) -> Result<(i64, &'a str), Problem> {
    let invalid = || bad("invalid_cursor", "cursor is not one this API returned");
    let (micros, id) = cursor.split_once('.').ok_or_else(invalid)?;
    // Only instants PostgreSQL can hold (up to the year 9999): a larger one would overflow the
    // query's conversion to a timestamp.
    let micros = micros
        .parse::<i64>()
        .ok()
        .filter(|m| (0..=253_402_300_799_999_999).contains(m))
        .ok_or_else(invalid)?;
    let well_formed =
        id.starts_with(prefix) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if well_formed {
        Ok((micros, id))
    } else {
        Err(invalid())
    }
}

/// Cuts `rows` (fetched with `limit + 1`) to a page, and the cursor of the next one.
pub fn page<T>(
    mut rows: Vec<T>,
    limit: i64,
    cursor_of: impl Fn(&T) -> (i64, &str),
) -> (Vec<T>, Option<String>) {
    if rows.len() as i64 <= limit {
        return (rows, None);
    }
    rows.truncate(limit as usize);
    let next = rows.last().map(|row| {
        let (micros, id) = cursor_of(row);
        format!("{micros}.{id}")
    });
    (rows, next)
}

/// A query string's problem as 400 `invalid_query`.
pub fn invalid_query(rejection: axum::extract::rejection::QueryRejection) -> Problem {
    bad("invalid_query", rejection.body_text())
}

/// A cursor of the lists paged by a numeric id (newest first): the id to continue below.
pub fn id_cursor(cursor: Option<&str>) -> Result<Option<i64>, Problem> {
    cursor
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| bad("invalid_cursor", "cursor is not one this API returned"))
        })
        .transpose()
}

/// Cuts `rows` (fetched with `limit + 1`) to a page, and the cursor of the next one: the last
/// row's id.
pub fn id_page<T>(
    mut rows: Vec<T>,
    limit: i64,
    id_of: impl Fn(&T) -> i64,
) -> (Vec<T>, Option<String>) {
    if rows.len() as i64 <= limit {
        return (rows, None);
    }
    rows.truncate(limit as usize);
    let next = rows.last().map(|row| id_of(row).to_string());
    (rows, next)
}

/// A moment given as RFC 3339 (`2026-12-03T00:00:00Z`), in unix seconds; 400 `invalid_query`
/// naming the parameter otherwise.
pub fn moment(name: &str, value: Option<&str>) -> Result<Option<i64>, Problem> {
    value
        .map(|text| {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map(|t| t.unix_timestamp())
                .map_err(|_| {
                    bad(
                        "invalid_query",
                        format!("{name} must be an RFC 3339 time such as 2026-12-03T00:00:00Z"),
                    )
                })
        })
        .transpose()
}
