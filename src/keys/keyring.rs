//! A set of private keys, so that envelopes sealed to a retired key still
//! open after the company rotates to a new one.

use crate::prelude::*;

use core::fmt;

use super::{KeyId, PrivateKey};

/// Several private keys, looked up by key id.
///
/// Keys keep the order they were added in; a key whose id is already
/// present is not added twice. `Debug` lists the key ids only.
#[derive(Clone, Default)]
pub struct Keyring {
    // A handful of keys at most: a linear scan beats a map here and keeps
    // insertion order for listings.
    keys: Vec<PrivateKey>,
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `key`; returns `false` (and drops `key`) if a key with the same
    /// id is already present.
    pub fn add(&mut self, key: PrivateKey) -> bool {
        if self.get(key.key_id().as_str()).is_some() {
            return false;
        }
        self.keys.push(key);
        true
    }

    /// The key whose id is `kid`, if any.
    pub fn get(&self, kid: &str) -> Option<&PrivateKey> {
        self.keys.iter().find(|k| k.key_id().as_str() == kid)
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the keyring has no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The ids of the keys, in the order they were added.
    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.iter().map(PrivateKey::key_id)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kids: Vec<&str> = self.key_ids().map(KeyId::as_str).collect();
        f.debug_struct("Keyring").field("kids", &kids).finish()
    }
}

impl From<PrivateKey> for Keyring {
    fn from(key: PrivateKey) -> Self {
        Keyring { keys: vec![key] }
    }
}

impl FromIterator<PrivateKey> for Keyring {
    /// Collects keys, skipping any whose id is already present.
    fn from_iter<I: IntoIterator<Item = PrivateKey>>(iter: I) -> Self {
        let mut ring = Keyring::new();
        for key in iter {
            ring.add(key);
        }
        ring
    }
}

impl Extend<PrivateKey> for Keyring {
    /// Adds keys, skipping any whose id is already present.
    fn extend<I: IntoIterator<Item = PrivateKey>>(&mut self, iter: I) {
        for key in iter {
            self.add(key);
        }
    }
}
