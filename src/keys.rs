//! P-256 keys: parsing every common encoding (SEC1 points, SPKI, PKCS#8,
//! encrypted PKCS#8, SEC1 `ECPrivateKey`, JWK, PEM), writing the ones we
//! hand out, key ids and fingerprints, and the keyring used to open.
//!
//! Parse, don't validate: a [`PublicKey`] that exists is a point on P-256
//! other than the identity, and a [`PrivateKey`] that exists is a scalar in
//! `[1, n)` whose embedded public key, if the file had one, matched.
//!
//! Error codes for the cases people hit (see [`Error`]):
//!
//! | input | error |
//! |---|---|
//! | another EC curve (secp384r1, JWK `crv` P-384, …) | [`Error::KeyWrongCurve`] |
//! | RSA, Ed25519, X25519, DSA, `kty` other than `EC` | [`Error::KeyUnsupported`] |
//! | point not on the curve, including JWK `x` = `y` = 0 | [`Error::KeyNotOnCurve`] |
//! | SEC1 `00` (the point at infinity), zero scalar | [`Error::KeyIdentity`] |
//! | embedded public key or JWK `x`,`y` not matching the scalar | [`Error::KeyMismatch`] |
//! | a private key where a public key is expected, or the reverse | [`Error::KeyMalformed`] |
//!
//! The point at infinity has no affine coordinates, so a JWK cannot express
//! it: `x` = `y` = 0 is just a point off the curve (0 ≠ b), hence
//! `KeyNotOnCurve` rather than `KeyIdentity`.

use crate::prelude::*;

mod asn1;
mod fingerprint;
mod jwk;
mod keyring;
mod pem;

use crate::json_out::quoted;
use crate::text::decimal;
use core::fmt;

use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::EncodePrivateKey;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use crate::b64;
use crate::error::{Error, KeyEncoding};

use asn1::DerKind;
pub use fingerprint::{Fingerprint, KeyId};
pub use jwk::{JwkMembers, Member as JwkMember};
pub use keyring::Keyring;

/// A valid P-256 public key: the key orders are sealed to.
///
/// `Debug` prints only the key id: `PublicKey { kid: "3f2a9c0d1e8b7a64" }`.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The point as `04 || x || y`. Invariant: checked on the curve (by
    /// `p256`) and not the identity when the key was made. Kept as bytes,
    /// which is all that sealing and key ids need, so the seal build links
    /// no SEC1 encoder (nor the error types its `expect` formats).
    sec1: [u8; 65],
    /// SHA-256 of the uncompressed point, computed once.
    fingerprint: Fingerprint,
    /// The first 8 bytes of `fingerprint`, in hex.
    kid: KeyId,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("kid", &self.kid.as_str())
            .finish()
    }
}

/// Whether `bytes` has the length and prefix of a compressed SEC1 point.
fn is_compressed(bytes: &[u8]) -> bool {
    matches!((bytes.len(), bytes.first()), (33, Some(0x02 | 0x03)))
}

/// Whether `bytes` has the length and prefix of a SEC1 point encoding.
fn is_sec1_point(bytes: &[u8]) -> bool {
    matches!(
        (bytes.len(), bytes.first()),
        (65, Some(0x04)) | (33, Some(0x02 | 0x03)) | (1, Some(0x00))
    )
}

fn private_given(enc: KeyEncoding) -> Error {
    Error::key_malformed(
        enc,
        "this is a private key; give the public key (export it with `orderseal key public`)",
    )
}

fn public_given(enc: KeyEncoding) -> Error {
    Error::key_malformed(
        enc,
        "this is a public key; decryption needs the private key",
    )
}

/// Parses JSON key text (a JWK) with `serde_json`: the [`JsonParser`] of
/// [`PublicKey::parse`].
pub fn json(text: &str) -> Result<JwkMembers, Error> {
    let value = serde_json::from_str(text)
        .map(SecretJson)
        .map_err(|e| Error::key_malformed(KeyEncoding::Jwk, format!("not valid JSON ({e})")))?;
    Ok(JwkMembers::from_value(&value.0))
}

/// A JSON parser for key text that is JSON (a JWK): [`PublicKey::parse_with`].
/// A closure, so that the wasm seal build can hand over what JavaScript's
/// `JSON.parse` made of the text before the call.
pub type JsonParser<'a> = &'a dyn Fn(&str) -> Result<JwkMembers, Error>;

impl PublicKey {
    fn from_point(point: p256::PublicKey) -> Self {
        Self::from_checked_sec1(&uncompressed(&point))
    }

