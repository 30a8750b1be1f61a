//! Persistent guardian state behind one small key-value trait: [`MemoryStore`] for tests and the simulator,
//! [`RedbStore`] (an embedded, crash-safe database: every `put` is a committed, fsynced transaction) for the
//! daemon. Values are JSON.

use std::{collections::BTreeMap, path::Path, sync::Mutex};

use redb::{ReadableTable, TableDefinition};

use crate::error::{GuardianError, Result};

/// The tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Table {
    /// What was signed, per (kind, id): never two different still-valid signatures.
    Ledger,
    /// Custody verdicts per validator id.
    Verdicts,
    /// Registrations (validator data) per validator id.
    Registrations,
    /// This guardian's own computed spurt reports (and reward trees) per spurt.
    Reports,
    /// Validators this guardian's own scan flagged for ejection.
    Ejections,
    /// Peer request nonces seen (replay protection).
    Nonces,
    /// Cursors (last block scanned, …).
    Cursors,
}

impl Table {
    const ALL: [Table; 7] = [
        Table::Ledger,
        Table::Verdicts,
        Table::Registrations,
        Table::Reports,
        Table::Ejections,
        Table::Nonces,
        Table::Cursors,
    ];

    fn name(self) -> &'static str {
        match self {
            Table::Ledger => "ledger",
            Table::Verdicts => "verdicts",
            Table::Registrations => "registrations",
            Table::Reports => "reports",
            Table::Ejections => "ejections",
            Table::Nonces => "nonces",
            Table::Cursors => "cursors",
        }
    }

    fn def(self) -> TableDefinition<'static, &'static str, &'static [u8]> {
        TableDefinition::new(self.name())
    }
}

/// Durable key-value storage. Guarantees: a `put` or a successful `insert_new` has reached stable storage when
/// it returns (so a signature released after it survives a crash in the record); `insert_new` is atomic.
pub trait Store: Send + Sync {
    /// The value at `key`.
    ///
    /// # Errors
    /// [`GuardianError::Store`].
    fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>>;
    /// Sets `key` to `value`.
    ///
    /// # Errors
    /// [`GuardianError::Store`].
    fn put(&self, table: Table, key: &str, value: &[u8]) -> Result<()>;
    /// Sets `key` only if absent; `false` when it was present.
    ///
    /// # Errors
    /// [`GuardianError::Store`].
    fn insert_new(&self, table: Table, key: &str, value: &[u8]) -> Result<bool>;
    /// Removes `key`.
    ///
    /// # Errors
    /// [`GuardianError::Store`].
    fn remove(&self, table: Table, key: &str) -> Result<()>;
    /// Every entry of `table`, in key order.
    ///
    /// # Errors
    /// [`GuardianError::Store`].
    fn list(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>>;
}

/// In-memory store (lost on drop).
#[derive(Debug, Default)]
pub struct MemoryStore {
    tables: Mutex<BTreeMap<(Table, String), Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(Table, String), Vec<u8>>> {
        self.tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Store for MemoryStore {
    fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.lock().get(&(table, key.to_owned())).cloned())
    }
    fn put(&self, table: Table, key: &str, value: &[u8]) -> Result<()> {
        self.lock().insert((table, key.to_owned()), value.to_vec());
        Ok(())
    }
    fn insert_new(&self, table: Table, key: &str, value: &[u8]) -> Result<bool> {
        let mut t = self.lock();
        let k = (table, key.to_owned());
        if t.contains_key(&k) {
            return Ok(false);
        }
        t.insert(k, value.to_vec());
        Ok(true)
    }
    fn remove(&self, table: Table, key: &str) -> Result<()> {
        self.lock().remove(&(table, key.to_owned()));
        Ok(())
    }
    fn list(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self
            .lock()
            .iter()
            .filter(|((t, _), _)| *t == table)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect())
    }
}

/// The daemon's store: one redb file.
#[derive(Debug)]
pub struct RedbStore {
    db: redb::Database,
    path: String,
}

