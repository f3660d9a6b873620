//! `orderseal keygen`: a new key pair in a directory.
//!
//! `private.pem` is PKCS#8, passphrase-encrypted unless `--no-passphrase`,
//! created with mode 0600 from the start (never chmod-ed after, so it is
//! never readable by others, not even for a moment). `public.pem` (SPKI)
//! and `public.jwk` go to the order page. Existing keys are replaced only
//! with `--force`: a lost private key is lost orders.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use orderseal::PrivateKey;
use zeroize::Zeroizing;

use crate::commands::error::{io_error, CliError};
use crate::commands::passphrase::{PassphraseArgs, Passphrases};
use crate::commands::CmdResult;

const EXAMPLES: &str = "\
Examples:
  orderseal keygen --out keys/
  orderseal keygen --out keys/ --passphrase-file /run/secrets/orderseal
  ORDERSEAL_PASSPHRASE=... orderseal keygen --out keys/ --force
  orderseal keygen --out test-keys/ --no-passphrase

Writes DIR/private.pem (keep it in the back office), DIR/public.pem and DIR/public.jwk
(for the order page), and prints the key id and fingerprint to compare out of band.";

const PRIVATE: &str = "private.pem";
const PUBLIC_PEM: &str = "public.pem";
const PUBLIC_JWK: &str = "public.jwk";

/// Options of `orderseal keygen`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The directory to write the keys to (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

    /// Replace existing key files in DIR.
    #[arg(long)]
    force: bool,

    /// Write the private key unencrypted (for tests, or keys kept in a vault).
    #[arg(long, conflicts_with = "passphrase_file")]
    no_passphrase: bool,

    #[command(flatten)]
    passphrase: PassphraseArgs,
}

/// Runs `orderseal keygen`.
pub fn run(args: Args) -> CmdResult {
    let dir = &args.out;
    let targets = [PRIVATE, PUBLIC_PEM, PUBLIC_JWK].map(|name| dir.join(name));
    if !args.force {
        let existing: Vec<&str> = targets
            .iter()
            .filter(|p| p.exists())
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()))
            .collect();
        if !existing.is_empty() {
            return Err(CliError::new(format!(
                "{} already has keys: {}",
                dir.display(),
                existing.join(", ")
            ))
            .hint(
                "use --force to replace the keys; keep the old private.pem in your keyring \
                 if orders were sealed to it, or they can no longer be opened",
            ));
        }
    }
    // Ask for the passphrase before creating anything.
    let passphrase = if args.no_passphrase {
        None
    } else {
        Some(Passphrases::new(&args.passphrase).for_new_key()?)
    };
    create_dir(dir).map_err(|e| io_error(dir.display(), &e))?;

    let key = PrivateKey::generate().map_err(|e| CliError::core("generating the key", &e))?;
    let private_pem = match &passphrase {
        Some(p) => key
            .to_encrypted_pkcs8_pem(p)
            .map_err(|e| CliError::core("encrypting the private key", &e))?,
        None => key.to_pkcs8_pem(),
    };
    let public = key.public_key();
    let [private_path, pem_path, jwk_path] = &targets;
    write_file(private_path, private_pem.as_bytes(), 0o600, args.force)
        .map_err(|e| io_error(private_path.display(), &e))?;
    write_file(pem_path, public.to_spki_pem().as_bytes(), 0o644, args.force)
        .map_err(|e| io_error(pem_path.display(), &e))?;
    let jwk = Zeroizing::new(format!("{}\n", public.to_jwk()));
    write_file(jwk_path, jwk.as_bytes(), 0o644, args.force)
        .map_err(|e| io_error(jwk_path.display(), &e))?;

    eprintln!(
        "wrote {} ({}), {} and {}",
        private_path.display(),
        if passphrase.is_some() {
            "encrypted"
        } else {
            "NOT encrypted"
        },
        pem_path.display(),
        jwk_path.display()
    );
    let mut out = io::stdout().lock();
    writeln!(out, "key id:      {}", public.key_id())
        .and_then(|()| writeln!(out, "fingerprint: {}", public.fingerprint()))
        .and_then(|()| out.flush())
        .map_err(|e| io_error("writing the output", &e))?;
    Ok(ExitCode::SUCCESS)
}

fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` to a new file `path` created with `mode`. With `replace`,
/// the file is written beside `path` and renamed over it, so that the new
/// file has `mode` from its creation on and no reader ever sees half a key.
fn write_file(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> io::Result<()> {
    let target = if replace {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
    } else {
        path.to_owned()
    };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let written = options.open(&target).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let renamed = written.and_then(|()| {
        if replace {
            fs::rename(&target, path)
        } else {
            Ok(())
        }
    });
    if renamed.is_err() && replace {
        let _ = fs::remove_file(&target);
    }
    renamed
}
