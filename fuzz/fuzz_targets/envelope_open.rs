//! Envelope parsing and opening with the published test key: never panics,
//! and whatever parses re-serializes to something that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orderseal::envelope::Envelope;
use orderseal::{Opener, PrivateKey};

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::parse(data) {
        let again = Envelope::parse(envelope.to_json().as_bytes()).expect("round trip");
        assert_eq!(again, envelope);
    }
    let key = PrivateKey::from_scalar(b"orderseaf test vector key -- no!").expect("valid");
    let _ = Opener::new(&key).open(data);
});
