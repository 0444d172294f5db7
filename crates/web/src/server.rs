//! Accepting connections and serving HTTP/1.1 on them.
//!
//! The same accept loop and graceful shutdown as `axum::serve`, but each connection goes
//! straight to hyper's HTTP/1 connection. `axum::serve` first reads the opening bytes to tell
//! HTTP/1 from HTTP/2 (which Picket is not built with) and hands them back to hyper, whose
//! read buffer then grows from 8 KiB to 16 KiB on every connection and stays so for as long
//! as the connection is open: the largest part of what an open live stream (the wall's
//! Server-Sent Events) costs. See "The wall's live stream watched by a crowd" in
//! docs/PERFORMANCE.md.

use axum::extract::ConnectInfo;
use axum::serve::Listener;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting and waits for
/// the open connections to finish their requests. Handlers can extract the client's address
/// as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    mut listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // Connections wait for `signal_rx` to drop; the loop waits for every `close_rx` to drop.
    let (signal_tx, signal_rx) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(signal_rx);
    });
    let (close_tx, close_rx) = watch::channel(());
    let http = hyper::server::conn::http1::Builder::new();
    loop {
        // Accept errors are handled as `axum::serve` does: a refused or reset connection is
        // skipped, anything else (such as running out of file descriptors) is logged and
        // retried a second later.
        let (stream, addr) = tokio::select! {
            conn = Listener::accept(&mut listener) => conn,
            () = signal_tx.closed() => break,
        };
        let service = router
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(addr));
                request
            });
        let conn = http
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades();
        let signal_tx = signal_tx.clone();
        let close_rx = close_rx.clone();
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            let mut signalled = std::pin::pin!(signal_tx.closed());
            let mut shutting_down = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::trace!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    () = &mut signalled, if !shutting_down => {
                        shutting_down = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(close_rx);
        });
    }
    drop(close_rx);
    drop(listener);
    close_tx.closed().await;
}
