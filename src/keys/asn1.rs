//! DER structures around P-256 keys: SPKI (RFC 5480), PKCS#8 (RFC 5208 /
//! RFC 5958), SEC1 `ECPrivateKey` (RFC 5915) and encrypted PKCS#8 with
//! PBES2 (RFC 8018, scrypt per RFC 7914).
//!
//! Decoding is done by the RustCrypto `der`/`spki`/`pkcs8`/`sec1` crates;
//! this module checks what they leave to the caller (algorithm and curve
//! OIDs, KDF costs) and turns their errors into orderseal's.

use crate::prelude::*;

use pkcs8::der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use pkcs8::der::{Decode, Encode, Tag, Tagged};
use pkcs8::pkcs5::pbes2::{self, Kdf, Pbkdf2Prf};
use pkcs8::pkcs5::{self, scrypt};
use pkcs8::{AlgorithmIdentifierRef, EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use sec1::{EcParameters, EcPrivateKey};
use spki::SubjectPublicKeyInfoRef;
use zeroize::Zeroizing;

use crate::error::{Error, KeyEncoding};

/// `id-ecPublicKey` (RFC 5480 §2.1.1).
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// `secp256r1` / `prime256v1` / NIST P-256 (RFC 5480 §2.1.1.1).
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// Everything a P-256 SPKI holds before the 65-byte point: it is fixed, so
/// encoding needs no fallible DER writer.
///
/// ```text
/// 30 59                        SEQUENCE (89)
///    30 13                     SEQUENCE (19) AlgorithmIdentifier
///       06 07 2a8648ce3d0201   OID id-ecPublicKey
///       06 08 2a8648ce3d030107 OID prime256v1
///    03 42 00                  BIT STRING (66), no unused bits
/// ```
const SPKI_P256_UNCOMPRESSED_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// Curves people are likely to hand us by mistake, named as OpenSSL names
/// them; anything else is shown as its dotted OID.
const CURVE_NAMES: &[(ObjectIdentifier, &str)] = &[
    (ObjectIdentifier::new_unwrap("1.3.132.0.34"), "secp384r1"),
    (ObjectIdentifier::new_unwrap("1.3.132.0.35"), "secp521r1"),
    (ObjectIdentifier::new_unwrap("1.3.132.0.10"), "secp256k1"),
    (ObjectIdentifier::new_unwrap("1.3.132.0.33"), "secp224r1"),
    (
        ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.1"),
        "prime192v1",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.7"),
        "brainpoolP256r1",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.11"),
        "brainpoolP384r1",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.13"),
        "brainpoolP512r1",
    ),
    (ObjectIdentifier::new_unwrap("1.2.156.10197.1.301"), "SM2"),
];

/// Key algorithms other than EC, for [`Error::KeyUnsupported`].
const ALGORITHM_NAMES: &[(ObjectIdentifier, &str)] = &[
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1"), "RSA"),
    (
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10"),
        "RSA-PSS",
    ),
    (ObjectIdentifier::new_unwrap("1.2.840.10040.4.1"), "DSA"),
    (ObjectIdentifier::new_unwrap("1.2.840.10046.2.1"), "DH"),
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.3.1"), "DH"),
    (ObjectIdentifier::new_unwrap("1.3.101.110"), "X25519"),
    (ObjectIdentifier::new_unwrap("1.3.101.111"), "X448"),
    (ObjectIdentifier::new_unwrap("1.3.101.112"), "Ed25519"),
    (ObjectIdentifier::new_unwrap("1.3.101.113"), "Ed448"),
];

/// Upper bound on PBKDF2 iterations we run for an encrypted key file: 16x
/// OWASP's 600 000, so a crafted file cannot pin a CPU for minutes.
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// Upper bound on scrypt memory (128·r·N bytes) for an encrypted key file.
/// OpenSSL's own default limit is 32 MiB; we allow 256 MiB.
const MAX_SCRYPT_MEMORY: u128 = 256 << 20;

/// Upper bound on scrypt work (128·r·N·p), the memory bound times 4.
const MAX_SCRYPT_WORK: u128 = MAX_SCRYPT_MEMORY * 4;

/// scrypt cost of the files we write: N = 2^14, r = 8, p = 1 (16 MiB).
///
/// This is OpenSSL's `-scrypt` default. RFC 7914's interactive-login
/// example, N = 2^15 with r = 8, needs 32 MiB plus 2 KiB, just over OpenSSL
/// 3's 32 MiB `maxmem` default, so `openssl pkey` could not read such a
/// file (RustCrypto/formats#1205).
const WRITE_SCRYPT_LOG_N: u8 = 14;
const WRITE_SCRYPT_R: u32 = 8;
const WRITE_SCRYPT_P: u32 = 1;

/// The shape of a DER document, from its first two elements alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DerKind {
    /// `SEQUENCE { AlgorithmIdentifier, BIT STRING }`
    Spki,
    /// `SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING, … }`
    Pkcs8,
    /// `SEQUENCE { AlgorithmIdentifier, OCTET STRING }`
    EncryptedPkcs8,
    /// `SEQUENCE { INTEGER 1, OCTET STRING, [0], [1] }`
    Sec1,
}

