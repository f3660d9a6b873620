//! `orderseal`: the back-office command line tool and the inbox server.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use orderseal_cli::serve;

mod commands;

/// Seal and open orderseal envelopes; run the inbox server.
#[derive(Parser)]
#[command(
    name = "orderseal",
    version,
    about,
    long_about = None,
    max_term_width = 100,
    after_help = commands::EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make a key pair: private.pem (encrypted), public.pem, public.jwk.
    Keygen(commands::keygen::Args),
    /// Show a key file, or print the public key of a private key.
    Key(commands::key::Args),
    /// Seal a JSON order to a public key; print the envelope as one line.
    Encrypt(commands::encrypt::Args),
    /// Open envelopes (one, a JSON array, or JSON Lines) with private keys.
    Decrypt(commands::decrypt::Args),
    /// Show envelope headers without a key.
    Inspect(commands::inspect::Args),
    /// Run the inbox server: order page, key manifest, envelope store (no private key).
    Serve(serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Keygen(args) => commands::finish(commands::keygen::run(args)),
        Command::Key(args) => commands::finish(commands::key::run(args)),
        Command::Encrypt(args) => commands::finish(commands::encrypt::run(args)),
        Command::Decrypt(args) => commands::finish(commands::decrypt::run(args)),
        Command::Inspect(args) => commands::finish(commands::inspect::run(args)),
        Command::Serve(args) => serve::run(args),
    }
}
