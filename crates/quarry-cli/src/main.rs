//! `quarry` — the single binary: `serve` (API + in-process workers),
//! `worker` (workers only), `migrate`, `keys create`, and the offline
//! `parse`, `extract` and `bench` commands (no runtime, no store; see `cmd/`).
//! Every setting can also come from a `QUARRY_*` environment variable or
//! the `--config` TOML file (`config_file`); `config show` prints them.

mod args;
mod cmd;
mod config_file;
mod scale_args;
mod telemetry;

use anyhow::Context;
use quarry_server::keys::{DEFAULT_WORKSPACE, generate_key, register_key_with};
use quarry_server::serve::{serve, shutdown_signal};
use quarry_server::webhooks::spawn_dispatcher;
use quarry_server::worker::spawn_workers;
use quarry_server::{AppState, Config};
use tokio::sync::watch;

use crate::args::{Cli, Command, ConfigCommand, KeysCommand};

/// mimalloc serves every allocation of the process, pdfium's included: the
/// `override` feature makes it the process's `malloc` and `free`, which the
/// pdfium library loaded at run time binds to. pdfium allocates and frees
/// millions of small objects per document, and glibc's malloc spent about a
/// tenth of a text page's parse on them (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let (cli, tree, file) = args::parse()?;
    let _telemetry = telemetry::init(cli.log_format, cli.otlp_endpoint.as_deref())?;
    match &cli.command {
        Command::Config(ConfigCommand::Show { target }) => cmd::config::show(&tree, &file, *target),
        Command::Parse(args) => cmd::parse::run(args),
        Command::Extract(args) => cmd::extract::run(args),
        Command::ParseChild { request } => {
            std::process::exit(quarry_parse::isolate::child_main(request))
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command, "quarry", &mut script);
            cmd::write_stdout(&script)
        }
        Command::Bench(command) => cmd::bench::run(command),
        _ => {
            let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            let result = runtime.block_on(run_server_command(cli.command));
            // A run released at shutdown may still occupy a blocking thread;
            // its result is no longer wanted, so do not wait for it.
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
            result
        }
    }
}

async fn run_server_command(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => {
            let config = args.config()?;
            log_engine(&config);
            let state = open(config).await?;
            bootstrap_key(&state).await?;
            serve(state, shutdown_signal())
                .await
                .context("the HTTP server stopped with an error")?;
        }
        Command::Worker(args) => {
            let mut config = args.store.config();
            config.workers = args.concurrency.max(1);
            args.queue.apply(&mut config);
            args.outbound.apply(&mut config)?;
            args.limits
                .apply(&mut config.parse_limits, config.run_timeout)?;
            config.llm = args.llm.config()?;
            log_engine(&config);
            let state = open(config).await?;
            let (tx, rx) = watch::channel(false);
            let mut handles = spawn_workers(&state, state.config.workers, rx.clone());
            handles.push(spawn_dispatcher(&state, rx.clone()));
            if let Some(addr) = args.metrics_bind {
                handles.push(serve_probes(&state, addr, rx).await?);
            }
            tracing::info!(workers = state.config.workers, "worker process started");
            shutdown_signal().await;
            let _ = tx.send(true);
            for h in handles {
                let _ = h.await;
            }
        }
        Command::Migrate(args) => {
            open(args.config()).await?;
            println!("database is up to date");
        }
        Command::Keys(KeysCommand::Create {
            store,
            name,
            workspace,
        }) => {
            let state = open(store.config()).await?;
            let key = generate_key();
            let secret = state.config.key_secret.as_ref();
            register_key_with(state.store.as_ref(), secret, &key, &name, &workspace).await?;
            println!("{key}");
        }
        Command::Keys(KeysCommand::List { store, workspace }) => {
            let state = open(store.config()).await?;
            let keys = state.store.list_api_keys(workspace.as_deref()).await?;
            println!(
                "{:<28} {:<20} {:<20} {:<24} revoked",
                "id", "workspace", "name", "created"
            );
            for k in keys {
                let when = |ms: i64| quarry_model::time::rfc3339(ms);
                let revoked = k.revoked_at.map(when).unwrap_or_else(|| "-".into());
                println!(
                    "{:<28} {:<20} {:<20} {:<24} {revoked}",
                    k.id,
                    k.workspace_id,
                    k.name,
                    when(k.created_at)
                );
            }
        }
        Command::Keys(KeysCommand::Revoke { store, id }) => {
            let state = open(store.config()).await?;
            if !state.store.revoke_api_key(&id).await? {
                anyhow::bail!("no live key with id {id} (see `quarry keys list`)");
            }
            println!("revoked {id}");
        }
        Command::Parse(_)
        | Command::Extract(_)
        | Command::ParseChild { .. }
        | Command::Completions { .. }
        | Command::Config(_)
        | Command::Bench(_) => {
            unreachable!("handled without a runtime")
        }
    }
    Ok(())
}

/// Serves probes and metrics for a worker process until shutdown.
async fn serve_probes(
    state: &AppState,
    addr: std::net::SocketAddr,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding --metrics-bind {addr}"))?;
    println!("quarry worker metrics on http://{}", listener.local_addr()?);
    let app = quarry_server::routes::probe_router(state.clone());
    Ok(tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "metrics listener stopped");
        }
    }))
}

/// Says which engine serves extraction runs, once, at start-up.
fn log_engine(config: &Config) {
    match &config.llm {
        Some(llm) => tracing::info!(
            provider = ?llm.provider,
            model = %llm.model,
            base_url = %llm.base_url,
            "extraction model configured; extraction_light stays on the rules engine"
        ),
        None => tracing::info!("no extraction model configured; every run uses the rules engine"),
    }
}

async fn open(config: Config) -> anyhow::Result<AppState> {
    let where_ = config.database_url.clone().map_or_else(
        || config.data_dir.display().to_string(),
        |u| quarry_store::redact_url(&u),
    );
    AppState::open(config)
        .await
        .with_context(|| format!("opening the store at {where_}"))
}

/// Registers `QUARRY_API_KEY` (if set) in the default workspace, so a fresh
/// server is usable without a separate `keys create` step.
async fn bootstrap_key(state: &AppState) -> anyhow::Result<()> {
    if let Ok(key) = std::env::var("QUARRY_API_KEY")
        && !key.trim().is_empty()
    {
        register_key_with(
            state.store.as_ref(),
            state.config.key_secret.as_ref(),
            key.trim(),
            "bootstrap",
            DEFAULT_WORKSPACE,
        )
        .await?;
    }
    Ok(())
}
