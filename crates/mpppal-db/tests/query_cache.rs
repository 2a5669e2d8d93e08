//! The compile-time query checks read `.sqlx/` (what `cargo sqlx prepare` recorded of each query
//! against the schema). This test prepares every recorded query against the schema the
//! migrations build now and compares the columns' names, so a migration that changes a queried table
//! without refreshing `.sqlx/` fails here instead of at run time.

use serde_json::Value;
use sqlx::{Column, Executor, PgPool, Statement};

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn every_recorded_query_still_fits_the_schema(pool: PgPool) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.sqlx");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the .sqlx directory") {
        let path = entry.unwrap().path();
        let recorded: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let query = recorded["query"].as_str().unwrap();
        let statement = pool.prepare(query).await.unwrap_or_err(&path, query);
        let now: Vec<&str> = statement.columns().iter().map(|c| c.name()).collect();
        let then: Vec<&str> = recorded["describe"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(now, then, "{}: {query}", path.display());
        checked += 1;
    }
    assert!(checked > 50, "only {checked} recorded queries found");
}

trait OrExplain<T> {
    fn unwrap_or_err(self, path: &std::path::Path, query: &str) -> T;
}

impl<T> OrExplain<T> for Result<T, sqlx::Error> {
    fn unwrap_or_err(self, path: &std::path::Path, query: &str) -> T {
        self.unwrap_or_else(|e| {
            panic!(
                "{} no longer prepares against the migrated schema ({e}); run `cargo sqlx prepare --workspace` (docs/database.md):\n{query}",
                path.display()
            )
        })
    }
}
