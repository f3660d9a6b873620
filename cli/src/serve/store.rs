//! The envelope store: one SQLite file, `DATA/orders.db`.
//!
//! Durability: WAL mode with `synchronous=FULL`, so a commit has reached
//! the disk (fsync of the WAL) when `COMMIT` returns, and a submission is
//! answered only after that. One writer thread owns the write connection
//! and commits whatever submissions are waiting together (group commit):
//! one fsync for many orders under load, still none answered early.
//! Exports read through their own read-only connections, which WAL lets
//! run beside the writer.
//!
//! Only envelopes (ciphertext and their clear header) and public keys are
//! stored; nothing here could decrypt them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::SystemTime;

use axum::body::Bytes;
use orderseal::PublicKey;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use tokio::sync::{mpsc, oneshot};

/// The database file's name in the data directory.
pub const DB_FILE: &str = "orders.db";
/// Most submissions committed in one transaction.
const MAX_BATCH: usize = 512;
/// Submissions waiting for the writer before senders wait too.
const QUEUE: usize = 4096;
/// How often committed pages move from the WAL into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);
/// How often the writer completes a checkpoint so that the WAL restarts.
const WRITER_CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orders (
    -- AUTOINCREMENT: ids are never reused, so `since` is a safe cursor.
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    sid      TEXT NOT NULL UNIQUE,
    kid      TEXT NOT NULL,
    received TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    envelope BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (
    kid         TEXT PRIMARY KEY,
    jwk         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created     TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL DEFAULT 0
);
";

/// What a stored submission is acknowledged with.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    /// The envelope's submission id.
    pub sid: String,
    /// SHA-256 of the stored bytes, lowercase hex.
    pub sha256: String,
    /// When the server first received it (RFC 3339, UTC).
    pub received: String,
}

/// The result of storing a submission.
#[derive(Debug)]
pub enum Outcome {
    /// Stored now (and committed).
    Created(Receipt),
    /// Already stored with exactly these bytes: the first receipt.
    Existing(Receipt),
    /// Already stored with other bytes: nothing done.
    Conflict,
}

/// One submission for the writer.
pub struct Submission {
    /// Submission id (base64url text, as in the envelope).
    pub sid: String,
    /// Key id of the envelope.
    pub kid: String,
    /// SHA-256 of `bytes`, hex.
    pub sha256: String,
    /// The envelope exactly as received.
    pub bytes: Bytes,
    /// When the request arrived (RFC 3339).
    pub received: String,
}

struct Job {
    submission: Submission,
    reply: oneshot::Sender<Result<Outcome, String>>,
}

/// An active public key, as the manifest lists it.
pub struct ActiveKey {
    /// Key id (16 hex).
    pub kid: String,
    /// `kid` in groups of four.
    pub kid_grouped: String,
    /// The JWK, as JSON.
    pub jwk: serde_json::Value,
    /// SHA-256 of the point, hex.
    pub fingerprint: String,
    /// The fingerprint in groups of four, for people.
    pub fingerprint_grouped: String,
    /// When this server first saw the key (RFC 3339).
    pub created: String,
}

/// The active keys, newest first: pages seal to the newest (`created`: when
/// this server first saw the key), the others are accepted during a
/// rotation.
pub struct ActiveKeys(Vec<ActiveKey>);

impl ActiveKeys {
    /// The keys, first one first.
    pub fn keys(&self) -> &[ActiveKey] {
        &self.0
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `kid` is one of them.
    pub fn contains(&self, kid: &str) -> bool {
        self.0.iter().any(|k| k.kid == kid)
    }
}

/// A handle on the store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    data: PathBuf,
    queue: Mutex<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    checkpointer: Mutex<Option<(std::sync::mpsc::Sender<()>, JoinHandle<()>)>>,
    /// The write connection, until the writer thread takes it.
    setup: Mutex<Option<Connection>>,
}

/// `received` timestamps: RFC 3339, UTC, milliseconds.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

fn open_writer(path: &Path) -> Result<Connection, String> {
    let setup = || -> rusqlite::Result<(Connection, String)> {
        let conn = Connection::open(path)?;
        // `journal_mode` answers with the mode now in force.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        // FULL: the WAL is synced at every commit, so a 201 survives power loss.
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Checkpoints run on their own thread (see `checkpointer`), not in
        // the middle of a commit that someone is waiting for.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        // After a checkpoint resets the WAL, truncate it back to this size.
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        Ok((conn, mode))
    };
    let (conn, mode) = setup().map_err(|e| e.to_string())?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("SQLite refused WAL mode (got {mode})"));
    }
    Ok(conn)
}