impl RedbStore {
    /// Opens (or creates) the database at `path`.
    ///
    /// # Errors
    /// [`GuardianError::Store`] naming the file (e.g. another process holds it).
    pub fn open(path: &Path) -> Result<Self> {
        let p = path.display().to_string();
        let db = redb::Database::create(path).map_err(|e| store_err(&p, e))?;
        let txn = db.begin_write().map_err(|e| store_err(&p, e))?;
        for t in Table::ALL {
            txn.open_table(t.def()).map_err(|e| store_err(&p, e))?;
        }
        txn.commit().map_err(|e| store_err(&p, e))?;
        Ok(Self { db, path: p })
    }

    fn err(&self, e: impl std::fmt::Display) -> GuardianError {
        store_err(&self.path, e)
    }
}

fn store_err(path: &str, e: impl std::fmt::Display) -> GuardianError {
    GuardianError::Store {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

impl Store for RedbStore {
    fn get(&self, table: Table, key: &str) -> Result<Option<Vec<u8>>> {
        let txn = self.db.begin_read().map_err(|e| self.err(e))?;
        let t = txn.open_table(table.def()).map_err(|e| self.err(e))?;
        Ok(t.get(key)
            .map_err(|e| self.err(e))?
            .map(|v| v.value().to_vec()))
    }

    fn put(&self, table: Table, key: &str, value: &[u8]) -> Result<()> {
        let txn = self.db.begin_write().map_err(|e| self.err(e))?;
        {
            let mut t = txn.open_table(table.def()).map_err(|e| self.err(e))?;
            t.insert(key, value).map_err(|e| self.err(e))?;
        }
        txn.commit().map_err(|e| self.err(e))
    }

    fn insert_new(&self, table: Table, key: &str, value: &[u8]) -> Result<bool> {
        let txn = self.db.begin_write().map_err(|e| self.err(e))?;
        let inserted = {
            let mut t = txn.open_table(table.def()).map_err(|e| self.err(e))?;
            if t.get(key).map_err(|e| self.err(e))?.is_some() {
                false
            } else {
                t.insert(key, value).map_err(|e| self.err(e))?;
                true
            }
        };
        txn.commit().map_err(|e| self.err(e))?;
        Ok(inserted)
    }

    fn remove(&self, table: Table, key: &str) -> Result<()> {
        let txn = self.db.begin_write().map_err(|e| self.err(e))?;
        {
            let mut t = txn.open_table(table.def()).map_err(|e| self.err(e))?;
            t.remove(key).map_err(|e| self.err(e))?;
        }
        txn.commit().map_err(|e| self.err(e))
    }

    fn list(&self, table: Table) -> Result<Vec<(String, Vec<u8>)>> {
        let txn = self.db.begin_read().map_err(|e| self.err(e))?;
        let t = txn.open_table(table.def()).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for entry in t.iter().map_err(|e| self.err(e))? {
            let (k, v) = entry.map_err(|e| self.err(e))?;
            out.push((k.value().to_owned(), v.value().to_vec()));
        }
        Ok(out)
    }
}

/// Reads a JSON value.
///
/// # Errors
/// Store errors; [`GuardianError::Decode`] for a corrupt value.
pub fn get_json<T: serde::de::DeserializeOwned>(
    store: &dyn Store,
    table: Table,
    key: &str,
) -> Result<Option<T>> {
    store
        .get(table, key)?
        .map(|bytes| {
            serde_json::from_slice(&bytes).map_err(|e| GuardianError::Decode {
                what: format!("{} entry {key}", table.name()),
                reason: e.to_string(),
            })
        })
        .transpose()
}

/// Writes a JSON value.
///
/// # Errors
/// Store errors.
pub fn put_json<T: serde::Serialize>(
    store: &dyn Store,
    table: Table,
    key: &str,
    value: &T,
) -> Result<()> {
    let bytes = serde_json::to_vec(value).map_err(|e| GuardianError::Decode {
        what: format!("{} entry {key}", table.name()),
        reason: e.to_string(),
    })?;
    store.put(table, key, &bytes)
}
