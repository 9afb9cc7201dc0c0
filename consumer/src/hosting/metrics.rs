//! The metrics route (`App::serve_metrics`): an app's live counts in the Prometheus /
//! OpenMetrics text format, encoded by `prometheus-client` from the [`Metrics`] the server
//! keeps anyway, read at each scrape.

use crate::groups::ChannelLayer;
use crate::session::Metrics;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;
use std::sync::Arc;

/// The content type of the text format.
pub(crate) const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Reads an app's metrics at scrape time.
struct AppCollector {
    metrics: Arc<Metrics>,
    layer: Arc<dyn ChannelLayer>,
}

impl std::fmt::Debug for AppCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCollector").finish_non_exhaustive()
    }
}

fn gauge(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    value: i64,
) -> Result<(), std::fmt::Error> {
    let gauge = ConstGauge::new(value);
    let metric = encoder.encode_descriptor(name, help, None, gauge.metric_type())?;
    gauge.encode(metric)
}

fn counter(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    value: u64,
) -> Result<(), std::fmt::Error> {
    let counter = ConstCounter::new(value);
    let metric = encoder.encode_descriptor(name, help, None, counter.metric_type())?;
    counter.encode(metric)
}

/// A count as a gauge value (counts never come near `i64::MAX`).
fn level(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

impl Collector for AppCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let m = &self.metrics;
        gauge(
            &mut encoder,
            "chanrest_connections",
            "Open WebSocket connections.",
            level(m.connections()),
        )?;
        gauge(
            &mut encoder,
            "chanrest_sessions",
            "Consumer instances (one per consumer per connection; several behind a multiplexer).",
            level(m.sessions()),
        )?;
        gauge(
            &mut encoder,
            "chanrest_detached_tasks",
            "Detached actions running.",
            level(m.detached_tasks()),
        )?;
        gauge(
            &mut encoder,
            "chanrest_group_memberships",
            "Group memberships held in the channel layer.",
            level(m.memberships()),
        )?;
        gauge(
            &mut encoder,
            "chanrest_queued_bytes",
            "Bytes queued for sockets and not yet written.",
            level(m.queued_bytes()),
        )?;
        gauge(
            &mut encoder,
            "chanrest_channel_layer_connected",
            "1 while the channel layer reaches its backend (always 1 in process).",
            i64::from(self.layer.is_connected()),
        )?;
        counter(
            &mut encoder,
            "chanrest_messages_in",
            "Frames received.",
            m.messages_in(),
        )?;
        counter(
            &mut encoder,
            "chanrest_pushes",
            "Group pushes queued.",
            m.pushes(),
        )?;
        counter(
            &mut encoder,
            "chanrest_slow_consumer_closes",
            "Connections closed as slow consumers (4008).",
            m.slow_consumer_closes(),
        )?;
        counter(
            &mut encoder,
            "chanrest_ping_timeout_closes",
            "Connections closed for silence (4009).",
            m.ping_timeout_closes(),
        )?;
        let replies = ConstCounter::new(0u64);
        let mut family = encoder.encode_descriptor(
            "chanrest_replies",
            "Replies sent, by response status.",
            None,
            replies.metric_type(),
        )?;
        for (status, count) in m.replies_by_status() {
            let labels = [("status", status.to_string())];
            ConstCounter::new(count).encode(family.encode_family(&labels)?)?;
        }
        Ok(())
    }
}

/// The metrics of an app as OpenMetrics text.
pub(crate) fn render(metrics: &Arc<Metrics>, layer: &Arc<dyn ChannelLayer>) -> String {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(AppCollector {
        metrics: metrics.clone(),
        layer: layer.clone(),
    }));
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut text, &registry);
    text
}
