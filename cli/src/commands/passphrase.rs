//! Where passphrases come from: `--passphrase-file FILE`, then the
//! `ORDERSEAL_PASSPHRASE` variable, then a prompt on the terminal.
//!
//! There is deliberately no flag that takes the passphrase itself: it would
//! show in `ps` output and shell history. The variable is read by hand, not
//! through clap's `env`, because clap prints an `env` value in `--help`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::commands::error::CliError;
use crate::commands::input;

/// The environment variable holding a passphrase.
pub const ENV: &str = "ORDERSEAL_PASSPHRASE";

/// Passphrase options shared by the commands that read or write keys.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct PassphraseArgs {
    /// Read the private key's passphrase from FILE (its content without the
    /// final newline). Otherwise ORDERSEAL_PASSPHRASE is used if set, else it
    /// is asked on the terminal.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// Which source a passphrase comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    File,
    Env,
    Terminal,
}

/// Finds passphrases, asking at most once per command.
pub struct Passphrases {
    file: Option<PathBuf>,
    cached: Option<Zeroizing<Vec<u8>>>,
}

impl Passphrases {
    /// Passphrases from `args`, the environment or the terminal.
    pub fn new(args: &PassphraseArgs) -> Self {
        Passphrases {
            file: args.passphrase_file.clone(),
            cached: None,
        }
    }

    fn source(&self) -> Source {
        if self.file.is_some() {
            Source::File
        } else if std::env::var_os(ENV).is_some() {
            Source::Env
        } else {
            Source::Terminal
        }
    }

    /// The passphrase that unlocks the key file `key`. Every encrypted key
    /// of one command gets the same passphrase, asked once.
    pub fn for_key(&mut self, key: &Path) -> Result<&[u8], CliError> {
        if self.cached.is_none() {
            let found = match self.source() {
                Source::File => self.read_file()?,
                Source::Env => from_env()?,
                Source::Terminal => {
                    let prompt = format!("Passphrase for {}: ", key.display());
                    let no_tty = || {
                        CliError::new(format!(
                            "{} is encrypted and there is no terminal to ask for its passphrase",
                            key.display()
                        ))
                        .with_code("passphrase_required")
                        .hint(format!(
                            "set {ENV} or use --passphrase-file FILE to give the passphrase"
                        ))
                    };
                    prompt_once(&prompt, no_tty)?
                }
            };
            self.cached = Some(found);
        }
        Ok(self
            .cached
            .as_deref()
            .map(Vec::as_slice)
            .unwrap_or_default())
    }

    /// A passphrase for a new key: from the file or variable, or asked twice
    /// on the terminal. Never empty (`--no-passphrase` is the way to opt out).
    pub fn for_new_key(&mut self) -> Result<Zeroizing<Vec<u8>>, CliError> {
        let pass = match self.source() {
            Source::File => self.read_file()?,
            Source::Env => from_env()?,
            Source::Terminal => {
                let no_tty = || {
                    CliError::new(
                        "the new private key needs a passphrase and there is no terminal to ask for it",
                    )
                    .hint(format!(
                        "use --passphrase-file FILE or set {ENV}, \
                         or --no-passphrase to write the key unencrypted"
                    ))
                };
                let first = prompt_once("Passphrase for the new private key: ", no_tty)?;
                if !first.is_empty() {
                    let again = prompt_once("Repeat the passphrase: ", no_tty)?;
                    if first != again {
                        return Err(CliError::new("the passphrases do not match")
                            .hint("run the command again and type the same passphrase twice"));
                    }
                }
                first
            }
        };
        if pass.is_empty() {
            return Err(CliError::new("the passphrase is empty")
                .hint("give a passphrase, or use --no-passphrase to write the key unencrypted"));
        }
        Ok(pass)
    }

    /// The hint for a wrong passphrase, naming where it came from.
    pub fn wrong_hint(&self) -> String {
        match (self.source(), &self.file) {
            (Source::File, Some(f)) => format!("check the passphrase in {}", f.display()),
            _ => format!("check the passphrase or {ENV}"),
        }
    }

    fn read_file(&self) -> Result<Zeroizing<Vec<u8>>, CliError> {
        let path = self.file.as_deref();
        let mut bytes = input::read_limited(path, 64 * 1024, "passphrase file")?;
        // Editors and `echo` end files with a newline; it is not part of
        // the passphrase.
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        Ok(bytes)
    }
}

fn from_env() -> Result<Zeroizing<Vec<u8>>, CliError> {
    let value = std::env::var_os(ENV).unwrap_or_default();
    let text = value
        .into_string()
        .map_err(|_| CliError::new(format!("{ENV} is not valid UTF-8")))?;
    Ok(Zeroizing::new(text.into_bytes()))
}

/// Asks on the terminal (rpassword reads the controlling terminal, without
/// echo). Only when a person can be there: stdin or stderr is a terminal.
fn prompt_once(
    prompt: &str,
    no_tty: impl Fn() -> CliError,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    if !(std::io::stdin().is_terminal() || std::io::stderr().is_terminal()) {
        return Err(no_tty());
    }
    let text = rpassword::prompt_password(prompt).map_err(|_| no_tty())?;
    Ok(Zeroizing::new(text.into_bytes()))
}
