//! Seals many orders to a public key, one envelope per line: the input of
//! the load test (`scripts/load.sh`), so that the load generator only sends.
//!
//! ```text
//! cargo run --release -p orderseal-cli --example seal_many -- PUBLIC_KEY COUNT > envelopes.jsonl
//! ```

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use orderseal::{FieldValue, Fields, PublicKey, Sealer};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [key_file, count] = args.as_slice() else {
        eprintln!("usage: seal_many PUBLIC_KEY COUNT > envelopes.jsonl");
        return ExitCode::from(2);
    };
    match run(key_file, count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("seal_many: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(key_file: &str, count: &str) -> Result<(), String> {
    let count: usize = count.parse().map_err(|e| format!("COUNT: {e}"))?;
    let bytes = std::fs::read(key_file).map_err(|e| format!("{key_file}: {e}"))?;
    let key = PublicKey::parse(&bytes).map_err(|e| format!("{key_file}: {e}"))?;
    let sealer = Sealer::new(&key);
    // Seal on every core; each thread writes its own lines, in order.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = count.div_ceil(threads);
    let chunks: Vec<Result<Vec<u8>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let sealer = &sealer;
                s.spawn(move || {
                    let mut out = Vec::new();
                    for i in (t * per)..((t + 1) * per).min(count) {
                        let envelope = sealer
                            .seal("order", &order(i).map_err(|e| e.to_string())?)
                            .map_err(|e| e.to_string())?;
                        out.extend_from_slice(envelope.to_json().as_bytes());
                        out.push(b'\n');
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a sealing thread panicked".into()))
            })
            .collect()
    });
    let mut stdout = BufWriter::new(std::io::stdout().lock());
    for chunk in chunks {
        stdout.write_all(&chunk?).map_err(|e| e.to_string())?;
    }
    stdout.flush().map_err(|e| e.to_string())
}

/// A typical order of the order page: ~15 short fields (pads to 1 KiB).
fn order(i: usize) -> Result<Fields, orderseal::Error> {
    let mut f = Fields::new();
    for (name, value) in [
        ("product", "Fountain pen".to_owned()),
        ("variant", "Brushed steel".to_owned()),
        ("quantity", "2".to_owned()),
        ("engraving_text", format!("For order {i}")),
        ("engraving_style", "Script".to_owned()),
        ("payment_reference", format!("RF18 5390 {i:08}")),
        ("amount", "249.00".to_owned()),
        ("transport", "Courier (insured)".to_owned()),
        ("name", format!("Load Test Customer {i}")),
        ("phone", "+41 79 555 01 23".to_owned()),
        ("email", format!("customer{i}@example.org")),
        ("address", "Bahnhofstrasse 21\n8001 Zürich".to_owned()),
        ("notes", "Gift wrap, please.".to_owned()),
    ] {
        f.push(name, FieldValue::text(value))?;
    }
    Ok(f)
}
