//! `orderseal key show` and `orderseal key public`: what a key file holds,
//! and the public key of a private key.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use crate::commands::error::io_error;
use crate::commands::keyfile::{self, AnyKey};
use crate::commands::passphrase::{PassphraseArgs, Passphrases};
use crate::commands::text::hex;
use crate::commands::CmdResult;

const EXAMPLES: &str = "\
Examples:
  orderseal key show keys/private.pem
  orderseal key show public.jwk
  orderseal key public keys/private.pem > public.pem
  orderseal key public --format jwk keys/private.pem > public.jwk";

const SHOW_EXAMPLES: &str = "\
Examples:
  orderseal key show keys/private.pem
  orderseal key show public.jwk
  openssl ecparam -name prime256v1 -genkey -noout | orderseal key show -";

const PUBLIC_EXAMPLES: &str = "\
Examples:
  orderseal key public keys/private.pem > public.pem
  orderseal key public --format jwk keys/private.pem > public.jwk
  orderseal key public --format raw public.pem";

/// Options of `orderseal key`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    command: KeyCommand,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Show the kind, curve, key id and fingerprint of a key file.
    #[command(after_help = SHOW_EXAMPLES)]
    Show {
        /// A public or private key file (PEM, DER or JWK); - for standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,

        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// Print the public key of a private key file (or convert a public key).
    #[command(after_help = PUBLIC_EXAMPLES)]
    Public {
        /// A private (or public) key file; - for standard input.
        #[arg(value_name = "PRIVATE")]
        file: PathBuf,

        /// pem: SPKI PEM; jwk: JSON Web Key; raw: hex of the uncompressed SEC1 point.
        #[arg(long, value_enum, default_value_t = PublicFormat::Pem)]
        format: PublicFormat,

        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
}

/// How `key public` writes the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum PublicFormat {
    Pem,
    Jwk,
    Raw,
}

/// Runs `orderseal key`.
pub fn run(args: Args) -> CmdResult {
    match args.command {
        KeyCommand::Show { file, passphrase } => {
            let key = keyfile::load_any(&file, &mut Passphrases::new(&passphrase))?;
            let kind = match &key {
                AnyKey::Public(_) => "public key",
                AnyKey::Private {
                    encrypted: true, ..
                } => "private key (encrypted)",
                AnyKey::Private { .. } => "private key (not encrypted)",
            };
            let public = key.public();
            print(&format!(
                "kind:        {kind}\ncurve:       P-256\nkey id:      {}\nfingerprint: {}\n",
                public.key_id(),
                public.fingerprint()
            ))
        }
        KeyCommand::Public {
            file,
            format,
            passphrase,
        } => {
            let key = keyfile::load_any(&file, &mut Passphrases::new(&passphrase))?;
            let public = key.public();
            let text = match format {
                PublicFormat::Pem => public.to_spki_pem(),
                PublicFormat::Jwk => format!("{}\n", public.to_jwk()),
                PublicFormat::Raw => format!("{}\n", hex(&public.to_sec1_uncompressed())),
            };
            print(&text)
        }
    }
}

fn print(text: &str) -> CmdResult {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| io_error("writing the output", &e))?;
    Ok(ExitCode::SUCCESS)
}
