//! Signature parameters (RFC 9421 §2.3), kept in the order they were added: the order is part of
//! the signed bytes.

use sfv::{BareItem, KeyRef};

use super::{Algorithm, SignatureError};

const CREATED: &KeyRef = KeyRef::constant("created");
const EXPIRES: &KeyRef = KeyRef::constant("expires");
const NONCE: &KeyRef = KeyRef::constant("nonce");
const KEYID: &KeyRef = KeyRef::constant("keyid");
const ALG: &KeyRef = KeyRef::constant("alg");
const TAG: &KeyRef = KeyRef::constant("tag");

/// One signature parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureParam {
    /// `created`: creation time, Unix seconds.
    Created(i64),
    /// `expires`: expiry time, Unix seconds.
    Expires(i64),
    /// `nonce`: a random value chosen by the signer.
    Nonce(String),
    /// `keyid`: identifies the key to the verifier.
    KeyId(String),
    /// `alg`: the signature algorithm.
    Alg(Algorithm),
    /// `tag`: an application-specific tag.
    Tag(String),
}

/// An ordered set of signature parameters.
///
/// ```
/// use clientele_httpsig::SignatureParams;
/// let params = SignatureParams::new().with_created(1618884473).with_keyid("test-key");
/// assert_eq!(params.keyid(), Some("test-key"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureParams {
    entries: Vec<SignatureParam>,
}

impl SignatureParams {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `param`, or replaces the parameter of the same kind in place.
    pub fn with(mut self, param: SignatureParam) -> Self {
        let same = std::mem::discriminant(&param);
        match self
            .entries
            .iter_mut()
            .find(|p| std::mem::discriminant(*p) == same)
        {
            Some(existing) => *existing = param,
            None => self.entries.push(param),
        }
        self
    }

    /// Sets `created`.
    pub fn with_created(self, unix_seconds: i64) -> Self {
        self.with(SignatureParam::Created(unix_seconds))
    }

    /// Sets `expires`.
    pub fn with_expires(self, unix_seconds: i64) -> Self {
        self.with(SignatureParam::Expires(unix_seconds))
    }

    /// Sets `nonce` (the core has no RNG: the host supplies it).
    pub fn with_nonce(self, nonce: impl Into<String>) -> Self {
        self.with(SignatureParam::Nonce(nonce.into()))
    }

    /// Sets `keyid`.
    pub fn with_keyid(self, keyid: impl Into<String>) -> Self {
        self.with(SignatureParam::KeyId(keyid.into()))
    }

    /// Sets `alg`.
    pub fn with_alg(self, alg: Algorithm) -> Self {
        self.with(SignatureParam::Alg(alg))
    }

    /// Sets `tag`.
    pub fn with_tag(self, tag: impl Into<String>) -> Self {
        self.with(SignatureParam::Tag(tag.into()))
    }

    /// The parameters in signing order.
    pub fn as_slice(&self) -> &[SignatureParam] {
        &self.entries
    }

    /// `created`, if set.
    pub fn created(&self) -> Option<i64> {
        self.find(|p| match p {
            SignatureParam::Created(t) => Some(*t),
            _ => None,
        })
    }

    /// `expires`, if set.
    pub fn expires(&self) -> Option<i64> {
        self.find(|p| match p {
            SignatureParam::Expires(t) => Some(*t),
            _ => None,
        })
    }

    /// `nonce`, if set.
    pub fn nonce(&self) -> Option<&str> {
        self.find(|p| match p {
            SignatureParam::Nonce(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// `keyid`, if set.
    pub fn keyid(&self) -> Option<&str> {
        self.find(|p| match p {
            SignatureParam::KeyId(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// `alg`, if set.
    pub fn alg(&self) -> Option<Algorithm> {
        self.find(|p| match p {
            SignatureParam::Alg(a) => Some(*a),
            _ => None,
        })
    }

    /// `tag`, if set.
    pub fn tag(&self) -> Option<&str> {
        self.find(|p| match p {
            SignatureParam::Tag(s) => Some(s.as_str()),
            _ => None,
        })
    }

    fn find<'a, T>(&'a self, f: impl Fn(&'a SignatureParam) -> Option<T>) -> Option<T> {
        self.entries.iter().find_map(f)
    }

    /// The parameters as structured-field parameters, in order.
    pub(crate) fn to_sfv(&self) -> Result<sfv::Parameters, SignatureError> {
        let integer = |t: i64| {
            sfv::Integer::try_from(t)
                .map(BareItem::Integer)
                .map_err(|_| malformed())
        };
        let string = |s: &str| {
            sfv::String::from_string(s.to_owned())
                .map(BareItem::String)
                .map_err(|_| malformed())
        };
        let mut out = sfv::Parameters::new();
        for param in &self.entries {
            let (key, value) = match param {
                SignatureParam::Created(t) => (CREATED, integer(*t)?),
                SignatureParam::Expires(t) => (EXPIRES, integer(*t)?),
                SignatureParam::Nonce(s) => (NONCE, string(s)?),
                SignatureParam::KeyId(s) => (KEYID, string(s)?),
                SignatureParam::Alg(a) => (ALG, string(a.name())?),
                SignatureParam::Tag(s) => (TAG, string(s)?),
            };
            out.insert(key.to_owned(), value);
        }
        Ok(out)
    }

    /// Reads the known parameters of a received signature; others are skipped (they are still
    /// covered, because verification re-serialises the received parameters verbatim).
    pub(crate) fn from_sfv(params: &sfv::Parameters) -> Result<Self, SignatureError> {
        let mut out = Self::new();
        for (key, value) in params {
            let integer = || value.as_integer().map(i64::from).ok_or_else(malformed);
            let string = || {
                value
                    .as_string()
                    .map(|s| s.as_str().to_owned())
                    .ok_or_else(malformed)
            };
            out.entries.push(match key.as_str() {
                "created" => SignatureParam::Created(integer()?),
                "expires" => SignatureParam::Expires(integer()?),
                "nonce" => SignatureParam::Nonce(string()?),
                "keyid" => SignatureParam::KeyId(string()?),
                "alg" => SignatureParam::Alg(string()?.parse()?),
                "tag" => SignatureParam::Tag(string()?),
                _ => continue,
            });
        }
        Ok(out)
    }
}

fn malformed() -> SignatureError {
    SignatureError::Malformed {
        what: "signature parameter",
    }
}
