//! Prints the padding overhead table of `docs/FORMAT.md` §4.2.
//!
//! `cargo run --release --example padding_overhead`

use orderseal::padding::padded_len;

fn main() {
    println!("| document size | padded size | overhead |");
    println!("|--------------:|------------:|---------:|");
    for len in [
        300usize, 1_500, 2_100, 10_000, 100_000, 1_000_000, 6_000_000,
    ] {
        let p = padded_len(len);
        let pct = (p - len) as f64 / len as f64 * 100.0;
        println!("| {len} B | {p} B | {pct:.1} % |");
    }
    let (mut worst, mut sum, mut n) = (0f64, 0f64, 0u64);
    for len in (1024..8 * 1024 * 1024).step_by(97) {
        let o = (padded_len(len) - len) as f64 / len as f64;
        worst = worst.max(o);
        sum += o;
        n += 1;
    }
    println!(
        "\nFrom 1 KiB to 8 MiB: worst {:.2} %, mean {:.2} % (every 97th length).",
        worst * 100.0,
        sum / n as f64 * 100.0
    );
}
