//! Parsed published versions, kept in memory. Versions never change once written, so a
//! cached copy is always right — also with several server instances — and saving an answer
//! does not re-parse a large wizard each time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use crate::backend::db::Db;
use crate::backend::db::wizards::{self, VersionRow};
use crate::backend::error::{AppError, AppResult};
use crate::domain::Wizard;

/// Most versions kept; beyond it the cache starts over (simple, and versions reload fast).
const CAPACITY: usize = 512;

#[derive(Default)]
pub struct VersionCache {
    parsed: Mutex<HashMap<Uuid, Arc<Wizard>>>,
}

impl VersionCache {
    /// The definition of version `id`, parsed once.
    pub async fn get(&self, db: &Db, id: Uuid) -> AppResult<Arc<Wizard>> {
        if let Some(w) = self.lookup(id) {
            return Ok(w);
        }
        let row = wizards::version_by_id(db, id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("version {id} is missing")))?;
        self.insert(&row)
    }

    /// Parses and caches a row already at hand.
    pub fn insert(&self, row: &VersionRow) -> AppResult<Arc<Wizard>> {
        if let Some(w) = self.lookup(row.id) {
            return Ok(w);
        }
        let w: Wizard = serde_json::from_str(&row.definition).map_err(|e| {
            AppError::Internal(format!("stored version {} is unreadable: {e}", row.id))
        })?;
        let w = Arc::new(w);
        let mut map = self.parsed.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(row.id, w.clone());
        Ok(w)
    }

    fn lookup(&self, id: Uuid) -> Option<Arc<Wizard>> {
        self.parsed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
    }
}
