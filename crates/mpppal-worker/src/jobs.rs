//! Running one job and recording how it went on its outbox row: done, retried after a backoff,
//! or dead after the retry cap (ADR 0017). The stream entry is acknowledged either way: from
//! then on the outbox row, not Redis, says what happens next.

use mpppal_db::outbox::{self, Retry as Next};

use crate::queue::{Job, Queue};
use crate::{confirm, receipts, sessions, settle, webhooks, Ctx, Retry};

/// Runs `job` unless a copy of it already finished, and records the outcome.
pub async fn handle(ctx: &Ctx, queue: &mut Queue, job: &Job) -> Result<(), crate::WorkerError> {
    let mut conn = ctx.db.acquire().await?;
    if outbox::is_finished(&mut conn, job.outbox_id).await? {
        drop(conn);
        queue.ack(job).await?;
        return Ok(());
    }
    drop(conn);
    let span = tracing::info_span!(
        "job",
        outbox_id = job.outbox_id,
        kind = %job.kind,
        subject = %job.subject
    );
    let result = tracing::Instrument::instrument(run(ctx, job), span).await;
    let metrics = crate::metrics::get();
    let mut conn = ctx.db.acquire().await?;
    match result {
        Ok(()) => {
            outbox::finish(&mut conn, job.outbox_id).await?;
            metrics.jobs.with_label_values(&[&job.kind, "done"]).inc();
        }
        Err(Retry(reason)) => {
            // The wait grows with the tries this job has already had.
            let tried = previous_attempts(&mut conn, job.outbox_id).await? + 1;
            let wait = ctx.config.backoff(tried);
            let next = outbox::retry_later(
                &mut conn,
                job.outbox_id,
                &reason,
                wait.as_secs_f64(),
                ctx.config.retry_cap,
            )
            .await?;
            match next {
                Next::Scheduled { attempts } => {
                    metrics.jobs.with_label_values(&[&job.kind, "retry"]).inc();
                    tracing::warn!(
                        outbox_id = job.outbox_id,
                        kind = %job.kind,
                        subject = %job.subject,
                        attempts,
                        retry_in_secs = wait.as_secs_f64(),
                        reason,
                        "job failed; retrying later"
                    );
                }
                Next::Dead { attempts } => {
                    metrics.jobs.with_label_values(&[&job.kind, "dead"]).inc();
                    tracing::error!(
                        outbox_id = job.outbox_id,
                        kind = %job.kind,
                        subject = %job.subject,
                        attempts,
                        reason,
                        "job dead after its retry cap; an operator can replay it"
                    );
                }
                Next::Settled => {}
            }
        }
    }
    drop(conn);
    queue.ack(job).await?;
    Ok(())
}

async fn previous_attempts(
    conn: &mut sqlx::PgConnection,
    outbox_id: i64,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT attempts FROM outbox WHERE outbox_id = $1",
        outbox_id
    )
    .fetch_optional(conn)
    .await
    .map(|a| a.unwrap_or(0))
}

async fn run(ctx: &Ctx, job: &Job) -> Result<(), Retry> {
    match job.kind.as_str() {
        "transfer.settle" => settle::run(ctx, &job.subject).await,
        mpppal_db::batches::JOB => receipts::run(ctx, &job.subject).await,
        sessions::JOB => sessions::run(ctx, &job.subject).await,
        confirm::JOB => confirm::run(ctx, &job.subject).await,
        "event" => webhooks::fan_out(ctx, job.outbox_id, &job.payload).await,
        other => Err(Retry(format!(
            "no worker handles jobs of kind {other:?}; replay it once one does"
        ))),
    }
}
