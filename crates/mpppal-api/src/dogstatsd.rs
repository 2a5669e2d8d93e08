//! An optional DogStatsD exporter for Datadog: every `every`, the registry's metrics go to the
//! agent over UDP — gauges as gauges, counters and histogram counts and sums as the increase
//! since the last send — with their labels as tags.

use prometheus::proto::{MetricFamily, MetricType};
use std::collections::HashMap;
use std::time::Duration;

/// The DogStatsD lines for `families`, given what counters stood at last time (updated).
pub fn lines(families: &[MetricFamily], last: &mut HashMap<String, f64>) -> Vec<String> {
    let mut out = Vec::new();
    for family in families {
        let name = family.name();
        for metric in family.get_metric() {
            let tags: Vec<String> = metric
                .get_label()
                .iter()
                .map(|l| format!("{}:{}", l.name(), l.value()))
                .collect();
            let tags = if tags.is_empty() {
                String::new()
            } else {
                format!("|#{}", tags.join(","))
            };
            let mut count = |metric_name: String, total: f64| {
                let key = format!("{metric_name}{tags}");
                let before = last.insert(key, total).unwrap_or(0.0);
                let delta = total - before;
                if delta > 0.0 {
                    out.push(format!("{metric_name}:{delta}|c{tags}"));
                }
            };
            match family.get_field_type() {
                MetricType::COUNTER => count(name.to_string(), metric.get_counter().get_value()),
                MetricType::HISTOGRAM => {
                    let h = metric.get_histogram();
                    count(format!("{name}.count"), h.get_sample_count() as f64);
                    count(format!("{name}.sum"), h.get_sample_sum());
                }
                MetricType::GAUGE => {
                    out.push(format!("{name}:{}|g{tags}", metric.get_gauge().get_value()))
                }
                _ => {}
            }
        }
    }
    out
}

/// Sends the registry to the agent at `address` every `every`, for as long as the process
/// lives. A send that fails is dropped (UDP, like every StatsD client); the next one catches up.
pub async fn export(address: String, every: Duration) {
    let socket = match tokio::net::UdpSocket::bind("0.0.0.0:0").await {
        Ok(socket) => socket,
        Err(e) => {
            tracing::warn!(error = %e, "DogStatsD export disabled: no UDP socket");
            return;
        }
    };
    let mut last = HashMap::new();
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        for line in lines(&crate::metrics::gather(), &mut last) {
            let _ = socket.send_to(line.as_bytes(), &address).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometheus::{IntCounterVec, IntGauge, Opts, Registry};

    #[test]
    fn counters_go_as_increases_and_gauges_as_values() {
        let registry = Registry::new();
        let jobs = IntCounterVec::new(Opts::new("jobs_total", "jobs"), &["kind"]).unwrap();
        let depth = IntGauge::new("depth", "depth").unwrap();
        registry.register(Box::new(jobs.clone())).unwrap();
        registry.register(Box::new(depth.clone())).unwrap();
        let mut last = HashMap::new();
        jobs.with_label_values(&["settle"]).inc_by(3);
        depth.set(7);
        let first = lines(&registry.gather(), &mut last);
        assert!(
            first.contains(&"jobs_total:3|c|#kind:settle".to_string()),
            "{first:?}"
        );
        assert!(first.contains(&"depth:7|g".to_string()), "{first:?}");
        jobs.with_label_values(&["settle"]).inc_by(2);
        let second = lines(&registry.gather(), &mut last);
        assert!(
            second.contains(&"jobs_total:2|c|#kind:settle".to_string()),
            "{second:?}"
        );
        let third = lines(&registry.gather(), &mut last);
        assert!(
            !third.iter().any(|l| l.starts_with("jobs_total")),
            "{third:?}"
        );
    }
}
