//! `GET /v1/events`: the operator's events as server-sent events, so a dashboard sees new
//! escalations and settled transfers without reloading. The same events webhooks deliver, each
//! with its outbox id as the SSE id: a browser that reconnects sends `Last-Event-ID` and misses
//! nothing.
//!
//! Each stream polls the database once a second (one short query on an index); that is plenty
//! for the few browsers an operator keeps open.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Extension;
use futures_util::stream::{self, Stream};
use serde_json::json;
use sqlx::types::Uuid;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::keys::Scope;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::ready::Dependencies;

const POLL: Duration = Duration::from_secs(1);
/// Most events one poll takes; the rest come on the next.
const BATCH: i64 = 100;

struct Tail {
    deps: Arc<Dependencies>,
    operator: Uuid,
    after: i64,
    ready: VecDeque<mpppal_db::events::Event>,
}

/// Server-sent events: `event: <type>` (`transfer.created`, `transfer.settled`,
/// `escalation.required` …, as docs/api.md lists for webhooks), `id: <event id>`, `data:
/// {"id", "type", "subject"}`. Starts after `Last-Event-ID` when given, else with the next event.
#[utoipa::path(get, path = "/v1/events", responses(
    (status = 200, description = "a text/event-stream of the operator's events", content_type = "text/event-stream")))]
pub(crate) async fn events(
    State(deps): State<Arc<Dependencies>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    caller.require(Scope::Read)?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id >= 0);
    let after = match resume {
        Some(id) => id,
        None => {
            let mut conn = deps.db.acquire().await.map_err(Problem::database)?;
            mpppal_db::events::latest(&mut conn)
                .await
                .map_err(Problem::database)?
        }
    };
    let tail = Tail {
        deps,
        operator: caller.operator_id,
        after,
        ready: VecDeque::new(),
    };
    let stream = stream::unfold(tail, |mut tail| async move {
        loop {
            if let Some(e) = tail.ready.pop_front() {
                let data = json!({ "id": e.id, "type": e.event_type, "subject": e.subject });
                let event = Event::default()
                    .id(e.id.to_string())
                    .event(e.event_type)
                    .data(data.to_string());
                return Some((Ok(event), tail));
            }
            tokio::time::sleep(POLL).await;
            let polled = match tail.deps.db.acquire().await {
                Ok(mut conn) => {
                    mpppal_db::events::since(&mut conn, tail.operator, tail.after, BATCH).await
                }
                Err(e) => Err(e),
            };
            match polled {
                Ok(rows) => {
                    if let Some(last) = rows.last() {
                        tail.after = last.id;
                    }
                    tail.ready.extend(rows);
                }
                // The stream stays open: the next poll tries again.
                Err(e) => tracing::warn!(error = %e, "the event stream could not read events"),
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
