//! The local HTTP API: a drop-in for the cloud Passport API, plus the kiosk's health, metrics
//! and event stream.
//!
//! | endpoint | answer |
//! | --- | --- |
//! | `POST /v2/{project_id}/ocr/passport` | the cloud API's 200 / 400 bodies (`../shared/spec/passport-api.txt`) |
//! | `GET /healthz` | JSON health; 200 healthy, 503 not |
//! | `GET /metrics` | Prometheus text |
//! | `GET /v1/events` | Server-Sent Events of [`KioskEvent`](crate::events::KioskEvent)s |
//!
//! Every refusal answers in the spec's error shape (`error_code`, `error_msg`); the codes and
//! statuses come from [`crate::error`] alone. Recognition runs on tokio's blocking pool, never
//! on the executor threads, at most `http.max_concurrent` at once.
//!
//! The server runs on its own tokio runtime and threads: [`start`] is called from synchronous
//! code and returns a [`ServerHandle`] with the bound address and a shutdown method.

pub mod auth;
pub mod client;
pub mod fetch;
pub mod limits;
pub mod metrics;
pub mod sse;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::watch;

use self::auth::Auth;
use self::fetch::UrlPolicy;
use self::limits::{Slots, MAX_BODY_BYTES};
use self::metrics::{Endpoint, Metrics};
use crate::config::HttpConfig;
use crate::error::{ApiErrorCode, Error};
use crate::events::{EventBus, KioskHealth};
use crate::pipeline::Engine;
use crate::result::{ErrorBody, ImageSource, PassportRequest, PassportResult};

/// Why the server could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(
        "refusing to listen on {0} without authentication: set http.tokens (or --token) to serve \
         beyond loopback, or listen on 127.0.0.1 / [::1]"
    )]
    InsecureListen(SocketAddr),
    #[error("invalid HTTP settings: {0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the HTTP runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("the HTTP server failed: {0}")]
    Serve(String),
}

/// Seconds the busy answer asks clients to wait (`Retry-After`).
pub const RETRY_AFTER_S: u64 = 1;
/// Longest wait for open requests after a shutdown is asked for.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Everything a handler needs, shared.
struct App {
    engine: Arc<Engine>,
    bus: EventBus,
    health: KioskHealth,
    auth: Auth,
    urls: UrlPolicy,
    slots: Slots,
    metrics: Arc<Metrics>,
    request_timeout: Duration,
    sse_keepalive: Duration,
    max_sse_clients: usize,
    shutdown: watch::Receiver<bool>,
    started: Instant,
}

type Shared = Arc<App>;

/// A running server. Dropping it shuts the server down (as [`ServerHandle::shutdown`]).
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    runtime: tokio::runtime::Handle,
    thread: Option<std::thread::JoinHandle<Result<(), HttpError>>>,
    metrics: Arc<Metrics>,
}

impl ServerHandle {
    /// The address actually bound (the port is known here when the configured one was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's counters (tests and the load bench read them).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Stops accepting, ends event streams, lets open requests finish (at most
    /// [`SHUTDOWN_GRACE`]), and joins the server thread.
    pub fn shutdown(mut self) -> Result<(), HttpError> {
        self.stop()
    }

    /// Blocks until SIGINT or SIGTERM, then shuts down (for `passread serve`).
    pub fn wait_for_signal(self) -> Result<(), HttpError> {
        let signalled = self.runtime.block_on(async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                let mut term = signal(SignalKind::terminate()).map_err(HttpError::Runtime)?;
                tokio::select! {
                    r = tokio::signal::ctrl_c() => r.map_err(HttpError::Runtime),
                    _ = term.recv() => Ok(()),
                }
            }
            #[cfg(not(unix))]
            {
                tokio::signal::ctrl_c().await.map_err(HttpError::Runtime)
            }
        });
        log::info!("shutting down the HTTP server");
        let stopped = self.shutdown();
        signalled.and(stopped)
    }

    fn stop(&mut self) -> Result<(), HttpError> {
        let _ = self.shutdown.send(true);
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| HttpError::Serve("the server thread panicked".into()))?,
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            log::error!("{e}");
        }
    }
}