    /// The key of `sec1`, an uncompressed point already checked on the
    /// curve.
    fn from_checked_sec1(sec1: &[u8; 65]) -> Self {
        let fingerprint = Fingerprint::of_point(sec1);
        let kid = KeyId::from_fingerprint(&fingerprint);
        PublicKey {
            sec1: *sec1,
            fingerprint,
            kid,
        }
    }

    /// [`PublicKey::from_sec1`], naming `enc` in errors.
    fn from_sec1_in(bytes: &[u8], enc: KeyEncoding) -> Result<Self, Error> {
        if is_compressed(bytes) {
            // The only way left to fail is an x that is not a field element
            // or has no square root.
            return p256::PublicKey::from_sec1_bytes(bytes)
                .map(Self::from_point)
                .map_err(|_| Error::KeyNotOnCurve);
        }
        Self::from_uncompressed_in(bytes, enc)
    }

    /// [`PublicKey::from_sec1_in`] short of point decompression: a
    /// compressed point is [`Error::KeyMalformed`], like any other length.
    /// What the seal build links: checking `y² = x³ - 3x + b` is a few field
    /// multiplications, where decompressing takes a square root and its
    /// big-integer exponentiation code.
    fn from_uncompressed_in(bytes: &[u8], enc: KeyEncoding) -> Result<Self, Error> {
        if bytes == [0x00] {
            // SEC1 §2.3.3: the single octet 00 encodes the point at infinity.
            return Err(Error::KeyIdentity);
        }
        let Ok(sec1) = <&[u8; 65]>::try_from(bytes) else {
            return Err(Error::key_malformed(
                enc,
                [
                    "expected a P-256 point of 65 bytes (04 || x || y) or 33 bytes \
                     (02/03 || x), got ",
                    &decimal(bytes.len() as u64),
                    " bytes",
                ]
                .concat(),
            ));
        };
        Self::from_uncompressed(sec1).map_err(|e| match e {
            Error::KeyMalformed(_, why) => Error::KeyMalformed(enc, why),
            other => other,
        })
    }

    /// Reads a 65-byte uncompressed SEC1 point `04 || x || y`: a
    /// coordinate that is not a field element (≥ p) or a point off the
    /// curve is [`Error::KeyNotOnCurve`].
    ///
    /// Nothing more to check: a point given by its two coordinates is
    /// never the identity (SEC1 encodes that as the single octet 00, and
    /// `(0, 0)` is off the curve, as `b ≠ 0`), so `p256::PublicKey::from_affine`,
    /// whose only check that is, would only cost the seal build a
    /// projective conversion and comparison, compiled on the first
    /// `new Sealer`.
    pub(crate) fn from_uncompressed(sec1: &[u8; 65]) -> Result<Self, Error> {
        Self::check_uncompressed(sec1)?;
        Ok(Self::from_checked_sec1(sec1))
    }

    /// [`PublicKey::from_uncompressed`]'s checks alone, for a point that is
    /// checked but not kept (the ephemeral key WebCrypto returns to a seal),
    /// whose fingerprint would be two SHA-256 blocks and a key id for
    /// nothing.
    pub(crate) fn check_uncompressed(sec1: &[u8; 65]) -> Result<(), Error> {
        use p256::elliptic_curve::point::AffineCoordinates;
        let [0x04, coordinates @ ..] = sec1 else {
            return Err(Error::key_malformed(
                KeyEncoding::Raw,
                "expected a P-256 point of 65 bytes (04 || x || y) or 33 bytes (02/03 || x)",
            ));
        };
        let (x, y) = coordinates.split_at(32);
        let (Ok(x), Ok(y)) = (p256::FieldBytes::try_from(x), p256::FieldBytes::try_from(y)) else {
            return Err(Error::KeyNotOnCurve);
        };
        Option::from(p256::AffinePoint::from_coordinates(&x, &y))
            .map(|_: p256::AffinePoint| ())
            .ok_or(Error::KeyNotOnCurve)
    }

