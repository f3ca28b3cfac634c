//! Secrets kept in this process's memory only, for when there is no usable keychain and the user accepted losing them at exit.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::{Secret, SecretRef};

/// Clones share one map: the app hands the same store to every command.
#[derive(Clone, Default)]
pub(crate) struct SessionMemoryStore {
    secrets: Arc<Mutex<HashMap<SecretRef, Secret>>>,
}

impl SessionMemoryStore {
    /// A panic while the lock was held cannot leave the map half-updated (each operation is
    /// one map call), so a poisoned lock is still safe to use.
    fn secrets(&self) -> MutexGuard<'_, HashMap<SecretRef, Secret>> {
        self.secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn put(&self, reference: &SecretRef, secret: &Secret) {
        self.secrets().insert(reference.clone(), secret.clone());
    }

    pub(crate) fn get(&self, reference: &SecretRef) -> Option<Secret> {
        self.secrets().get(reference).cloned()
    }

    pub(crate) fn delete(&self, reference: &SecretRef) {
        self.secrets().remove(reference);
    }
}

impl fmt::Debug for SessionMemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionMemoryStore")
            .field("entries", &self.secrets().len())
            .finish()
    }
}
