//! The server's settings, checked before anything listens: directories,
//! and the public keys, read from their files (private keys refused).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use orderseal::keys::{self, KeyFileKind};
use orderseal::PublicKey;

use super::Args;

/// Where the built, SRI-stamped site is (`scripts/sri.mjs`), relative to
/// the current directory.
const BUILT_SITE: &str = "target/site";

/// Checked settings of one run.
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Database, keys and token.
    pub data: PathBuf,
    /// The public keys given on the command line, in order (may be empty:
    /// then the ones active at the last start are used).
    pub public_keys: Vec<PublicKey>,
    /// Pages, served at `/`.
    pub www: PathBuf,
    /// The npm package, served at `/pkg/`.
    pub pkg: PathBuf,
}

/// A setting that cannot work, said so that the operator can fix it.
#[derive(Debug)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Config {
    /// Reads the key files and settles the directories.
    pub fn load(args: Args) -> Result<Config, ConfigError> {
        let public_keys = args
            .public_keys
            .iter()
            .map(|path| read_public_key(path))
            .collect::<Result<Vec<_>, _>>()?;
        let (www, pkg) = site_dirs(args.www, args.pkg);
        Ok(Config {
            addr: args.addr,
            data: args.data,
            public_keys,
            www,
            pkg,
        })
    }
}

/// `--www`/`--pkg` defaults: the built site if there is one (it carries the
/// SRI hashes), else the sources.
fn site_dirs(www: Option<PathBuf>, pkg: Option<PathBuf>) -> (PathBuf, PathBuf) {
    let www = www.unwrap_or_else(|| {
        let built = PathBuf::from(BUILT_SITE);
        if built.join("index.html").is_file() {
            built
        } else {
            PathBuf::from("www")
        }
    });
    let pkg = pkg.unwrap_or_else(|| {
        let inside = www.join("pkg");
        if inside.is_dir() {
            inside
        } else {
            PathBuf::from("pkg")
        }
    });
    (www, pkg)
}

/// Reads one `--public-key` file. A private key is refused outright: the
/// server must never hold one, and one given here by mistake is about to be
/// copied where it should not be.
fn read_public_key(path: &Path) -> Result<PublicKey, ConfigError> {
    let shown = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| ConfigError(format!("cannot read the public key file {shown}: {e}")))?;
    match keys::describe(&bytes) {
        KeyFileKind::PrivateKey | KeyFileKind::EncryptedPrivateKey => {
            return Err(ConfigError(format!(
                "{shown} holds a private key; the server must never have it. \
                 Give the public key instead: `orderseal keygen` wrote it next to the \
                 private key (public.pem), and `orderseal key public {shown}` prints it. \
                 Keep the private key on the back office's machine only."
            )));
        }
        KeyFileKind::PublicKey | KeyFileKind::Unknown => {}
    }
    PublicKey::parse(&bytes).map_err(|e| {
        ConfigError(format!(
            "{shown} is not a usable public key ({}): {e}",
            e.code()
        ))
    })
}
