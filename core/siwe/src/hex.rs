//! Hex as Ethereum writes it: addresses, digests, keys and signatures.
//!
//! The prefix is the caller's: these functions neither write nor strip `0x`.
//!
//! ```
//! use clientele_siwe::hex;
//! assert_eq!(hex::encode(&[0x00, 0xab, 0xff]), "00abff");
//! assert_eq!(hex::decode_array::<3>("00ABff"), Some([0x00, 0xab, 0xff]));
//! assert_eq!(hex::decode_array::<2>("00abff"), None);
//! ```

/// Lowercase hex of `bytes`.
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    let digit = |n: u8| char::from_digit(u32::from(n), 16).unwrap_or('0');
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(digit(b >> 4));
        out.push(digit(b & 0x0f));
    }
    out
}

/// Decodes exactly `N` bytes from `2 * N` hex digits of either case; `None` for anything else
/// (another length, a prefix, a character that is not a hex digit).
#[must_use]
pub fn decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    decode_into(text, &mut out)?;
    Some(out)
}

/// Fills `out` from exactly `2 * out.len()` hex digits (one copy of the loop for every `N`).
fn decode_into(text: &str, out: &mut [u8]) -> Option<()> {
    if text.len() != 2 * out.len() {
        return None;
    }
    for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        let [hi, lo] = pair else {
            return None;
        };
        *byte = digit(*hi)? << 4 | digit(*lo)?;
    }
    Some(())
}

/// The value of one hex digit (either case).
const fn digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        assert_eq!(encode(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(decode_array(&encode(&[7; 20])), Some([7u8; 20]));
        assert_eq!(decode_array::<3>("00ABff"), Some([0x00, 0xab, 0xff]));
        assert_eq!(decode_array::<0>(""), Some([]));
        for bad in ["abc", "zz", "0x00", "00 ", "+f"] {
            assert_eq!(decode_array::<1>(bad), None, "{bad}");
            assert_eq!(decode_array::<2>(bad), None, "{bad}");
        }
    }
}
