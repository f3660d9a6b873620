//! RFC 9180's DHKEM `ExtractAndExpand` and base-mode `KeySchedule`, for the
//! paths where another library does the P-256 ECDH and the AES-GCM, and the
//! core derives the key and nonce in between: the browser's seal, with
//! WebCrypto ([`crate::envelope::Prepared`]), and the native open, with
//! AWS-LC ([`crate::native_open`]).
//!
//! The `hpke` crate ([`crate::suite`]) stays the reference: every native
//! seal goes through it, and the native open is tested against it. This
//! module only covers what the split paths need, for DHKEM(P-256,
//! HKDF-SHA256) with HKDF-SHA256; its outputs are checked against RFC 9180
//! Appendix A.3 (`tests/rfc9180.rs`).
//!
//! RFC 9180 §4 (cryptographic dependencies):
//!
//! ```text
//! def LabeledExtract(salt, label, ikm):
//!   labeled_ikm = concat("HPKE-v1", suite_id, label, ikm)
//!   return Extract(salt, labeled_ikm)
//!
//! def LabeledExpand(prk, label, info, L):
//!   labeled_info = concat(I2OSP(L, 2), "HPKE-v1", suite_id,
//!                         label, info)
//!   return Expand(prk, labeled_info, L)
//! ```

use crate::prelude::*;

use hkdf::{Hkdf, HkdfExtract};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::suite::ENC_LEN;
use crate::Suite;

/// `Ndh` of DHKEM(P-256): the x-coordinate of the shared point (RFC 9180 §7.1).
pub const DH_LEN: usize = 32;
/// `Nsecret` of DHKEM(P-256, HKDF-SHA256) (RFC 9180 §7.1).
pub const SECRET_LEN: usize = 32;
/// `Nn` of AES-GCM (RFC 9180 §7.3).
pub const NONCE_LEN: usize = 12;

const HPKE_V1: &[u8] = b"HPKE-v1";
/// `mode_base` (RFC 9180 §5).
const MODE_BASE: u8 = 0x00;

/// The KEM's `suite_id` (RFC 9180 §4.1): `concat("KEM", I2OSP(kem_id, 2))`.
const KEM_SUITE_ID: [u8; 5] = *b"KEM\x00\x10";

/// The HPKE `suite_id` (RFC 9180 §5.1):
/// `concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2))`.
fn hpke_suite_id(suite: Suite) -> [u8; 10] {
    let (kem, kdf, aead) = suite.ids();
    let mut id = *b"HPKE\0\0\0\0\0\0";
    id[4..6].copy_from_slice(&kem.to_be_bytes());
    id[6..8].copy_from_slice(&kdf.to_be_bytes());
    id[8..10].copy_from_slice(&aead.to_be_bytes());
    id
}

/// `Nk` of the suite's AEAD (RFC 9180 §7.3).
fn key_len(suite: Suite) -> usize {
    match suite {
        Suite::P256Sha256Aes128Gcm => 16,
        Suite::P256Sha256Aes256Gcm => 32,
    }
}

