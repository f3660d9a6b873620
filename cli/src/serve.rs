//! `orderseal serve`: the inbox server.
//!
//! It serves the order page and the wasm package, hands out the active
//! public keys, and stores the sealed envelopes that browsers submit. It
//! never holds a private key and never decrypts: a stolen server (database
//! included) gives away ciphertext only.
//!
//! | route | what |
//! |---|---|
//! | `POST /api/orders` | store one envelope; `201` + receipt, `200` + the same receipt for a retry |
//! | `GET /api/orders?since=&limit=` | JSON Lines export for the back office (bearer token) |
//! | `GET /.well-known/orderseal/keys.json` | the active public keys, newest (the one to seal to) first |
//! | `GET /pkg/…` | the npm package (`pkg/web`, the JS layer) |
//! | `GET /…` | the pages (`www/`, or the SRI-stamped `target/site/`) |
//!
//! Submissions (`POST /api/orders`), in order of the checks:
//!
//! 1. `Content-Type` must be `application/json` → else `415 unsupported_media_type`.
//! 2. A `Content-Length` over 12 MiB is refused before any byte of the body
//!    is read, and a body that grows past it while streaming is cut off →
//!    `413 payload_too_large`.
//! 3. [`orderseal::Envelope::parse`]: strict JSON, version, suite, members →
//!    `400 envelope_malformed`, `422 unsupported_version`,
//!    `422 unsupported_suite` (the core's codes).
//! 4. `kid` must be one of the active keys → else `422 unknown_kid`.
//! 5. The exact bytes received are stored with the time received; the
//!    answer comes only after SQLite committed them (WAL, `synchronous=FULL`).
//!
//! Idempotency, by `sid`: the first submission is answered `201 Created`;
//! the same `sid` with the same bytes again is answered `200 OK` with the
//! very same receipt (`received` is the first time); the same `sid` with
//! other bytes is `409 conflict` and nothing is stored. A browser that lost
//! the answer can therefore always retry.
//!
//! Every refusal is a 4xx (or 5xx) with a JSON body `{"code","message"}`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use orderseal::PublicKey;

mod api;
mod config;
mod headers;
mod json_text;
mod static_files;
mod store;
mod token;

use config::Config;

/// Options of `orderseal serve`.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  orderseal keygen --out keys/                # once, on the back office's machine
  orderseal serve --public-key keys/public.pem
  orderseal serve --data /var/lib/orderseal --public-key new.pem --public-key old.pem

The order page seals to the newest key (the one this server saw first most
recently; among keys new at the same start, the first given); the others are
still accepted (key rotation). Without --public-key, the keys active at the last start
are used again. The back-office token is created at the first start, printed once,
and kept in DATA/token (mode 0600): send it as `Authorization: Bearer <token>`.")]
pub struct Args {
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: SocketAddr,
    /// Directory of the database, the public keys and the back-office token.
    #[arg(long, default_value = "./data", value_name = "DIR")]
    pub data: PathBuf,
    /// A public key to accept envelopes for (PEM, JWK, DER or raw). Repeatable.
    /// A private key file is refused: the server never needs it.
    #[arg(long = "public-key", value_name = "FILE")]
    pub public_keys: Vec<PathBuf>,
    /// The pages to serve at `/` [default: ./target/site if built, else ./www]
    #[arg(long, value_name = "DIR")]
    pub www: Option<PathBuf>,
    /// The npm package to serve at `/pkg/` [default: WWW/pkg if present, else ./pkg]
    #[arg(long, value_name = "DIR")]
    pub pkg: Option<PathBuf>,
}

