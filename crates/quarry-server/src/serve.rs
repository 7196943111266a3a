//! Running the server: bind, serve the API, run in-process workers and the
//! webhook dispatcher, and shut down gracefully on Ctrl-C/SIGTERM (stop
//! accepting, let in-flight requests, runs and deliveries finish; unfinished
//! leases simply expire and are retried).

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::routes::router;
use crate::state::AppState;
use crate::webhooks::spawn_dispatcher;
use crate::worker::spawn_workers;

/// Serves until `shutdown` resolves. Prints the bound address on stdout (so
/// scripts and tests can bind port 0) once ready.
pub async fn serve(
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = TcpListener::bind(state.config.bind).await?;
    serve_on(listener, state, shutdown).await
}

/// Like [`serve`], on an already bound listener (tests bind port 0 first).
pub async fn serve_on(
    listener: TcpListener,
    mut state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    // A public URL naming port 0 (the default for `--bind …:0`) would make
    // every `dashboardUrl` unreachable; point it at the port actually bound.
    if state
        .config
        .public_url
        .trim_end_matches('/')
        .ends_with(":0")
    {
        let mut config = (*state.config).clone();
        config.public_url = format!("http://{addr}");
        state.config = std::sync::Arc::new(config);
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut workers = spawn_workers(&state, state.config.workers, stop_rx.clone());
    workers.push(spawn_dispatcher(&state, stop_rx));
    println!("quarry listening on http://{addr}");
    tracing::info!(%addr, workers = state.config.workers, "listening");
    let app = router(state);
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down");
        })
        .await;
    let _ = stop_tx.send(true);
    for w in workers {
        let _ = w.await;
    }
    result
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
