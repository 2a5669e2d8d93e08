//! Open payment channels in PostgreSQL: one row per channel, the record as JSON, and a version
//! that every update must name (compare-and-set), so replicas never overwrite each other.

use anchor_lang::prelude::Pubkey;
use async_trait::async_trait;
use mpppal_sdk::paywall::{ChannelRecord, ChannelStore, Versioned};

use super::PgStore;

fn encode(record: &ChannelRecord) -> Result<String, String> {
    serde_json::to_string(record).map_err(|e| format!("channel record: {e}"))
}

fn failed(e: sqlx::Error) -> String {
    super::unavailable(&e)
}

#[async_trait]
impl ChannelStore for PgStore {
    async fn insert(&self, channel: &Pubkey, record: &ChannelRecord) -> Result<bool, String> {
        let done = sqlx::query(
            "INSERT INTO paywall_channels (channel, version, record) VALUES ($1, 0, $2::jsonb)
             ON CONFLICT DO NOTHING",
        )
        .bind(channel.to_string())
        .bind(encode(record)?)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }

    async fn load(&self, channel: &Pubkey) -> Result<Option<Versioned>, String> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT version, record::text FROM paywall_channels WHERE channel = $1")
                .bind(channel.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(failed)?;
        let Some((version, record)) = row else {
            return Ok(None);
        };
        let record = serde_json::from_str(&record)
            .map_err(|e| format!("channel {channel}: unreadable record: {e}"))?;
        Ok(Some(Versioned {
            // The table's CHECK keeps versions non-negative.
            version: u64::try_from(version).unwrap_or(0),
            record,
        }))
    }

    async fn update(
        &self,
        channel: &Pubkey,
        version: u64,
        record: &ChannelRecord,
    ) -> Result<bool, String> {
        let Ok(version) = i64::try_from(version) else {
            return Ok(false);
        };
        let done = sqlx::query(
            "UPDATE paywall_channels SET version = version + 1, record = $3::jsonb, updated_at = now()
             WHERE channel = $1 AND version = $2",
        )
        .bind(channel.to_string())
        .bind(version)
        .bind(encode(record)?)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }
}
