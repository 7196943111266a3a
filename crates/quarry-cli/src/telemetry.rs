//! Logs on stderr (text or JSON, filtered by `QUARRY_LOG`) and, when a
//! collector is named, the same spans exported as OpenTelemetry traces over
//! OTLP/HTTP (JSON encoding, so any collector, Jaeger or Tempo takes it
//! without a protobuf toolchain here).
//!
//! The spans are the ones the server already opens for its logs — `request`
//! (id, method, path) and `run` (id, attempt) — so traces and log lines carry
//! the same ids and nothing is instrumented twice.

use std::io::IsTerminal;

use anyhow::Context;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::args::LogFormat;

/// The standard variables that also turn trace export on.
const OTEL_ENDPOINT_VARS: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];

/// Keeps the trace pipeline alive; dropping it flushes spans not yet sent.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("quarry: flushing traces failed: {e}");
        }
    }
}

/// Installs the global subscriber. `otlp_endpoint` is the collector's base
/// URL (`http://collector:4318`; spans go to `/v1/traces` under it); without
/// it the standard `OTEL_EXPORTER_OTLP_*ENDPOINT` variables are honoured, and
/// with none of them nothing is exported.
pub fn init(format: LogFormat, otlp_endpoint: Option<&str>) -> anyhow::Result<Telemetry> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("QUARRY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let provider = tracer_provider(otlp_endpoint)?;
    let otel = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("quarry")));
    let ansi = std::io::stderr().is_terminal();
    let registry = tracing_subscriber::registry().with(filter).with(otel);
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match format {
        LogFormat::Json => registry.with(fmt.json()).init(),
        LogFormat::Text => registry.with(fmt.with_ansi(ansi)).init(),
    }
    Ok(Telemetry { provider })
}

fn tracer_provider(endpoint: Option<&str>) -> anyhow::Result<Option<SdkTracerProvider>> {
    let from_env = OTEL_ENDPOINT_VARS
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.trim().is_empty()));
    let endpoint = endpoint.map(str::trim).filter(|e| !e.is_empty());
    if endpoint.is_none() && !from_env {
        return Ok(None);
    }
    // reqwest is built without a bundled TLS provider (see quarry-llm).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson);
    if let Some(endpoint) = endpoint {
        builder = builder.with_endpoint(traces_url(endpoint));
    }
    let exporter = builder
        .build()
        .context("setting up the OTLP trace exporter (--otlp-endpoint)")?;
    let mut resource = Resource::builder();
    if std::env::var("OTEL_SERVICE_NAME").is_err() {
        resource = resource.with_service_name("quarry");
    }
    Ok(Some(
        SdkTracerProvider::builder()
            .with_resource(resource.build())
            .with_batch_exporter(exporter)
            .build(),
    ))
}

/// The OTLP/HTTP traces URL under a collector base URL (kept as is when it
/// already names the traces path).
fn traces_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/v1/traces") {
        base.to_string()
    } else {
        format!("{base}/v1/traces")
    }
}

#[cfg(test)]
mod tests {
    use super::traces_url;

    #[test]
    fn the_traces_path_is_added_once() {
        assert_eq!(traces_url("http://c:4318"), "http://c:4318/v1/traces");
        assert_eq!(traces_url("http://c:4318/"), "http://c:4318/v1/traces");
        assert_eq!(
            traces_url("http://c:4318/v1/traces"),
            "http://c:4318/v1/traces"
        );
    }
}
