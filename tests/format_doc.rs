//! docs/FORMAT.md is normative: its tables must say what the code does.

use orderseal::{Error, Suite};

const FORMAT: &str = include_str!("../docs/FORMAT.md");

/// The first column of the table under `heading`.
fn table_keys(heading: &str) -> Vec<String> {
    let section = FORMAT.split(heading).nth(1).expect("section exists");
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.split('|')
                .nth(1)
                .unwrap_or("")
                .trim()
                .trim_matches('`')
                .to_owned()
        })
        .collect()
}

#[test]
fn error_code_table_lists_every_code_in_order() {
    assert_eq!(table_keys("## 8. Error codes"), Error::CODES);
}

#[test]
fn suite_table_names_every_suite_with_its_ids() {
    let names = table_keys("## 2. Cryptography");
    assert_eq!(names, Suite::ALL.map(|s| s.name()));
    for s in Suite::ALL {
        let (kem, kdf, aead) = s.ids();
        let row = FORMAT
            .lines()
            .find(|l| l.contains(s.name()) && l.starts_with('|'))
            .expect("row");
        for id in [kem, kdf, aead] {
            assert!(
                row.contains(&format!("0x{id:04X}")),
                "{row} lacks 0x{id:04X}"
            );
        }
    }
}