/// `LabeledExtract(salt, label, ikm)`, returning the PRK ready to expand.
fn labeled_extract(suite_id: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> Hkdf<Sha256> {
    let mut extract = HkdfExtract::<Sha256>::new(Some(salt));
    for part in [HPKE_V1, suite_id, label, ikm] {
        extract.input_ikm(part);
    }
    extract.finalize().1
}

/// The bytes of `LabeledExtract(salt, label, ikm)` (for the hashes of
/// `key_schedule_context`, which are not secret).
fn labeled_extract_bytes(suite_id: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> [u8; 32] {
    let mut extract = HkdfExtract::<Sha256>::new(Some(salt));
    for part in [HPKE_V1, suite_id, label, ikm] {
        extract.input_ikm(part);
    }
    extract.finalize().0.into()
}

/// `LabeledExpand(prk, label, info, L)` into `out` (`L = out.len()`).
///
/// `L` is Nsecret, Nk or Nn here: at most 32 bytes, so it fits I2OSP's two
/// bytes and HKDF's limit of 255 * Nh. (No `expect` on either: its message
/// would format the error with `Debug`, code the wasm seal build need not
/// carry.)
fn labeled_expand(prk: &Hkdf<Sha256>, suite_id: &[u8], label: &[u8], info: &[u8], out: &mut [u8]) {
    debug_assert!(out.len() <= 32);
    let len = (out.len() as u16).to_be_bytes();
    if prk
        .expand_multi_info(&[&len, HPKE_V1, suite_id, label, info], out)
        .is_err()
    {
        unreachable!("L is at most 32 bytes, far below 255 * Nh");
    }
}

/// RFC 9180 §4.1, DHKEM `ExtractAndExpand` as `Encap` calls it:
///
/// ```text
/// def ExtractAndExpand(dh, kem_context):
///   eae_prk = LabeledExtract("", "eae_prk", dh)
///   shared_secret = LabeledExpand(eae_prk, "shared_secret",
///                                 kem_context, Nsecret)
///   return shared_secret
///
/// def Encap(pkR):
///   skE, pkE = GenerateKeyPair()
///   dh = DH(skE, pkR)
///   enc = SerializePublicKey(pkE)
///
///   pkRm = SerializePublicKey(pkR)
///   kem_context = concat(enc, pkRm)
///
///   shared_secret = ExtractAndExpand(dh, kem_context)
///   return shared_secret, enc
/// ```
///
/// `dh` is the 32-byte x-coordinate of `skE * pkR` (what WebCrypto's
/// `deriveBits` returns for ECDH P-256), `enc` and `pk_rm` the 65-byte
/// uncompressed points.
pub fn shared_secret(
    dh: &[u8; DH_LEN],
    enc: &[u8; ENC_LEN],
    pk_rm: &[u8; ENC_LEN],
) -> Zeroizing<[u8; SECRET_LEN]> {
    let eae_prk = labeled_extract(&KEM_SUITE_ID, b"", b"eae_prk", dh);
    let mut kem_context = [0u8; 2 * ENC_LEN];
    kem_context[..ENC_LEN].copy_from_slice(enc);
    kem_context[ENC_LEN..].copy_from_slice(pk_rm);
    let mut shared_secret = Zeroizing::new([0u8; SECRET_LEN]);
    labeled_expand(
        &eae_prk,
        &KEM_SUITE_ID,
        b"shared_secret",
        &kem_context,
        &mut shared_secret[..],
    );
    shared_secret
}

/// The `info` whose [`key_schedule_context`] is worked out ahead, with the
/// default suite: that of every envelope this build seals by default.
const PRECOMPUTED_INFO: &[u8] = b"orderseal/v2";

/// [`key_schedule_context`] of [`Suite::P256Sha256Aes128Gcm`] and
/// [`PRECOMPUTED_INFO`]: constant, and its two `LabeledExtract` calls are 8
/// of the 30 SHA-256 blocks of a seal's key schedule (about 4 µs of a 2 KB
/// seal in the browser's wasm). Checked against the computation by
/// `precomputed_context_is_the_computed_one` below.
const PRECOMPUTED_CONTEXT: [u8; 65] = [
    0x00, 0xb8, 0x8d, 0x4e, 0x6d, 0x91, 0x75, 0x9e, 0x65, 0xe8, 0x7c, 0x47, 0x0e, 0x8b, 0x91, 0x41,
    0x11, 0x3e, 0x9a, 0xd5, 0xf0, 0xc8, 0xce, 0xef, 0xc1, 0xe0, 0x88, 0xc8, 0x2e, 0x69, 0x80, 0x50,
    0x07, 0xcf, 0x9f, 0x6d, 0x50, 0xe2, 0xe9, 0x1f, 0x4e, 0xa2, 0x99, 0x4d, 0xb3, 0x2f, 0xba, 0xa7,
    0x33, 0xe7, 0x34, 0xc4, 0x21, 0x94, 0x0d, 0x12, 0xa4, 0x94, 0xb1, 0x21, 0xd4, 0x47, 0x9f, 0x4b,
    0x73,
];

/// `key_schedule_context = concat(mode, psk_id_hash, info_hash)` of base
/// mode (`psk_id = default_psk_id = ""`), RFC 9180 §5.1. Not secret.
pub fn key_schedule_context(suite: Suite, info: &[u8]) -> [u8; 65] {
    if suite == Suite::P256Sha256Aes128Gcm && info == PRECOMPUTED_INFO {
        return PRECOMPUTED_CONTEXT;
    }
    computed_key_schedule_context(suite, info)
}

/// [`key_schedule_context`], always computed.
fn computed_key_schedule_context(suite: Suite, info: &[u8]) -> [u8; 65] {
    let suite_id = hpke_suite_id(suite);
    let psk_id_hash = labeled_extract_bytes(&suite_id, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract_bytes(&suite_id, b"", b"info_hash", info);
    let mut context = [0u8; 65];
    context[0] = MODE_BASE;
    context[1..33].copy_from_slice(&psk_id_hash);
    context[33..].copy_from_slice(&info_hash);
    context
}

/// The AEAD key and base nonce of a base-mode context: what `ctx.Seal` of
/// sequence number 0 uses (RFC 9180 §5.2: `ComputeNonce(0) = base_nonce`).
pub struct AeadKey {
    key: Zeroizing<Vec<u8>>,
    base_nonce: [u8; NONCE_LEN],
}

impl AeadKey {
    /// The AES-GCM key (`Nk` bytes). Read only to hand it to the AEAD.
    pub fn expose_key(&self) -> &[u8] {
        &self.key
    }

    /// `base_nonce`, the nonce of the single message (sequence number 0).
    pub fn base_nonce(&self) -> &[u8; NONCE_LEN] {
        &self.base_nonce
    }
}

impl core::fmt::Debug for AeadKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AeadKey { .. }")
    }
}

/// RFC 9180 §5.1 `KeySchedule` for `mode_base` (`psk = default_psk = ""`,
/// `psk_id = default_psk_id = ""`; `VerifyPSKInputs` holds trivially), up
/// to the key and base nonce (no exporter secret: orderseal exports nothing):
///
/// ```text
/// def KeySchedule<ROLE>(mode, shared_secret, info, psk, psk_id):
///   VerifyPSKInputs(mode, psk, psk_id)
///
///   psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id)
///   info_hash = LabeledExtract("", "info_hash", info)
///   key_schedule_context = concat(mode, psk_id_hash, info_hash)
///
///   secret = LabeledExtract(shared_secret, "secret", psk)
///
///   key = LabeledExpand(secret, "key", key_schedule_context, Nk)
///   base_nonce = LabeledExpand(secret, "base_nonce",
///                              key_schedule_context, Nn)
///   exporter_secret = LabeledExpand(secret, "exp",
///                                   key_schedule_context, Nh)
///
///   return Context<ROLE>(key, base_nonce, 0, exporter_secret)
/// ```
pub fn key_schedule_base(suite: Suite, shared_secret: &[u8; SECRET_LEN], info: &[u8]) -> AeadKey {
    let suite_id = hpke_suite_id(suite);
    let context = key_schedule_context(suite, info);
    let secret = labeled_extract(&suite_id, shared_secret, b"secret", b"");
    let mut key = Zeroizing::new(vec![0u8; key_len(suite)]);
    labeled_expand(&secret, &suite_id, b"key", &context, &mut key);
    let mut base_nonce = [0u8; NONCE_LEN];
    labeled_expand(&secret, &suite_id, b"base_nonce", &context, &mut base_nonce);
    AeadKey { key, base_nonce }
}

/// [`shared_secret`] then [`key_schedule_base`]: the AES-GCM key and nonce
/// of a single-shot context from the ECDH result, what every split seal and
/// open derives (sealing, `dh` = DH(skE, pkR); opening, DH(skR, pkE); `enc`
/// and `pk_rm` are the same points on both sides).
pub fn key_from_dh(
    suite: Suite,
    dh: &[u8; DH_LEN],
    enc: &[u8; ENC_LEN],
    pk_rm: &[u8; ENC_LEN],
    info: &[u8],
) -> AeadKey {
    key_schedule_base(suite, &shared_secret(dh, enc, pk_rm), info)
}

/// `secret = LabeledExtract(shared_secret, "secret", psk)` of base mode, as
/// bytes: only for checking the RFC vector's `secret` (`tests/rfc9180.rs`).
#[doc(hidden)]
pub fn secret_for_tests(suite: Suite, shared_secret: &[u8; SECRET_LEN]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(labeled_extract_bytes(
        &hpke_suite_id(suite),
        shared_secret,
        b"secret",
        b"",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precomputed_context_is_the_computed_one() {
        let computed = computed_key_schedule_context(Suite::P256Sha256Aes128Gcm, PRECOMPUTED_INFO);
        assert_eq!(PRECOMPUTED_CONTEXT, computed);
    }

    #[test]
    fn the_precomputed_info_is_what_this_build_seals() {
        // A new envelope version needs its context worked out again: until
        // then every seal would compute it.
        assert_eq!(PRECOMPUTED_INFO, crate::envelope::INFO);
    }

    #[test]
    fn other_suites_and_infos_are_computed() {
        for (suite, info) in [
            (Suite::P256Sha256Aes256Gcm, PRECOMPUTED_INFO),
            (Suite::P256Sha256Aes128Gcm, &b"orderseal/v1"[..]),
            (Suite::P256Sha256Aes128Gcm, &b""[..]),
        ] {
            let context = key_schedule_context(suite, info);
            assert_eq!(context, computed_key_schedule_context(suite, info));
            assert_ne!(context, PRECOMPUTED_CONTEXT);
        }
    }
}
