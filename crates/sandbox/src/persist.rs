//! How the store stays durable: the state loaded (or recovered from its journal) at start,
//! every write appended to the journal and fsync'd before its reply (group commit: documents
//! arriving together share one fsync), the state file rewritten in the background once the
//! journal outgrows it (compaction), and a last time at a clean stop.

use crate::journal::{self, JournalRecord};
use crate::state;
use crate::store::Store;
use crate::{lock_store, seed, Core, SandboxConfig, SandboxError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Notify};

/// Compaction waits for at least this much journal, so small states are not rewritten often.
const COMPACT_MIN_JOURNAL: u64 = 4 << 20;

/// The store as start-up finds it on disk, and what it recovered (for a message).
///
/// A fresh start (`reset`, or no state file) writes the seed (or `--seed`) as the state file;
/// otherwise the state file is read and its journal replayed, then folded into the state file
/// so the sandbox starts with an empty journal.
pub(crate) fn open_store(config: &SandboxConfig) -> Result<(Store, Option<String>), SandboxError> {
    let path = &config.state_path;
    let io = |e: std::io::Error| SandboxError::Io(format!("{}: {e}", path.display()));
    let jpath = journal::path(path);
    if config.reset || !path.exists() {
        let initial = match &config.seed {
            Some(p) => state::load(p).map_err(SandboxError::State)?,
            None => seed::seed_state(),
        };
        let store = Store::new(initial).map_err(SandboxError::State)?;
        // The old journal goes first: a crash in between must not replay it onto the seed.
        journal::remove(&jpath).map_err(io)?;
        let bytes = state::snapshot_bytes(&store.snapshot(), 0, 0);
        state::write_atomic(path, &bytes).map_err(io)?;
        return Ok((store, None));
    }
    let loaded = state::load_full(path).map_err(SandboxError::State)?;
    let store = Store::with_version(loaded.state, loaded.seq).map_err(SandboxError::State)?;
    if loaded.replayed == 0 && !loaded.torn_tail {
        return Ok((store, None));
    }
    // Fold the journal into the state file so the sandbox starts with an empty one (and a torn
    // last record is gone for good).
    let bytes = state::snapshot_bytes(&store.snapshot(), store.version(), 0);
    state::write_atomic(path, &bytes).map_err(io)?;
    journal::remove(&jpath).map_err(io)?;
    let recovery = format!(
        "replayed {} journal record(s) from {}{}",
        loaded.replayed,
        jpath.display(),
        if loaded.torn_tail {
            "; dropped a torn last record (a write cut short by a crash, never acknowledged)"
        } else {
            ""
        }
    );
    Ok((store, Some(recovery)))
}

#[derive(Debug, Default, Clone)]
struct Durable {
    /// Store version known to be on disk.
    version: u64,
    /// The last persist failure, and the version it tried to write.
    error: Option<(u64, String)>,
}

/// Journal records of acknowledged-to-be writes not yet handed to the journal file.
#[derive(Default)]
struct Pending {
    /// JSON lines, in write order (appended under the store lock).
    bytes: Vec<u8>,
    /// The seq of the last record in `bytes`.
    last_seq: u64,
}

/// The journal file and compaction, owned by whoever flushes (the persister, or shutdown).
struct Writer {
    /// Open for appending once the first record is written.
    file: Option<std::fs::File>,
    /// Bytes in the journal file.
    len: u64,
    /// Bytes of the state file (compaction starts when the journal outgrows it).
    snapshot_len: u64,
    /// Records appended since the running compaction took its copy (the next journal).
    tail: Option<Vec<u8>>,
    /// The compaction writing the state file: (seq it holds, its length).
    compacting: Option<tokio::task::JoinHandle<Result<(u64, u64), String>>>,
}

/// The store's way to disk: queued records, the journal writer, and who waits for what.
pub(crate) struct Persistence {
    pending: Mutex<Pending>,
    writer: tokio::sync::Mutex<Writer>,
    /// Wakes the persister.
    wake: Notify,
    durable: watch::Sender<Durable>,
    state_path: PathBuf,
    journal_path: PathBuf,
    compact_every: Option<u64>,
}

impl Persistence {
    /// Persistence for a state file just written or recovered (its journal is empty).
    pub(crate) fn new(state_path: PathBuf, compact_every: Option<u64>) -> Self {
        let snapshot_len = std::fs::metadata(&state_path).map(|m| m.len()).unwrap_or(0);
        let (durable, _) = watch::channel(Durable::default());
        Persistence {
            pending: Mutex::new(Pending::default()),
            writer: tokio::sync::Mutex::new(Writer {
                file: None,
                len: 0,
                snapshot_len,
                tail: None,
                compacting: None,
            }),
            wake: Notify::new(),
            durable,
            journal_path: journal::path(&state_path),
            state_path,
            compact_every,
        }
    }

    /// Queues a write's record for the journal. Called under the store lock, so the journal
    /// keeps write order.
    pub(crate) fn queue(&self, rec: &JournalRecord) {
        let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let _ = serde_json::to_writer(&mut p.bytes, rec);
        p.bytes.push(b'\n');
        p.last_seq = rec.seq;
    }

    /// Waits until the write numbered `version` is on disk (the persister is woken for it).
    pub(crate) async fn wait_durable(&self, version: u64) -> Result<(), String> {
        let mut rx = self.durable.subscribe();
        self.wake.notify_one();
        loop {
            {
                let d = rx.borrow_and_update();
                if d.version >= version {
                    return Ok(());
                }
                if let Some((v, e)) = &d.error {
                    if *v >= version {
                        return Err(e.clone());
                    }
                }
            }
            rx.changed()
                .await
                .map_err(|_| "the sandbox is shutting down".to_string())?;
        }
    }

