//! The job queue: a Redis stream read by a consumer group, so each job goes to one worker, stays
//! pending until that worker acknowledges it, and can be claimed by another if it dies.

use redis::aio::ConnectionManager;
use redis::streams::{
    StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamReadOptions, StreamReadReply,
};
use redis::AsyncCommands;

/// One job as a worker takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// The stream entry id, for acknowledging.
    pub entry: String,
    /// The outbox row it came from: the job's identity.
    pub outbox_id: i64,
    pub kind: String,
    pub subject: String,
    pub payload: serde_json::Value,
}

pub struct Queue {
    redis: ConnectionManager,
    stream: String,
    group: String,
}

impl Queue {
    /// The queue on `stream`, read by consumer group `group` (created if missing).
    pub async fn open(
        redis: ConnectionManager,
        stream: &str,
        group: &str,
    ) -> Result<Self, redis::RedisError> {
        let mut queue = Self::attach(redis, stream, group);
        queue.ensure_group().await?;
        Ok(queue)
    }

    /// The queue on `stream` for `group`, without checking the group exists.
    pub fn attach(redis: ConnectionManager, stream: &str, group: &str) -> Self {
        Self {
            redis,
            stream: stream.to_string(),
            group: group.to_string(),
        }
    }

    pub async fn push(
        &mut self,
        outbox_id: i64,
        kind: &str,
        subject: &str,
        payload: &str,
    ) -> Result<(), redis::RedisError> {
        let _: String = self
            .redis
            .xadd(
                &self.stream,
                "*",
                &[
                    ("outbox_id", outbox_id.to_string().as_str()),
                    ("kind", kind),
                    ("subject", subject),
                    ("payload", payload),
                ],
            )
            .await?;
        Ok(())
    }

    /// Makes the consumer group (and the stream) unless they exist: at start, and after Redis
    /// lost them (a flush or a restart without persistence), when what was in flight is sent
    /// again by the relay (ADR 0017).
    pub async fn ensure_group(&mut self) -> Result<(), redis::RedisError> {
        let created: Result<(), redis::RedisError> = self
            .redis
            .xgroup_create_mkstream(&self.stream, &self.group, "0")
            .await;
        match created {
            // BUSYGROUP: it exists (another worker made it first).
            Err(e) if e.code() != Some("BUSYGROUP") => Err(e),
            _ => Ok(()),
        }
    }

    /// Up to `count` jobs no other consumer of the group has taken, waiting up to `block_ms`.
    pub async fn take(
        &mut self,
        consumer: &str,
        count: usize,
        block_ms: usize,
    ) -> Result<Vec<Job>, redis::RedisError> {
        let options = StreamReadOptions::default()
            .group(&self.group, consumer)
            .count(count)
            .block(block_ms);
        let reply: StreamReadReply = self
            .redis
            .xread_options(&[&self.stream], &[">"], &options)
            .await?;
        Ok(reply
            .keys
            .into_iter()
            .flat_map(|key| key.ids)
            .map(job_of)
            .collect())
    }

    /// Takes over up to `count` jobs another consumer took more than `idle_ms` ago and never
    /// acknowledged (it died).
    pub async fn claim_abandoned(
        &mut self,
        consumer: &str,
        idle_ms: usize,
        count: usize,
    ) -> Result<Vec<Job>, redis::RedisError> {
        let reply: StreamAutoClaimReply = self
            .redis
            .xautoclaim_options(
                &self.stream,
                &self.group,
                consumer,
                idle_ms,
                "0-0",
                StreamAutoClaimOptions::default().count(count),
            )
            .await?;
        Ok(reply.claimed.into_iter().map(job_of).collect())
    }

    /// Marks a job done and drops it from the stream; it will not be handed out again.
    pub async fn ack(&mut self, job: &Job) -> Result<(), redis::RedisError> {
        let _: i64 = self
            .redis
            .xack(&self.stream, &self.group, &[&job.entry])
            .await?;
        let _: i64 = self.redis.xdel(&self.stream, &[&job.entry]).await?;
        Ok(())
    }

    /// Jobs taken but not yet acknowledged (by any consumer).
    pub async fn pending(&mut self) -> Result<usize, redis::RedisError> {
        let reply: redis::streams::StreamPendingReply =
            self.redis.xpending(&self.stream, &self.group).await?;
        Ok(reply.count())
    }
}

fn job_of(entry: StreamId) -> Job {
    let field = |name: &str| entry.get::<String>(name).unwrap_or_default();
    Job {
        outbox_id: field("outbox_id").parse().unwrap_or_default(),
        kind: field("kind"),
        subject: field("subject"),
        payload: serde_json::from_str(&field("payload")).unwrap_or_default(),
        entry: entry.id.clone(),
    }
}
