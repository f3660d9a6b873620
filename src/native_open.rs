//! The native open path: RFC 9180 `OpenBase` with AWS-LC (`aws-lc-rs`) doing
//! the P-256 ECDH and the AES-GCM, and [`crate::schedule`] the key schedule
//! in between: the split the browser makes with WebCrypto, here for opening.
//!
//! Why not the `hpke` crate, which stays the reference (it seals, and
//! [`crate::envelope::open_base`] keeps it for the RFC vectors): its
//! RustCrypto P-256 variable-base multiplication alone takes longer than
//! the 100 µs an open may cost (issue 10), and its `Decap` recomputes
//! `pk(skR) = skR * G` on every open. Here the recipient key is parsed into
//! AWS-LC once ([`RecipientKey`], cached by [`crate::PrivateKey`]) along
//! with its serialized public key `pkRm`.
//!
//! RFC 9180 §4.1 and §5.2, what [`open_base`] computes:
//!
//! ```text
//! def Decap(enc, skR):
//!   pkE = DeserializePublicKey(enc)
//!   dh = DH(skR, pkE)
//!
//!   pkRm = SerializePublicKey(pk(skR))
//!   kem_context = concat(enc, pkRm)
//!
//!   shared_secret = ExtractAndExpand(dh, kem_context)
//!   return shared_secret
//!
//! def ContextR.Open(aad, ct):
//!   pt = Open(self.key, self.ComputeNonce(self.seq), aad, ct)
//!   if pt == OpenError:
//!     raise OpenError
//!   self.IncrementSeq()
//!   return pt
//! ```
//!
//! Every failure, whatever its cause (an `enc` that is not an uncompressed
//! point on the curve, a wrong key, a bad tag), is [`Error::OpenFailed`],
//! as on the reference path.

use aws_lc_rs::{aead, agreement};
use zeroize::Zeroizing;

use crate::schedule::{self, DH_LEN};
use crate::suite::{ENC_LEN, TAG_LEN};
use crate::{Error, PrivateKey, Suite};

/// A private key in AWS-LC's form, with its serialized public key.
///
/// No `Debug`, no `Clone`. AWS-LC keeps the scalar in memory it allocated
/// and frees with `OPENSSL_free`, which clears it (`OPENSSL_cleanse`)
/// before releasing it.
pub(crate) struct RecipientKey {
    ecdh: agreement::PrivateKey,
    /// `pkRm = SerializePublicKey(pk(skR))`: the 65-byte uncompressed point.
    pk_rm: [u8; ENC_LEN],
}

impl RecipientKey {
    /// Parses `key` into AWS-LC, or `None` if AWS-LC refuses it (which it
    /// should not: a [`PrivateKey`] holds a scalar in `[1, n)`).
    pub(crate) fn new(key: &PrivateKey) -> Option<Self> {
        let ecdh = agreement::PrivateKey::from_private_key(
            &agreement::ECDH_P256,
            &key.expose_secret()[..],
        )
        .ok()?;
        let pk_rm = key.public_key().to_sec1_uncompressed();
        // AWS-LC derived its own public key from the scalar: it must be ours,
        // or the kem_context below would not be the sender's.
        let same = ecdh
            .compute_public_key()
            .is_ok_and(|pk| pk.as_ref() == pk_rm.as_slice());
        same.then_some(RecipientKey { ecdh, pk_rm })
    }

    /// `DH(skR, pkE)`: the x-coordinate of `skR * pkE` (RFC 9180 §7.1.1),
    /// with `enc` deserialized as §7.1.1 says: only the 65-byte
    /// uncompressed form. AWS-LC refuses a point off the curve, with a
    /// coordinate not below p, or the identity.
    fn dh(&self, enc: &[u8]) -> Result<Zeroizing<[u8; DH_LEN]>, Error> {
        if enc.len() != ENC_LEN || enc[0] != 0x04 {
            return Err(Error::OpenFailed);
        }
        let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, enc);
        agreement::agree(&self.ecdh, peer, Error::OpenFailed, |x| {
            // AWS-LC clears its copy of the secret when `agree` returns.
            let mut dh = Zeroizing::new([0u8; DH_LEN]);
            if x.len() != DH_LEN {
                return Err(Error::OpenFailed);
            }
            dh.copy_from_slice(x);
            Ok(dh)
        })
    }
}