/// Runs the server until SIGTERM or Ctrl-C.
pub fn run(args: Args) -> ExitCode {
    init_logging();
    let config = match Config::load(args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("orderseal serve: {e}");
            return ExitCode::from(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("orderseal serve: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("orderseal serve: {e}");
            ExitCode::from(1)
        }
    }
}

fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    // `RUST_LOG=debug` for more; request lines are INFO.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

async fn serve(config: Config) -> Result<(), String> {
    let (store, keys) = open_store(&config.data, &config.public_keys)?;
    let token = token::Token::load_or_create(&config.data).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;

    if !config.www.join("index.html").is_file() {
        tracing::warn!(
            "{} has no index.html: the order page is missing (run `npm run build`, or give --www)",
            config.www.display()
        );
    }
    print_banner(&config, addr, &keys, token.new_secret());
    let state = api::AppState::new(store.clone(), keys, token);
    let app = app(state, &config.www, &config.pkg);

    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"));
    // In-flight submissions have been answered; let the writer finish.
    store.close();
    tracing::info!("stopped");
    result
}

/// Opens the store in `data` and makes `public_keys` active (with none,
/// the ones active at the last start); at least one key must be active.
fn open_store(
    data: &Path,
    public_keys: &[PublicKey],
) -> Result<(store::Store, store::ActiveKeys), String> {
    let store = store::Store::open(data)
        .map_err(|e| format!("cannot open the database in {}: {e}", data.display()))?;
    let keys = store
        .activate_keys(public_keys)
        .map_err(|e| format!("cannot record the public keys: {e}"))?;
    if keys.is_empty() {
        return Err(
            "no active public key. Did you forget --public-key FILE? (the public half of \
             the back office's key, e.g. from `orderseal keygen`)"
                .to_owned(),
        );
    }
    Ok((store, keys))
}

/// The whole HTTP app: the API, the static files, the headers on every
/// response, the request log.
fn app(state: api::AppState, www: &Path, pkg: &Path) -> axum::Router {
    let app = static_files::mount(api::router(state), www, pkg)
        .layer(axum::middleware::from_fn(headers::security_headers));
    headers::with_request_log(app)
}

/// The inbox in process: the very router `orderseal serve` runs, over a
/// real store, without the listener, the banner, the log subscriber or the
/// signals. For tests and fuzzing (`fuzz/fuzz_targets/inbox_request.rs`):
/// send it requests with `tower::ServiceExt::oneshot` on a tokio runtime
/// (one with the time driver: bodies have a stall timeout).
pub struct Inbox {
    router: axum::Router,
    store: store::Store,
}

impl Inbox {
    /// Opens (or creates) the store in `data` with exactly `public_keys`
    /// active, like `orderseal serve --data DATA --public-key …`, and takes
    /// `token` as the back-office token instead of `DATA/token` (which is
    /// neither read nor written). `www` and `pkg` are served as `--www` and
    /// `--pkg`. Starts the store's writer threads: call [`Inbox::close`]
    /// to stop them.
    pub fn open(
        data: &Path,
        public_keys: &[PublicKey],
        token: &str,
        www: &Path,
        pkg: &Path,
    ) -> Result<Inbox, String> {
        let token = token::Token::from_secret(token)?;
        let (store, keys) = open_store(data, public_keys)?;
        let state = api::AppState::new(store.clone(), keys, token);
        Ok(Inbox {
            router: app(state, www, pkg),
            store,
        })
    }

    /// The router, as `orderseal serve` hands it to `axum::serve`.
    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }

    /// Stops taking submissions and waits until the writer has committed
    /// the ones it has, as `orderseal serve` does at shutdown.
    pub fn close(self) {
        self.store.close();
    }
}

fn print_banner(
    config: &Config,
    addr: SocketAddr,
    keys: &store::ActiveKeys,
    new_token: Option<&str>,
) {
    let base = format!("http://{addr}");
    if let Some(secret) = new_token {
        eprintln!();
        eprintln!(
            "  Back-office token, shown only this once (kept in {}):",
            token::path(&config.data).display()
        );
        eprintln!("    {secret}");
        eprintln!("  Send it as `Authorization: Bearer <token>` to GET {base}/api/orders.");
        eprintln!();
    }
    for (i, key) in keys.keys().iter().enumerate() {
        let role = if i == 0 {
            "sealing to  "
        } else {
            "also accepts"
        };
        eprintln!(
            "  {role}  key {}  fingerprint {}",
            key.kid_grouped, key.fingerprint_grouped
        );
    }
    eprintln!("  data:         {}", config.data.display());
    eprintln!(
        "  pages:        {}  (package: {})",
        config.www.display(),
        config.pkg.display()
    );
    eprintln!("  key manifest: {base}/.well-known/orderseal/keys.json");
    eprintln!("  back office:  {base}/backoffice.html");
    eprintln!("  order page:   {base}/");
    // Last, so that whoever waits for this line has seen the rest.
    eprintln!("orderseal serve: listening on {base}/");
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