    /// Reads a SEC1 point: 65 bytes uncompressed or 33 bytes compressed.
    ///
    /// `[0x00]` (the identity) is [`Error::KeyIdentity`], a point off the
    /// curve [`Error::KeyNotOnCurve`], any other length or prefix
    /// [`Error::KeyMalformed`].
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_sec1_in(bytes, KeyEncoding::Raw)
    }

    fn from_spki_in(der: &[u8], enc: KeyEncoding) -> Result<Self, Error> {
        Self::from_sec1_in(asn1::spki_point(der, enc)?, enc)
    }

    /// Reads a DER SubjectPublicKeyInfo (RFC 5480) of an `id-ecPublicKey`
    /// on the named curve `prime256v1`.
    ///
    /// Other curves are [`Error::KeyWrongCurve`], other algorithms (RSA,
    /// Ed25519, X25519, …) [`Error::KeyUnsupported`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        match asn1::sniff(der) {
            Some(kind) if kind.is_private() => Err(private_given(KeyEncoding::Der)),
            _ => Self::from_spki_in(der, KeyEncoding::Der),
        }
    }

    /// Reads a PEM `PUBLIC KEY` block (as `openssl pkey -pubout` writes it).
    pub fn from_spki_pem(pem: &str) -> Result<Self, Error> {
        if !pem::is_pem(pem) {
            return Err(Error::key_malformed(
                KeyEncoding::Pem,
                "no -----BEGIN PUBLIC KEY----- line",
            ));
        }
        Self::from_input(pem_input(pem)?)
    }

    /// Reads a public JWK: `{"kty":"EC","crv":"P-256","x":…,"y":…}`.
    ///
    /// `x` and `y` must be unpadded base64url of exactly 32 bytes. Other
    /// members (`ext`, `key_ops`, `alg`, `kid`, `use`) are ignored, and so
    /// is a private `d`: this takes the public half. [`PublicKey::parse`],
    /// in contrast, refuses a JWK with `d`.
    pub fn from_jwk(json_text: &str) -> Result<Self, Error> {
        Self::from_jwk_members(&json(json_text)?)
    }

    /// [`PublicKey::from_jwk`] on an already parsed JSON value.
    pub fn from_jwk_value(v: &Value) -> Result<Self, Error> {
        Self::from_jwk_members(&JwkMembers::from_value(v))
    }

    /// [`PublicKey::from_jwk`] on the members of a JSON object, whichever
    /// parser read it.
    pub fn from_jwk_members(jwk: &JwkMembers) -> Result<Self, Error> {
        Self::from_uncompressed(&jwk.public_point()?)
    }

    /// [`PublicKey::parse`] of a JWK already read into its members (from a
    /// JavaScript object, say): a private JWK (with `d`) is refused, as
    /// `parse` refuses it, where [`PublicKey::from_jwk_members`] takes its
    /// public half.
    pub fn parse_jwk_members(jwk: &JwkMembers) -> Result<Self, Error> {
        if jwk.has_private() {
            return Err(private_given(KeyEncoding::Jwk));
        }
        Self::from_jwk_members(jwk)
    }

    /// Reads a public key in any encoding orderseal knows: PEM `PUBLIC KEY`,
    /// JWK text, DER SPKI, a binary SEC1 point (33 or 65 bytes), or the
    /// point as hex or unpadded base64url text. Whitespace around text is
    /// ignored.
    ///
    /// A private key (PEM, DER or a JWK with `d`) is refused with
    /// [`Error::KeyMalformed`] rather than silently reduced to its public
    /// half: a private key pasted where a public one goes is about to be
    /// published.
    pub fn parse(input: &[u8]) -> Result<Self, Error> {
        Self::parse_with(input, &json)
    }

    /// [`PublicKey::parse`] with another JSON parser for JWK text: the wasm
    /// seal build passes the JavaScript engine's, so that it links no JSON
    /// parser of its own.
    pub fn parse_with(input: &[u8], json: JsonParser) -> Result<Self, Error> {
        Self::from_input(classify(input, json)?)
    }

    /// [`PublicKey::parse_with`] for the encodings a company publishes its
    /// key in, read without a DER decoder or point decompression: what the
    /// wasm seal build links, for an order page that should load fast.
    ///
    /// It reads a JWK, a PEM or DER SubjectPublicKeyInfo of P-256 with an
    /// uncompressed point (as `orderseal key public`, OpenSSL and
    /// WebCrypto write it), and an uncompressed SEC1 point as bytes, hex or
    /// base64url, giving what [`PublicKey::parse`] gives. So does every
    /// error [`PublicKey::parse`] gives for a private key, another
    /// algorithm or curve, a point off the curve or the identity. The
    /// valid keys it cannot read (a compressed point, an SPKI in another
    /// valid encoding, or next to `EC PARAMETERS`) are
    /// [`Error::KeyMalformed`], saying to convert the key.
    pub fn parse_published(input: &[u8], json: JsonParser) -> Result<Self, Error> {
        let convert = |enc: KeyEncoding, what: &str| {
            Error::key_malformed(
                enc,
                [
                    what,
                    ": this build of orderseal (the seal build, for order pages) reads \
                     a JWK, a PEM or DER PUBLIC KEY with an uncompressed point, or an \
                     uncompressed point; convert the key with `orderseal key public`",
                ]
                .concat(),
            )
        };
        match classify(input, json)? {
            Input::Der {
                kind: DerKind::Spki,
                der,
                enc,
                ec_parameters,
            } => match asn1::canonical_spki_point(&der) {
                Some(point) if ec_parameters.is_empty() => Self::from_uncompressed_in(point, enc),
                _ => Err(asn1::spki_named_error(&der)
                    .unwrap_or_else(|| convert(enc, "a P-256 key in a PUBLIC KEY encoding"))),
            },
            Input::Point { bytes, enc } if is_compressed(&bytes) => {
                Err(convert(enc, "a compressed P-256 point"))
            }
            Input::Point { bytes, enc } => Self::from_uncompressed_in(&bytes, enc),
            Input::Der { enc, .. } => Err(private_given(enc)),
            Input::Jwk(v) => Self::parse_jwk_members(&v),
        }
    }

    fn from_input(input: Input) -> Result<Self, Error> {
        match input {
            Input::Der {
                kind: DerKind::Spki,
                der,
                enc,
                ec_parameters,
            } => {
                for params in &ec_parameters {
                    asn1::check_ec_parameters_der(params, enc)?;
                }
                Self::from_spki_in(&der, enc)
            }
            Input::Der { enc, .. } => Err(private_given(enc)),
            Input::Jwk(v) => Self::parse_jwk_members(&v),
            Input::Point { bytes, enc } => Self::from_sec1_in(&bytes, enc),
        }
    }

    /// The 65-byte uncompressed SEC1 encoding `04 || x || y`.
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        self.sec1
    }

    /// DER SubjectPublicKeyInfo (91 bytes, uncompressed point).
    pub fn to_spki_der(&self) -> Vec<u8> {
        asn1::spki_der(&self.to_sec1_uncompressed())
    }

    /// PEM `PUBLIC KEY`, as `openssl pkey -pubout` writes it.
    pub fn to_spki_pem(&self) -> String {
        pem::encode("PUBLIC KEY", &self.to_spki_der())
    }

    /// Compact JWK `{"kty":"EC","crv":"P-256","x":"…","y":"…"}`, members
    /// in that order: what WebCrypto's `exportKey("jwk")` gives, less `ext`
    /// and `key_ops`, and what `importKey("jwk", …)` takes.
    pub fn to_jwk(&self) -> String {
        jwk::encode(&self.to_sec1_uncompressed())
    }

    /// [`PublicKey::to_jwk`] as a JSON value.
    pub fn to_jwk_value(&self) -> Value {
        jwk::value(&self.to_sec1_uncompressed())
    }

    /// The key id, as written into envelopes.
    pub fn key_id(&self) -> &KeyId {
        &self.kid
    }

    /// SHA-256 of the uncompressed point.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// Refuses this key unless its id is `expected` (16 lowercase hex), so
    /// that a page pinned to a key id cannot be pointed at another key.
    ///
    /// A malformed `expected` is [`Error::KeyMalformed`]; another id is
    /// [`Error::KeyIdMismatch`].
    pub fn expect_key_id(&self, expected: &str) -> Result<(), Error> {
        let expected = KeyId::parse(expected)?;
        if expected == self.kid {
            Ok(())
        } else {
            Err(Error::KeyIdMismatch {
                expected: expected.as_str().to_owned(),
                actual: self.kid.as_str().to_owned(),
            })
        }
    }
}

