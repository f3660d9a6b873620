//! Seal and open of a realistic 2 KB order and of a 1 MiB file, natively.
//!
//! `cargo bench --bench seal_open`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use orderseal::{FieldValue, Fields, FileValue, Opener, PrivateKey, Sealer};

/// About 2 KB of JSON: an order with a long note, as customers send them.
fn order_2kb() -> Fields {
    let mut f = Fields::new();
    for (k, v) in [
        ("product", "Engraved fountain pen"),
        ("variant", "Black lacquer, medium nib"),
        ("quantity", "12"),
        ("engraving_style", "Copperplate script"),
        (
            "engraving_text",
            "For Ada, with thanks from the Analytical Engine team",
        ),
        ("payment_reference", "RF18 5390 0754 7034"),
        ("amount", "1284.00 EUR"),
        ("transport", "Courier, insured"),
        ("station", "Ghent-Dampoort service point"),
        ("customer_name", "Ada Lovelace"),
        ("phone", "+32 9 123 45 67"),
        ("email", "ada@example.com"),
        ("address", "12 St Pieters Square\n9000 Ghent\nBelgium"),
    ] {
        f.push(k, FieldValue::text(v)).expect("valid field");
    }
    f.push(
        "notes",
        FieldValue::text("Please gift wrap each pen separately. ".repeat(40)),
    )
    .expect("valid field");
    f
}

fn file_1mib() -> Fields {
    let mut f = Fields::new();
    let data: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    f.push(
        "purchase_order",
        FieldValue::File(FileValue {
            name: "po.pdf".into(),
            media_type: "application/pdf".into(),
            data,
        }),
    )
    .expect("valid field");
    f
}

fn bench(c: &mut Criterion) {
    let key = PrivateKey::generate().expect("randomness");
    let sealer = Sealer::new(key.public_key());
    let opener = Opener::new(&key);
    let mut group = c.benchmark_group("envelope");
    for (name, fields) in [("order_2kb", order_2kb()), ("file_1mib", file_1mib())] {
        let json = sealer.seal("order", &fields).expect("seals").to_json();
        group.throughput(Throughput::Bytes(
            fields.to_document().expect("doc").len() as u64
        ));
        group.bench_with_input(BenchmarkId::new("seal", name), &fields, |b, f| {
            b.iter(|| sealer.seal("order", f).expect("seals"))
        });
        group.bench_with_input(BenchmarkId::new("open", name), &json, |b, j| {
            b.iter(|| opener.open(j.as_bytes()).expect("opens"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
