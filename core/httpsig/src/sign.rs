//! Signing: in one step with a [`SigningKey`], or in two steps with a key that stays with the
//! host (WebCrypto, Android Keystore, iOS Keychain, a KMS).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::base::{serialize_inner_list, signature_base};
use super::{Algorithm, Component, Message, SignatureError, SignatureParams, SigningKey};

/// Step 1 of two-step signing: the bytes to sign and the `Signature-Input` they commit to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedSignature {
    /// The signature label, e.g. `sig1`.
    pub label: String,
    /// The signature base (RFC 9421 §2.5): sign exactly these bytes.
    pub signature_base: Vec<u8>,
    /// The full `Signature-Input` header value, e.g. `sig1=("@method");created=1618884473`.
    pub signature_input: String,
    /// The `alg` parameter, if one was set; [`finish_signature`] insists on it.
    pub alg: Option<Algorithm>,
}

/// The two header values that carry a signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHeaders {
    /// The `Signature-Input` header value.
    pub signature_input: String,
    /// The `Signature` header value, e.g. `sig1=:<base64>:`.
    pub signature: String,
}

impl SignatureHeaders {
    /// The two header fields, `Signature-Input` then `Signature`, as `(name, value)`.
    pub fn fields(&self) -> [(String, String); 2] {
        [
            ("Signature-Input".to_owned(), self.signature_input.clone()),
            ("Signature".to_owned(), self.signature.clone()),
        ]
    }

    /// Appends the `Signature-Input` and `Signature` header fields to `headers` (for a
    /// [`Request`](crate::Request), pass `&mut request.headers`; any header type that converts
    /// from a `(name, value)` pair works). Existing signatures with other labels are kept.
    pub fn append_to<H: From<(String, String)>>(&self, headers: &mut impl Extend<H>) {
        let [input, signature] = self.fields();
        headers.extend([H::from(input), H::from(signature)]);
    }
}

/// How the host's signature bytes are encoded (`"raw"` or `"der"` when serialised).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum SignatureEncoding {
    /// Raw bytes as RFC 9421 transmits them (`r || s` for ECDSA: WebCrypto, CryptoKit
    /// `rawRepresentation`, KMS "P1363" output).
    Raw,
    /// An X9.62 DER `SEQUENCE { r INTEGER, s INTEGER }` (ECDSA only: Android Keystore, iOS
    /// `SecKeyCreateSignature`, most KMS and OpenSSL). Converted to `r || s`.
    Der,
}

/// Step 1 of two-step signing: builds the signature base and `Signature-Input` for `message`.
///
/// `label` must be a structured-field key (lowercase letters, digits, `_-.*`). Components are
/// signed in the given order; parameters in the order they were added.
///
/// # Errors
/// [`Malformed`](SignatureError::Malformed) for a bad label or parameter, and any error from
/// deriving a component ([`MissingHeader`](SignatureError::MissingHeader),
/// [`InvalidUrl`](SignatureError::InvalidUrl), ...).
pub fn prepare_signature<'a>(
    message: impl Into<Message<'a>>,
    label: &str,
    components: &[Component],
    params: &SignatureParams,
) -> Result<PreparedSignature, SignatureError> {
    check_label(label)?;
    let items = components
        .iter()
        .map(Component::to_item)
        .collect::<Result<Vec<_>, _>>()?;
    let inner_list = serialize_inner_list(&items, &params.to_sfv()?)?;
    Ok(PreparedSignature {
        label: label.to_owned(),
        signature_base: signature_base(message.into(), components, &inner_list)?,
        signature_input: format!("{label}={inner_list}"),
        alg: params.alg(),
    })
}

/// Step 2 of two-step signing: wraps the host's signature over
/// [`PreparedSignature::signature_base`] into the header values.
///
/// # Errors
/// [`AlgorithmMismatch`](SignatureError::AlgorithmMismatch) if `algorithm` differs from the
/// prepared `alg` parameter, [`InvalidSignatureLength`](SignatureError::InvalidSignatureLength)
/// for raw signatures of the wrong size,
/// [`InvalidSignatureEncoding`](SignatureError::InvalidSignatureEncoding) for bad DER.
pub fn finish_signature(
    prepared: &PreparedSignature,
    signature: &[u8],
    algorithm: Algorithm,
    encoding: SignatureEncoding,
) -> Result<SignatureHeaders, SignatureError> {
    check_label(&prepared.label)?;
    if prepared.alg.is_some_and(|alg| alg != algorithm) {
        return Err(SignatureError::AlgorithmMismatch);
    }
    let raw = match encoding {
        SignatureEncoding::Der => ecdsa_der_to_raw(signature, algorithm)?,
        SignatureEncoding::Raw if signature.len() == algorithm.signature_len() => {
            signature.to_vec()
        }
        SignatureEncoding::Raw => {
            return Err(SignatureError::InvalidSignatureLength {
                expected: algorithm.signature_len(),
                actual: signature.len(),
            });
        }
    };
    Ok(SignatureHeaders {
        signature_input: prepared.signature_input.clone(),
        signature: format!("{}=:{}:", prepared.label, STANDARD.encode(raw)),
    })
}

