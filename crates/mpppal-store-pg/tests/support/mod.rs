//! The database the store tests use: `MPPPAL_TEST_DATABASE_URL`, by default the local `test`
//! database.

use mpppal_store_pg::PgStore;

pub async fn store() -> PgStore {
    let url = std::env::var("MPPPAL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    PgStore::connect(&url)
        .await
        .expect("PostgreSQL for the tests (README: Requirements)")
}
