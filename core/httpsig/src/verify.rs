//! Verification of a received signature against a policy.

use super::base::{serialize_inner_list, signature_base};
use super::{
    Algorithm, Component, DigestAlgorithm, Message, SignatureError, SignatureParams, VerifyingKey,
    verify_content_digest,
};

/// The default tolerance for clock differences, in seconds.
pub const DEFAULT_CLOCK_SKEW: i64 = 60;

/// The default maximum age of a signature, in seconds ([`VerifyOptions::new`]): five minutes,
/// RFC 9421 §7.2.2's advice to bound replays. With a maximum age, `created` is required.
pub const DEFAULT_MAX_AGE: i64 = 300;

/// Finds the verification key for a signature's `keyid` (`None` when the signature has none).
///
/// Implemented for closures, for a single [`VerifyingKey`] (used whatever the `keyid`), and for
/// slices of `(keyid, key)` pairs (exact `keyid` match; a signature without `keyid` is accepted
/// only when the slice holds exactly one key).
pub trait KeyResolver {
    /// The key for `keyid`, or `None` if it is unknown.
    fn resolve(&self, keyid: Option<&str>) -> Option<VerifyingKey>;
}

impl<F: Fn(Option<&str>) -> Option<VerifyingKey>> KeyResolver for F {
    fn resolve(&self, keyid: Option<&str>) -> Option<VerifyingKey> {
        self(keyid)
    }
}

impl KeyResolver for VerifyingKey {
    fn resolve(&self, _keyid: Option<&str>) -> Option<VerifyingKey> {
        Some(self.clone())
    }
}

impl KeyResolver for [(String, VerifyingKey)] {
    fn resolve(&self, keyid: Option<&str>) -> Option<VerifyingKey> {
        match (keyid, self) {
            (Some(id), keys) => keys
                .iter()
                .find(|(k, _)| k == id)
                .map(|(_, key)| key.clone()),
            (None, [(_, key)]) => Some(key.clone()),
            (None, _) => None,
        }
    }
}

/// What a signature must satisfy besides verifying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The current time, Unix seconds (the core has no clock).
    pub now: i64,
    /// The label to verify; `None` accepts the only signature present.
    pub label: Option<String>,
    /// Tolerated clock difference in seconds for `created` and `expires`.
    pub clock_skew: i64,
    /// If set, `created` is required and may be at most this many seconds old. Default
    /// [`DEFAULT_MAX_AGE`]; `None` accepts signatures of any age, and without `created`.
    pub max_age: Option<i64>,
    /// Components the signature must cover.
    pub required_components: Vec<Component>,
    /// Require `content-digest` to be covered and to match the body (RFC 9530). Whenever the
    /// signature covers `content-digest` and the message has a body, the digest is compared
    /// with the body anyway: this only makes covering it mandatory.
    pub require_content_digest: bool,
}

impl VerifyOptions {
    /// Options for time `now`: any label if only one, [`DEFAULT_CLOCK_SKEW`], a maximum age of
    /// [`DEFAULT_MAX_AGE`] (so `created` is required), no required components.
    pub fn new(now: i64) -> Self {
        Self {
            now,
            label: None,
            clock_skew: DEFAULT_CLOCK_SKEW,
            max_age: Some(DEFAULT_MAX_AGE),
            required_components: Vec::new(),
            require_content_digest: false,
        }
    }
}

/// What a verified signature covered, in a form hosts can read (and serialise).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct VerifiedSignatureSummary {
    /// The signature's label.
    pub label: String,
    /// The algorithm of the key that verified it.
    pub algorithm: Algorithm,
    /// The `keyid` parameter.
    pub keyid: Option<String>,
    /// The `created` parameter (Unix seconds).
    pub created: Option<i64>,
    /// The `expires` parameter (Unix seconds).
    pub expires: Option<i64>,
    /// The covered components, serialised (`"@method"`, `"content-digest"`, ...).
    pub components: Vec<String>,
}

