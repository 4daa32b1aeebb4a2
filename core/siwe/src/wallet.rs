//! Ethereum account primitives: Keccak-256, EIP-55 checksummed addresses,
//! EIP-191 `personal_sign` digests, and secp256k1 signer recovery.
//!
//! Everything here is pure computation: no clock, no randomness, no I/O.
//! Signing uses RFC 6979 deterministic nonces, so the same key and message
//! always give the same signature.

use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use sha3::{Digest, Keccak256};

/// Length in bytes of an `r || s || v` signature.
pub const SIGNATURE_LEN: usize = 65;

/// The EIP-191 version `0x45` (`personal_sign`) prefix, without the length.
const EIP191_PREFIX: &[u8] = b"\x19Ethereum Signed Message:\n";

/// Keccak-256 (the original Keccak padding used by Ethereum, not NIST SHA3-256).
#[must_use]
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Why a string is not an Ethereum address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AddressError {
    /// Not `0x` followed by exactly 40 hexadecimal digits.
    #[error("address must be 0x followed by 40 hexadecimal digits")]
    Format,
    /// Mixed-case hex whose capitalisation is not the EIP-55 checksum.
    #[error("mixed-case address does not match its EIP-55 checksum")]
    Checksum,
}

impl AddressError {
    /// Stable snake_case identifier, for programmatic matching across FFI.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Format => "address_format",
            Self::Checksum => "address_checksum",
        }
    }
}

/// Parses a `0x`-prefixed, 40-hex-digit Ethereum address.
///
/// All-lowercase and all-uppercase hex carry no checksum and are accepted;
/// mixed case must be the exact EIP-55 checksum encoding. The prefix must be
/// a lowercase `0x`.
///
/// # Errors
/// [`AddressError::Format`] for anything that is not `0x` + 40 hex digits,
/// [`AddressError::Checksum`] for mixed case that fails EIP-55.
pub fn parse_address(text: &str) -> Result<[u8; 20], AddressError> {
    let hex = text.strip_prefix("0x").ok_or(AddressError::Format)?;
    let bytes: [u8; 20] = crate::hex::decode_array(hex).ok_or(AddressError::Format)?;
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper && checksum_address(&bytes) != text {
        return Err(AddressError::Checksum);
    }
    Ok(bytes)
}

/// EIP-55 mixed-case checksum encoding of an address, with `0x` prefix.
#[must_use]
pub fn checksum_address(address: &[u8; 20]) -> String {
    let lower = crate::hex::encode(address);
    let hash = keccak256(lower.as_bytes());
    // Nibble i of the hash decides the case of hex digit i of the address.
    let nibbles = hash.iter().flat_map(|byte| [byte >> 4, byte & 0x0f]);
    let mut out = String::with_capacity(42);
    out.push_str("0x");
    out.extend(lower.chars().zip(nibbles).map(|(c, nibble)| {
        if nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        }
    }));
    out
}

/// EIP-191 `personal_sign` digest:
/// `keccak256("\x19Ethereum Signed Message:\n" ‖ decimal byte length ‖ message)`.
#[must_use]
pub fn eip191_digest(message: &[u8]) -> [u8; 32] {
    Keccak256::new()
        .chain_update(EIP191_PREFIX)
        .chain_update(message.len().to_string().as_bytes())
        .chain_update(message)
        .finalize()
        .into()
}

/// Why a wallet signature or private key was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum WalletError {
    /// The signature is not exactly 65 bytes.
    #[error("signature must be exactly 65 bytes (r, s, v)")]
    Length,
    /// The hex form is not 130 hex digits (optionally prefixed with `0x`).
    #[error("signature must be 130 hexadecimal digits, optionally prefixed with 0x")]
    Hex,
    /// `v` is not 27, 28, 0 or 1.
    #[error("signature v must be 27, 28, 0 or 1")]
    RecoveryId,
    /// `r` or `s` is zero or not below the secp256k1 group order.
    #[error("signature r and s must be non-zero and below the curve order")]
    Scalar,
    /// No public key corresponds to this signature and digest.
    #[error("no public key can be recovered from this signature")]
    Unrecoverable,
    /// The private key is zero or not below the secp256k1 group order.
    #[error("private key must be non-zero and below the secp256k1 curve order")]
    PrivateKey,
}