impl DerKind {
    /// Whether this structure holds a private key.
    pub(super) fn is_private(self) -> bool {
        !matches!(self, DerKind::Spki)
    }
}

/// One DER tag-length-value: `(tag, content, rest)`. Only what sniffing
/// needs: single-byte tags, definite lengths of up to four bytes.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (len_bytes, rest) = rest.split_at(n);
        let len = len_bytes.iter().try_fold(0usize, |acc, &b| {
            acc.checked_mul(256)?.checked_add(usize::from(b))
        })?;
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((tag, content, rest))
}

/// What `der` looks like, if it is one whole SEQUENCE of a known shape.
///
/// The outer length must cover the input exactly: that keeps text that
/// merely starts with `0` (0x30, e.g. hex `04…`) from passing as DER.
pub(super) fn sniff(der: &[u8]) -> Option<DerKind> {
    let (0x30, content, []) = tlv(der)? else {
        return None;
    };
    let (first, _, rest) = tlv(content)?;
    let (second, _, _) = tlv(rest)?;
    match (first, second) {
        (0x30, 0x03) => Some(DerKind::Spki),
        (0x02, 0x30) => Some(DerKind::Pkcs8),
        (0x30, 0x04) => Some(DerKind::EncryptedPkcs8),
        (0x02, 0x04) => Some(DerKind::Sec1),
        _ => None,
    }
}

/// The point of a SubjectPublicKeyInfo in the one DER encoding that a
/// P-256 key with an uncompressed point has (what OpenSSL, WebCrypto's
/// `exportKey("spki")` and orderseal write), read without a DER decoder.
pub(super) fn canonical_spki_point(der: &[u8]) -> Option<&[u8; 65]> {
    der.strip_prefix(&SPKI_P256_UNCOMPRESSED_PREFIX)?
        .try_into()
        .ok()
}

/// The error [`spki_point`] gives for a SubjectPublicKeyInfo of another
/// algorithm or curve that [`ALGORITHM_NAMES`] or [`CURVE_NAMES`] names,
/// found by walking its first elements, without a DER decoder. `None` for
/// anything else, P-256 included.
pub(super) fn spki_named_error(der: &[u8]) -> Option<Error> {
    let (0x30, spki, []) = tlv(der)? else {
        return None;
    };
    let (0x30, algorithm, _) = tlv(spki)? else {
        return None;
    };
    let (0x06, oid, parameters) = tlv(algorithm)? else {
        return None;
    };
    let named = |names: &[(ObjectIdentifier, &str)], oid: &[u8]| {
        names
            .iter()
            .find(|(known, _)| known.as_bytes() == oid)
            .map(|(_, name)| (*name).to_owned())
    };
    if oid != ID_EC_PUBLIC_KEY.as_bytes() {
        return named(ALGORITHM_NAMES, oid).map(Error::KeyUnsupported);
    }
    let (0x06, curve, _) = tlv(parameters)? else {
        return None;
    };
    named(CURVE_NAMES, curve).map(Error::KeyWrongCurve)
}

fn curve_name(oid: &ObjectIdentifier) -> String {
    CURVE_NAMES
        .iter()
        .find(|(o, _)| o == oid)
        .map_or_else(|| oid.to_string(), |(_, name)| (*name).to_owned())
}

fn algorithm_name(oid: &ObjectIdentifier) -> String {
    ALGORITHM_NAMES
        .iter()
        .find(|(o, _)| o == oid)
        .map_or_else(|| format!("with OID {oid}"), |(_, name)| (*name).to_owned())
}

/// Accepts the named curve P-256 only.
pub(super) fn check_curve(oid: &ObjectIdentifier) -> Result<(), Error> {
    if *oid == SECP256R1 {
        Ok(())
    } else {
        Err(Error::KeyWrongCurve(curve_name(oid)))
    }
}