/// RFC 9180 `OpenBase(enc, skR, info, aad, ct)` on the native path, with
/// the key's cached AWS-LC form ([`PrivateKey`] parses it on first use).
/// Every failure is [`Error::OpenFailed`].
///
/// Should AWS-LC ever refuse the key itself, this opens with the `hpke`
/// reference instead: slower, same result.
pub fn open_base(
    key: &PrivateKey,
    suite: Suite,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let Some(native) = key.native() else {
        return suite.open(&key.expose_secret(), enc, info, aad, ct);
    };
    let dh = native.dh(enc)?;
    let enc: &[u8; ENC_LEN] = enc.try_into().map_err(|_| Error::OpenFailed)?;
    let keys = schedule::key_from_dh(suite, &dh, enc, &native.pk_rm, info);
    aead_open(suite, &keys, aad, ct)
}

/// `Open(key, base_nonce, aad, ct)` with AES-GCM: the single message of a
/// single-shot context has sequence number 0, so its nonce is
/// `ComputeNonce(0) = base_nonce` (RFC 9180 §5.2).
///
/// AWS-LC's AES-GCM rather than the `aes-gcm` crate under `hpke`, as it is
/// already here and faster: measured on the 2-core bench machine, 0.3 µs
/// against 0.6 µs for a 2 KB order and 58 µs against 260 µs for 1 MiB.
fn aead_open(
    suite: Suite,
    keys: &schedule::AeadKey,
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let algorithm = match suite {
        Suite::P256Sha256Aes128Gcm => &aead::AES_128_GCM,
        Suite::P256Sha256Aes256Gcm => &aead::AES_256_GCM,
    };
    if ct.len() < TAG_LEN {
        return Err(Error::OpenFailed);
    }
    let key = aead::UnboundKey::new(algorithm, keys.expose_key())
        .map(aead::LessSafeKey::new)
        .map_err(|_| Error::OpenFailed)?;
    // "Less safe" because the caller owns nonce uniqueness; an open reuses
    // nothing: the key is fresh from this envelope's key schedule.
    let nonce = aead::Nonce::assume_unique_for_key(*keys.base_nonce());
    // Decrypted in place: the buffer holds plaintext, so it is zeroized
    // whether the tag checks or not.
    let mut buf = Zeroizing::new(ct.to_vec());
    let len = key
        .open_in_place(nonce, aead::Aad::from(aad), &mut buf[..])
        .map_err(|_| Error::OpenFailed)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

/// `DH(skR, pkE)` as [`open_base`] computes it: for the Wycheproof ECDH
/// cases (`tests/native_open.rs`), which check AWS-LC's point validation
/// where the envelope parser leaves it (only length and prefix are checked
/// before).
#[doc(hidden)]
pub fn dh_for_tests(key: &PrivateKey, enc: &[u8]) -> Result<Zeroizing<[u8; DH_LEN]>, Error> {
    key.native().ok_or(Error::OpenFailed)?.dh(enc)
}

/// The lazily parsed [`RecipientKey`] that a [`PrivateKey`] carries.
///
/// Lazily, because most keys never open anything natively (keygen, key
/// conversion, the inbox server); once, because parsing costs a
/// multiplication by G, the very cost this path exists to take out of each
/// open in a batch.
#[derive(Default)]
pub(crate) struct Cache(std::sync::OnceLock<Option<RecipientKey>>);

impl Cache {
    pub(crate) fn get_or_parse(&self, key: &PrivateKey) -> Option<&RecipientKey> {
        self.0.get_or_init(|| RecipientKey::new(key)).as_ref()
    }
}

impl Clone for Cache {
    /// Empty: AWS-LC keys cannot be cloned, so a cloned [`PrivateKey`]
    /// parses its own copy on its first open.
    fn clone(&self) -> Self {
        Cache::default()
    }
}