impl Store {
    /// Opens (or creates) `DATA/orders.db`, creating `DATA` with mode 0700.
    pub fn open(data: &Path) -> Result<Store, String> {
        create_private_dir(data)?;
        let path = data.join(DB_FILE);
        let conn = open_writer(&path)?;
        Ok(Store {
            inner: Arc::new(Inner {
                path,
                data: data.to_owned(),
                queue: Mutex::new(None),
                writer: Mutex::new(None),
                checkpointer: Mutex::new(None),
                setup: Mutex::new(Some(conn)),
            }),
        })
    }

    /// Records the keys given on the command line and makes exactly them
    /// active, in that order; with none given, keeps the ones active at the
    /// last start. Writes each given key to `DATA/keys/<kid>.pub.pem` and
    /// starts the writer thread.
    pub fn activate_keys(&self, given: &[PublicKey]) -> Result<ActiveKeys, String> {
        let mut guard = self.inner.setup.lock().map_err(|_| "store lock poisoned")?;
        let conn = guard.as_mut().ok_or("the store is already running")?;
        if !given.is_empty() {
            let keys_dir = self.inner.data.join("keys");
            create_private_dir(&keys_dir)?;
            let tx = conn.transaction().map_err(|e| e.to_string())?;
            tx.execute("UPDATE keys SET active = 0, position = 0", [])
                .map_err(|e| e.to_string())?;
            let now = SystemTime::now();
            for (i, key) in given.iter().enumerate() {
                let kid = key.key_id().as_str();
                // A key new to this server is `created` now; keys new at
                // the same start are 1 ms apart, first given newest, so
                // that "newest" (what pages seal to) is never a tie.
                let ms = u64::try_from(i).unwrap_or(u64::MAX);
                let created = humantime::format_rfc3339_millis(
                    now.checked_sub(std::time::Duration::from_millis(ms))
                        .unwrap_or(now),
                )
                .to_string();
                tx.execute(
                    "INSERT INTO keys (kid, jwk, fingerprint, created, active, position)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5)
                     ON CONFLICT (kid) DO UPDATE SET active = 1, position = ?5",
                    params![
                        kid,
                        key.to_jwk(),
                        key.fingerprint().to_hex(),
                        created,
                        i64::try_from(i).unwrap_or(i64::MAX)
                    ],
                )
                .map_err(|e| e.to_string())?;
                let pem_path = keys_dir.join(format!("{kid}.pub.pem"));
                if !pem_path.exists() {
                    std::fs::write(&pem_path, key.to_spki_pem())
                        .map_err(|e| format!("cannot write {}: {e}", pem_path.display()))?;
                }
            }
            tx.commit().map_err(|e| e.to_string())?;
        }
        let keys = load_active(conn)?;
        let conn = guard.take().ok_or("the store is already running")?;
        drop(guard);
        self.start_writer(conn)?;
        Ok(keys)
    }

    fn start_writer(&self, conn: Connection) -> Result<(), String> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let handle = std::thread::Builder::new()
            .name("orderseal-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| format!("cannot start the writer thread: {e}"))?;
        let (stop, stopped) = std::sync::mpsc::channel();
        let path = self.inner.path.clone();
        let checkpointer = std::thread::Builder::new()
            .name("orderseal-checkpoint".into())
            .spawn(move || checkpointer(&path, &stopped))
            .map_err(|e| format!("cannot start the checkpoint thread: {e}"))?;
        *self
            .inner
            .checkpointer
            .lock()
            .map_err(|_| "store lock poisoned")? = Some((stop, checkpointer));
        *self.inner.queue.lock().map_err(|_| "store lock poisoned")? = Some(tx);
        *self
            .inner
            .writer
            .lock()
            .map_err(|_| "store lock poisoned")? = Some(handle);
        Ok(())
    }

    /// Stores a submission; resolves once it is committed (or found).
    pub async fn submit(&self, submission: Submission) -> Result<Outcome, String> {
        let queue = self
            .inner
            .queue
            .lock()
            .map_err(|_| "store lock poisoned".to_owned())?
            .clone()
            .ok_or_else(|| "the store is closed".to_owned())?;
        let (reply, answer) = oneshot::channel();
        queue
            .send(Job { submission, reply })
            .await
            .map_err(|_| "the store is closed".to_owned())?;
        answer
            .await
            .map_err(|_| "the writer stopped before answering".to_owned())?
    }

    /// Stops taking submissions and waits for the writer to commit the
    /// ones it has.
    pub fn close(&self) {
        if let Ok(mut q) = self.inner.queue.lock() {
            q.take();
        }
        let handle = self.inner.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(handle) = handle {
            let _ = handle.join();
        }
        let checkpointer = self
            .inner
            .checkpointer
            .lock()
            .ok()
            .and_then(|mut c| c.take());
        if let Some((stop, handle)) = checkpointer {
            drop(stop);
            let _ = handle.join();
        }
    }

