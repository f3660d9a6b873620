//! The split seal of the WebCrypto path (`Sealer::prepare_at`,
//! `Prepared::finish`, `Keyed::into_envelope`), with the platform's part
//! (ephemeral P-256 key, ECDH, AES-GCM) done here by p256 and aes-gcm, as
//! `js/api.js` does it with WebCrypto. Its envelopes must open with the
//! normal `Opener` (natively AWS-LC around the same key schedule,
//! `src/native_open.rs`; in wasm the `hpke` crate).

// aes-gcm is a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use orderseal::{
    Envelope, Error, FieldValue, Fields, FileValue, Keyed, Opener, Prepared, PrivateKey, Sealer,
    Suite,
};

mod common;

const TS: u64 = 1_764_057_600;

fn order() -> Fields {
    let mut f = Fields::new();
    f.push("product", FieldValue::text("Engraved pen"))
        .expect("valid field");
    f.push(
        "colors",
        FieldValue::List(vec!["red".into(), "blue".into()]),
    )
    .expect("valid field");
    f.push(
        "po",
        FieldValue::File(FileValue {
            name: "po.pdf".into(),
            media_type: "application/pdf".into(),
            data: (0..5000u32).map(|i| (i * 7) as u8).collect(),
        }),
    )
    .expect("valid field");
    f
}

/// What WebCrypto does in `js/api.js`: `generateKey` (ECDH P-256),
/// `exportKey("raw")` = enc, `deriveBits(256)` = dh.
fn encap(prepared: &Prepared) -> (Vec<u8>, [u8; 32]) {
    let mut scalar = [0u8; 32];
    let sk_e = loop {
        getrandom::fill(&mut scalar).expect("randomness");
        if let Ok(sk) = p256::SecretKey::from_slice(&scalar) {
            break sk;
        }
    };
    let pk_r = p256::PublicKey::from_sec1_bytes(prepared.recipient()).expect("recipient point");
    let dh = p256::ecdh::diffie_hellman(sk_e.to_nonzero_scalar(), pk_r.as_affine());
    let enc = PrivateKey::from_scalar(&scalar)
        .expect("valid scalar")
        .public_key()
        .to_sec1_uncompressed()
        .to_vec();
    (enc, (*dh.raw_secret_bytes()).into())
}

/// What WebCrypto does with `importKey("raw", key, "AES-GCM")` and
/// `encrypt({ iv: nonce, additionalData: aad, tagLength: 128 })`.
fn aes_gcm(keyed: &Keyed) -> Vec<u8> {
    common::aes_gcm(
        keyed.expose_key(),
        keyed.nonce(),
        keyed.aad(),
        keyed.plaintext(),
        false,
    )
    .expect("encrypts")
}

fn split_seal(sealer: &Sealer, fields: &Fields) -> Result<Envelope, Error> {
    let prepared = sealer.prepare_at("order", fields, TS)?;
    let (enc, dh) = encap(&prepared);
    let keyed = prepared.finish(&enc, &dh)?;
    let ct = aes_gcm(&keyed);
    keyed.into_envelope(ct)
}

#[test]
fn split_seal_opens_with_the_opener_and_the_hpke_reference_for_every_suite() {
    let key = PrivateKey::generate().expect("randomness");
    for suite in Suite::ALL {
        let sealer = Sealer::new(key.public_key()).with_suite(suite);
        let envelope = split_seal(&sealer, &order()).expect("seals");
        assert_eq!(envelope.header.suite, suite);
        let json = envelope.to_json();
        let opened = Opener::new(&key).open(json.as_bytes()).expect("opens");
        assert_eq!(opened.fields, order());
        assert_eq!(opened.header, envelope.header);
        assert_eq!(opened.header.ts, TS);
        // Natively the Opener derives its key with the same schedule.rs as
        // the split seal, so a mistake there would cancel out: the hpke
        // reference must open the envelope too.
        let h = &envelope.header;
        let reference = orderseal::envelope::open_base(
            suite,
            &key.expose_secret(),
            &envelope.enc,
            h.version.info(),
            &h.aad(),
            &envelope.ct,
        )
        .expect("the hpke reference opens it");
        assert_eq!(
            Fields::from_plaintext(
                h.version,
                orderseal::padding::unpad(&reference).expect("padded")
            )
            .expect("a document"),
            order()
        );
    }
}

