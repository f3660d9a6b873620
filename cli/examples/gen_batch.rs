//! Writes a key and a batch of sealed orders for benchmarking `orderseal
//! decrypt` (see `scripts/bench-cli.sh`):
//!
//! ```sh
//! cargo run --release -p orderseal-cli --example gen_batch -- 100000 /tmp/bench
//! ```
//!
//! creates `/tmp/bench/private.pem` (unencrypted: a throwaway key) and
//! `/tmp/bench/batch.jsonl`, one envelope per line, sealed on all cores.

use std::error::Error;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use orderseal::{FieldValue, Fields, PrivateKey, Sealer};
use rayon::prelude::*;

/// A typical order form: a few short fields, padded to 1 KiB when sealed.
fn order(i: usize) -> Result<Fields, orderseal::Error> {
    let mut f = Fields::new();
    f.push("order_no", FieldValue::text(i.to_string()))?;
    f.push("product", FieldValue::text("Fountain pen, engraved"))?;
    f.push("qty", FieldValue::text(((i % 9) + 1).to_string()))?;
    f.push("customer.name", FieldValue::text("Ada Lovelace"))?;
    f.push("customer.email", FieldValue::text("ada@example.com"))?;
    f.push(
        "address",
        FieldValue::text("12 St James's Square, London SW1Y 4JH"),
    )?;
    f.push(
        "colors",
        FieldValue::List(vec!["red".into(), "blue".into()]),
    )?;
    f.push("notes", FieldValue::text("Please deliver before noon."))?;
    Ok(f)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().as_deref().unwrap_or("100000").parse()?;
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "bench-batch".into()));
    fs::create_dir_all(&dir)?;

    let key = PrivateKey::generate()?;
    fs::write(dir.join("private.pem"), key.to_pkcs8_pem().as_bytes())?;
    let sealer = Sealer::new(key.public_key());
    let mut out = BufWriter::new(fs::File::create(dir.join("batch.jsonl"))?);
    // In chunks, so that memory stays small whatever the count.
    for start in (0..count).step_by(10_000) {
        let end = (start + 10_000).min(count);
        let lines = (start..end)
            .into_par_iter()
            .map(|i| Ok(sealer.seal("order", &order(i)?)?.to_json()))
            .collect::<Result<Vec<String>, orderseal::Error>>()?;
        for line in lines {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    eprintln!(
        "wrote {count} envelopes to {}",
        dir.join("batch.jsonl").display()
    );
    Ok(())
}
