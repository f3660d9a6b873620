//! The built-in known-answer self-test, run before first use where the
//! platform is not ours to trust (the browser module runs it at load).
//!
//! It checks the whole pipeline on the machine it runs on, with the
//! published test key of `tests/vectors/key.json` (never used for orders):
//!
//! 1. **Known answer**: a fixed envelope, sealed once by the native build,
//!    opens to exactly the expected plaintext (a document and a file). This catches a
//!    miscompiled or mismatched HPKE, AES-GCM, HKDF, P-256 or padding.
//! 2. **Round trip**: two fresh seals to the same key open to the sealed
//!    fields and header, and their `enc` and `sid` differ. This catches a
//!    platform whose random numbers are missing or stuck.
//! 3. **Key schedule**: [`crate::schedule`], which the WebCrypto seal engine
//!    uses instead of the `hpke` crate, derives RFC 9180 A.3's key and base
//!    nonce from its `dh`.
//!
//! The browser's seal build (without the `full` feature) has no `hpke`
//! and no opener: it runs [`run_seal_steps`] instead, step 3 and the
//! document writer, and its JavaScript layer checks WebCrypto's ECDH and
//! AES-GCM against RFC 9180 A.3 before the first seal.
//!
//! Any failure is [`Error::Unavailable`]: the caller must refuse to seal.
//! Messages name the failing step only, never plaintext or key bytes.

use crate::prelude::*;

use crate::envelope::Envelope;
use crate::keys::random_error;
use crate::{
    padding, schedule, Error, FieldValue, Fields, FileValue, Opener, PrivateKey, Sealer, Suite,
};

/// The private scalar of `tests/vectors/key.json`: published, test only.
const TEST_SCALAR: [u8; 32] = *b"orderseaf test vector key -- no!";

/// The known-answer envelope, sealed to [`TEST_SCALAR`]'s public key by
/// `regenerate_known_answer` below.
const KAT_ENVELOPE: &str = concat!(
    r#"{"v":2,"suite":"P256-SHA256-A128GCM","kid":"a8796135db82e7f8","#,
    r#""form":"orderseal-selftest","sid":"LSoBOhsDxn-ZkNlgnN7gIw","ts":1764057600,"#,
    r#""enc":"BHRTm7E53ODNnOTUa28TmJCkbbP0F7k89r5gI-9w6jGbFNRauWDFt-EHHfPCffTptrcvm19JGoG71FpjrF4P5k0","#,
    r#""ct":""#,
    "Zc6KrfeLEkh7nhSNAqDSryGPEQVlEhaZ_5KQeAtdhwtsoss41OEhazKODne1BGlxn7zNgONivsP56Jbl_4g30puK",
    "pOSImfDF2IVwcOspt6hYua5RhxlBLkxqGoxI46aj_vwsrjvi77LKFTAu6h_kPXGb-7qcx3-hhu67MJ4Z5r7HXFIM",
    "vOfbZaWUo6ThjzQ-ej5LD6nIhCB128U087iBDIqG1IRDtlyUAhH1K25rSuv4rRTWa9kAllIVsDmnk_1yVj2_NSvG",
    "5JxABSiXr6DonP7SisTZTKOmZ4ycfX7VhvVEGVLMPCzfm-cWl-OdoXBhGEHmNX2SfnfefRT-GCtzYo-ax8fR9Ylo",
    "FmOG8yGE1W1bWljqrivG1VwFdWxoFY7TVyeFrXrg9uNzih5m23uTmb9aBCau3k3OrKwZ96vGryBOrlUHmL3qyIf3",
    "S3n_Pa-f_mUvjfQBN2jpIeXgKuaThkJKyPKg5QXI1evhQISG1BAmI0mAYTjPvDfnDMQJTI1gZ79VA8qkjQ1AQ2Kf",
    "08_9SH_XbpfcKlCPfPKkQPe_FXBNrKbAH8ygABNCiRHinRQMs0cDr0irnlrC891cGryCK10T0FioBM0IK0YE3i-z",
    "3vzfRuUyHpJU-6PyFwr5jENaUAbc8DFnjxIxK3kETxKiSG0-wtEcCtcXefSi6bopEHhcBZF3BnLPZdpTRtvemKXx",
    "3xgaNb5HVRLJpQmbayierQNghDEAdFNcfd6G6qspdg4kLwd1S0x_hC2SF8m4ELulEszVc2LWxu_5uVst39K3vTro",
    "dK1XvjMFQoYBwDMFjkNr_8YfdN_vgsw6P7U01IdVjCGJmJYzHLASA-2yGOkvY6q8kgl8n35AnYG6VVHZ44Wux1fL",
    "Lmt5y-aKHKrvx4OkHXJ0v_2sO0eUd73PoWQmWBLT8jGI0w1GBLd25WlE4f8Csz5KLOt7DnHCy3cMa3GYhLTFvehM",
    "7jtmChGR4TqG0NxkK6h-UyXYnEsaBFiriUyu1EYjwOrCbIyEj9d0VBw2stxf6b60glCOCmMn4v1jsW0wgF1fQTGK",
    "YbHJOzblcoBe8QInU8zPU6GtHq8tzqrGjc4vspIBuZaf0KrV5cMX3iylDg-o4vZrYEc08TJLj0LTansPvGxP815H",
    "9epMQdiefV6ycDE04DqvIgxQVcjtRstLbhr1PY-QzuFY41Jt__r2WWnjyznPmq8IJbjHVlvG2rpZrSU5UeWRhK-9",
    "XWkh7SmpqRmWjL_cHiqZIOQcjTIy_HAYQwfGqj76A_VzBkRusbWneNOJfo1PnS1DJSwiaSVgAK8lQcYD0r-2rJHB",
    "YTF_ln5b10_BuMNQgd1HCE106CsVGonezM_fmZAp5A64RfPMQuGmmWilBM2vzdfaUhs",
    r#""}"#,
);