#[test]
fn split_and_hpke_seals_have_the_same_shape() {
    let key = PrivateKey::generate().expect("randomness");
    let sealer = Sealer::new(key.public_key());
    let split = split_seal(&sealer, &order()).expect("seals");
    let hpke = sealer.seal_at("order", &order(), TS).expect("seals");
    assert_eq!(split.enc.len(), hpke.enc.len());
    assert_eq!(split.ct.len(), hpke.ct.len());
    assert_eq!(split.to_json().len(), hpke.to_json().len());
    assert_ne!(split.header.sid, hpke.header.sid);
}

#[test]
fn split_seal_with_a_wrong_dh_does_not_open() {
    let key = PrivateKey::generate().expect("randomness");
    let prepared = Sealer::new(key.public_key())
        .prepare_at("order", &order(), TS)
        .expect("prepares");
    let (enc, mut dh) = encap(&prepared);
    dh[0] ^= 1;
    let keyed = prepared.finish(&enc, &dh).expect("well-formed inputs");
    let ct = aes_gcm(&keyed);
    let json = keyed.into_envelope(ct).expect("assembles").to_json();
    assert_eq!(
        Opener::new(&key).open(json.as_bytes()).map(|_| ()),
        Err(Error::OpenFailed)
    );
}

#[test]
fn finish_refuses_malformed_enc_or_dh_as_unavailable() {
    let key = PrivateKey::generate().expect("randomness");
    let sealer = Sealer::new(key.public_key());
    let prepare = || sealer.prepare_at("order", &order(), TS).expect("prepares");
    let (enc, dh) = encap(&prepare());
    let mut off_curve = enc.clone();
    off_curve[64] ^= 1;
    // SEC1 compressed form of the same point: 0x02 | (y & 1), then x.
    let mut compressed = vec![0x02 | (enc[64] & 1)];
    compressed.extend_from_slice(&enc[1..33]);
    for (enc, dh) in [
        (&enc[..64], &dh[..]),
        (&off_curve[..], &dh[..]),
        (&compressed[..], &dh[..]),
        (&enc[..], &dh[..31]),
        (&enc[..], &[0u8; 33][..]),
    ] {
        assert_eq!(
            prepare().finish(enc, dh).map(|_| ()).map_err(|e| e.code()),
            Err("unavailable")
        );
    }
}

#[test]
fn into_envelope_refuses_a_ciphertext_of_the_wrong_length() {
    let key = PrivateKey::generate().expect("randomness");
    let sealer = Sealer::new(key.public_key());
    for cut in [1usize, 16] {
        let prepared = sealer.prepare_at("order", &order(), TS).expect("prepares");
        let (enc, dh) = encap(&prepared);
        let keyed = prepared.finish(&enc, &dh).expect("finishes");
        let mut ct = aes_gcm(&keyed);
        ct.truncate(ct.len() - cut);
        assert_eq!(
            keyed.into_envelope(ct).map(|_| ()).map_err(|e| e.code()),
            Err("unavailable")
        );
    }
}

#[test]
fn prepare_checks_form_id_and_ts_like_seal() {
    let key = PrivateKey::generate().expect("randomness");
    let sealer = Sealer::new(key.public_key());
    assert_eq!(
        sealer
            .prepare_at("", &order(), TS)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("plaintext_invalid")
    );
    assert_eq!(
        sealer
            .prepare_at("order", &order(), 1 << 53)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("plaintext_invalid")
    );
}

