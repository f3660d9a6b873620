//! RFC 9180 Appendix A.3 (DHKEM(P-256, HKDF-SHA256), HKDF-SHA256,
//! AES-128-GCM, base mode), read verbatim from `tests/vectors/`, through the
//! reference `OpenBase` (the `hpke` crate) and the key schedule of
//! `orderseal::schedule`. `tests/native_open.rs` opens the same vector on
//! the native path that opens every envelope.

use orderseal::envelope::open_base;
use orderseal::{schedule, PrivateKey, Suite};

mod common;
use common::{rfc_a3 as first, rfc_a3_fields as fields};

#[test]
fn vector_file_is_the_p256_sha256_aes128gcm_base_suite() {
    let value = |name: &str| fields().into_iter().find(|(k, _)| k == name).map(|f| f.1);
    assert_eq!(value("mode").as_deref(), Some("0"));
    assert_eq!(value("kem_id").as_deref(), Some("16"));
    assert_eq!(value("kdf_id").as_deref(), Some("1"));
    assert_eq!(value("aead_id").as_deref(), Some("1"));
    assert_eq!(Suite::P256Sha256Aes128Gcm.ids(), (16, 1, 1));
}

#[test]
fn rfc_recipient_key_derives_the_rfc_public_key() {
    let sk = PrivateKey::from_scalar(&first("skRm")).expect("valid scalar");
    assert_eq!(
        &sk.public_key().to_sec1_uncompressed()[..],
        &first("pkRm")[..]
    );
}

#[test]
fn open_base_reproduces_sequence_zero() {
    let sk: [u8; 32] = first("skRm").try_into().expect("32 bytes");
    let pt = open_base(
        Suite::P256Sha256Aes128Gcm,
        &sk,
        &first("enc"),
        &first("info"),
        &first("aad"),
        &first("ct"),
    )
    .expect("the RFC vector opens");
    assert_eq!(&pt[..], &first("pt")[..]);
}

#[test]
fn open_base_rejects_the_vector_with_any_input_changed() {
    let sk: [u8; 32] = first("skRm").try_into().expect("32 bytes");
    let (enc, info, aad, ct) = (first("enc"), first("info"), first("aad"), first("ct"));
    let flip = |v: &[u8], i: usize| {
        let mut v = v.to_vec();
        v[i] ^= 1;
        v
    };
    let open = |enc: &[u8], info: &[u8], aad: &[u8], ct: &[u8]| {
        open_base(Suite::P256Sha256Aes128Gcm, &sk, enc, info, aad, ct).map(|_| ())
    };
    let failed = Err(orderseal::Error::OpenFailed);
    assert_eq!(open(&flip(&enc, 40), &info, &aad, &ct), failed);
    assert_eq!(open(&enc, &flip(&info, 0), &aad, &ct), failed);
    assert_eq!(open(&enc, &info, &flip(&aad, 3), &ct), failed);
    assert_eq!(open(&enc, &info, &aad, &flip(&ct, ct.len() - 1)), failed);
    assert_eq!(open(&enc, &info, &aad, &ct[..ct.len() - 1]), failed);
    // The same ciphertext under the other AEAD of the same KEM/KDF.
    assert_eq!(
        open_base(Suite::P256Sha256Aes256Gcm, &sk, &enc, &info, &aad, &ct).map(|_| ()),
        failed
    );
}

// The key schedule of the split (WebCrypto) seal path, `orderseal::schedule`,
// against every value of the vector it derives.

fn array<const N: usize>(name: &str) -> [u8; N] {
    first(name)
        .try_into()
        .expect("the field has the suite's length")
}

/// `dh = DH(skE, pkR)`: the x-coordinate of `skEm * pkRm`, computed with
/// p256 directly, as WebCrypto's `deriveBits` would.
fn rfc_dh() -> [u8; 32] {
    let sk_e = p256::SecretKey::from_slice(&first("skEm")).expect("valid scalar");
    let pk_r = p256::PublicKey::from_sec1_bytes(&first("pkRm")).expect("valid point");
    let dh = p256::ecdh::diffie_hellman(sk_e.to_nonzero_scalar(), pk_r.as_affine());
    (*dh.raw_secret_bytes()).into()
}

#[test]
fn schedule_extract_and_expand_gives_the_rfc_shared_secret() {
    let shared = schedule::shared_secret(&rfc_dh(), &array("enc"), &array("pkRm"));
    assert_eq!(&shared[..], &first("shared_secret")[..]);
}

#[test]
fn schedule_gives_the_rfc_key_schedule_context() {
    let context = schedule::key_schedule_context(Suite::P256Sha256Aes128Gcm, &first("info"));
    assert_eq!(&context[..], &first("key_schedule_context")[..]);
}

#[test]
fn schedule_gives_the_rfc_secret_key_and_base_nonce() {
    let shared: [u8; 32] = array("shared_secret");
    let secret = schedule::secret_for_tests(Suite::P256Sha256Aes128Gcm, &shared);
    assert_eq!(&secret[..], &first("secret")[..]);
    let keys = schedule::key_schedule_base(Suite::P256Sha256Aes128Gcm, &shared, &first("info"));
    assert_eq!(keys.expose_key(), &first("key")[..]);
    assert_eq!(&keys.base_nonce()[..], &first("base_nonce")[..]);
}

#[test]
fn schedule_key_is_32_bytes_for_aes256gcm_and_differs() {
    let shared: [u8; 32] = array("shared_secret");
    let k128 = schedule::key_schedule_base(Suite::P256Sha256Aes128Gcm, &shared, b"orderseal/v1");
    let k256 = schedule::key_schedule_base(Suite::P256Sha256Aes256Gcm, &shared, b"orderseal/v1");
    assert_eq!(k256.expose_key().len(), 32);
    assert_ne!(k128.expose_key(), &k256.expose_key()[..16]);
    assert_ne!(k128.base_nonce(), k256.base_nonce());
}