/// The plaintext document [`KAT_ENVELOPE`] holds, then [`KAT_FILE`]'s bytes.
const KAT_DOCUMENT: &str = r#"{"fields":{"product":"orderseal self-test","quantity":"1","po":{"name":"po.txt","type":"text/plain","size":9}}}"#;

/// The bytes of the known answer's file.
const KAT_FILE: &[u8] = b"orderseal";

/// The fields of the known answer.
fn kat_fields() -> Result<Fields, Error> {
    let mut fields = Fields::new();
    for (name, value) in [("product", "orderseal self-test"), ("quantity", "1")] {
        fields.push(name, FieldValue::text(value))?;
    }
    let file = FileValue {
        name: "po.txt".into(),
        media_type: "text/plain".into(),
        data: KAT_FILE.to_vec(),
    };
    fields.push("po", FieldValue::File(file))?;
    Ok(fields)
}

/// Whether `plaintext` is `u32be(len(KAT_DOCUMENT)) || KAT_DOCUMENT || KAT_FILE`.
fn is_kat_plaintext(plaintext: &[u8]) -> bool {
    let len = (KAT_DOCUMENT.len() as u32).to_be_bytes();
    plaintext
        .strip_prefix(&len[..])
        .and_then(|rest| rest.strip_prefix(KAT_DOCUMENT.as_bytes()))
        == Some(KAT_FILE)
}

/// `s` (lowercase hex) as bytes, at compile time.
const fn hex<const N: usize>(s: &str) -> [u8; N] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => 0xff,
        }
    }
    let s = s.as_bytes();
    assert!(s.len() == 2 * N, "hex constant of the wrong length");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        let (hi, lo) = (nibble(s[2 * i]), nibble(s[2 * i + 1]));
        assert!(hi < 16 && lo < 16, "not lowercase hex");
        out[i] = hi << 4 | lo;
        i += 1;
    }
    out
}

