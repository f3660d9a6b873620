//! Length hiding: the plaintext is padded before sealing, so that the
//! ciphertext's length reveals only a size bucket, not the order.
//!
//! The padded length is Padmé (Nikitin et al., "Reducing Metadata Leakage
//! from Encrypted Files and Communication with PURBs", PETS 2019, §4) of the
//! message length plus one, but never less than [`MIN_PADDED_LEN`]:
//!
//! ```text
//! padded_len(L) = padme(max(L + 1, 1024))
//! padme(n)      = let E = floor(log2 n), S = floor(log2 E) + 1,
//!                     z = E - S, mask = 2^z - 1
//!                 in (n + mask) & ~mask           (n >= 2)
//! padded        = message || 0x80 || 0x00 * (padded_len(L) - L - 1)
//! ```
//!
//! Padmé leaks O(log log L) bits of the length and costs at most 12 % (see
//! `docs/FORMAT.md` for measured overheads). Unpadding is strict: the padded
//! length must be exactly `padded_len(L)`, so every plaintext has exactly one
//! padded form.

use crate::prelude::*;

use zeroize::Zeroizing;

use crate::Error;

/// Every padded plaintext is at least this long: all small orders look alike.
pub const MIN_PADDED_LEN: usize = 1024;

/// Padmé: rounds `n` up so that only its top `floor(log2 floor(log2 n)) + 1`
/// bits may be non-zero.
pub fn padme(n: usize) -> usize {
    if n < 2 {
        return n;
    }
    let e = usize::BITS - 1 - n.leading_zeros(); // floor(log2 n)
    let s = u32::BITS - e.leading_zeros(); // floor(log2 e) + 1, and 1 for e == 0
    let mask = (1usize << (e - s.min(e))) - 1;
    (n + mask) & !mask
}

/// The padded length of a message of `len` bytes.
pub fn padded_len(len: usize) -> usize {
    padme((len + 1).max(MIN_PADDED_LEN))
}

/// Pads a message (see the module docs). The copy is zeroized on drop.
pub fn pad(message: &[u8]) -> Zeroizing<Vec<u8>> {
    let total = padded_len(message.len());
    let mut out = Zeroizing::new(Vec::with_capacity(total));
    out.extend_from_slice(message);
    out.push(0x80);
    out.resize(total, 0);
    out
}

/// Pads a message in place (see the module docs): without a copy when
/// `message` already has the capacity of [`padded_len`].
pub fn pad_in_place(message: &mut Zeroizing<Vec<u8>>) {
    let total = padded_len(message.len());
    if message.capacity() < total {
        // Growing would leave the old allocation unzeroized: copy instead.
        *message = pad(message);
        return;
    }
    message.push(0x80);
    message.resize(total, 0);
}

/// Removes padding, checking that it is exactly what [`pad`] writes.
pub fn unpad(padded: &[u8]) -> Result<&[u8], Error> {
    let end = padded
        .iter()
        .rposition(|&b| b != 0)
        .ok_or_else(|| Error::plaintext("padding: no 0x80 marker"))?;
    if padded[end] != 0x80 {
        return Err(Error::plaintext("padding: no 0x80 marker"));
    }
    if padded_len(end) != padded.len() {
        return Err(Error::plaintext("padding: not the canonical Padmé length"));
    }
    Ok(&padded[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn padme_matches_the_paper_examples() {
        // Values from the PURBs paper's definition: E=10, S=4, mask=63.
        assert_eq!(padme(1024), 1024);
        assert_eq!(padme(1025), 1088);
        assert_eq!(padme(2000), 2048);
        assert_eq!(padme(2049), 2176);
        assert_eq!(padme(9), 10);
        assert_eq!(padme(2), 2);
        assert_eq!(padme(3), 3);
    }

    #[test]
    fn small_messages_all_pad_to_the_minimum() {
        for len in [0, 1, 100, 1023 - 1] {
            assert_eq!(pad(&vec![b'x'; len]).len(), MIN_PADDED_LEN);
        }
        assert_eq!(pad(&[b'x'; 1023]).len(), padme(1024));
    }

    #[test]
    fn unpad_rejects_missing_marker_and_non_canonical_length() {
        assert!(unpad(&[0u8; 1024]).is_err());
        assert!(unpad(&[1u8; 1024]).is_err());
        let mut long = pad(b"{}").to_vec();
        long.extend_from_slice(&[0; 64]);
        assert_eq!(unpad(&long).map_err(|e| e.code()), Err("plaintext_invalid"));
    }

    proptest! {
        #[test]
        fn pad_then_unpad_is_identity(msg in proptest::collection::vec(any::<u8>(), 0..5000)) {
            let padded = pad(&msg);
            prop_assert_eq!(unpad(&padded).ok(), Some(&msg[..]));
        }

        #[test]
        fn pad_in_place_is_pad_with_or_without_room(
            msg in proptest::collection::vec(any::<u8>(), 0..5000),
            room in any::<bool>(),
        ) {
            let capacity = if room { padded_len(msg.len()) } else { msg.len() };
            let mut v = Zeroizing::new(Vec::with_capacity(capacity));
            v.extend_from_slice(&msg);
            pad_in_place(&mut v);
            prop_assert_eq!(&v[..], &pad(&msg)[..]);
        }

        #[test]
        fn padme_overhead_is_at_most_12_percent(n in 2usize..1 << 30) {
            let p = padme(n);
            prop_assert!(p >= n);
            prop_assert!((p - n) as f64 <= 0.12 * n as f64);
            prop_assert_eq!(padme(p), p);
        }
    }
}