/// Starts the API on `config.listen` on its own runtime and threads, sharing `engine` (created
/// once by the caller), publishing nothing itself but streaming `bus`'s events and reporting
/// `health`. Refuses a non-loopback address when no token is configured.
pub fn start(config: &HttpConfig, engine: Arc<Engine>, bus: EventBus, health: KioskHealth) -> Result<ServerHandle, HttpError> {
    config.check().map_err(HttpError::Config)?;
    if config.tokens.is_empty() && !config.listen.ip().is_loopback() {
        return Err(HttpError::InsecureListen(config.listen));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Recognitions (bounded by the slots) and url downloads run here.
        .max_blocking_threads(config.max_concurrent + 8)
        .thread_name("passread-http")
        .enable_io()
        .enable_time()
        .build()
        .map_err(HttpError::Runtime)?;
    let std_listener =
        std::net::TcpListener::bind(config.listen).map_err(|source| HttpError::Bind { addr: config.listen, source })?;
    std_listener.set_nonblocking(true).map_err(|source| HttpError::Bind { addr: config.listen, source })?;
    let addr = std_listener.local_addr().map_err(|source| HttpError::Bind { addr: config.listen, source })?;
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(std_listener).map_err(|source| HttpError::Bind { addr, source })?
    };
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let metrics = Arc::new(Metrics::default());
    let app = Arc::new(App {
        engine,
        bus,
        health,
        auth: Auth::new(&config.tokens),
        urls: UrlPolicy::from_config(config),
        slots: Slots::new(config.max_concurrent, Duration::from_millis(config.queue_wait_ms)),
        metrics: metrics.clone(),
        request_timeout: Duration::from_millis(config.request_timeout_ms),
        sse_keepalive: Duration::from_secs(config.sse_keepalive_s),
        max_sse_clients: config.max_sse_clients,
        shutdown: shutdown_rx.clone(),
        started: Instant::now(),
    });
    let router = router(app);
    let handle = runtime.handle().clone();
    let thread = std::thread::Builder::new()
        .name("passread-http".into())
        .spawn(move || {
            let result = runtime.block_on(serve(listener, router, shutdown_rx));
            runtime.shutdown_timeout(Duration::from_secs(1));
            result
        })
        .map_err(HttpError::Runtime)?;
    log::info!("HTTP API listening on http://{addr} (authentication {})", if config.tokens.is_empty() { "off" } else { "on" });
    Ok(ServerHandle { addr, shutdown: shutdown_tx, runtime: handle, thread: Some(thread), metrics })
}

async fn wait_true(mut rx: watch::Receiver<bool>) {
    // An error means the sender is gone: shut down as well.
    let _ = rx.wait_for(|v| *v).await;
}

/// Serves until `shutdown` turns true, then waits at most [`SHUTDOWN_GRACE`] for open requests.
async fn serve(listener: tokio::net::TcpListener, router: Router, shutdown: watch::Receiver<bool>) -> Result<(), HttpError> {
    let server = axum::serve(listener, router).with_graceful_shutdown(wait_true(shutdown.clone()));
    let deadline = async {
        wait_true(shutdown).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        r = server.into_future() => r.map_err(|e| HttpError::Serve(e.to_string())),
        _ = deadline => {
            log::warn!("open HTTP requests did not finish within {SHUTDOWN_GRACE:?}; closing them");
            Ok(())
        }
    }
}

fn router(app: Shared) -> Router {
    Router::new()
        .route("/v2/{project_id}/ocr/passport", post(passport))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/v1/events", get(events))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(app)
}

/// An answer in the spec's error shape, with the status of its code.
fn error_response(e: &Error) -> Response {
    let code = e.api_code();
    let status = StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_string(&ErrorBody::from(e)).unwrap_or_default();
    let mut resp = json_response(status, body);
    if code == ApiErrorCode::Busy {
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_S));
    }
    if code == ApiErrorCode::Unauthorized {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("X-Auth-Token"));
    }
    resp
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json;charset=utf-8"))], body).into_response()
}