fn uncompressed(point: &p256::PublicKey) -> [u8; 65] {
    point.to_uncompressed_point().into()
}

/// A P-256 private key: what opens envelopes.
///
/// The scalar is zeroized on drop (by `p256::SecretKey`). There is no
/// `Display`; `Debug` prints `PrivateKey { kid: "…", .. }`. The only way
/// to the scalar's bytes is [`PrivateKey::expose_secret`].
#[derive(Clone)]
pub struct PrivateKey {
    secret: p256::SecretKey,
    /// Derived from `secret` at construction.
    public: PublicKey,
    /// `secret` in AWS-LC's form, for the native open path; parsed on the
    /// first open, so that a batch parses each key once.
    #[cfg(not(target_arch = "wasm32"))]
    native: crate::native_open::Cache,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("kid", &self.public.kid.as_str())
            .finish_non_exhaustive()
    }
}

/// Fills `buf` from the operating system's (or browser's) CSPRNG.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(|e| {
        Error::Unavailable(
            [
                "the system random number generator failed: ",
                &random_error(e),
            ]
            .concat(),
        )
    })
}

/// What went wrong with the platform's CSPRNG, in getrandom's words. The
/// seal build (no `std`) does not call its `Display`, which would link
/// `core::fmt`: there, on wasm32, getrandom has one error, this one.
pub(crate) fn random_error(e: getrandom::Error) -> String {
    #[cfg(feature = "std")]
    return e.to_string();
    #[cfg(not(feature = "std"))]
    {
        let _ = e;
        "Web Crypto API is unavailable".to_owned()
    }
}

