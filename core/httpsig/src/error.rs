//! The error type shared by every operation of the crate.

/// Why a digest or signature operation failed.
///
/// Messages are meant for logs: they name headers, components and parameters but never contain
/// key material, signature bytes or header values. [`SignatureError::code`] gives a stable
/// machine-readable identifier for each variant.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A header needed for the operation (a covered field, `Signature`, `Signature-Input` or
    /// `Content-Digest`) is absent from the message.
    #[error("missing header `{name}`")]
    MissingHeader {
        /// The lowercase header name.
        name: String,
    },
    /// A required component is not covered by the signature, or a covered component has no
    /// value in the message (a dictionary key or query parameter that is absent).
    #[error("missing component {name}")]
    MissingComponent {
        /// The component identifier.
        name: String,
    },
    /// The same component identifier is listed twice.
    #[error("component {name} is listed more than once")]
    DuplicateComponent {
        /// The component identifier.
        name: String,
    },
    /// A component identifier is unknown, has invalid parameters, or cannot be derived for this
    /// kind of message.
    #[error("invalid component {name}: {reason}")]
    InvalidComponent {
        /// The component identifier.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A structured field, label or signature parameter is malformed.
    #[error("malformed {what}")]
    Malformed {
        /// What could not be parsed or serialised.
        what: &'static str,
    },
    /// The request URL cannot be used to derive components.
    #[error("invalid request URL: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The requested signature label is not present.
    #[error("no signature labelled `{label}`")]
    LabelNotFound {
        /// The label that was looked for.
        label: String,
    },
    /// The message carries several signatures and no label was given to choose one.
    #[error("several signatures present; a label must be chosen")]
    AmbiguousLabel,
    /// A signature parameter required by the verification policy is absent.
    #[error("missing signature parameter `{name}`")]
    MissingParameter {
        /// The parameter name.
        name: &'static str,
    },
    /// No verification key is known for the signature's `keyid`.
    #[error("no key known for this signature")]
    UnknownKey,
    /// The algorithm named by the signature (or the caller) differs from the key's algorithm.
    #[error("algorithm does not match the key")]
    AlgorithmMismatch,
    /// The algorithm is not one of the supported ones.
    #[error("unsupported algorithm")]
    UnsupportedAlgorithm,
    /// The signature's `expires` time has passed.
    #[error("signature expired")]
    Expired,
    /// The signature's `created` time lies in the future beyond the allowed clock skew.
    #[error("signature created in the future")]
    NotYetValid,
    /// The signature is older than the allowed maximum age.
    #[error("signature too old")]
    TooOld,
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// The key material could not be parsed or used.
    #[error("invalid key")]
    InvalidKey,
    /// The private key is encrypted (PEM `ENCRYPTED PRIVATE KEY`, PKCS#8
    /// `EncryptedPrivateKeyInfo`): decrypt it first (`openssl pkcs8 -in key.pem -out plain.pem`)
    /// or keep it in a key store and sign through a host signer.
    #[error(
        "the private key is encrypted; decrypt it first (for example `openssl pkcs8 -in key.pem -out plain.pem`)"
    )]
    EncryptedKey,
    /// A raw signature has the wrong length for its algorithm.
    #[error("signature must be {expected} bytes, got {actual}")]
    InvalidSignatureLength {
        /// The length the algorithm requires.
        expected: usize,
        /// The length received.
        actual: usize,
    },
    /// A DER-encoded ECDSA signature is malformed, or DER was given for a non-ECDSA algorithm.
    #[error("invalid signature encoding")]
    InvalidSignatureEncoding,
    /// The body does not match its `Content-Digest`.
    #[error("content digest does not match the body")]
    DigestMismatch,
}

impl SignatureError {
    /// A stable snake_case identifier for the variant, e.g. `"bad_signature"`.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "signature_missing_header",
            Self::MissingComponent { .. } => "signature_missing_component",
            Self::DuplicateComponent { .. } => "signature_duplicate_component",
            Self::InvalidComponent { .. } => "signature_invalid_component",
            Self::Malformed { .. } => "signature_malformed",
            Self::InvalidUrl { .. } => "signature_invalid_url",
            Self::LabelNotFound { .. } => "signature_label_not_found",
            Self::AmbiguousLabel => "signature_ambiguous_label",
            Self::MissingParameter { .. } => "signature_missing_parameter",
            Self::UnknownKey => "signature_unknown_key",
            Self::AlgorithmMismatch => "signature_algorithm_mismatch",
            Self::UnsupportedAlgorithm => "signature_unsupported_algorithm",
            Self::Expired => "signature_expired",
            Self::NotYetValid => "signature_not_yet_valid",
            Self::TooOld => "signature_too_old",
            Self::BadSignature => "signature_invalid",
            Self::InvalidKey => "signature_invalid_key",
            Self::EncryptedKey => "signature_encrypted_key",
            Self::InvalidSignatureLength { .. } => "signature_invalid_length",
            Self::InvalidSignatureEncoding => "signature_invalid_encoding",
            Self::DigestMismatch => "content_digest_mismatch",
        }
    }
}