/// Converts a DER ECDSA signature to fixed-width `r || s` (left-padded to 32 or 48 bytes each).
///
/// Strict DER: wrong tags, non-minimal lengths or integers, negative or zero values, values
/// wider than the curve and trailing bytes are rejected.
///
/// # Errors
/// [`InvalidSignatureEncoding`](SignatureError::InvalidSignatureEncoding), also when
/// `algorithm` is not ECDSA.
pub fn ecdsa_der_to_raw(der: &[u8], algorithm: Algorithm) -> Result<Vec<u8>, SignatureError> {
    // Hand-written rather than the curves' `Signature::from_der`: the ASN.1 involved is two
    // INTEGERs in a SEQUENCE, and this keeps the `der` and curve crates out of builds that never
    // hold a key (the main wasm module). Checked against `from_der` by a property test.
    let order: &[u8] = match algorithm {
        Algorithm::EcdsaP384Sha384 => &P384_ORDER,
        Algorithm::EcdsaP256Sha256 => &P256_ORDER,
        Algorithm::Ed25519 | Algorithm::HmacSha256 => {
            return Err(SignatureError::InvalidSignatureEncoding);
        }
    };
    let body = match der {
        // Every valid ECDSA-Sig-Value for these curves is under 128 bytes, so DER's minimal
        // length encoding is always the short form.
        [0x30, len, body @ ..] if usize::from(*len) == body.len() && *len < 0x80 => body,
        _ => return Err(SignatureError::InvalidSignatureEncoding),
    };
    let (r, rest) = der_integer(body, order)?;
    let (s, rest) = der_integer(rest, order)?;
    if !rest.is_empty() {
        return Err(SignatureError::InvalidSignatureEncoding);
    }
    Ok([r, s].concat())
}

/// The group order n of P-384, big-endian.
const P384_ORDER: [u8; 48] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
];

/// The group order n of P-256, big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// Reads one DER INTEGER in 1..n-1 from the front of `input`, as a big-endian number as wide as
/// `order`; returns it and the rest.
fn der_integer<'a>(input: &'a [u8], order: &[u8]) -> Result<(Vec<u8>, &'a [u8]), SignatureError> {
    const BAD: SignatureError = SignatureError::InvalidSignatureEncoding;
    let [0x02, len, rest @ ..] = input else {
        return Err(BAD);
    };
    let (value, rest) = rest.split_at_checked(usize::from(*len)).ok_or(BAD)?;
    let magnitude = match value {
        // Negative numbers, and a zero byte that is not needed to keep the number positive.
        [first, ..] if first & 0x80 != 0 => return Err(BAD),
        [0x00, next, ..] if next & 0x80 == 0 => return Err(BAD),
        [0x00, magnitude @ ..] => magnitude,
        [_, ..] => value,
        [] => return Err(BAD),
    };
    let padding = order.len().checked_sub(magnitude.len()).ok_or(BAD)?;
    let mut fixed = vec![0u8; padding];
    fixed.extend_from_slice(magnitude);
    // Big-endian byte strings of equal length compare like the numbers they hold.
    if fixed.iter().all(|b| *b == 0) || fixed.as_slice() >= order {
        return Err(BAD);
    }
    Ok((fixed, rest))
}

/// Signs `message` in one step with a key held by the core.
///
/// ECDSA signatures are deterministic (RFC 6979), so equal inputs give equal headers.
///
/// # Errors
/// As for [`prepare_signature`] and [`finish_signature`] (an `alg` parameter that does not
/// match the key is [`AlgorithmMismatch`](SignatureError::AlgorithmMismatch)).
pub fn sign_message<'a>(
    message: impl Into<Message<'a>>,
    label: &str,
    components: &[Component],
    params: &SignatureParams,
    key: &SigningKey,
) -> Result<SignatureHeaders, SignatureError> {
    let prepared = prepare_signature(message, label, components, params)?;
    let signature = key.sign(&prepared.signature_base)?;
    finish_signature(
        &prepared,
        &signature,
        key.algorithm(),
        SignatureEncoding::Raw,
    )
}

fn check_label(label: &str) -> Result<(), SignatureError> {
    sfv::KeyRef::from_str(label)
        .map(|_| ())
        .map_err(|_| SignatureError::Malformed {
            what: "signature label",
        })
}
