//! `orderseal encrypt`: seal one order to a public key, as the order page
//! does. For scripts, tests and server-side forms.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use orderseal::limits::MAX_ENVELOPE_BYTES;
use orderseal::{Sealer, Suite};

use crate::commands::error::{io_error, CliError};
use crate::commands::flatten::{fields_from_json, FlattenError};
use crate::commands::{input, keyfile, CmdResult};

const EXAMPLES: &str = "\
Examples:
  orderseal encrypt --key keys/public.pem --form order order.json > envelope.json
  echo '{\"product\":\"Fountain pen\",\"qty\":2}' | orderseal encrypt --key public.jwk --form order -
  orderseal encrypt --key public.pem --form quote --suite aes256 quote.json >> inbox.jsonl

Input: {\"fields\": {...}} (the plaintext document), a flat object of fields, or a whole
JSON order: nested objects become dotted names (customer.name), numbers and booleans
their JSON text, nulls are skipped, arrays of scalars become lists, and
{\"name\",\"type\",\"data\"} objects (data in base64url) stay files.";

/// The AEAD of the suite to seal with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SuiteArg {
    /// P256-SHA256-A128GCM, the default.
    Aes128,
    /// P256-SHA256-A256GCM.
    Aes256,
}

/// Options of `orderseal encrypt`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The recipient's public key (SPKI PEM or DER, JWK, or SEC1).
    #[arg(short = 'k', long = "key", value_name = "PUBLIC")]
    key: PathBuf,

    /// The form id written into the envelope (1-64 characters of A-Z a-z 0-9 . _ - : /).
    #[arg(long, value_name = "ID")]
    form: String,

    /// The AEAD: AES-128-GCM or AES-256-GCM.
    #[arg(long, value_enum, default_value_t = SuiteArg::Aes128)]
    suite: SuiteArg,

    /// The order as JSON; - or nothing for standard input.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
}

/// Runs `orderseal encrypt`.
pub fn run(args: Args) -> CmdResult {
    let path = args.input.as_deref();
    if input::is_stdin(path) && input::is_stdin(Some(&args.key)) {
        return Err(CliError::usage(
            "standard input cannot be both the key and the order",
        ));
    }
    orderseal::envelope::check_form_id(&args.form)
        .map_err(|e| CliError::core(format_args!("--form {:?}", args.form), &e))?;
    let key = keyfile::load_public(&args.key)?;
    // The sealed envelope may be at most 12 MiB: so may its JSON input.
    let json = input::read_limited(path, MAX_ENVELOPE_BYTES, "order")?;
    let text = std::str::from_utf8(&json).map_err(|_| {
        CliError::new(format!(
            "{}: the order is not UTF-8 text",
            input::name(path)
        ))
    })?;
    let fields = fields_from_json(text).map_err(|e| match e {
        FlattenError::Shape(why) => CliError::new(format!("{}: {why}", input::name(path)))
            .with_code("plaintext_invalid")
            .hint(
                "encrypt reads {\"fields\":{...}}, a flat JSON object of fields, \
                 or a JSON order; see `orderseal encrypt --help`",
            ),
        FlattenError::Core(e) => CliError::core(input::name(path), &e),
    })?;
    let suite = match args.suite {
        SuiteArg::Aes128 => Suite::P256Sha256Aes128Gcm,
        SuiteArg::Aes256 => Suite::P256Sha256Aes256Gcm,
    };
    let envelope = Sealer::new(&key)
        .with_suite(suite)
        .seal(&args.form, &fields)
        .map_err(|e| CliError::core("sealing", &e))?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", envelope.to_json())
        .and_then(|()| out.flush())
        .map_err(|e| io_error("writing the envelope", &e))?;
    Ok(ExitCode::SUCCESS)
}
