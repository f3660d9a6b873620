//! The plaintext parsers (what an opened envelope holds, in both versions)
//! and the unpadding: never panic; plaintexts round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orderseal::envelope::Version;
use orderseal::padding::unpad;
use orderseal::Fields;

fuzz_target!(|data: &[u8]| {
    if let Ok(fields) = Fields::from_document(data) {
        let doc = fields.to_document().expect("serializes");
        assert_eq!(Fields::from_document(&doc).as_ref(), Ok(&fields));
    }
    if let Ok(fields) = Fields::from_plaintext(Version::V2, data) {
        let plaintext = fields.to_plaintext().expect("serializes");
        assert_eq!(
            Fields::from_plaintext(Version::V2, &plaintext).as_ref(),
            Ok(&fields)
        );
    }
    let _ = unpad(data);
});
