//! Wiping large plaintext buffers at memory speed.
//!
//! `zeroize` zeroes through volatile stores on targets where it has no
//! assembly barrier, wasm32 among them: 16 bytes a store, about 0.3 ms a
//! MiB in Chromium 156, and a sealed file's bytes were wiped three times
//! (the input, the file value, the padded plaintext): a fifth of a 1 MiB
//! seal. [`wipe`] zeroes with `fill` (one `memory.fill` in wasm) and then
//! calls [`zeroize::optimization_barrier`], zeroize's own way of keeping
//! the compiler from removing earlier writes (an `asm!` barrier where
//! there is one, `core::hint::black_box` on wasm32). Where zeroize has an
//! assembly barrier (native builds), that is what it does itself.
//!
//! Text field values are wiped the same way ([`wipe_string`]), not by a
//! volatile store per byte. Small secrets (keys, field names) keep
//! `Zeroizing` and `ZeroizeOnDrop`.

use crate::prelude::*;

use core::ops::{Deref, DerefMut};
use zeroize::Zeroizing;

/// Zeroes all of `bytes`' allocation, spare capacity included (as
/// zeroize's `Vec` impl does), leaving it full of zeros.
fn zero_all(bytes: &mut Vec<u8>) {
    let capacity = bytes.capacity();
    bytes.clear();
    // Within the capacity: no reallocation (which would leave a copy), and
    // one memset over the whole allocation.
    bytes.resize(capacity, 0);
    zeroize::optimization_barrier(bytes.as_slice());
}

/// Zeroes `bytes`' allocation and frees it, leaving `bytes` empty (with no
/// allocation, so that a `Zeroizing` around it has nothing left to do).
pub(crate) fn wipe(bytes: &mut Vec<u8>) {
    let mut taken = core::mem::take(bytes);
    zero_all(&mut taken);
}

/// Zeroes a string's allocation and frees it, leaving the string empty.
pub(crate) fn wipe_string(s: &mut String) {
    // The same allocation as bytes: no copy, and no unsafe `as_mut_vec`.
    wipe(&mut core::mem::take(s).into_bytes());
}

/// Zeroes `bytes`' allocation and empties it, keeping the allocation for
/// reuse.
#[cfg(all(target_arch = "wasm32", not(feature = "full")))]
pub(crate) fn clear(bytes: &mut Vec<u8>) {
    zero_all(bytes);
    bytes.clear();
}

/// A byte buffer that is wiped when dropped: `Zeroizing<Vec<u8>>` for
/// buffers that may hold megabytes of plaintext.
#[derive(Default)]
pub(crate) struct Wiped(Vec<u8>);

impl Wiped {
    /// (The seal build's inputs, `crate::wasm::exports`.)
    #[cfg(all(target_arch = "wasm32", not(feature = "full")))]
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Wiped(bytes)
    }
}

impl From<Zeroizing<Vec<u8>>> for Wiped {
    fn from(mut bytes: Zeroizing<Vec<u8>>) -> Self {
        // Moved, not copied: the `Zeroizing` is left empty.
        Wiped(core::mem::take(&mut *bytes))
    }
}

impl Deref for Wiped {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl DerefMut for Wiped {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl Drop for Wiped {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_all_zeroes_the_spare_capacity_too() {
        let mut bytes = Vec::with_capacity(64);
        bytes.extend_from_slice(&[0xa5; 64]);
        // 54 bytes of plaintext left in the spare capacity.
        bytes.truncate(10);
        zero_all(&mut bytes);
        assert_eq!(bytes.len(), bytes.capacity());
        assert!(bytes.capacity() >= 64);
        assert!(bytes.iter().all(|&b| b == 0));
    }

    #[test]
    fn wipe_string_leaves_an_empty_string_without_an_allocation() {
        let mut text = String::with_capacity(64);
        text.push_str("Please gift wrap each pen separately.");
        wipe_string(&mut text);
        assert!(text.is_empty());
        assert_eq!(text.capacity(), 0);
    }

    #[test]
    fn wipe_and_moving_out_of_zeroizing_leave_nothing_behind() {
        let mut bytes = b"order".to_vec();
        wipe(&mut bytes);
        assert!(bytes.is_empty());
        assert_eq!(bytes.capacity(), 0);

        let zeroizing = Zeroizing::new(b"order".to_vec());
        let ptr = zeroizing.as_ptr();
        let wiped = Wiped::from(zeroizing);
        // The same allocation, moved, not copied.
        assert_eq!(wiped.as_ptr(), ptr);
        assert_eq!(&wiped[..], b"order");
    }
}
