//! The sandbox: an OCI-P server that behaves like BroadWorks for hunt groups.
//!
//! [`start`] runs it inside the current tokio runtime (embedded mode and tests);
//! `huntctl sandbox` runs it in the foreground. One `Core` holds the state and carries out
//! documents for every transport: plain TCP and TLS ([`server`]) and SOAP over HTTP ([`soap`]).
//!
//! A document's way through: a transport frames it and keeps the connection's session;
//! `dispatch` decodes it ([`decode`]), applies the fault rules ([`faults`]), runs login
//! commands on the session (`session`) and the others on the [`store`], waits for the writes
//! to be durable (`persist`, which appends them to the [`journal`] and compacts them into the
//! [`state`] file), and answers with the encoded reply ([`encode`]). Every error code the
//! sandbox answers with is declared in [`codes`].

pub mod codes;
pub mod decode;
mod dispatch;
pub mod encode;
pub mod faults;
pub mod journal;
mod persist;
pub mod record;
pub mod seed;
pub mod server;
pub mod services;
mod session;
pub mod soap;
pub mod state;
pub mod store;
pub mod xsd;

pub use faults::FaultRule;
pub use session::signed_password;

// The vocabulary shared with the client; nothing else of the client's is visible here.
use huntctl_protocol::{messages, model, services as svc, text, xml};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Plain TCP listen address (OCI-P over TCP, port 2208 on real servers).
    pub tcp_listen: Option<SocketAddr>,
    /// TLS listen address (self-signed certificate made at start).
    pub tls_listen: Option<SocketAddr>,
    /// SOAP-over-HTTP listen address.
    pub soap_listen: Option<SocketAddr>,
    /// State file (JSON), created from the seed when missing.
    pub state_path: PathBuf,
    /// A state file to start from instead of the built-in seed.
    pub seed: Option<PathBuf>,
    /// Replace the state file with the seed before starting.
    pub reset: bool,
    /// Administrator user id accepted.
    pub user: String,
    /// Administrator password accepted.
    pub password: String,
    /// Delay before each reply document.
    pub latency: Duration,
    /// Append every received document to this file.
    pub record: Option<PathBuf>,
    /// Fault injection rules.
    pub faults: Vec<FaultRule>,
    /// Rewrite the state file once the journal holds this many bytes; `None`: once it is
    /// larger than the state file (and at least 4 MiB).
    pub compact_every: Option<u64>,
}

impl SandboxConfig {
    /// Embedded mode: plain TCP on an ephemeral loopback port, `admin`/`admin`.
    pub fn embedded(state_path: PathBuf) -> Self {
        SandboxConfig {
            tcp_listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            tls_listen: None,
            soap_listen: None,
            state_path,
            seed: None,
            reset: false,
            user: "admin".into(),
            password: "admin".into(),
            latency: Duration::ZERO,
            record: None,
            faults: Vec::new(),
            compact_every: None,
        }
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The state or seed file is unreadable or inconsistent.
    #[error("sandbox state: {0}")]
    State(String),
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// TLS setup failed.
    #[error("TLS setup: {0}")]
    Tls(String),
    /// Other I/O (record file, state file).
    #[error("{0}")]
    Io(String),
}

/// A running sandbox.
pub struct SandboxHandle {
    tcp_addr: Option<SocketAddr>,
    tls_addr: Option<SocketAddr>,
    soap_addr: Option<SocketAddr>,
    cert_pem: Option<String>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    core: Arc<Core>,
    recovery: Option<String>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("tcp_addr", &self.tcp_addr)
            .field("tls_addr", &self.tls_addr)
            .field("soap_addr", &self.soap_addr)
            .finish()
    }
}

impl SandboxHandle {
    /// The plain TCP address it listens on.
    pub fn tcp_addr(&self) -> Option<SocketAddr> {
        self.tcp_addr
    }
    /// The TLS address it listens on.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }
    /// The SOAP endpoint URL.
    pub fn soap_url(&self) -> Option<String> {
        self.soap_addr
            .map(|a| format!("http://{a}{}", soap::ENDPOINT))
    }
    /// The self-signed TLS certificate (PEM), when TLS is on.
    pub fn cert_pem(&self) -> Option<String> {
        self.cert_pem.clone()
    }
    /// What start-up recovered from the journal, when it replayed one (for a message).
    pub fn recovery(&self) -> Option<&str> {
        self.recovery.as_deref()
    }
    /// Stops listening, closes connections and writes the state a last time: the state file
    /// then holds everything and the journal is gone.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        let core = &self.core;
        core.persistence.flush(&core.store).await;
        if let Err(e) = core.persistence.final_snapshot(&core.store).await {
            tracing::error!("sandbox: cannot write the state file at shutdown (the journal keeps every write): {e}");
        }
    }
}

