//! The plaintext document parser (what an opened envelope holds) and the
//! unpadding: never panic; documents round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orderseal::padding::unpad;
use orderseal::Fields;

fuzz_target!(|data: &[u8]| {
    if let Ok(fields) = Fields::from_document(data) {
        let doc = fields.to_document().expect("serializes");
        assert_eq!(Fields::from_document(&doc).as_ref(), Ok(&fields));
    }
    let _ = unpad(data);
});