impl PrivateKey {
    fn from_secret(secret: p256::SecretKey) -> Self {
        let public = PublicKey::from_point(secret.public_key());
        PrivateKey {
            secret,
            public,
            #[cfg(not(target_arch = "wasm32"))]
            native: Default::default(),
        }
    }

    /// The key in AWS-LC's form ([`crate::native_open`]), parsed on first
    /// use; `None` if AWS-LC refused it.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn native(&self) -> Option<&crate::native_open::RecipientKey> {
        self.native.get_or_parse(self)
    }

    /// A new random key from the OS (or, in wasm, the browser's
    /// `crypto.getRandomValues`).
    ///
    /// [`Error::Unavailable`] if there is no usable randomness.
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        // Rejection sampling (as RFC 9180 DeriveKeyPair does): a uniform
        // 256-bit string is 0 or >= n with probability below 2^-32, so a
        // second round is already rare and eight failures mean a broken RNG.
        for _ in 0..8 {
            fill_random(&mut bytes[..])?;
            if let Ok(secret) = p256::SecretKey::from_slice(&bytes[..]) {
                return Ok(Self::from_secret(secret));
            }
        }
        Err(Error::Unavailable(
            "the random number generator keeps returning invalid scalars".into(),
        ))
    }

    /// [`PrivateKey::from_scalar`], naming `enc` in errors. In DER, a scalar
    /// shorter than 32 bytes is left-padded: some encoders strip leading
    /// zeros although RFC 5915 says not to (Go's `x509` accepts them too).
    fn from_scalar_in(bytes: &[u8], enc: KeyEncoding) -> Result<Self, Error> {
        let short_ok = enc != KeyEncoding::Raw && !bytes.is_empty();
        if bytes.len() != 32 && !(short_ok && bytes.len() < 32) {
            return Err(Error::key_malformed(
                enc,
                format!("a P-256 private scalar is 32 bytes, got {}", bytes.len()),
            ));
        }
        let mut padded = Zeroizing::new([0u8; 32]);
        padded[32 - bytes.len()..].copy_from_slice(bytes);
        // Branch only on the OR of all bytes, not on where they differ.
        if padded.iter().fold(0u8, |acc, b| acc | b) == 0 {
            return Err(Error::KeyIdentity);
        }
        p256::SecretKey::from_slice(&padded[..])
            .map(Self::from_secret)
            .map_err(|_| {
                Error::key_malformed(enc, "the private scalar is not below the group order n")
            })
    }

    /// A key from its 32-byte big-endian scalar.
    ///
    /// Zero is [`Error::KeyIdentity`]; a value `>= n` or another length is
    /// [`Error::KeyMalformed`].
    pub fn from_scalar(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_scalar_in(bytes, KeyEncoding::Raw)
    }

    /// Checks every embedded public point against the scalar.
    fn from_parts(parts: asn1::PrivateParts<'_>, enc: KeyEncoding) -> Result<Self, Error> {
        let key = Self::from_scalar_in(parts.scalar, enc)?;
        for point in parts.embedded_public {
            // An embedded point that does not even decode cannot match.
            match PublicKey::from_sec1_in(point, enc) {
                Ok(public) if public == key.public => {}
                _ => return Err(Error::KeyMismatch),
            }
        }
        Ok(key)
    }

    fn from_jwk_members(v: &JwkMembers) -> Result<Self, Error> {
        let d = v.private_scalar()?;
        let key = Self::from_scalar_in(&d[..], KeyEncoding::Jwk)?;
        // RFC 7518 §6.2.2: a private EC JWK also carries x and y.
        if v.public_point()? != key.public.to_sec1_uncompressed() {
            return Err(Error::KeyMismatch);
        }
        Ok(key)
    }

    /// Reads a private key in any encoding orderseal knows:
    ///
    /// - PEM `PRIVATE KEY` (PKCS#8, `openssl genpkey`), `ENCRYPTED PRIVATE
    ///   KEY` (PBES2: scrypt or PBKDF2-HMAC-SHA2, with AES-CBC or AES-GCM),
    ///   `EC PRIVATE KEY` (SEC1, `openssl ecparam -genkey`, with or without
    ///   the `EC PARAMETERS` block before it, whose curve is checked too);
    /// - the same structures as DER;
    /// - a JWK with `d`, whose `x` and `y` must match `d`.
    ///
    /// An encrypted key needs `passphrase`: [`Error::PassphraseRequired`]
    /// without one, [`Error::WrongPassphrase`] if it does not decrypt. An
    /// embedded public key that does not match the scalar is
    /// [`Error::KeyMismatch`]. A public key is refused with
    /// [`Error::KeyMalformed`].
    pub fn parse(input: &[u8], passphrase: Option<&[u8]>) -> Result<Self, Error> {
        match classify(input, &json)? {
            Input::Der {
                kind,
                der,
                enc,
                ec_parameters,
            } => {
                for params in &ec_parameters {
                    asn1::check_ec_parameters_der(params, enc)?;
                }
                match kind {
                    DerKind::Spki => Err(public_given(enc)),
                    DerKind::Pkcs8 => Self::from_parts(asn1::pkcs8_parts(&der, enc)?, enc),
                    DerKind::Sec1 => Self::from_parts(asn1::sec1_parts(&der, enc)?, enc),
                    DerKind::EncryptedPkcs8 => {
                        let inner = asn1::decrypt_pkcs8(&der, passphrase, enc)?;
                        Self::from_parts(asn1::pkcs8_parts(&inner, enc)?, enc)
                    }
                }
            }
            Input::Jwk(v) if v.has_private() => Self::from_jwk_members(&v),
            Input::Jwk(_) => Err(public_given(KeyEncoding::Jwk)),
            Input::Point { enc, .. } => Err(public_given(enc)),
        }
    }

    /// Whether `input` is an encrypted PKCS#8 key (PEM `ENCRYPTED PRIVATE
    /// KEY`, or the same DER), so that the caller knows to ask for a
    /// passphrase before [`PrivateKey::parse`].
    pub fn is_encrypted_pem(input: &[u8]) -> bool {
        describe(input) == KeyFileKind::EncryptedPrivateKey
    }

    /// Unencrypted PKCS#8 PEM (`PRIVATE KEY`), with the public key inside
    /// the SEC1 structure, as `openssl genpkey` writes it.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem::encode("PRIVATE KEY", self.pkcs8_der().as_bytes()))
    }

    /// Unencrypted PKCS#8 DER, for a platform that does the ECDH itself
    /// (WebCrypto's `importKey("pkcs8", …)` in the back office). Another
    /// place where the secret leaves this type.
    pub fn expose_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.pkcs8_der().as_bytes().to_vec())
    }

    fn pkcs8_der(&self) -> pkcs8::SecretDocument {
        self.secret
            .to_pkcs8_der()
            .expect("a valid P-256 key always encodes as PKCS#8")
    }

    /// Encrypted PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`): PBES2 with scrypt
    /// (N = 2^14, r = 8, p = 1) and AES-256-CBC, random salt and IV, which
    /// `openssl pkey -passin` reads.
    ///
    /// N = 2^14 rather than RFC 7914's 2^15 because OpenSSL 3 refuses to
    /// spend the 32 MiB + 2 KiB that 2^15 needs with r = 8.
    pub fn to_encrypted_pkcs8_pem(&self, passphrase: &[u8]) -> Result<Zeroizing<String>, Error> {
        let der = asn1::encrypt_pkcs8(self.pkcs8_der().as_bytes(), passphrase)?;
        Ok(Zeroizing::new(pem::encode("ENCRYPTED PRIVATE KEY", &der)))
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id of the public half.
    pub fn key_id(&self) -> &KeyId {
        &self.public.kid
    }

    /// The 32-byte big-endian scalar. Every use is a place where the secret
    /// leaves this type: keep them few and greppable.
    pub fn expose_secret(&self) -> Zeroizing<[u8; 32]> {
        let mut bytes = self.secret.to_bytes();
        let out = Zeroizing::new(bytes.into());
        bytes.zeroize();
        out
    }
}