async fn passport(State(app): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let t = Instant::now();
    let timeout = app.request_timeout;
    let outcome = match tokio::time::timeout(timeout, read_passport(&app, &headers, body)).await {
        Ok(r) => r,
        Err(_) => Err(Error::Timeout(timeout.as_millis() as u64)),
    };
    app.metrics.request.observe(t.elapsed());
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    match outcome {
        Ok(result) => {
            app.metrics.count(Endpoint::Passport, 200, "");
            log::info!("POST passport 200 in {ms:.0} ms");
            let body = crate::result::Response::Ok { result }.to_json();
            json_response(StatusCode::OK, body)
        }
        Err(e) => {
            let code = e.api_code();
            app.metrics.count(Endpoint::Passport, code.http_status(), code.code());
            // At info only the code: an error's text may quote the zone it failed on (debug).
            log::info!("POST passport {} {} in {ms:.0} ms", code.http_status(), code.code());
            log::debug!("POST passport refused: {e}");
            error_response(&e)
        }
    }
}

/// Everything between the request and the result, each refusal a typed [`Error`].
async fn read_passport(app: &Shared, headers: &HeaderMap, body: Body) -> Result<PassportResult, Error> {
    app.auth.check(headers.get("x-auth-token").map(|v| v.as_bytes()))?;
    limits::check_content_type(headers)?;
    let body = limits::read_body(headers, body, MAX_BODY_BYTES).await?;
    let request = PassportRequest::from_json(&body)?;
    drop(body);
    let mode = request.mode;
    let image = match request.source {
        ImageSource::Base64(text) => Image::Base64(text),
        ImageSource::Url(url) => {
            app.urls.check(&url)?;
            let policy = app.urls.clone();
            let bytes = tokio::task::spawn_blocking(move || policy.fetch(&url))
                .await
                .map_err(|e| Error::Download(format!("download task failed: {e}")))??;
            Image::Bytes(bytes)
        }
    };
    let permit = app.slots.acquire().await?;
    let engine = app.engine.clone();
    let metrics = app.metrics.clone();
    tokio::task::spawn_blocking(move || {
        // The slot stays taken until the recognition ends, even if the request timed out.
        let _permit = permit;
        metrics.in_flight.fetch_add(1, Ordering::Relaxed);
        let t = Instant::now();
        let result = match image {
            Image::Base64(text) => crate::input::decode_base64(&text).and_then(|b| engine.recognize_bytes(&b, mode)),
            Image::Bytes(b) => engine.recognize_bytes(&b, mode),
        };
        metrics.recognition.observe(t.elapsed());
        metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
        result
    })
    .await
    .map_err(|e| {
        log::error!("recognition task failed: {e}");
        Error::Model("the recognition task failed".into())
    })?
}

enum Image {
    Base64(String),
    Bytes(Vec<u8>),
}

async fn healthz(State(app): State<Shared>) -> Response {
    let h = app.health.snapshot();
    let healthy = h.is_healthy();
    let body = serde_json::json!({
        "status": if healthy { "ok" } else { "degraded" },
        "models_loaded": true,
        "camera": h.camera,
        "serial": h.serial,
        "serial_queue": h.serial_queue,
        "state": h.state,
        "frames": h.frames,
        "readings": h.readings,
        "recognition_slots": app.slots.total(),
        "recognition_slots_free": app.slots.available(),
        "event_clients": app.metrics.sse_clients.load(Ordering::Relaxed),
        "uptime_s": app.started.elapsed().as_secs(),
    });
    let status = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    app.metrics.count(Endpoint::Health, status.as_u16(), "");
    json_response(status, body.to_string())
}

async fn metrics_text(State(app): State<Shared>) -> Response {
    app.metrics.count(Endpoint::Metrics, 200, "");
    let text = app.metrics.render(&app.health.snapshot(), app.slots.total(), app.bus.published());
    (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))], text)
        .into_response()
}

async fn events(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(e) = app.auth.check(headers.get("x-auth-token").map(|v| v.as_bytes())) {
        app.metrics.count(Endpoint::Events, 401, e.api_code().code());
        return error_response(&e);
    }
    let Some(guard) = sse::admit(&app.metrics, app.max_sse_clients) else {
        let e = Error::Busy(app.max_sse_clients);
        app.metrics.count(Endpoint::Events, 503, e.api_code().code());
        return error_response(&e);
    };
    app.metrics.count(Endpoint::Events, 200, "");
    let rx = app.bus.subscribe();
    sse::stream(rx, app.shutdown.clone(), guard, app.sse_keepalive).into_response()
}

async fn not_found(State(app): State<Shared>) -> Response {
    let e = Error::NoSuchApi;
    app.metrics.count(Endpoint::Other, 404, e.api_code().code());
    error_response(&e)
}