impl WalletError {
    /// Stable snake_case identifier, for programmatic matching across FFI.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Length => "signature_length",
            Self::Hex => "signature_hex",
            Self::RecoveryId => "recovery_id",
            Self::Scalar => "signature_scalar",
            Self::Unrecoverable => "unrecoverable",
            Self::PrivateKey => "private_key",
        }
    }
}

/// Parses a hex signature of 130 hex digits (either case), with or without a
/// `0x` prefix. Only the encoding is checked here; [`recover_signer`] checks
/// `v`, `r` and `s`.
///
/// # Errors
/// [`WalletError::Hex`] when the text is not 130 hex digits.
pub fn parse_hex_signature(text: &str) -> Result<[u8; SIGNATURE_LEN], WalletError> {
    let hex = text.strip_prefix("0x").unwrap_or(text);
    crate::hex::decode_array(hex).ok_or(WalletError::Hex)
}

/// A secp256k1 private key written as 64 hex digits (with or without `0x`); for
/// [`sign_personal_message`] in tests, demos and emulators.
#[must_use]
pub fn parse_hex_private_key(text: &str) -> Option<[u8; 32]> {
    crate::hex::decode_array(text.strip_prefix("0x").unwrap_or(text))
}

/// Formats a signature as `0x` + 130 lowercase hex digits (the form wallets return).
#[must_use]
pub fn format_hex_signature(signature: &[u8; SIGNATURE_LEN]) -> String {
    format!("0x{}", crate::hex::encode(signature))
}

/// Recovers the address that produced an EIP-191 `personal_sign` signature
/// over `message`.
///
/// `signature` is `r ‖ s ‖ v` (65 bytes) with `v` in {27, 28} or {0, 1}.
///
/// **High-s policy: accepted and normalised.** A signature with `s` above half
/// the group order is rewritten to its low-s twin (`n - s`, recovery id
/// flipped) before recovery. Both forms recover the same key, so this can never
/// make a signature verify for a different signer; it matches `ecrecover`,
/// go-ethereum and eth-account, which accept either form. Callers that use
/// signature bytes as a unique identifier must not rely on them being canonical.
///
/// Recovery ids 2 and 3 (x-coordinate overflow) cannot be expressed in
/// Ethereum's `v` and are rejected.
///
/// # Errors
/// [`WalletError::Length`], [`WalletError::RecoveryId`],
/// [`WalletError::Scalar`] or [`WalletError::Unrecoverable`].
pub fn recover_signer(message: &[u8], signature: &[u8]) -> Result<[u8; 20], WalletError> {
    let signature: &[u8; SIGNATURE_LEN] = signature.try_into().map_err(|_| WalletError::Length)?;
    let [rs @ .., v] = signature;
    let mut recovery_id = match v {
        0 | 27 => 0u8,
        1 | 28 => 1u8,
        _ => return Err(WalletError::RecoveryId),
    };
    let parsed = Signature::from_slice(rs).map_err(|_| WalletError::Scalar)?;
    let low_s = parsed.normalize_s();
    if low_s != parsed {
        recovery_id ^= 1;
    }
    let recovery_id = RecoveryId::from_byte(recovery_id).ok_or(WalletError::RecoveryId)?;
    let digest = eip191_digest(message);
    let key = VerifyingKey::recover_from_prehash(&digest, &low_s, recovery_id)
        .map_err(|_| WalletError::Unrecoverable)?;
    // Defence in depth: the recovered key must also verify the signature.
    key.verify_prehash(&digest, &low_s)
        .map_err(|_| WalletError::Unrecoverable)?;
    Ok(address_of_key(&key))
}

