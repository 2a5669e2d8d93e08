//! The audit log on a real PostgreSQL (a fresh database per test): appends chain, concurrent
//! appends stay one unbroken chain, the table refuses changes, and `verify` names the first row
//! that was altered or removed behind the database's back.

use mpppal_db::audit::{append, verify, Entry, Verdict};
use serde_json::json;
use sqlx::PgPool;

async fn record(pool: &PgPool, n: usize) {
    for i in 0..n {
        let mut tx = pool.begin().await.unwrap();
        append(
            &mut tx,
            &Entry {
                operator_id: None,
                actor: "cli",
                action: "test.happened",
                subject: &format!("thing-{i}"),
                details: json!({ "i": i, "note": "ünïcode and \"quotes\"" }),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

/// Changes the table as someone with direct database access could, bypassing its triggers.
async fn behind_the_back(pool: &PgPool, statement: &str) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(statement).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn an_untouched_chain_verifies(pool: PgPool) {
    assert_eq!(verify(&pool).await.unwrap(), Verdict::Intact { rows: 0 });
    record(&pool, 5).await;
    assert_eq!(verify(&pool).await.unwrap(), Verdict::Intact { rows: 5 });
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn concurrent_appends_form_one_chain(pool: PgPool) {
    let writers: Vec<_> = (0..20)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { record(&pool, 1).await })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(verify(&pool).await.unwrap(), Verdict::Intact { rows: 20 });
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn the_table_refuses_updates_deletes_and_truncation(pool: PgPool) {
    record(&pool, 1).await;
    for statement in [
        "UPDATE audit_log SET subject = 'other'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let refused = sqlx::query(statement).execute(&pool).await.unwrap_err();
        assert!(
            refused.to_string().contains("append-only"),
            "{statement}: {refused}"
        );
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn verify_names_the_first_altered_row(pool: PgPool) {
    record(&pool, 4).await;
    behind_the_back(
        &pool,
        "UPDATE audit_log SET details = '{\"i\":99}' WHERE seq = 3",
    )
    .await;
    match verify(&pool).await.unwrap() {
        Verdict::Broken { seq, reason } => {
            assert_eq!(seq, 3);
            assert!(reason.contains("contents"), "{reason}");
        }
        intact => panic!("not detected: {intact:?}"),
    }
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn verify_names_a_removed_row_and_a_rewritten_tail(pool: PgPool) {
    record(&pool, 4).await;
    behind_the_back(&pool, "DELETE FROM audit_log WHERE seq = 2").await;
    assert!(matches!(
        verify(&pool).await.unwrap(),
        Verdict::Broken { seq: 2, .. }
    ));

    // Renumbering after a deletion still breaks the link of the row after the hole.
    behind_the_back(&pool, "UPDATE audit_log SET seq = seq - 1 WHERE seq > 2").await;
    match verify(&pool).await.unwrap() {
        Verdict::Broken { seq, reason } => {
            assert_eq!(seq, 2);
            assert!(
                reason.contains("link") || reason.contains("contents"),
                "{reason}"
            );
        }
        intact => panic!("not detected: {intact:?}"),
    }
}