/// Checks RFC 5480 `ECParameters` (as DER, e.g. an `EC PARAMETERS` PEM block).
fn check_ec_parameters(params: AnyRef<'_>, enc: KeyEncoding) -> Result<(), Error> {
    match params.tag() {
        Tag::ObjectIdentifier => {
            let oid = params
                .decode_as::<ObjectIdentifier>()
                .map_err(|_| Error::key_malformed(enc, "invalid curve OID"))?;
            check_curve(&oid)
        }
        // RFC 5480 §2.1.1: specifiedCurve and implicitCurve MUST NOT be used.
        Tag::Sequence => Err(Error::KeyUnsupported(
            "EC with explicit curve parameters (re-export it with \
             `-param_enc named_curve`)"
                .into(),
        )),
        Tag::Null => Err(Error::KeyUnsupported(
            "EC with implicit curve parameters".into(),
        )),
        _ => Err(Error::key_malformed(enc, "invalid EC curve parameters")),
    }
}

/// Checks the DER body of an `EC PARAMETERS` PEM block.
pub(super) fn check_ec_parameters_der(der: &[u8], enc: KeyEncoding) -> Result<(), Error> {
    let any = AnyRef::from_der(der)
        .map_err(|_| Error::key_malformed(enc, "invalid EC PARAMETERS block"))?;
    check_ec_parameters(any, enc)
}

/// Accepts `id-ecPublicKey` with the named curve P-256; names what else it
/// finds.
fn check_algorithm(alg: &AlgorithmIdentifierRef<'_>, enc: KeyEncoding) -> Result<(), Error> {
    if alg.oid != ID_EC_PUBLIC_KEY {
        return Err(Error::KeyUnsupported(algorithm_name(&alg.oid)));
    }
    match alg.parameters {
        Some(params) => check_ec_parameters(params, enc),
        None => Err(Error::key_malformed(enc, "EC key without curve parameters")),
    }
}

/// The SEC1 point inside a SubjectPublicKeyInfo, after checking that it is
/// a P-256 EC key.
pub(super) fn spki_point(der: &[u8], enc: KeyEncoding) -> Result<&[u8], Error> {
    let spki = SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|_| Error::key_malformed(enc, "not a valid SubjectPublicKeyInfo"))?;
    check_algorithm(&spki.algorithm, enc)?;
    spki.subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::key_malformed(enc, "the public key BIT STRING has unused bits"))
}

/// The SubjectPublicKeyInfo of an uncompressed P-256 point.
pub(super) fn spki_der(point: &[u8; 65]) -> Vec<u8> {
    let mut out = Vec::with_capacity(SPKI_P256_UNCOMPRESSED_PREFIX.len() + point.len());
    out.extend_from_slice(&SPKI_P256_UNCOMPRESSED_PREFIX);
    out.extend_from_slice(point);
    out
}

/// A decoded private key, borrowing from its (zeroized) DER buffer.
pub(super) struct PrivateParts<'a> {
    /// The big-endian scalar as stored (RFC 5915 says 32 bytes).
    pub scalar: &'a [u8],
    /// Public points stored beside the scalar (SEC1 `publicKey`, PKCS#8 v2
    /// `publicKey`); each must match the scalar.
    pub embedded_public: Vec<&'a [u8]>,
}

/// Decodes SEC1 `ECPrivateKey` (RFC 5915 §3), checking its curve if named.
pub(super) fn sec1_parts(der: &[u8], enc: KeyEncoding) -> Result<PrivateParts<'_>, Error> {
    let key = EcPrivateKey::from_der(der).map_err(|_| {
        Error::key_malformed(
            enc,
            "not a valid SEC1 ECPrivateKey (or it has explicit curve parameters)",
        )
    })?;
    if let Some(EcParameters::NamedCurve(oid)) = &key.parameters {
        check_curve(oid)?;
    }
    Ok(PrivateParts {
        scalar: key.private_key,
        embedded_public: key.public_key.into_iter().collect(),
    })
}

/// Decodes PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` holding a P-256
/// SEC1 `ECPrivateKey`.
pub(super) fn pkcs8_parts(der: &[u8], enc: KeyEncoding) -> Result<PrivateParts<'_>, Error> {
    let info = PrivateKeyInfoRef::from_der(der)
        .map_err(|_| Error::key_malformed(enc, "not a valid PKCS#8 PrivateKeyInfo"))?;
    check_algorithm(&info.algorithm, enc)?;
    let mut parts = sec1_parts(info.private_key.as_bytes(), enc)?;
    if let Some(public) = info.public_key {
        let point = public.as_bytes().ok_or_else(|| {
            Error::key_malformed(enc, "the public key BIT STRING has unused bits")
        })?;
        parts.embedded_public.push(point);
    }
    Ok(parts)
}

