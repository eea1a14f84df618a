//! A pool of logged-in sessions that carries out batches of commands concurrently.

use super::client_error::ClientError;
use super::messages::{Request, Response};
use super::session::{SendError, Session};
use super::settings::{ConnectionSettings, MAX_BATCH};
use super::transport::Shared;
use super::{CommandFailure, Execute};
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Called with the number of commands finished, after each document.
pub type ProgressFn = Arc<dyn Fn(usize) + Send + Sync>;

type CommandResult = Result<Response, CommandFailure>;

struct Inner {
    settings: ConnectionSettings,
    shared: Shared,
    /// One slot per session; a worker holds a slot's lock while it uses the session.
    slots: Vec<Arc<Mutex<Option<Session>>>>,
    progress: std::sync::Mutex<Option<ProgressFn>>,
}

/// N logged-in sessions (`--parallelism`), each logging in once, used concurrently.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("url", &self.inner.settings.url)
            .field("sessions", &self.inner.slots.len())
            .finish()
    }
}

impl Pool {
    /// Logs in every session at once, but sends the password on the first one only until it
    /// is accepted: the others connect and fetch their nonce meanwhile, then send theirs as
    /// soon as the first login succeeded. So every session is ready by the time the first
    /// document (sent on the first session) has its reply, and a wrong password is tried
    /// once, not once per session. Returns once the first session is logged in (bad
    /// credentials fail here, naming the user). A background login that fails leaves its
    /// slot empty: the slot logs in again when first needed.
    pub async fn connect(settings: ConnectionSettings) -> Result<Pool, ClientError> {
        let shared = Shared::new(&settings)?;
        let n = settings.parallelism.max(1);
        let slots = (0..n).map(|_| Arc::new(Mutex::new(None))).collect();
        let inner = Arc::new(Inner {
            settings,
            shared,
            slots,
            progress: std::sync::Mutex::new(None),
        });
        // The first session's login verdict: `Some(true)` once its password was accepted.
        let (verdict, verdict_rx) = tokio::sync::watch::channel(None::<bool>);
        for i in 1..n {
            // Take the slot's lock before returning, so a worker (or close) waits for the
            // login under way instead of opening a second session for the same slot.
            let Ok(mut guard) = inner.slots[i].clone().try_lock_owned() else {
                continue;
            };
            let inner = inner.clone();
            let mut verdict_rx = verdict_rx.clone();
            tokio::spawn(async move {
                let t = std::time::Instant::now();
                let pending = match Session::start(&inner.settings, &inner.shared).await {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::debug!("background login failed: {e}");
                        return;
                    }
                };
                let accepted = verdict_rx
                    .wait_for(Option::is_some)
                    .await
                    .is_ok_and(|v| *v == Some(true));
                if !accepted {
                    pending.abandon().await;
                    return;
                }
                match pending.finish(&inner.settings.password).await {
                    Ok(s) => {
                        tracing::debug!(
                            slot = i,
                            ms = t.elapsed().as_secs_f64() * 1000.0,
                            "logged in"
                        );
                        *guard = Some(s);
                    }
                    Err(e) => tracing::debug!("background login failed: {e}"),
                }
            });
        }
        let t = std::time::Instant::now();
        let first = match Session::start(&inner.settings, &inner.shared).await {
            Ok(pending) => pending.finish(&inner.settings.password).await,
            Err(e) => Err(e),
        };
        match first {
            Ok(session) => {
                tracing::debug!(
                    slot = 0,
                    ms = t.elapsed().as_secs_f64() * 1000.0,
                    "logged in"
                );
                *inner.slots[0].lock().await = Some(session);
                let _ = verdict.send(Some(true));
                Ok(Pool { inner })
            }
            Err(e) => {
                let _ = verdict.send(Some(false));
                Err(e)
            }
        }
    }

    /// The settings it was opened with (the password stays masked in Debug).
    pub fn settings(&self) -> &ConnectionSettings {
        &self.inner.settings
    }

    /// Sets (or clears) the progress callback.
    pub fn set_progress(&self, cb: Option<ProgressFn>) {
        if let Ok(mut p) = self.inner.progress.lock() {
            *p = cb;
        }
    }

    /// Logs every open session out, all at once (one round trip, not one per session).
    pub async fn close(self) {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..self.inner.slots.len() {
            let inner = self.inner.clone();
            set.spawn(async move {
                let session = inner.slots[i].lock().await.take();
                if let Some(s) = session {
                    s.logout().await;
                }
            });
        }
        let t = std::time::Instant::now();
        while set.join_next().await.is_some() {}
        tracing::debug!(ms = t.elapsed().as_secs_f64() * 1000.0, "logged out");
    }

    /// Carries out the commands; see [`Execute`].
    pub async fn run(&self, requests: Vec<Request>) -> Vec<CommandResult> {
        let total = requests.len();
        if total == 0 {
            return Vec::new();
        }
        let size = self.inner.settings.batch_size.clamp(1, MAX_BATCH);
        let mut docs = VecDeque::new();
        let mut it = requests.into_iter().peekable();
        let mut start = 0;
        while it.peek().is_some() {
            let chunk: Vec<Request> = it.by_ref().take(size).collect();
            let len = chunk.len();
            docs.push_back((start, chunk));
            start += len;
        }
        let workers = self.inner.slots.len().min(docs.len());
        let queue = Arc::new(std::sync::Mutex::new(docs));
        let mut set = tokio::task::JoinSet::new();
        for w in 0..workers {
            let inner = self.inner.clone();
            let queue = queue.clone();
            set.spawn(async move { worker(inner, w, queue).await });
        }
        let mut results: Vec<Option<CommandResult>> = (0..total).map(|_| None).collect();
        while let Some(done) = set.join_next().await {
            match done {
                Ok(batches) => {
                    for (start, rs) in batches {
                        for (i, r) in rs.into_iter().enumerate() {
                            if let Some(slot) = results.get_mut(start + i) {
                                *slot = Some(r);
                            }
                        }
                    }
                }
                Err(e) => tracing::error!("an OCI-P worker failed: {e}"),
            }
        }
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(CommandFailure::Unknown(
                        "internal error: the worker carrying this command stopped".into(),
                    ))
                })
            })
            .collect()
    }
}