/// What a key file holds, for `orderseal key show`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFileKind {
    /// A public key (SPKI PEM/DER, public JWK, SEC1 point).
    PublicKey,
    /// An unencrypted private key (PKCS#8, SEC1, JWK with `d`).
    PrivateKey,
    /// A passphrase-encrypted PKCS#8 private key.
    EncryptedPrivateKey,
    /// Anything else, including keys orderseal cannot read at all.
    Unknown,
}

/// Tells what `input` holds from its structure alone (PEM label, DER shape,
/// JWK members), without checking the key itself or decrypting anything.
pub fn describe(input: &[u8]) -> KeyFileKind {
    match classify(input, &json) {
        Ok(Input::Der { kind, .. }) => match kind {
            DerKind::Spki => KeyFileKind::PublicKey,
            DerKind::EncryptedPkcs8 => KeyFileKind::EncryptedPrivateKey,
            DerKind::Pkcs8 | DerKind::Sec1 => KeyFileKind::PrivateKey,
        },
        Ok(Input::Jwk(v)) if !v.is_jwk() => KeyFileKind::Unknown,
        Ok(Input::Jwk(v)) if v.has_private() => KeyFileKind::PrivateKey,
        Ok(Input::Jwk(_)) => KeyFileKind::PublicKey,
        Ok(Input::Point { bytes, .. }) if is_sec1_point(&bytes) && bytes[..] != [0] => {
            KeyFileKind::PublicKey
        }
        Ok(Input::Point { .. }) | Err(_) => KeyFileKind::Unknown,
    }
}