fn unreadable_encryption(enc: KeyEncoding, what: &str) -> Error {
    Error::key_malformed(
        enc,
        format!(
            "the key is encrypted with {what}, which orderseal does not read; re-encrypt it with \
             `openssl pkcs8 -topk8 -v2 aes-256-cbc -scrypt -in OLD -out NEW`"
        ),
    )
}

/// Refuses PBES2 parameters we cannot or will not run: unsupported
/// primitives, and costs past our bounds (a crafted file could otherwise
/// ask for gigabytes, and scrypt with N = 0 panics inside `pkcs5`).
fn check_pbes2(params: &pbes2::Parameters, enc: KeyEncoding) -> Result<(), Error> {
    match &params.kdf {
        Kdf::Pbkdf2(p) => {
            if p.prf == Pbkdf2Prf::HmacWithSha1 {
                return Err(unreadable_encryption(enc, "PBKDF2-HMAC-SHA1"));
            }
            if p.iteration_count == 0 || p.iteration_count > MAX_PBKDF2_ITERATIONS {
                return Err(Error::key_malformed(
                    enc,
                    format!(
                        "PBKDF2 iteration count {} is outside 1..={MAX_PBKDF2_ITERATIONS}",
                        p.iteration_count
                    ),
                ));
            }
        }
        Kdf::Scrypt(s) => {
            let n = u128::from(s.cost_parameter);
            let r = u128::from(s.block_size);
            let p = u128::from(s.parallelization);
            if n < 2 || !s.cost_parameter.is_power_of_two() || r == 0 || p == 0 {
                return Err(Error::key_malformed(enc, "invalid scrypt parameters"));
            }
            let memory = 128 * r * n;
            if memory > MAX_SCRYPT_MEMORY || memory * p > MAX_SCRYPT_WORK {
                return Err(Error::key_malformed(
                    enc,
                    format!(
                        "scrypt parameters N={n}, r={r}, p={p} are over orderseal's cost limit \
                         ({} MiB of memory)",
                        MAX_SCRYPT_MEMORY >> 20
                    ),
                ));
            }
        }
        _ => return Err(unreadable_encryption(enc, "an unknown key derivation")),
    }
    Ok(())
}

/// Decrypts a PKCS#8 `EncryptedPrivateKeyInfo`, returning the inner PKCS#8
/// `PrivateKeyInfo` DER.
pub(super) fn decrypt_pkcs8(
    der: &[u8],
    passphrase: Option<&[u8]>,
    enc: KeyEncoding,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let info = match EncryptedPrivateKeyInfoRef::from_der(der) {
        Ok(info) => info,
        Err(_) => {
            // `pkcs5` only decodes the schemes it knows: name the others.
            let alg = tlv(der).and_then(|(_, content, _)| {
                let (_, _, rest) = tlv(content)?;
                let first = content.get(..content.len() - rest.len())?;
                AlgorithmIdentifierRef::from_der(first).ok()
            });
            return Err(match alg {
                Some(alg) if alg.oid != pbes2::PBES2_OID => {
                    unreadable_encryption(enc, &format!("the scheme with OID {}", alg.oid))
                }
                _ => Error::key_malformed(enc, "not a valid PKCS#8 EncryptedPrivateKeyInfo"),
            });
        }
    };
    let params = match &info.encryption_algorithm {
        pkcs5::EncryptionScheme::Pbes2(params) => params,
        pkcs5::EncryptionScheme::Pbes1(alg) => {
            return Err(unreadable_encryption(
                enc,
                &format!("legacy PBES1 ({})", alg.oid()),
            ))
        }
        _ => return Err(unreadable_encryption(enc, "an unknown scheme")),
    };
    check_pbes2(params, enc)?;
    let passphrase = passphrase.ok_or(Error::PassphraseRequired)?;

    let mut buffer = Zeroizing::new(info.encrypted_data.as_bytes().to_vec());
    let len = match params.decrypt_in_place(passphrase, &mut buffer) {
        Ok(plaintext) => plaintext.len(),
        // A wrong passphrase shows as bad CBC padding or a bad GCM tag.
        Err(pkcs5::Error::DecryptFailed) => return Err(Error::WrongPassphrase),
        Err(pkcs5::Error::UnsupportedAlgorithm { oid }) => {
            return Err(unreadable_encryption(enc, &format!("the algorithm {oid}")))
        }
        Err(_) => return Err(Error::key_malformed(enc, "invalid encryption parameters")),
    };
    buffer.truncate(len);
    // CBC padding is right by chance for 1 wrong passphrase in 256; the
    // garbage then fails to decode as DER, which means the same thing.
    if sniff(&buffer) != Some(DerKind::Pkcs8) {
        return Err(Error::WrongPassphrase);
    }
    Ok(buffer)
}