/// Signs `message` the way a wallet's `personal_sign` does (EIP-191 digest,
/// RFC 6979 deterministic nonce, low-s), returning `r ‖ s ‖ v` with `v` in
/// {27, 28}.
///
/// For tests, demos and local emulators only: real users sign in their own
/// wallet, and an SDK should never hold a user's private key.
///
/// # Errors
/// [`WalletError::PrivateKey`] for a key that is zero or not below the
/// group order; [`WalletError::Unrecoverable`] in the (about 2^-128) case
/// where the recovery id is 2 or 3 and cannot be encoded as `v`.
pub fn sign_personal_message(
    private_key: &[u8; 32],
    message: &[u8],
) -> Result<[u8; SIGNATURE_LEN], WalletError> {
    let key = signing_key(private_key)?;
    let (signature, recovery_id) = key.sign_prehash_recoverable(&eip191_digest(message));
    if recovery_id.is_x_reduced() {
        return Err(WalletError::Unrecoverable);
    }
    let mut out = [0u8; SIGNATURE_LEN];
    let v = 27 + u8::from(recovery_id.is_y_odd());
    for (dst, src) in out
        .iter_mut()
        .zip(signature.to_bytes().iter().chain(core::iter::once(&v)))
    {
        *dst = *src;
    }
    Ok(out)
}

/// The Ethereum address of a secp256k1 private key.
///
/// # Errors
/// [`WalletError::PrivateKey`] for a key that is zero or not below the
/// group order.
pub fn address_of(private_key: &[u8; 32]) -> Result<[u8; 20], WalletError> {
    Ok(address_of_key(signing_key(private_key)?.verifying_key()))
}

fn signing_key(private_key: &[u8; 32]) -> Result<SigningKey, WalletError> {
    SigningKey::from_slice(private_key).map_err(|_| WalletError::PrivateKey)
}