/// Parsed JSON that may hold a private `d`: scrubbed on drop.
struct SecretJson(Value);

impl Drop for SecretJson {
    fn drop(&mut self) {
        if let Some(Value::String(d)) = self.0.get_mut("d") {
            d.zeroize();
        }
    }
}

/// A key input with its outer encoding taken off.
enum Input {
    /// A DER structure, from binary input, PEM, or hex/base64 text.
    Der {
        kind: DerKind,
        der: Zeroizing<Vec<u8>>,
        /// Where it came from, for error messages.
        enc: KeyEncoding,
        /// Bodies of `EC PARAMETERS` PEM blocks next to the key.
        ec_parameters: Vec<Zeroizing<Vec<u8>>>,
    },
    /// JSON text (a JWK, if anything).
    Jwk(JwkMembers),
    /// Bytes that should be a SEC1 point.
    Point { bytes: Vec<u8>, enc: KeyEncoding },
}

/// Takes the outer encoding off `input`. Binary forms are recognised
/// before any trimming (a DER key may well end in a byte that is ASCII
/// whitespace); text is trimmed.
fn classify(input: &[u8], json: JsonParser) -> Result<Input, Error> {
    if let Some(kind) = asn1::sniff(input) {
        return Ok(Input::Der {
            kind,
            der: Zeroizing::new(input.to_vec()),
            enc: KeyEncoding::Der,
            ec_parameters: Vec::new(),
        });
    }
    if is_sec1_point(input) {
        return Ok(Input::Point {
            bytes: input.to_vec(),
            enc: KeyEncoding::Raw,
        });
    }
    let unrecognised = || {
        if input.first() == Some(&0x30) {
            Error::key_malformed(KeyEncoding::Der, "not a DER key structure orderseal knows")
        } else {
            Error::key_malformed(
                KeyEncoding::Raw,
                "not a key format orderseal knows: expected PEM, JWK, DER, or a SEC1 point \
                 as binary, hex or base64url",
            )
        }
    };
    let text = core::str::from_utf8(input)
        .map_err(|_| unrecognised())?
        .trim();
    if pem::is_pem(text) {
        return pem_input(text);
    }
    if text.starts_with('{') || text.starts_with('[') {
        return json(text).map(Input::Jwk);
    }
    let bytes = decode_text(text).ok_or_else(unrecognised)?;
    Ok(match asn1::sniff(&bytes) {
        Some(kind) => Input::Der {
            kind,
            der: bytes,
            enc: KeyEncoding::Der,
            ec_parameters: Vec::new(),
        },
        None => Input::Point {
            bytes: bytes.to_vec(),
            enc: KeyEncoding::Raw,
        },
    })
}

/// Hex (either case) or unpadded base64url, then standard padded base64
/// (a PEM body without its armour lines).
fn decode_text(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if text.is_empty() {
        return None;
    }
    if text.len() % 2 == 0 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        // Every byte is a hex digit (checked above), so `to_digit` gives one.
        let digit = |b: u8| char::from(b).to_digit(16).unwrap_or(0) as u8;
        let mut bytes = Zeroizing::new(Vec::with_capacity(text.len() / 2));
        for pair in text.as_bytes().chunks_exact(2) {
            bytes.push(digit(pair[0]) << 4 | digit(pair[1]));
        }
        return Some(bytes);
    }
    b64::decode(text)
        .or_else(|| b64::decode_standard(text))
        .map(Zeroizing::new)
}