impl From<&VerifiedSignature> for VerifiedSignatureSummary {
    fn from(v: &VerifiedSignature) -> Self {
        VerifiedSignatureSummary {
            label: v.label.clone(),
            algorithm: v.algorithm,
            keyid: v.params.keyid().map(str::to_owned),
            created: v.params.created(),
            expires: v.params.expires(),
            components: v.components.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A signature that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// Its label.
    pub label: String,
    /// The algorithm of the key that verified it.
    pub algorithm: Algorithm,
    /// Its known parameters (check `nonce` against replays here if you use nonces).
    pub params: SignatureParams,
    /// The components it covers.
    pub components: Vec<Component>,
    /// The `Content-Digest` algorithm checked: when [`VerifyOptions::require_content_digest`], or
    /// when the signature covers `content-digest` and the message has a body.
    pub content_digest: Option<DigestAlgorithm>,
}

/// Verifies a signature of `message` (RFC 9421 §3.2).
///
/// Selects the label, rebuilds the signature base from the received `Signature-Input` member
/// (re-serialised as received, so unknown parameters stay covered), applies `options`, finds
/// the key through `keys`, rejects an `alg` parameter that differs from the key's algorithm
/// (§7.3.6), then checks the signature and the body's `Content-Digest` (always when it is
/// covered and there is a body; when [`VerifyOptions::require_content_digest`], also for an
/// empty body).
///
/// # Errors
/// [`MissingHeader`](SignatureError::MissingHeader), [`Malformed`](SignatureError::Malformed),
/// [`LabelNotFound`](SignatureError::LabelNotFound),
/// [`AmbiguousLabel`](SignatureError::AmbiguousLabel),
/// [`MissingComponent`](SignatureError::MissingComponent),
/// [`MissingParameter`](SignatureError::MissingParameter),
/// [`NotYetValid`](SignatureError::NotYetValid), [`Expired`](SignatureError::Expired),
/// [`TooOld`](SignatureError::TooOld), [`UnknownKey`](SignatureError::UnknownKey),
/// [`AlgorithmMismatch`](SignatureError::AlgorithmMismatch),
/// [`BadSignature`](SignatureError::BadSignature),
/// [`DigestMismatch`](SignatureError::DigestMismatch), or a component derivation error.
pub fn verify_message<'a, K: KeyResolver + ?Sized>(
    message: impl Into<Message<'a>>,
    keys: &K,
    options: &VerifyOptions,
) -> Result<VerifiedSignature, SignatureError> {
    let message = message.into();
    let Received {
        label,
        components,
        params,
        signature_params,
        signature,
    } = read_signature(message, options.label.as_deref())?;
    let digest = options
        .require_content_digest
        .then(|| Component::new("content-digest"));
    for required in options.required_components.iter().chain(&digest) {
        if !components.contains(required) {
            return Err(SignatureError::MissingComponent {
                name: required.to_string(),
            });
        }
    }
    check_time(&params, options)?;
    let key = keys
        .resolve(params.keyid())
        .ok_or(SignatureError::UnknownKey)?;
    if params.alg().is_some_and(|alg| alg != key.algorithm()) {
        return Err(SignatureError::AlgorithmMismatch);
    }
    key.verify(
        &signature_base(message, &components, &signature_params)?,
        &signature,
    )?;

    // A covered digest vouches for the body only if it is compared with it: a signature over
    // `content-digest` says nothing about a body that was swapped while the header was kept.
    let covered = components
        .iter()
        .any(|c| c.name() == "content-digest" && !c.params().contains(&super::ComponentParam::Req));
    let compare = options.require_content_digest || (covered && !message.body().is_empty());
    let content_digest = compare
        .then(|| {
            let value = message.field_lines("content-digest").collect::<Vec<_>>();
            verify_content_digest(&value.join(", "), message.body())
        })
        .transpose()?;
    Ok(VerifiedSignature {
        label,
        algorithm: key.algorithm(),
        params,
        components,
        content_digest,
    })
}

/// One received signature, read from the `Signature-Input` and `Signature` fields.
pub(crate) struct Received {
    pub(crate) label: String,
    pub(crate) components: Vec<Component>,
    pub(crate) params: SignatureParams,
    /// The inner list re-serialised as received: the `@signature-params` value.
    pub(crate) signature_params: String,
    pub(crate) signature: Vec<u8>,
}

/// Reads the signature labelled `label`, or the only one present.
pub(crate) fn read_signature(
    message: Message<'_>,
    label: Option<&str>,
) -> Result<Received, SignatureError> {
    let inputs = dictionary(message, "signature-input", "Signature-Input header")?;
    let signatures = dictionary(message, "signature", "Signature header")?;
    let label = match label {
        Some(label) => label.to_owned(),
        None => match inputs.keys().collect::<Vec<_>>().as_slice() {
            [label] => label.as_str().to_owned(),
            [] => {
                return Err(SignatureError::MissingHeader {
                    name: "signature-input".into(),
                });
            }
            _ => return Err(SignatureError::AmbiguousLabel),
        },
    };
    let not_found = || SignatureError::LabelNotFound {
        label: label.clone(),
    };
    let sfv::ListEntry::InnerList(inner) = inputs.get(label.as_str()).ok_or_else(not_found)? else {
        return Err(SignatureError::Malformed {
            what: "Signature-Input header",
        });
    };
    let signature = match signatures.get(label.as_str()).ok_or_else(not_found)? {
        sfv::ListEntry::Item(item) => item.bare_item.as_byte_sequence(),
        sfv::ListEntry::InnerList(_) => None,
    }
    .ok_or(SignatureError::Malformed {
        what: "Signature header",
    })?
    .to_vec();
    Ok(Received {
        components: inner
            .items
            .iter()
            .map(Component::from_item)
            .collect::<Result<_, _>>()?,
        params: SignatureParams::from_sfv(&inner.params)?,
        signature_params: serialize_inner_list(&inner.items, &inner.params)?,
        signature,
        label,
    })
}

fn check_time(params: &SignatureParams, options: &VerifyOptions) -> Result<(), SignatureError> {
    let skew = options.clock_skew.max(0);
    if let (Some(created), Some(expires)) = (params.created(), params.expires())
        && expires < created
    {
        return Err(SignatureError::Malformed {
            what: "signature parameters (expires before created)",
        });
    }
    if params
        .created()
        .is_some_and(|created| created > options.now.saturating_add(skew))
    {
        return Err(SignatureError::NotYetValid);
    }
    if params
        .expires()
        .is_some_and(|expires| options.now.saturating_sub(skew) > expires)
    {
        return Err(SignatureError::Expired);
    }
    if let Some(max_age) = options.max_age {
        let created = params
            .created()
            .ok_or(SignatureError::MissingParameter { name: "created" })?;
        if options.now.saturating_sub(created) > max_age {
            return Err(SignatureError::TooOld);
        }
    }
    Ok(())
}

/// All field lines called `name`, combined and parsed as a dictionary.
fn dictionary(
    message: Message<'_>,
    name: &'static str,
    what: &'static str,
) -> Result<sfv::Dictionary, SignatureError> {
    let lines = message.field_lines(name).collect::<Vec<_>>();
    if lines.is_empty() {
        return Err(SignatureError::MissingHeader { name: name.into() });
    }
    sfv::Parser::new(&lines.join(", "))
        .parse()
        .map_err(|_| SignatureError::Malformed { what })
}