    /// Group commit: appends every queued journal record to the journal in one write, fsyncs
    /// it and tells the waiters; a write therefore costs O(its hunt group), not O(state).
    /// Starts a compaction when the journal has outgrown the state file.
    pub(crate) async fn flush(&self, store: &Mutex<Store>) {
        let mut w = self.writer.lock().await;
        self.finish_compaction(&mut w, false).await;
        if self.append(&mut w).await {
            self.start_compaction(&mut w, store);
        }
    }

    /// Appends the queued records to the journal; true when it wrote any. On failure the
    /// records go back in front of the queue and the waiters learn the error.
    async fn append(&self, w: &mut Writer) -> bool {
        let (bytes, seq) = {
            let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            (std::mem::take(&mut p.bytes), p.last_seq)
        };
        if bytes.is_empty() {
            return false;
        }
        let file = w.file.take();
        let path = self.journal_path.clone();
        let old_len = w.len;
        let r = tokio::task::spawn_blocking(move || journal::append(file, &path, old_len, bytes))
            .await
            .unwrap_or_else(|e| Err((None, Vec::new(), e.to_string())));
        match r {
            Ok((file, bytes)) => {
                w.file = Some(file);
                w.len += bytes.len() as u64;
                if let Some(t) = &mut w.tail {
                    t.extend_from_slice(&bytes);
                }
                self.durable.send_modify(|d| {
                    d.version = d.version.max(seq);
                    d.error = None;
                });
                true
            }
            Err((file, bytes, e)) => {
                w.file = file;
                // Back in front of the queue: the next flush retries them, so the journal
                // never skips a write number.
                let mut p = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                let mut again = bytes;
                again.extend_from_slice(&p.bytes);
                p.bytes = again;
                let msg = format!("{}: {e}", self.journal_path.display());
                self.durable.send_modify(|d| d.error = Some((seq, msg)));
                false
            }
        }
    }

    /// Starts writing the state file in the background when the journal has outgrown it
    /// (and no compaction runs yet).
    fn start_compaction(&self, w: &mut Writer, store: &Mutex<Store>) {
        let limit = self
            .compact_every
            .unwrap_or_else(|| COMPACT_MIN_JOURNAL.max(w.snapshot_len));
        if w.compacting.is_some() || w.len <= limit {
            return;
        }
        // The copy is O(state) under the lock, but happens once per journal as large as
        // the state, so each write's share stays O(1); serialising runs off the lock.
        let (seq, snapshot) = {
            let st = lock_store(store);
            (st.version(), st.snapshot())
        };
        let path = self.state_path.clone();
        let cap = w.snapshot_len as usize;
        w.tail = Some(Vec::new());
        w.compacting = Some(tokio::task::spawn_blocking(move || {
            let bytes = state::snapshot_bytes(&snapshot, seq, cap + cap / 8 + 4096);
            drop(snapshot);
            state::write_atomic(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((seq, bytes.len() as u64))
        }));
    }

    /// When the compaction's state file is written, replaces the journal by the records
    /// appended since (their seq is past the state file's, or is skipped on replay). With
    /// `wait`, waits for a running compaction.
    async fn finish_compaction(&self, w: &mut Writer, wait: bool) {
        let Some(h) = w.compacting.take_if(|h| wait || h.is_finished()) else {
            return;
        };
        let tail = w.tail.take().unwrap_or_default();
        match h.await {
            Ok(Ok((_, len))) => {
                let path = self.journal_path.clone();
                let file = w.file.take();
                drop(file);
                let n = tail.len() as u64;
                let r = tokio::task::spawn_blocking(move || journal::rewrite(&path, &tail))
                    .await
                    .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
                match r {
                    Ok(f) => {
                        w.file = Some(f);
                        w.len = n;
                    }
                    Err(e) => {
                        // The old journal is intact (only a temp file was involved): keep it.
                        tracing::error!("sandbox: cannot rewrite the journal: {e}");
                    }
                }
                w.snapshot_len = len;
            }
            Ok(Err(e)) => {
                tracing::error!("sandbox: compaction failed (the journal keeps every write): {e}");
                w.snapshot_len = w.len;
            }
            Err(e) => {
                tracing::error!("sandbox: compaction failed: {e}");
                w.snapshot_len = w.len;
            }
        }
    }

    /// Writes the whole state to the state file and removes the journal (clean shutdown).
    pub(crate) async fn final_snapshot(&self, store: &Mutex<Store>) -> Result<(), String> {
        let mut w = self.writer.lock().await;
        self.finish_compaction(&mut w, true).await;
        let (seq, snapshot) = {
            let st = lock_store(store);
            // Nothing to fold in only when no journal file is left (a compaction can leave an
            // empty one behind).
            if st.version() <= self.durable.borrow().version
                && w.len == 0
                && !self.journal_path.exists()
            {
                return Ok(());
            }
            (st.version(), st.snapshot())
        };
        w.file = None;
        let path = self.state_path.clone();
        let jpath = self.journal_path.clone();
        let cap = w.snapshot_len as usize;
        tokio::task::spawn_blocking(move || {
            let bytes = state::snapshot_bytes(&snapshot, seq, cap + cap / 8 + 4096);
            state::write_atomic(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            journal::remove(&jpath).map_err(|e| format!("{}: {e}", jpath.display()))
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

/// The persister task. Group commit: one write covers every document that waits for it.
pub(crate) async fn persister(core: Arc<Core>, mut shutdown: watch::Receiver<bool>) {
    let p = &core.persistence;
    loop {
        tokio::select! {
            _ = p.wake.notified() => p.flush(&core.store).await,
            r = shutdown.changed() => {
                if r.is_err() || *shutdown.borrow() {
                    p.flush(&core.store).await;
                    return;
                }
            }
        }
    }
}