/// RFC 9180 A.3 (`tests/vectors/rfc9180-A3-p256-sha256-aes128gcm-base.txt`):
/// `dh` = x(skEm * pkRm) (not in the file; `tests/rfc9180.rs` computes the
/// same), `enc`, `pkRm`, `info`, and the expected `key` and `base_nonce`.
mod rfc_a3 {
    use super::hex;
    pub const DH: [u8; 32] =
        hex("13f918529458d2542531406888c8a6d4ea7ff473a6f4db452ac3c4ae1d01cea1");
    pub const ENC: [u8; 65] = hex(concat!(
        "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325a",
        "c98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4"
    ));
    pub const PK_RM: [u8; 65] = hex(concat!(
        "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a",
        "826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0"
    ));
    pub const INFO: [u8; 20] = hex("4f6465206f6e2061204772656369616e2055726e");
    pub const KEY: [u8; 16] = hex("868c066ef58aae6dc589b6cfdd18f97e");
    pub const BASE_NONCE: [u8; 12] = hex("4e0bc5018beba4bf004cca59");
}

/// Step 3: the key schedule of the WebCrypto engine against RFC 9180 A.3.
fn key_schedule() -> Result<(), Error> {
    let shared = schedule::shared_secret(&rfc_a3::DH, &rfc_a3::ENC, &rfc_a3::PK_RM);
    let keys = schedule::key_schedule_base(Suite::P256Sha256Aes128Gcm, &shared, &rfc_a3::INFO);
    if keys.expose_key() != rfc_a3::KEY || keys.base_nonce() != &rfc_a3::BASE_NONCE {
        return Err(fail("key schedule differs"));
    }
    Ok(())
}

/// The self-test of the browser's seal build: [`key_schedule`] (step 3),
/// the writer and padding of the plaintext document against
/// [`KAT_DOCUMENT`], and two draws of a submission id's randomness, which
/// must differ. (No P-256 arithmetic: the seal build has none but the
/// recipient key's validation, and WebCrypto's ECDH is checked in
/// JavaScript.)
pub fn run_seal_steps() -> Result<(), Error> {
    let fields = kat_fields().map_err(|_| fail("known-answer fields"))?;
    let mut plaintext = fields
        .to_plaintext()
        .map_err(|_| fail("known-answer plaintext"))?;
    if !is_kat_plaintext(&plaintext) {
        return Err(fail("plaintext writer differs"));
    }
    padding::pad_in_place(&mut plaintext);
    if plaintext.len() != 1024 || !padding::unpad(&plaintext).is_ok_and(is_kat_plaintext) {
        return Err(fail("padding differs"));
    }
    // The submission ids' randomness (what `Sealer::prepare_at` draws).
    let draw = || {
        let mut sid = [0u8; crate::envelope::SID_LEN];
        getrandom::fill(&mut sid).map(|()| sid).map_err(|e| {
            Error::Unavailable(
                [
                    "self-test failed: no secure random numbers: ",
                    &random_error(e),
                ]
                .concat(),
            )
        })
    };
    if draw()? == draw()? {
        return Err(fail("random numbers repeat"));
    }
    key_schedule()
}

/// Form id of the known answer and of the round trip.
const FORM: &str = "orderseal-selftest";

fn fail(step: &str) -> Error {
    Error::Unavailable(["self-test failed: ", step].concat())
}

/// Opens `envelope` and compares it with the known answer's plaintext.
fn known_answer(opener: &Opener<'_>, envelope: &str) -> Result<(), Error> {
    let opened = opener
        .open(envelope.as_bytes())
        .map_err(|_| fail("known-answer envelope does not open"))?;
    let plaintext = opened
        .fields
        .to_plaintext()
        .map_err(|_| fail("known-answer plaintext"))?;
    if !is_kat_plaintext(&plaintext) || opened.header.form != FORM {
        return Err(fail("known-answer plaintext differs"));
    }
    Ok(())
}