/// Last 20 bytes of `keccak256(x ‖ y)` of the uncompressed public key.
fn address_of_key(key: &VerifyingKey) -> [u8; 20] {
    let point = key.to_sec1_point(false);
    // Uncompressed SEC1 is `0x04 ‖ x ‖ y`; hash everything after the tag.
    let hash = keccak256(point.as_bytes().get(1..).unwrap_or_default());
    let mut address = [0u8; 20];
    for (dst, src) in address.iter_mut().zip(hash.iter().skip(12)) {
        *dst = *src;
    }
    address
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    // web3.js docs example, `web3.eth.accounts.sign('Some data', KEY)`.
    // Cross-checked with eth-account 0.14.0 (Python) via tests/interop/eth-cross-check.py:
    // same address, digest and signature.
    const WEB3_KEY: &str = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    const WEB3_ADDRESS: &str = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
    const WEB3_DIGEST: &str = "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655";
    const WEB3_SIGNATURE: &str = "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";

    fn key(hex: &str) -> [u8; 32] {
        crate::hex::decode_array(hex).unwrap()
    }

    fn hex32(hex: &str) -> [u8; 32] {
        key(hex)
    }

    // secp256k1 group order n.
    const ORDER: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

    /// n - s, big-endian.
    fn negate_scalar(s: &[u8]) -> [u8; 32] {
        let n = hex32(ORDER);
        let mut out = [0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let mut d = i16::from(n[i]) - i16::from(s[i]) - borrow;
            borrow = i16::from(d < 0);
            if d < 0 {
                d += 256;
            }
            out[i] = d as u8;
        }
        out
    }

    #[test]
    fn keccak_known_vectors() {
        // Keccak-256 of "" (differs from SHA3-256's a7ffc6f8...).
        assert_eq!(
            crate::hex::encode(&keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        assert_eq!(
            crate::hex::encode(&keccak256(b"abc")),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
        );
    }

    // EIP-55 test cases: all caps, all lower, and the normal mixed-case list.
    pub(crate) const EIP55_VECTORS: [&str; 8] = [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    #[test]
    fn eip55_vectors_encode_and_parse() {
        for vector in EIP55_VECTORS {
            let bytes = parse_address(vector).unwrap();
            assert_eq!(checksum_address(&bytes), vector);
            // Lowercase and uppercase forms carry no checksum and parse too.
            let lower = vector.to_ascii_lowercase();
            assert_eq!(parse_address(&lower), Ok(bytes));
            let upper = format!("0x{}", vector.get(2..).unwrap().to_ascii_uppercase());
            assert_eq!(parse_address(&upper), Ok(bytes));
        }
    }

    #[test]
    fn eip55_rejects_wrong_case_and_bad_shape() {
        // One letter's case flipped.
        assert_eq!(
            parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"),
            Err(AddressError::Checksum)
        );
        assert_eq!(
            parse_address("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            Err(AddressError::Checksum)
        );
        for bad in [
            "",
            "0x",
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
            " 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAé",
        ] {
            assert_eq!(parse_address(bad), Err(AddressError::Format), "{bad:?}");
        }
    }

    #[test]
    fn eip191_digest_matches_eth_account() {
        assert_eq!(
            crate::hex::encode(&eip191_digest(b"Some data")),
            WEB3_DIGEST
        );
    }

    #[test]
    fn web3_vector_signs_and_recovers() {
        let key = key(WEB3_KEY);
        assert_eq!(checksum_address(&address_of(&key).unwrap()), WEB3_ADDRESS);
        let signature = sign_personal_message(&key, b"Some data").unwrap();
        assert_eq!(format_hex_signature(&signature), WEB3_SIGNATURE);
        let parsed = parse_hex_signature(WEB3_SIGNATURE).unwrap();
        assert_eq!(parsed, signature);
        let signer = recover_signer(b"Some data", &parsed).unwrap();
        assert_eq!(checksum_address(&signer), WEB3_ADDRESS);
    }

    #[test]
    fn key_one_has_the_well_known_address() {
        let mut one = [0u8; 32];
        one[31] = 1;
        assert_eq!(
            checksum_address(&address_of(&one).unwrap()),
            "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
        );
    }

    #[test]
    fn v_zero_one_equivalent_to_27_28() {
        let mut signature = parse_hex_signature(WEB3_SIGNATURE).unwrap();
        assert_eq!(signature[64], 28);
        signature[64] = 1;
        let signer = recover_signer(b"Some data", &signature).unwrap();
        assert_eq!(checksum_address(&signer), WEB3_ADDRESS);
    }

    #[test]
    fn high_s_is_normalised_to_the_same_signer() {
        // (r, n - s, v flipped) is the malleable twin of the web3 vector.
        // eth-account's recover_message also returns WEB3_ADDRESS for it
        // (tests/interop/eth-cross-check.py).
        let low = parse_hex_signature(WEB3_SIGNATURE).unwrap();
        let mut high = low;
        high[32..64].copy_from_slice(&negate_scalar(&low[32..64]));
        high[64] = 27;
        assert_ne!(high, low);
        let signer = recover_signer(b"Some data", &high).unwrap();
        assert_eq!(checksum_address(&signer), WEB3_ADDRESS);
        // Without flipping v, the twin recovers some other key.
        high[64] = 28;
        let other = recover_signer(b"Some data", &high).unwrap();
        assert_ne!(checksum_address(&other), WEB3_ADDRESS);
    }

    #[test]
    fn rejects_bad_v_lengths_and_scalars() {
        let good = parse_hex_signature(WEB3_SIGNATURE).unwrap();
        for v in [2u8, 26, 29, 35, 36, 255] {
            let mut bad = good;
            bad[64] = v;
            assert_eq!(
                recover_signer(b"Some data", &bad),
                Err(WalletError::RecoveryId),
                "v={v}"
            );
        }
        assert_eq!(
            recover_signer(b"Some data", &good[..64]),
            Err(WalletError::Length)
        );
        let mut long = good.to_vec();
        long.push(0);
        assert_eq!(
            recover_signer(b"Some data", &long),
            Err(WalletError::Length)
        );
        assert_eq!(recover_signer(b"x", &[]), Err(WalletError::Length));

        // r = 0, s = 0, r = n, s = n, all-ones.
        let mut zero_r = good;
        zero_r[..32].fill(0);
        let mut zero_s = good;
        zero_s[32..64].fill(0);
        let mut order_r = good;
        order_r[..32].copy_from_slice(&hex32(ORDER));
        let mut order_s = good;
        order_s[32..64].copy_from_slice(&hex32(ORDER));
        let mut ones = [0xffu8; 65];
        ones[64] = 27;
        for bad in [zero_r, zero_s, order_r, order_s, ones] {
            assert_eq!(recover_signer(b"Some data", &bad), Err(WalletError::Scalar));
        }
    }

    #[test]
    fn r_that_is_not_an_x_coordinate_is_unrecoverable() {
        // x = 5 is not the x-coordinate of any secp256k1 point (5^3 + 7 = 132
        // is a quadratic non-residue mod p); checked in tests/interop/eth-cross-check.py.
        let mut bad = parse_hex_signature(WEB3_SIGNATURE).unwrap();
        bad[..32].fill(0);
        bad[31] = 5;
        assert_eq!(
            recover_signer(b"Some data", &bad),
            Err(WalletError::Unrecoverable)
        );
    }

    #[test]
    fn tampered_message_recovers_a_different_signer() {
        let signature = parse_hex_signature(WEB3_SIGNATURE).unwrap();
        let signer = recover_signer(b"Some datA", &signature).unwrap();
        assert_ne!(checksum_address(&signer), WEB3_ADDRESS);
    }

    #[test]
    fn hex_signature_parsing() {
        let bare = WEB3_SIGNATURE.strip_prefix("0x").unwrap();
        assert_eq!(
            parse_hex_signature(bare),
            parse_hex_signature(WEB3_SIGNATURE)
        );
        assert_eq!(
            parse_hex_signature(&bare.to_ascii_uppercase()),
            parse_hex_signature(WEB3_SIGNATURE)
        );
        for bad in [
            "",
            "0x",
            bare.get(..128).unwrap(),
            bare.get(..129).unwrap(),
            &format!("{bare}00"),
            &format!("0x{}zz", bare.get(..128).unwrap()),
            &format!("0X{bare}"),
            &format!(" {bare}"),
            &format!("0x0x{}", bare.get(..128).unwrap()),
        ] {
            assert_eq!(parse_hex_signature(bad), Err(WalletError::Hex), "{bad}");
        }
    }

    #[test]
    fn invalid_private_keys() {
        let zero = [0u8; 32];
        let order = hex32(ORDER);
        let max = [0xffu8; 32];
        for bad in [zero, order, max] {
            assert_eq!(address_of(&bad), Err(WalletError::PrivateKey));
            assert_eq!(
                sign_personal_message(&bad, b"x"),
                Err(WalletError::PrivateKey)
            );
        }
    }

    #[test]
    fn signing_is_deterministic_and_low_s() {
        let key = key(WEB3_KEY);
        for message in [&b""[..], b"a", &[0u8; 1000], "héllo".as_bytes()] {
            let a = sign_personal_message(&key, message).unwrap();
            let b = sign_personal_message(&key, message).unwrap();
            assert_eq!(a, b);
            assert!(a[64] == 27 || a[64] == 28);
            // low-s: s <= n/2, i.e. normalising does not change it.
            let parsed = Signature::from_slice(&a[..64]).unwrap();
            assert_eq!(parsed.normalize_s(), parsed);
            assert_eq!(
                recover_signer(message, &a).unwrap(),
                address_of(&key).unwrap()
            );
        }
    }

    #[test]
    fn error_codes_are_distinct() {
        let all = [
            WalletError::Length,
            WalletError::Hex,
            WalletError::RecoveryId,
            WalletError::Scalar,
            WalletError::Unrecoverable,
            WalletError::PrivateKey,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
        assert_ne!(AddressError::Format.code(), AddressError::Checksum.code());
    }
}
