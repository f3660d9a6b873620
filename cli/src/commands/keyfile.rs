//! Loading key files for the commands: public keys for `encrypt`, private
//! keys and keyrings for `decrypt`, either for `key`. Parsing is the core's;
//! this module decides which kind a command wants and says what to do when
//! it gets the other.

use std::path::Path;

use orderseal::keys::{describe, KeyFileKind};
use orderseal::{Keyring, PrivateKey, PublicKey};
use zeroize::Zeroizing;

use crate::commands::error::CliError;
use crate::commands::input;
use crate::commands::passphrase::Passphrases;
use crate::commands::ui::Ui;

/// Largest key file read: PEM keys are a few hundred bytes, JWKs less.
const MAX_KEY_FILE: usize = 64 * 1024;

/// A key file's content and what it holds.
pub struct KeyFile {
    bytes: Zeroizing<Vec<u8>>,
    kind: KeyFileKind,
}

impl KeyFile {
    /// Reads `path` (`-` for standard input).
    pub fn read(path: &Path) -> Result<KeyFile, CliError> {
        let bytes = input::read_limited(Some(path), MAX_KEY_FILE, "key file")?;
        let kind = describe(&bytes);
        Ok(KeyFile { bytes, kind })
    }
}

/// A key of either kind.
pub enum AnyKey {
    /// A public key.
    Public(PublicKey),
    /// A private key; `encrypted` if the file was.
    Private {
        /// The key.
        key: PrivateKey,
        /// Whether the file is passphrase-encrypted.
        encrypted: bool,
    },
}

impl AnyKey {
    /// The public key (of a private key: its public half).
    pub fn public(&self) -> &PublicKey {
        match self {
            AnyKey::Public(k) => k,
            AnyKey::Private { key, .. } => key.public_key(),
        }
    }
}

/// The public key in `path`, for sealing.
pub fn load_public(path: &Path) -> Result<PublicKey, CliError> {
    let file = KeyFile::read(path)?;
    match file.kind {
        KeyFileKind::PrivateKey | KeyFileKind::EncryptedPrivateKey => Err(CliError::new(format!(
            "{} is a private key; encrypt takes the public key",
            path.display()
        ))
        .with_code("key_malformed")
        .hint(format!(
            "print the public key with `orderseal key public {} > public.pem` \
             and keep the private key in the back office",
            path.display()
        ))),
        _ => PublicKey::parse(&file.bytes).map_err(|e| CliError::core(path.display(), &e)),
    }
}

/// The private key in `path`, for opening.
pub fn load_private(path: &Path, pass: &mut Passphrases) -> Result<PrivateKey, CliError> {
    let file = KeyFile::read(path)?;
    if file.kind == KeyFileKind::PublicKey {
        return Err(CliError::new(format!(
            "{} is a public key, which cannot open envelopes",
            path.display()
        ))
        .with_code("key_malformed")
        .hint("decrypt needs the private key; the public key is for encrypt"));
    }
    private_from(path, &file, pass)
}

fn private_from(
    path: &Path,
    file: &KeyFile,
    pass: &mut Passphrases,
) -> Result<PrivateKey, CliError> {
    let passphrase = match file.kind {
        KeyFileKind::EncryptedPrivateKey => Some(pass.for_key(path)?),
        _ => None,
    };
    PrivateKey::parse(&file.bytes, passphrase).map_err(|e| {
        let err = CliError::core(path.display(), &e);
        if e.code() == "wrong_passphrase" {
            err.with_hints(vec![pass.wrong_hint()])
        } else {
            err
        }
    })
}

/// Whatever key `path` holds, for `orderseal key`.
pub fn load_any(path: &Path, pass: &mut Passphrases) -> Result<AnyKey, CliError> {
    let file = KeyFile::read(path)?;
    match file.kind {
        KeyFileKind::PublicKey => PublicKey::parse(&file.bytes)
            .map(AnyKey::Public)
            .map_err(|e| CliError::core(path.display(), &e)),
        KeyFileKind::PrivateKey | KeyFileKind::EncryptedPrivateKey => Ok(AnyKey::Private {
            key: private_from(path, &file, pass)?,
            encrypted: file.kind == KeyFileKind::EncryptedPrivateKey,
        }),
        KeyFileKind::Unknown => Err(unknown_key_error(path, &file.bytes)),
    }
}

/// The most telling error for a file that is neither kind: a key on
/// another curve or of another type says so, rather than "malformed".
fn unknown_key_error(path: &Path, bytes: &[u8]) -> CliError {
    let public = PublicKey::parse(bytes).err();
    let private = PrivateKey::parse(bytes, None).err();
    let best = [public, private]
        .into_iter()
        .flatten()
        .find(|e| e.code() != "key_malformed")
        .or_else(|| PublicKey::parse(bytes).err());
    match best {
        Some(e) => CliError::core(path.display(), &e),
        None => {
            CliError::new(format!("{}: not a key file", path.display())).with_code("key_malformed")
        }
    }
}

/// Every private key of `keys` and of the directory `dir`, in that order.
///
/// In `dir`, public keys are skipped with a note (a key directory made by
/// `orderseal keygen` has both halves), and so are hidden files and files
/// that are not keys at all. A private key that fails to load stops the
/// command: silently missing a key would fail every order sealed to it.
pub fn load_keyring(
    keys: &[std::path::PathBuf],
    dir: Option<&Path>,
    pass: &mut Passphrases,
    ui: &Ui,
) -> Result<Keyring, CliError> {
    let mut ring = Keyring::new();
    for path in keys {
        let key = load_private(path, pass)?;
        add(&mut ring, key, path, ui);
    }
    if let Some(dir) = dir {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| crate::commands::error::io_error(dir.display(), &e))?
            .filter_map(Result::ok)
            .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
            .filter(|entry| {
                entry
                    .file_type()
                    .is_ok_and(|t| t.is_file() || t.is_symlink())
            })
            .map(|entry| entry.path())
            .collect();
        // Sorted, so that notes and key order do not depend on the file system.
        paths.sort();
        let before = ring.len();
        for path in &paths {
            let file = match KeyFile::read(path) {
                Ok(f) => f,
                Err(_) => {
                    ui.line(&format!(
                        "note: skipping {}: not a key file",
                        path.display()
                    ));
                    continue;
                }
            };
            match file.kind {
                KeyFileKind::PublicKey => ui.line(&format!(
                    "note: skipping {}: a public key (the keyring needs private keys)",
                    path.display()
                )),
                KeyFileKind::Unknown => ui.line(&format!(
                    "note: skipping {}: not a key file",
                    path.display()
                )),
                KeyFileKind::PrivateKey | KeyFileKind::EncryptedPrivateKey => {
                    let key = private_from(path, &file, pass)?;
                    add(&mut ring, key, path, ui);
                }
            }
        }
        if ring.len() == before {
            return Err(CliError::new(format!(
                "no private key in the keyring directory {}",
                dir.display()
            ))
            .hint("put the private.pem files of current and past keys there"));
        }
    }
    Ok(ring)
}

fn add(ring: &mut Keyring, key: PrivateKey, path: &Path, ui: &Ui) {
    let kid = key.key_id().to_string();
    if !ring.add(key) {
        ui.line(&format!(
            "note: {} is key {kid} again; loaded once",
            path.display()
        ));
    }
}