/// Runs the self-test: `Ok(())`, or [`Error::Unavailable`] saying which step
/// failed.
pub fn run() -> Result<(), Error> {
    let key = PrivateKey::from_scalar(&TEST_SCALAR).map_err(|_| fail("test key"))?;
    let opener = Opener::new(&key);

    // 1. Known answer.
    known_answer(&opener, KAT_ENVELOPE)?;

    // 2. Round trip, twice: fresh randomness each time.
    let mut fields = Fields::new();
    fields
        .push("check", FieldValue::text("round trip"))
        .map_err(|_| fail("round-trip fields"))?;
    let sealer = Sealer::new(key.public_key());
    let mut sealed: Vec<Envelope> = Vec::with_capacity(2);
    for ts in [1, 2] {
        let envelope = sealer.seal_at(FORM, &fields, ts).map_err(|e| match e {
            // Keep the cause when it is the platform's (no randomness).
            Error::Unavailable(why) => Error::Unavailable(format!("self-test failed: {why}")),
            _ => fail("round trip does not seal"),
        })?;
        let back = opener
            .open(envelope.to_json().as_bytes())
            .map_err(|_| fail("round trip does not open"))?;
        if back.fields != fields || back.header != envelope.header {
            return Err(fail("round trip differs"));
        }
        sealed.push(envelope);
    }
    if sealed[0].enc == sealed[1].enc || sealed[0].header.sid == sealed[1].header.sid {
        return Err(fail("random numbers repeat"));
    }

    // 3. Key schedule.
    key_schedule()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_test_passes_on_a_working_build() {
        assert_eq!(run(), Ok(()));
        assert_eq!(run_seal_steps(), Ok(()));
    }

    #[test]
    fn test_scalar_is_the_key_of_tests_vectors_key_json() {
        let key_json: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/key.json")).expect("JSON");
        let key = PrivateKey::from_scalar(&TEST_SCALAR).expect("valid scalar");
        assert_eq!(key_json["kid"].as_str(), Some(key.key_id().as_str()));
    }

    #[test]
    fn known_answer_is_sealed_to_the_published_test_key() {
        let key = PrivateKey::from_scalar(&TEST_SCALAR).expect("valid scalar");
        let envelope = Envelope::parse(KAT_ENVELOPE.as_bytes()).expect("parses");
        assert_eq!(&envelope.header.kid, key.key_id());
        assert_eq!(envelope.header.form, FORM);
    }

    #[test]
    fn known_answer_check_fails_on_an_altered_envelope() {
        let key = PrivateKey::from_scalar(&TEST_SCALAR).expect("valid scalar");
        let opener = Opener::new(&key);
        assert_eq!(known_answer(&opener, KAT_ENVELOPE), Ok(()));
        // One character of the ciphertext changed.
        let at = KAT_ENVELOPE.len() - 10;
        let flipped = if &KAT_ENVELOPE[at..=at] == "A" {
            "B"
        } else {
            "A"
        };
        let altered = format!(
            "{}{flipped}{}",
            &KAT_ENVELOPE[..at],
            &KAT_ENVELOPE[at + 1..]
        );
        assert_eq!(
            known_answer(&opener, &altered).map_err(|e| e.code()),
            Err("unavailable")
        );
    }

    /// Prints a fresh known answer to paste into `KAT_ENVELOPE`, split into
    /// lines (only when the format changes): `cargo test --lib selftest -- --ignored --nocapture`.
    #[test]
    #[ignore = "prints a new known answer"]
    fn regenerate_known_answer() {
        let key = PrivateKey::from_scalar(&TEST_SCALAR).expect("valid scalar");
        let fields = kat_fields().expect("valid fields");
        let envelope = Sealer::new(key.public_key())
            .seal_at(FORM, &fields, 1_764_057_600)
            .expect("seals");
        println!("{}", envelope.to_json());
    }
}