impl Execute for Pool {
    fn execute(
        &self,
        requests: Vec<Request>,
    ) -> impl std::future::Future<Output = Vec<CommandResult>> + Send {
        self.run(requests)
    }
}

type Queue = Arc<std::sync::Mutex<VecDeque<(usize, Vec<Request>)>>>;

async fn worker(
    inner: Arc<Inner>,
    slot_index: usize,
    queue: Queue,
) -> Vec<(usize, Vec<CommandResult>)> {
    let mut out = Vec::new();
    let Some(slot) = inner.slots.get(slot_index) else {
        return out;
    };
    let mut session = slot.lock().await;
    loop {
        let next = match queue.lock() {
            Ok(mut q) => q.pop_front(),
            Err(_) => None,
        };
        let Some((start, chunk)) = next else { break };
        let t = std::time::Instant::now();
        let rs = run_document(&inner, &mut session, &chunk).await;
        tracing::debug!(
            slot = slot_index,
            commands = chunk.len(),
            ms = t.elapsed().as_secs_f64() * 1000.0,
            "document done"
        );
        let progress = inner.progress.lock().ok().and_then(|p| p.clone());
        if let Some(cb) = progress {
            cb(chunk.len());
        }
        out.push((start, rs));
    }
    out
}

fn all(n: usize, f: impl Fn() -> CommandFailure) -> Vec<CommandResult> {
    (0..n).map(|_| Err(f())).collect()
}

/// One document on one session slot, with the retry rules: anything never sent may be sent
/// again; a read-only document may be resent on a fresh session; a write never is.
async fn run_document(
    inner: &Inner,
    slot: &mut Option<Session>,
    chunk: &[Request],
) -> Vec<CommandResult> {
    let reads_only = !chunk.iter().any(Request::is_write);
    let max = inner.settings.read_retries;
    let mut attempts = 0u32;
    loop {
        let session = match slot {
            Some(s) => s,
            None => match Session::open(&inner.settings, &inner.shared).await {
                Ok(s) => slot.insert(s),
                Err(e) => {
                    let msg = format!("no session: {e}");
                    return all(chunk.len(), || CommandFailure::NotSent(msg.clone()));
                }
            },
        };
        match session.send(chunk).await {
            Ok(rs) => return rs.into_iter().map(Ok).collect(),
            Err(SendError::Codec(e)) => {
                let msg = e.to_string();
                return all(chunk.len(), || CommandFailure::BadReply(msg.clone()));
            }
            Err(e @ SendError::Count { .. }) => {
                // The stream may be out of step with our requests: start afresh next time.
                *slot = None;
                let msg = e.to_string();
                return all(chunk.len(), || CommandFailure::BadReply(msg.clone()));
            }
            Err(SendError::Transport(t)) => {
                // A broken or timed-out connection may still deliver a late reply: never reuse it.
                *slot = None;
                let retry_ok = !t.maybe_sent() || reads_only;
                if retry_ok && attempts < max {
                    attempts += 1;
                    tracing::info!("retrying a document on a fresh session ({t})");
                    continue;
                }
                let msg = t.to_string();
                return if t.maybe_sent() {
                    all(chunk.len(), || CommandFailure::Unknown(msg.clone()))
                } else {
                    all(chunk.len(), || CommandFailure::NotSent(msg.clone()))
                };
            }
        }
    }
}