/// Starts a sandbox on the current tokio runtime.
pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    let (store, recovery) = persist::open_store(&config)?;
    let core = Arc::new(Core::new(&config, store)?);
    let listeners = Listeners::bind(&config).await?;
    let (tcp_addr, tls_addr, soap_addr) = listeners.local_addrs();
    let cert_pem = listeners.cert_pem.clone();
    let (shutdown, shutdown_rx) = watch::channel(false);
    let tasks = spawn_tasks(&core, listeners, &shutdown_rx);
    Ok(SandboxHandle {
        tcp_addr,
        tls_addr,
        soap_addr,
        cert_pem,
        shutdown,
        tasks,
        core,
        recovery,
    })
}

/// The listeners of a sandbox about to start, bound.
struct Listeners {
    tcp: Option<TcpListener>,
    tls: Option<(TcpListener, tokio_rustls::TlsAcceptor)>,
    soap: Option<TcpListener>,
    /// The TLS certificate (PEM), when TLS is on.
    cert_pem: Option<String>,
}

impl Listeners {
    /// Binds every configured address; TLS gets a fresh self-signed certificate.
    async fn bind(config: &SandboxConfig) -> Result<Self, SandboxError> {
        let tcp = match config.tcp_listen {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        let (tls, cert_pem) = match config.tls_listen {
            Some(addr) => {
                let (acceptor, pem) = server::tls_acceptor()?;
                (Some((bind(addr).await?, acceptor)), Some(pem))
            }
            None => (None, None),
        };
        let soap = match config.soap_listen {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        Ok(Listeners {
            tcp,
            tls,
            soap,
            cert_pem,
        })
    }

    /// The addresses bound (a port 0 in the configuration is the real port here).
    fn local_addrs(&self) -> (Option<SocketAddr>, Option<SocketAddr>, Option<SocketAddr>) {
        let addr = |l: Option<&TcpListener>| l.and_then(|l| l.local_addr().ok());
        (
            addr(self.tcp.as_ref()),
            addr(self.tls.as_ref().map(|(l, _)| l)),
            addr(self.soap.as_ref()),
        )
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, SandboxError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| SandboxError::Bind { addr, source })
}

/// Spawns the persister and a task per listener; they all stop once `shutdown` says so.
fn spawn_tasks(
    core: &Arc<Core>,
    listeners: Listeners,
    shutdown: &watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = vec![tokio::spawn(persist::persister(
        core.clone(),
        shutdown.clone(),
    ))];
    if let Some(l) = listeners.tcp {
        tasks.push(tokio::spawn(server::accept_loop(
            l,
            core.clone(),
            None,
            shutdown.clone(),
        )));
    }
    if let Some((l, acceptor)) = listeners.tls {
        tasks.push(tokio::spawn(server::accept_loop(
            l,
            core.clone(),
            Some(acceptor),
            shutdown.clone(),
        )));
    }
    if let Some(l) = listeners.soap {
        tasks.push(tokio::spawn(soap::serve(l, core.clone(), shutdown.clone())));
    }
    tasks
}

/// State and behaviour shared by every connection: the store and its persistence, the
/// administrator accepted, and what shapes replies (latency, recording, fault rules).
pub(crate) struct Core {
    store: Mutex<Store>,
    /// How the store's writes reach the disk.
    persistence: persist::Persistence,
    /// The administrator a login must name.
    user: String,
    password: String,
    /// Response time of each document, counted from its arrival.
    latency: Duration,
    /// The `--record` file.
    record: Option<Mutex<std::fs::File>>,
    faults: Vec<FaultRule>,
    /// Counted commands seen, for numbered rules.
    counter: AtomicU64,
    /// Write commands seen, for `KIND=write:N` rules.
    write_counter: AtomicU64,
}

impl Core {
    /// The core of a sandbox whose state file holds `store`; opens the record file.
    fn new(config: &SandboxConfig, store: Store) -> Result<Self, SandboxError> {
        let record = match &config.record {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| SandboxError::Io(format!("{}: {e}", p.display())))?,
            )),
            None => None,
        };
        Ok(Core {
            store: Mutex::new(store),
            persistence: persist::Persistence::new(config.state_path.clone(), config.compact_every),
            user: config.user.clone(),
            password: config.password.clone(),
            latency: config.latency,
            record,
            faults: config.faults.clone(),
            counter: AtomicU64::new(0),
            write_counter: AtomicU64::new(0),
        })
    }
}

/// Locks the store. A panic while holding the lock cannot leave the store half-written
/// (commands are checked before they change anything), so a poisoned lock is still usable.
fn lock_store(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|e| e.into_inner())
}
