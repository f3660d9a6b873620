//! The HPKE cipher suites orderseal seals and opens, and the single place
//! where the `hpke` crate is called.
//!
//! RFC 9180 §5.1.1 (single-shot APIs):
//!
//! ```text
//! def Seal<MODE>(pkR, info, aad, pt, ...):
//!   enc, ctx = Setup<MODE>S(pkR, info, ...)
//!   ct = ctx.Seal(aad, pt)
//!   return enc, ct
//!
//! def Open<MODE>(enc, skR, info, aad, ct, ...):
//!   ctx = Setup<MODE>R(enc, skR, info, ...)
//!   return ctx.Open(aad, ct)
//! ```
//!
//! orderseal uses base mode (`mode_base`, 0x00) only.

use crate::prelude::*;

use hpke::aead::{Aead, AesGcm128, AesGcm256};
use hpke::kdf::HkdfSha256;
use hpke::kem::DhP256HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

use crate::Error;

type Kem = DhP256HkdfSha256;
type KemPublicKey = <Kem as hpke::Kem>::PublicKey;
type KemPrivateKey = <Kem as hpke::Kem>::PrivateKey;
type EncappedKey = <Kem as hpke::Kem>::EncappedKey;

/// Length of `enc` for DHKEM(P-256): an uncompressed SEC1 point (RFC 9180 §7.1, `Nenc`).
pub const ENC_LEN: usize = 65;
/// Length of the AES-GCM tag appended to every ciphertext (`Nt`).
pub const TAG_LEN: usize = 16;

/// An HPKE cipher suite, named in every envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Suite {
    /// DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM: ids 0x0010, 0x0001, 0x0001.
    /// What orderseal seals with by default.
    P256Sha256Aes128Gcm,
    /// DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM: ids 0x0010, 0x0001, 0x0002.
    P256Sha256Aes256Gcm,
}

/// [`Error::UnsupportedSuite`] naming the first 64 characters of `name`
/// (which may come from an envelope: no unbounded echo). Not inlined: the
/// callers are on the common path, this is not.
#[inline(never)]
fn unsupported(name: &str) -> Error {
    // Where the 65th character starts (bytes that are not UTF-8
    // continuations start one); `get`, not `[..end]`: slicing a str would
    // link the formatting of its panic message.
    let starts = name.bytes().enumerate().filter(|(_, b)| b & 0xc0 != 0x80);
    let end = starts.map(|(i, _)| i).nth(64).unwrap_or(name.len());
    Error::UnsupportedSuite(name.get(..end).unwrap_or(name).to_owned())
}

impl Suite {
    /// Every suite, default first.
    pub const ALL: [Suite; 2] = [Suite::P256Sha256Aes128Gcm, Suite::P256Sha256Aes256Gcm];

    /// The suite's name in the envelope's `suite` member.
    pub fn name(self) -> &'static str {
        match self {
            Suite::P256Sha256Aes128Gcm => "P256-SHA256-A128GCM",
            Suite::P256Sha256Aes256Gcm => "P256-SHA256-A256GCM",
        }
    }

    /// The RFC 9180 identifiers `(kem_id, kdf_id, aead_id)`.
    pub fn ids(self) -> (u16, u16, u16) {
        match self {
            Suite::P256Sha256Aes128Gcm => (0x0010, 0x0001, 0x0001),
            Suite::P256Sha256Aes256Gcm => (0x0010, 0x0001, 0x0002),
        }
    }

    /// Looks a suite up by its envelope name (exact, case-sensitive).
    pub fn from_name(name: &str) -> Result<Suite, Error> {
        Suite::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| unsupported(name))
    }

    /// `SealBase(pkR, info, aad, pt)`: returns `(enc, ct)`.
    pub(crate) fn seal(
        self,
        recipient: &[u8; 65],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Vec<u8>), Error> {
        match self {
            Suite::P256Sha256Aes128Gcm => seal::<AesGcm128>(recipient, info, aad, plaintext),
            Suite::P256Sha256Aes256Gcm => seal::<AesGcm256>(recipient, info, aad, plaintext),
        }
    }

    /// `OpenBase(enc, skR, info, aad, ct)`. Every failure is [`Error::OpenFailed`].
    pub(crate) fn open(
        self,
        secret: &[u8; 32],
        enc: &[u8],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        match self {
            Suite::P256Sha256Aes128Gcm => open::<AesGcm128>(secret, enc, info, aad, ciphertext),
            Suite::P256Sha256Aes256Gcm => open::<AesGcm256>(secret, enc, info, aad, ciphertext),
        }
    }
}

impl core::fmt::Display for Suite {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

fn seal<A: Aead>(
    recipient: &[u8; 65],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    // The recipient point was validated when its PublicKey was built.
    let pk = KemPublicKey::from_bytes(recipient)
        .map_err(|_| Error::Unavailable("recipient key rejected by HPKE".into()))?;
    let (enc, ct) =
        hpke::single_shot_seal::<A, HkdfSha256, Kem>(&OpModeS::Base, &pk, info, plaintext, aad)
            .map_err(|e| Error::Unavailable(format!("HPKE seal failed: {e}")))?;
    Ok((enc.to_bytes().to_vec(), ct))
}

fn open<A: Aead>(
    secret: &[u8; 32],
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let sk = KemPrivateKey::from_bytes(secret).map_err(|_| Error::OpenFailed)?;
    let enc = EncappedKey::from_bytes(enc).map_err(|_| Error::OpenFailed)?;
    hpke::single_shot_open::<A, HkdfSha256, Kem>(&OpModeR::Base, &sk, &enc, info, ciphertext, aad)
        .map(Zeroizing::new)
        .map_err(|_| Error::OpenFailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for s in Suite::ALL {
            assert_eq!(Suite::from_name(s.name()), Ok(s));
        }
        assert_eq!(
            Suite::from_name("p256-sha256-a128gcm").map_err(|e| e.code()),
            Err("unsupported_suite")
        );
    }
}
