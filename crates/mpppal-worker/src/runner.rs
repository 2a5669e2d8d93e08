//! The worker's loops, run side by side until shutdown: the relay (outbox to stream), job
//! consumers, the taker of abandoned jobs, webhook dispatchers, the reconciler and the queue
//! gauges. Each loop survives its dependencies failing: it logs, waits and tries again.

use redis::aio::ConnectionManager;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

use crate::queue::Queue;
use crate::{jobs, receipts, reconcile, relay, webhooks, Ctx, WorkerError};

/// How long a loop waits after its dependency failed.
const PAUSE: Duration = Duration::from_secs(1);

/// Runs the worker until `shutdown` completes. Stopping mid-job is safe: every job is
/// idempotent and is sent again once its lease runs out.
pub async fn run(
    ctx: Arc<Ctx>,
    redis: redis::Client,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    // Every series exists, at zero, from the worker's first moment.
    crate::metrics::get();
    let queue = Queue::open(
        ConnectionManager::new(redis.clone()).await?,
        &ctx.config.stream,
        &ctx.config.group,
    )
    .await?;
    let mut tasks = JoinSet::new();
    tasks.spawn(relay_loop(ctx.clone(), queue_of(&ctx, &redis).await?));
    for n in 0..ctx.config.concurrency {
        let consumer = format!("{}-{n}", ctx.config.consumer);
        tasks.spawn(consume_loop(
            ctx.clone(),
            queue_of(&ctx, &redis).await?,
            consumer,
        ));
    }
    tasks.spawn(claim_loop(ctx.clone(), queue_of(&ctx, &redis).await?));
    for _ in 0..ctx.config.webhook_concurrency {
        tasks.spawn(dispatch_loop(ctx.clone()));
    }
    tasks.spawn(reconcile_loop(ctx.clone()));
    tasks.spawn(batch_loop(ctx.clone()));
    tasks.spawn(gauge_loop(ctx.clone()));
    drop(queue);
    tracing::info!(consumer = %ctx.config.consumer, "settlement worker running");
    shutdown.await;
    tasks.shutdown().await;
    tracing::info!("settlement worker stopped");
    Ok(())
}

/// The queue on a connection of its own: a consumer's blocking read would hold up every other
/// command sharing its connection.
async fn queue_of(ctx: &Ctx, redis: &redis::Client) -> Result<Queue, redis::RedisError> {
    Ok(Queue::attach(
        ConnectionManager::new(redis.clone()).await?,
        &ctx.config.stream,
        &ctx.config.group,
    ))
}

async fn relay_loop(ctx: Arc<Ctx>, mut queue: Queue) {
    loop {
        match relay::relay_once(&ctx.db, &mut queue, 200).await {
            Ok(0) => tokio::time::sleep(Duration::from_millis(100)).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "relay failed; retrying");
                tokio::time::sleep(PAUSE).await;
            }
        }
    }
}

async fn consume_loop(ctx: Arc<Ctx>, mut queue: Queue, consumer: String) {
    loop {
        let taken = match queue.take(&consumer, 1, 1000).await {
            Ok(taken) => taken,
            Err(e) => {
                if e.code() == Some("NOGROUP") {
                    tracing::warn!(
                        "the job stream's consumer group is gone (Redis flushed?); recreating it"
                    );
                    let _ = queue.ensure_group().await;
                } else {
                    tracing::warn!(error = %e, "taking jobs failed; retrying");
                }
                tokio::time::sleep(PAUSE).await;
                continue;
            }
        };
        for job in taken {
            if let Err(e) = jobs::handle(&ctx, &mut queue, &job).await {
                // Not recorded: the entry stays pending and the job comes back after its lease.
                tracing::warn!(outbox_id = job.outbox_id, error = %e, "job outcome not recorded");
                tokio::time::sleep(PAUSE).await;
            }
        }
    }
}

/// Takes over jobs whose worker died holding them.
async fn claim_loop(ctx: Arc<Ctx>, mut queue: Queue) {
    let consumer = format!("{}-claim", ctx.config.consumer);
    let idle_ms = ctx.config.lease.as_millis() as usize;
    loop {
        tokio::time::sleep(ctx.config.lease / 2).await;
        match queue.claim_abandoned(&consumer, idle_ms, 50).await {
            Ok(claimed) => {
                for job in claimed {
                    tracing::info!(outbox_id = job.outbox_id, "took over an abandoned job");
                    if let Err(e) = jobs::handle(&ctx, &mut queue, &job).await {
                        tracing::warn!(outbox_id = job.outbox_id, error = %e, "job outcome not recorded");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "claiming abandoned jobs failed"),
        }
    }
}

async fn dispatch_loop(ctx: Arc<Ctx>) {
    loop {
        match webhooks::dispatch::dispatch_once(&ctx).await {
            Ok(true) => {}
            Ok(false) => tokio::time::sleep(Duration::from_millis(200)).await,
            Err(e) => {
                tracing::warn!(error = %e, "webhook dispatch failed; retrying");
                tokio::time::sleep(PAUSE).await;
            }
        }
    }
}

async fn reconcile_loop(ctx: Arc<Ctx>) {
    loop {
        match reconcile::reconcile(&ctx).await {
            Ok(report) if report.is_clean() => tracing::debug!("reconciliation: no differences"),
            Ok(report) => tracing::warn!(
                differences = report.differences.len(),
                "reconciliation found differences"
            ),
            Err(e) => tracing::warn!(error = %e, "reconciliation could not run; retrying"),
        }
        tokio::time::sleep(ctx.config.reconcile_every).await;
    }
}

async fn batch_loop(ctx: Arc<Ctx>) {
    loop {
        if let Err(e) = receipts::form(&ctx).await {
            tracing::warn!(error = %e, "receipt batches could not be formed; retrying");
        }
        tokio::time::sleep(ctx.config.batch_every).await;
    }
}

async fn gauge_loop(ctx: Arc<Ctx>) {
    let gauges = &crate::metrics::get().queue_depth;
    loop {
        if let Ok(mut conn) = ctx.db.acquire().await {
            if let Ok(depth) = mpppal_db::outbox::depth(&mut conn).await {
                gauges.with_label_values(&["waiting"]).set(depth.waiting);
                gauges
                    .with_label_values(&["in_flight"])
                    .set(depth.in_flight);
                gauges.with_label_values(&["dead"]).set(depth.dead);
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// Why the worker could not start, in one line.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot connect to the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot apply the database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot reach Redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("{0}")]
    Worker(#[from] WorkerError),
}

/// Connects to PostgreSQL (applying the schema) and Redis, then runs until `shutdown`.
pub async fn start(
    database_url: &str,
    redis_url: &str,
    master_key: [u8; 32],
    config: crate::WorkerConfig,
    shutdown: impl Future<Output = ()>,
) -> Result<(), StartError> {
    let db = mpppal_db::connect(database_url).await?;
    mpppal_db::migrate(&db).await?;
    let redis = redis::Client::open(redis_url)?;
    let ctx = Arc::new(Ctx::new(db, master_key, config));
    run(ctx, redis, shutdown).await?;
    Ok(())
}
