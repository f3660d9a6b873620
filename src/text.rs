//! Numbers as text without `core::fmt`.
//!
//! The wasm seal build writes every message and the numbers in its JSON by
//! concatenation: one `format!` or `to_string()` on an integer would link
//! `core::fmt`'s machinery (and its padding, integer and `Debug` code) into
//! the module an order page downloads.

use crate::prelude::*;

/// `n` in decimal, as `n.to_string()` writes it.
pub(crate) fn decimal(mut n: u64) -> String {
    // u64::MAX has 20 digits.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits: always UTF-8. (Not `collect::<String>()` of chars,
    // whose UTF-8 encoder is half a kilobyte of wasm.)
    String::from_utf8(digits[start..].to_vec()).unwrap_or_default()
}

/// The number of decimal digits of `n`: `decimal(n).len()` without writing them.
pub(crate) fn decimal_len(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_writes_what_to_string_writes() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
            assert_eq!(decimal_len(n), decimal(n).len());
        }
    }
}
