//! The back-office commands: keygen, key, encrypt, decrypt, inspect, and
//! the helpers they share (input, passphrases, key files, output).

pub mod decrypt;
pub mod encrypt;
pub mod inspect;
pub mod key;
pub mod keygen;

mod batch;
mod error;
mod files;
mod flatten;
mod input;
mod keyfile;
mod output;
mod passphrase;
mod records;
mod text;
mod time;
mod ui;

use std::process::ExitCode;

pub use error::CliError;

/// What a command returns: its exit code, or an error to print.
pub type CmdResult = Result<ExitCode, CliError>;

/// Prints a command's error, rage style, and turns the result into the
/// process exit code (0 ok, 1 failure, 2 usage).
pub fn finish(result: CmdResult) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            e.print();
            e.exit_code()
        }
    }
}

/// The examples ending `orderseal --help`.
pub const EXAMPLES: &str = "\
Examples:
  orderseal keygen --out keys/
  orderseal encrypt --key keys/public.pem --form order order.json > envelope.json
  orderseal decrypt --key keys/private.pem envelope.json
  orderseal decrypt --keyring keys/ --format csv inbox.jsonl > orders.csv
  orderseal inspect inbox.jsonl

The private key's passphrase comes from --passphrase-file FILE, the ORDERSEAL_PASSPHRASE
variable, or the terminal. `orderseal help COMMAND` shows each command's examples.";