/// The one key block of PEM text, with any `EC PARAMETERS` blocks.
fn pem_input(text: &str) -> Result<Input, Error> {
    let malformed = |why: &str| Error::key_malformed(KeyEncoding::Pem, why);
    let mut key = None;
    let mut ec_parameters = Vec::new();
    let mut first_foreign = None;
    for block in pem::blocks(text)? {
        let kind = match block.label.as_str() {
            "PUBLIC KEY" => DerKind::Spki,
            "PRIVATE KEY" => DerKind::Pkcs8,
            "ENCRYPTED PRIVATE KEY" => DerKind::EncryptedPkcs8,
            "EC PRIVATE KEY" => DerKind::Sec1,
            "EC PARAMETERS" => {
                ec_parameters.push(block.der);
                continue;
            }
            other => {
                first_foreign.get_or_insert_with(|| other.to_owned());
                continue;
            }
        };
        if key.is_some() {
            return Err(malformed("the PEM text holds more than one key"));
        }
        key = Some((kind, block.der));
    }
    if let Some((kind, der)) = key {
        return Ok(Input::Der {
            kind,
            der,
            enc: KeyEncoding::Pem,
            ec_parameters,
        });
    }
    Err(match first_foreign.as_deref() {
        Some("RSA PRIVATE KEY" | "RSA PUBLIC KEY") => Error::KeyUnsupported("RSA".into()),
        Some("DSA PRIVATE KEY") => Error::KeyUnsupported("DSA".into()),
        Some("OPENSSH PRIVATE KEY") => malformed(
            "OpenSSH's key format is not supported; convert a P-256 key with \
             `ssh-keygen -p -m PKCS8 -f FILE`",
        ),
        Some("CERTIFICATE") => malformed(
            "this is an X.509 certificate; extract its public key with \
             `openssl x509 -pubkey -noout -in FILE`",
        ),
        Some(other) => malformed(&["unexpected PEM block ", &quoted(other)].concat()),
        None => malformed("only EC PARAMETERS and no key (did `openssl ecparam` miss -genkey?)"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_debug_shows_kid_but_not_scalar() {
        let key = PrivateKey::generate().expect("RNG available");
        let shown = format!("{key:?}");
        let scalar = fingerprint::hex(&key.expose_secret()[..]);
        assert_eq!(
            shown,
            format!("PrivateKey {{ kid: \"{}\", .. }}", key.key_id())
        );
        assert!(!shown.contains(&scalar));
        assert!(!shown.contains(&scalar[..8]));
    }

    #[test]
    fn public_key_debug_is_kid_only() {
        let key = PrivateKey::generate().expect("RNG available");
        assert_eq!(
            format!("{:?}", key.public_key()),
            format!("PublicKey {{ kid: \"{}\" }}", key.key_id())
        );
    }

    #[test]
    fn from_scalar_rejects_zero_and_order_and_wrong_length() {
        assert_eq!(
            PrivateKey::from_scalar(&[0; 32]).err(),
            Some(Error::KeyIdentity)
        );
        // n, the order of P-256.
        let n = [
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2,
            0xfc, 0x63, 0x25, 0x51,
        ];
        let code = |r: Result<PrivateKey, Error>| r.err().map(|e| e.code());
        assert_eq!(code(PrivateKey::from_scalar(&n)), Some("key_malformed"));
        let mut n_minus_1 = n;
        n_minus_1[31] -= 1;
        assert_eq!(code(PrivateKey::from_scalar(&n_minus_1)), None);
        assert_eq!(
            code(PrivateKey::from_scalar(&[1; 31])),
            Some("key_malformed")
        );
        assert_eq!(
            code(PrivateKey::from_scalar(&[1; 33])),
            Some("key_malformed")
        );
    }

    #[test]
    fn scalar_one_gives_the_generator() {
        let mut one = [0u8; 32];
        one[31] = 1;
        let key = PrivateKey::from_scalar(&one).expect("1 is a valid scalar");
        // G from SEC 2 §2.4.2.
        let gx = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
        let point = key.public_key().to_sec1_uncompressed();
        assert_eq!(fingerprint::hex(&point[1..33]), gx);
        assert_eq!(*key.expose_secret(), one);
    }

    #[test]
    fn classify_does_not_trim_binary_der() {
        // Find a key whose SPKI ends in an ASCII whitespace byte.
        let key = (0..2000)
            .map(|_| PrivateKey::generate().expect("RNG available"))
            .find(|k| k.public_key().to_spki_der().last() == Some(&b'\n'));
        if let Some(key) = key {
            let der = key.public_key().to_spki_der();
            assert_eq!(PublicKey::parse(&der).as_ref(), Ok(key.public_key()));
        }
    }
}
