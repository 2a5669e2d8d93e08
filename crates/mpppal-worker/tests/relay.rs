//! The outbox relay and the job queue against a real PostgreSQL (a database per test) and a real
//! Redis: every committed outbox row reaches the stream once, each job goes to one consumer and
//! stays pending until acknowledged, and relays running side by side do not send a row twice.

use mpppal_worker::queue::Queue;
use mpppal_worker::relay::relay_once;
use serde_json::json;
use sqlx::PgPool;

fn redis_url() -> String {
    std::env::var("MPPPAL_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A queue on a stream of its own, so tests sharing one Redis do not see each other's jobs.
async fn queue(stream: &str) -> Queue {
    let client = redis::Client::open(redis_url()).unwrap();
    let mut manager = redis::aio::ConnectionManager::new(client).await.unwrap();
    let _: () = redis::cmd("DEL")
        .arg(stream)
        .query_async(&mut manager)
        .await
        .unwrap();
    Queue::open(manager, stream, "workers").await.unwrap()
}

async fn push(pool: &PgPool, n: i64) {
    let mut conn = pool.acquire().await.unwrap();
    for i in 0..n {
        mpppal_db::outbox::push(
            &mut conn,
            "transfer.settle",
            &format!("txn_test{i:08}"),
            &json!({ "transferId": format!("txn_test{i:08}") }),
        )
        .await
        .unwrap();
    }
}

fn stream_name(test: &str) -> String {
    format!("mpppal:test:{test}:{}", std::process::id())
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn every_outbox_row_reaches_the_queue_once(pool: PgPool) {
    let mut q = queue(&stream_name("once")).await;
    push(&pool, 5).await;
    assert_eq!(relay_once(&pool, &mut q, 100).await.unwrap(), 5);
    assert_eq!(
        relay_once(&pool, &mut q, 100).await.unwrap(),
        0,
        "nothing twice"
    );
    push(&pool, 1).await;
    assert_eq!(relay_once(&pool, &mut q, 100).await.unwrap(), 1);

    let jobs = q.take("w1", 10, 100).await.unwrap();
    assert_eq!(jobs.len(), 6);
    assert_eq!(jobs[0].kind, "transfer.settle");
    assert_eq!(jobs[0].subject, "txn_test00000000");
    assert_eq!(jobs[0].payload["transferId"], "txn_test00000000");
    let ids: Vec<i64> = jobs.iter().map(|j| j.outbox_id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "oldest first");
    // Taken, not yet done: another consumer gets nothing, and the jobs stay pending.
    assert!(q.take("w2", 10, 100).await.unwrap().is_empty());
    assert_eq!(q.pending().await.unwrap(), 6);
    for job in &jobs {
        q.ack(job).await.unwrap();
    }
    assert_eq!(q.pending().await.unwrap(), 0);
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE enqueued_at IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(waiting, 0);
    drop_stream(&stream_name("once")).await;
}

async fn drop_stream(stream: &str) {
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("DEL")
        .arg(stream)
        .query_async(&mut conn)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "mpppal_db::MIGRATOR")]
async fn relays_side_by_side_send_each_row_once(pool: PgPool) {
    let stream = stream_name("side");
    let mut a = queue(&stream).await;
    let client = redis::Client::open(redis_url()).unwrap();
    let mut b = Queue::open(
        redis::aio::ConnectionManager::new(client).await.unwrap(),
        &stream,
        "workers",
    )
    .await
    .unwrap();
    push(&pool, 300).await;
    let (mut total_a, mut total_b) = (0, 0);
    loop {
        let (x, y) = tokio::join!(relay_once(&pool, &mut a, 25), relay_once(&pool, &mut b, 25));
        let (x, y) = (x.unwrap(), y.unwrap());
        total_a += x;
        total_b += y;
        if x == 0 && y == 0 {
            break;
        }
    }
    assert_eq!(total_a + total_b, 300);
    let mut seen = std::collections::HashSet::new();
    loop {
        let jobs = a.take("w", 100, 100).await.unwrap();
        if jobs.is_empty() {
            break;
        }
        for job in jobs {
            assert!(
                seen.insert(job.outbox_id),
                "outbox row {} sent twice",
                job.outbox_id
            );
        }
    }
    assert_eq!(seen.len(), 300);
    drop_stream(&stream).await;
}