/// The other direction: an envelope sealed by the `hpke` crate
/// (`Sealer::seal_at`) decrypts with the key and nonce of
/// `orderseal::schedule` on the recipient's side (`dh = DH(skR, enc)`), so
/// the two implementations agree whichever one seals.
#[test]
fn hpke_seal_decrypts_with_the_schedule_key_and_nonce() {
    use orderseal::padding;
    use orderseal::schedule;

    let key = PrivateKey::generate().expect("randomness");
    for suite in Suite::ALL {
        let envelope = Sealer::new(key.public_key())
            .with_suite(suite)
            .seal_at("order", &order(), TS)
            .expect("seals");
        let sk_r = p256::SecretKey::from_slice(&key.expose_secret()[..]).expect("valid scalar");
        let pk_e = p256::PublicKey::from_sec1_bytes(&envelope.enc).expect("enc is a point");
        let dh = p256::ecdh::diffie_hellman(sk_r.to_nonzero_scalar(), pk_e.as_affine());
        let enc: [u8; 65] = envelope.enc[..].try_into().expect("65 bytes");
        let shared = schedule::shared_secret(
            &(*dh.raw_secret_bytes()).into(),
            &enc,
            &key.public_key().to_sec1_uncompressed(),
        );
        let keys = schedule::key_schedule_base(suite, &shared, envelope.header.version.info());
        let aad = envelope.header.aad();
        let padded = common::aes_gcm(
            keys.expose_key(),
            keys.base_nonce(),
            &aad,
            &envelope.ct,
            true,
        )
        .expect("the schedule's key and nonce open the hpke crate's ciphertext");
        let document = padding::unpad(&padded).expect("padded");
        assert_eq!(
            Fields::from_plaintext(envelope.header.version, document).expect("a document"),
            order()
        );
    }
}

#[test]
fn json_len_is_the_length_of_to_json() {
    let key = PrivateKey::generate().expect("randomness");
    let mut cases = vec![Fields::new(), order()];
    let mut big = Fields::new();
    big.push(
        "po",
        FieldValue::File(FileValue {
            name: "po.bin".into(),
            media_type: String::new(),
            data: vec![7; 100_001],
        }),
    )
    .expect("valid field");
    cases.push(big);
    for fields in &cases {
        for (form, ts) in [("order", 0), ("a.b_c-d:e/f", TS), ("x", (1 << 53) - 1)] {
            for suite in Suite::ALL {
                let sealer = Sealer::new(key.public_key()).with_suite(suite);
                let envelope = sealer.seal_at(form, fields, ts).expect("seals");
                assert_eq!(envelope.json_len(), envelope.to_json().len());
                let mut cut = envelope.clone();
                for n in 0..3 {
                    cut.ct.truncate(cut.ct.len() - n);
                    assert_eq!(cut.json_len(), cut.to_json().len());
                }
            }
        }
    }
}

#[test]
fn json_head_plus_the_callers_base64url_of_ct_is_the_envelope_json() {
    let key = PrivateKey::generate().expect("randomness");
    let sealer = Sealer::new(key.public_key());
    let prepared = sealer.prepare_at("order", &order(), TS).expect("prepares");
    let (enc, dh) = encap(&prepared);
    let keyed = prepared.finish(&enc, &dh).expect("keyed");
    let ct = aes_gcm(&keyed);
    let (header, head_enc, head) = keyed.into_json_head(ct.len()).expect("head");
    let json = format!("{head}{}\"}}", orderseal::b64::encode(&ct));
    let envelope = Envelope {
        header,
        enc: head_enc,
        ct,
    };
    assert_eq!(json, envelope.to_json());
    let opened = Opener::new(&key).open(json.as_bytes()).expect("opens");
    assert_eq!(opened.fields, order());

    // A wrong length is the platform's fault, as with into_envelope.
    let prepared = sealer.prepare_at("order", &order(), TS).expect("prepares");
    let (enc, dh) = encap(&prepared);
    let keyed = prepared.finish(&enc, &dh).expect("keyed");
    let n = keyed.plaintext().len() + 15;
    assert_eq!(
        keyed.into_json_head(n).map(|_| ()).map_err(|e| e.code()),
        Err("unavailable")
    );
}