    /// A read-only connection for one export.
    pub fn reader(&self) -> rusqlite::Result<Reader> {
        let conn = Connection::open_with_flags(
            &self.inner.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(Reader { conn })
    }
}

/// One stored order, as exported.
pub struct Record {
    /// The row id: the export cursor.
    pub id: i64,
    /// When it was received (RFC 3339).
    pub received: String,
    /// SHA-256 of `envelope`, hex.
    pub sha256: String,
    /// The envelope exactly as received.
    pub envelope: Vec<u8>,
}

/// A read-only view of the store.
pub struct Reader {
    conn: Connection,
}

impl Reader {
    /// Calls `each` on the orders with `id > since`, oldest first, at most
    /// `limit` of them, until `each` returns false.
    pub fn for_each(
        &self,
        since: i64,
        limit: i64,
        mut each: impl FnMut(Record) -> bool,
    ) -> rusqlite::Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT id, received, sha256, envelope FROM orders
             WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let mut rows = stmt.query(params![since, limit])?;
        while let Some(row) = rows.next()? {
            let record = Record {
                id: row.get(0)?,
                received: row.get(1)?,
                sha256: row.get(2)?,
                envelope: row.get(3)?,
            };
            if !each(record) {
                break;
            }
        }
        Ok(())
    }
}

fn load_active(conn: &Connection) -> Result<ActiveKeys, String> {
    let rows = (|| -> rusqlite::Result<Vec<(String, String, String, String)>> {
        let mut stmt = conn.prepare(
            "SELECT kid, jwk, fingerprint, created FROM keys WHERE active = 1
             ORDER BY created DESC, position",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
        rows.collect()
    })()
    .map_err(|e| e.to_string())?;
    let mut keys = Vec::new();
    for (kid, jwk, fingerprint, created) in rows {
        // Re-parse what we wrote: a row that no longer reads as a key is
        // not served.
        let key = PublicKey::from_jwk(&jwk).map_err(|e| format!("stored key {kid}: {e}"))?;
        keys.push(ActiveKey {
            kid_grouped: key.key_id().grouped(),
            jwk: key.to_jwk_value(),
            fingerprint_grouped: key.fingerprint().to_string(),
            kid,
            fingerprint,
            created,
        });
    }
    Ok(ActiveKeys(keys))
}

/// The writer: takes what is queued, commits it in one transaction, then
/// answers. Runs until every sender is gone.
fn writer_loop(mut conn: Connection, mut rx: mpsc::Receiver<Job>) {
    let mut last_checkpoint = std::time::Instant::now();
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match commit_batch(&mut conn, &batch) {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!("storing {} submission(s) failed: {e}", batch.len());
                for job in batch {
                    let _ = job
                        .reply
                        .send(Err("the order could not be stored".to_owned()));
                }
            }
        }
        // Under a steady stream the background checkpoints never catch up
        // with the last frame, so the WAL would never restart and would grow
        // without bound. Once a second, after answering, the writer finishes
        // the checkpoint itself: only what the background thread has not
        // copied yet is left, and the next commit restarts the WAL.
        if last_checkpoint.elapsed() >= WRITER_CHECKPOINT_EVERY {
            if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                tracing::warn!("checkpoint: {e}");
            }
            last_checkpoint = std::time::Instant::now();
        }
    }
}

/// Copies committed pages from the WAL into the database every
/// [`CHECKPOINT_EVERY`], PASSIVE: it never blocks the writer or readers,
/// so no submission waits for a checkpoint. Stops when `stop` is dropped.
fn checkpointer(path: &Path, stop: &std::sync::mpsc::Receiver<()>) {
    let conn = match Connection::open(path) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::error!("checkpoint thread: {e}");
            return;
        }
    };
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY)
    {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!("checkpoint: {e}");
        }
    }
}

fn commit_batch(conn: &mut Connection, batch: &[Job]) -> rusqlite::Result<Vec<Outcome>> {
    let tx = conn.transaction()?;
    let mut outcomes = Vec::with_capacity(batch.len());
    {
        let mut find = tx.prepare_cached("SELECT sha256, received FROM orders WHERE sid = ?1")?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO orders (sid, kid, received, sha256, envelope) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for job in batch {
            let s = &job.submission;
            let found: Option<(String, String)> = find
                .query_row(params![s.sid], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let outcome = match found {
                Some((sha256, received)) if sha256 == s.sha256 => Outcome::Existing(Receipt {
                    sid: s.sid.clone(),
                    sha256,
                    received,
                }),
                Some(_) => Outcome::Conflict,
                None => {
                    insert.execute(params![s.sid, s.kid, s.received, s.sha256, &s.bytes[..]])?;
                    Outcome::Created(Receipt {
                        sid: s.sid.clone(),
                        sha256: s.sha256.clone(),
                        received: s.received.clone(),
                    })
                }
            };
            outcomes.push(outcome);
        }
    }
    // With synchronous=FULL this returns after the WAL is on disk.
    tx.commit()?;
    Ok(outcomes)
}

/// Creates `dir` (and parents) with mode 0700 if it is missing.
fn create_private_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))
}