/// Encrypts PKCS#8 DER under `passphrase`: PBES2 with scrypt
/// (N = 2^14, r = 8, p = 1), AES-256-CBC, random 16-byte salt and IV.
pub(super) fn encrypt_pkcs8(pkcs8_der: &[u8], passphrase: &[u8]) -> Result<Vec<u8>, Error> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    super::fill_random(&mut salt)?;
    super::fill_random(&mut iv)?;
    let cost = scrypt::Params::new(WRITE_SCRYPT_LOG_N, WRITE_SCRYPT_R, WRITE_SCRYPT_P)
        .map_err(|_| Error::Unavailable("invalid built-in scrypt parameters".into()))?;
    let params = pbes2::Parameters::generate_scrypt_aes256cbc(cost, &salt, iv)
        .map_err(|_| Error::Unavailable("invalid built-in PBES2 parameters".into()))?;

    // Room for up to one block of PKCS#7 padding.
    let mut buffer = Zeroizing::new(Vec::with_capacity(pkcs8_der.len() + 16));
    buffer.extend_from_slice(pkcs8_der);
    buffer.extend_from_slice(&[0u8; 16]);
    let ciphertext = params
        .encrypt_in_place(passphrase, &mut buffer, pkcs8_der.len())
        .map_err(|_| Error::Unavailable("encrypting the key failed".into()))?;
    let encrypted_data = OctetStringRef::new(ciphertext)
        .map_err(|_| Error::Unavailable("encrypting the key failed".into()))?;
    pkcs8::EncryptedPrivateKeyInfo {
        encryption_algorithm: pkcs5::EncryptionScheme::Pbes2(params),
        encrypted_data,
    }
    .to_der()
    .map_err(|_| Error::Unavailable("encoding the encrypted key failed".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_requires_exact_outer_length() {
        let mut spki = spki_der(&[4; 65]);
        assert_eq!(sniff(&spki), Some(DerKind::Spki));
        spki.push(0);
        assert_eq!(sniff(&spki), None);
        // Hex text of a point starts with '0' (0x30) but is not DER.
        assert_eq!(sniff(b"04a1b2c3"), None);
        assert_eq!(sniff(&[]), None);
    }

    #[test]
    fn tlv_rejects_lengths_past_the_input() {
        assert!(tlv(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_none());
        assert!(tlv(&[0x30, 0x80]).is_none());
        assert!(tlv(&[0x30, 0x02, 0x00]).is_none());
    }

    #[test]
    fn curve_names_cover_common_mistakes_and_fall_back_to_dotted_oid() {
        for (dotted, name) in [
            ("1.3.132.0.34", "secp384r1"),
            ("1.3.132.0.35", "secp521r1"),
            ("1.3.132.0.10", "secp256k1"),
            ("1.2.3.4", "1.2.3.4"),
        ] {
            let oid = ObjectIdentifier::new(dotted).expect("valid OID");
            assert_eq!(check_curve(&oid), Err(Error::KeyWrongCurve(name.into())));
        }
        assert_eq!(check_curve(&SECP256R1), Ok(()));
    }

    #[test]
    fn pbes2_cost_limits_reject_zero_and_huge_scrypt_n() {
        for (n, r, p) in [
            (0u64, 8u16, 1u16),
            (3, 8, 1),
            (1 << 30, 8, 1),
            (1 << 14, 8, 128),
            (1 << 14, 0, 1),
        ] {
            let mut params = pbes2::Parameters::generate_scrypt_aes256cbc(
                scrypt::Params::new(14, 8, 1).expect("valid"),
                &[0; 16],
                [0; 16],
            )
            .expect("valid");
            let Kdf::Scrypt(s) = &mut params.kdf else {
                unreachable!("built with scrypt")
            };
            s.cost_parameter = n;
            s.block_size = r;
            s.parallelization = p;
            assert_eq!(
                check_pbes2(&params, KeyEncoding::Der).map_err(|e| e.code()),
                Err("key_malformed"),
                "N={n} r={r} p={p}"
            );
        }
    }
}
