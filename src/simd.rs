//! Up to 32 bytes of text as one vector (the `wide` crate's portable `u8x32`), for the
//! scanners that classify text a window at a time.

use wide::u8x32;

/// Bytes per vector.
pub(crate) const WIDTH: usize = 32;

/// `bytes` (at most [`WIDTH`] of them) as a vector; missing bytes are spaces, which none
/// of the scanners looks for.
pub(crate) fn load(bytes: &[u8]) -> u8x32 {
    let chunk = <[u8; WIDTH]>::try_from(bytes).unwrap_or_else(|_| {
        let mut padded = [b' '; WIDTH];
        padded[..bytes.len()].copy_from_slice(bytes);
        padded
    });
    u8x32::new(chunk)
}

/// The lanes of `v` from `low` to `high` (inclusive) as all-ones, the others as zero:
/// subtracting `low` (wrapping) brings the range to `0..=high - low`, and a lane is in it
/// when it is no larger than that.
pub(crate) fn within(v: u8x32, low: u8, high: u8) -> u8x32 {
    let shifted = v - u8x32::splat(low);
    shifted.min(u8x32::splat(high - low)).simd_eq(shifted)
}
