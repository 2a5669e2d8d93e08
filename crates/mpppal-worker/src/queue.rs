//! The job queue: a Redis stream read by a consumer group, so each job goes to one worker, stays
//! pending until that worker acknowledges it, and can be claimed by another if it dies.

use redis::aio::ConnectionManager;
use redis::streams::{StreamReadOptions, StreamReadReply};
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
        let mut queue = Self {
            redis,
            stream: stream.to_string(),
            group: group.to_string(),
        };
        let created: Result<(), redis::RedisError> = queue
            .redis
            .xgroup_create_mkstream(&queue.stream, &queue.group, "0")
            .await;
        match created {
            Ok(()) => {}
            // BUSYGROUP: another worker made it first.
            Err(e) if e.code() == Some("BUSYGROUP") => {}
            Err(e) => return Err(e),
        }
        Ok(queue)
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
        let mut jobs = Vec::new();
        for key in reply.keys {
            for entry in key.ids {
                let field = |name: &str| entry.get::<String>(name).unwrap_or_default();
                jobs.push(Job {
                    outbox_id: field("outbox_id").parse().unwrap_or_default(),
                    kind: field("kind"),
                    subject: field("subject"),
                    payload: serde_json::from_str(&field("payload")).unwrap_or_default(),
                    entry: entry.id,
                });
            }
        }
        Ok(jobs)
    }

    /// Marks a job done; it will not be handed out again.
    pub async fn ack(&mut self, job: &Job) -> Result<(), redis::RedisError> {
        let _: i64 = self
            .redis
            .xack(&self.stream, &self.group, &[&job.entry])
            .await?;
        Ok(())
    }

    /// Jobs taken but not yet acknowledged (by any consumer).
    pub async fn pending(&mut self) -> Result<usize, redis::RedisError> {
        let reply: redis::streams::StreamPendingReply =
            self.redis.xpending(&self.stream, &self.group).await?;
        Ok(reply.count())
    }
}
