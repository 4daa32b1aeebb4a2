//! Covered components (RFC 9421 §2): HTTP fields and derived components, and how their values
//! are computed from a message.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sfv::{BareItem, FieldType as _, KeyRef, Parser};

use crate::{Message, SignatureError};

const SF: &KeyRef = KeyRef::constant("sf");
const KEY: &KeyRef = KeyRef::constant("key");
const BS: &KeyRef = KeyRef::constant("bs");
const REQ: &KeyRef = KeyRef::constant("req");
const NAME: &KeyRef = KeyRef::constant("name");

/// A parameter of a component identifier (RFC 9421 §2.1, §2.2.8, §2.4).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ComponentParam {
    /// `sf`: re-serialise the field as a structured field.
    Sf,
    /// `key="..."`: one member of a dictionary structured field.
    Key(String),
    /// `bs`: each field line as a byte sequence.
    Bs,
    /// `req`: take the component from the request that a response answers.
    Req,
    /// `name="..."`: the query parameter of `@query-param`, in its encoded form.
    Name(String),
}

/// A component identifier: an HTTP field name (lowercase) or a derived component (`@method`,
/// `@target-uri`, `@authority`, `@scheme`, `@request-target`, `@path`, `@query`,
/// `@query-param`, `@status`), with parameters in the order given.
///
/// Equality ignores the order of parameters.
///
/// ```
/// use clientele_httpsig::{Component, ComponentParam};
/// let pet = Component::query_param("Pet");
/// assert_eq!(pet.to_string(), r#""@query-param";name="Pet""#);
/// let member = Component::new("Example-Dict").with(ComponentParam::Key("a".into()));
/// assert_eq!(member, Component::parse(r#""example-dict";key="a""#).unwrap());
/// ```
#[derive(Clone, Debug, Eq)]
pub struct Component {
    name: String,
    params: Vec<ComponentParam>,
}

impl Component {
    /// A component without parameters; field names are lowercased.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_ascii_lowercase(),
            params: Vec::new(),
        }
    }

    /// `@query-param` for the query parameter `name` (give it in its encoded form, e.g.
    /// `fa%C3%A7ade`).
    pub fn query_param(name: &str) -> Self {
        Self::new("@query-param").with(ComponentParam::Name(name.to_owned()))
    }

    /// Appends a parameter (a repeated one makes the identifier invalid for signing).
    pub fn with(mut self, param: ComponentParam) -> Self {
        self.params.push(param);
        self
    }

    /// A component as a configuration writes it: a bare name (`@method`, `Content-Type`) or a
    /// serialised identifier with parameters (`"@query-param";name="page"`).
    ///
    /// ```
    /// use clientele_httpsig::Component;
    ///
    /// assert_eq!(Component::from_config("Content-Digest")?, Component::new("content-digest"));
    /// assert_eq!(Component::from_config(r#""@query-param";name="page""#)?, Component::query_param("page"));
    /// # Ok::<(), clientele_httpsig::SignatureError>(())
    /// ```
    ///
    /// # Errors
    /// As [`parse`](Self::parse), for the serialised form.
    pub fn from_config(text: &str) -> Result<Self, SignatureError> {
        if text.starts_with('"') {
            Self::parse(text)
        } else {
            Ok(Self::new(text))
        }
    }

    /// Parses a serialised identifier such as `"@query-param";name="Pet"` or
    /// `"example-dict";sf`.
    ///
    /// # Errors
    /// [`Malformed`](SignatureError::Malformed) or
    /// [`InvalidComponent`](SignatureError::InvalidComponent).
    pub fn parse(identifier: &str) -> Result<Self, SignatureError> {
        let item: sfv::Item = Parser::new(identifier).parse().map_err(|_| malformed())?;
        Self::from_item(&item)
    }

    /// The component name, e.g. `content-type` or `@method`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parameters in order.
    pub fn params(&self) -> &[ComponentParam] {
        &self.params
    }

    pub(crate) fn from_item(item: &sfv::Item) -> Result<Self, SignatureError> {
        let name = item.bare_item.as_string().ok_or_else(malformed)?.as_str();
        let mut component = Self {
            name: name.to_owned(),
            params: Vec::new(),
        };
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(component.invalid("names must be lowercase"));
        }
        for (key, value) in &item.params {
            component.params.push(match (key.as_str(), value) {
                ("sf", BareItem::Boolean(true)) => ComponentParam::Sf,
                ("bs", BareItem::Boolean(true)) => ComponentParam::Bs,
                ("req", BareItem::Boolean(true)) => ComponentParam::Req,
                ("key", BareItem::String(s)) => ComponentParam::Key(s.as_str().to_owned()),
                ("name", BareItem::String(s)) => ComponentParam::Name(s.as_str().to_owned()),
                _ => return Err(component.invalid("unsupported parameter")),
            });
        }
        Ok(component)
    }

    pub(crate) fn to_item(&self) -> Result<sfv::Item, SignatureError> {
        self.item().map_err(|reason| self.invalid(reason))
    }

    /// The identifier as a structured-field item, or why it cannot be one.
    fn item(&self) -> Result<sfv::Item, &'static str> {
        let string = |s: &str| {
            sfv::String::from_string(s.to_owned())
                .map(BareItem::String)
                .map_err(|_| "not a valid structured-field string")
        };
        let mut params = sfv::Parameters::new();
        for param in &self.params {
            let (key, value) = match param {
                ComponentParam::Sf => (SF, BareItem::Boolean(true)),
                ComponentParam::Key(k) => (KEY, string(k)?),
                ComponentParam::Bs => (BS, BareItem::Boolean(true)),
                ComponentParam::Req => (REQ, BareItem::Boolean(true)),
                ComponentParam::Name(n) => (NAME, string(n)?),
            };
            if params.insert(key.to_owned(), value).is_some() {
                return Err("repeated parameter");
            }
        }
        Ok(sfv::Item::with_params(string(&self.name)?, params))
    }

    fn has(&self, param: &ComponentParam) -> bool {
        self.params.contains(param)
    }

    fn string_param(&self, f: impl Fn(&ComponentParam) -> Option<&String>) -> Option<&str> {
        self.params.iter().find_map(f).map(String::as_str)
    }

    pub(crate) fn invalid(&self, reason: &'static str) -> SignatureError {
        SignatureError::InvalidComponent {
            name: self.to_string(),
            reason,
        }
    }

    /// The component value for the signature base (§2.5), validated to be one line.
    pub(crate) fn value(&self, message: Message<'_>) -> Result<String, SignatureError> {
        let message = match (self.has(&ComponentParam::Req), message) {
            (false, m) => m,
            (
                true,
                Message::Response {
                    request: Some(r), ..
                },
            ) => Message::Request(r),
            (true, Message::Response { request: None, .. }) => {
                return Err(self.invalid("`req` needs the request (Message::response_to)"));
            }
            (true, Message::Request(_)) => return Err(self.invalid("`req` on a request")),
        };
        let value = if self.name.starts_with('@') {
            self.derived_value(message)?
        } else {
            self.field_value(message)?
        };
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(self.invalid("value contains control characters"));
        }
        Ok(value)
    }

    fn derived_value(&self, message: Message<'_>) -> Result<String, SignatureError> {
        let allowed = |p: &ComponentParam| match p {
            ComponentParam::Req => true,
            ComponentParam::Name(_) => self.name == "@query-param",
            _ => false,
        };
        if !self.params.iter().all(allowed) {
            return Err(self.invalid("parameter not allowed on this derived component"));
        }
        let request = match message {
            Message::Response { response, .. } if self.name == "@status" => {
                return match response.status() {
                    status @ 100..=999 => Ok(status.to_string()),
                    _ => Err(self.invalid("status code is not three digits")),
                };
            }
            Message::Request(request) if self.name != "@status" => request,
            _ => return Err(self.invalid("not available for this kind of message")),
        };
        if self.name == "@method" {
            return Ok(request.method().to_owned());
        }
        let uri = TargetUri::parse(request.target_uri())?;
        let query = uri.query.unwrap_or("");
        Ok(match self.name.as_str() {
            "@target-uri" => uri.to_string(),
            "@authority" => uri.authority,
            "@scheme" => uri.scheme.to_owned(),
            "@path" => uri.path.to_owned(),
            "@query" => format!("?{query}"),
            "@request-target" => match uri.query {
                Some(q) => format!("{}?{q}", uri.path),
                None => uri.path.to_owned(),
            },
            "@query-param" => {
                let name = self
                    .string_param(|p| match p {
                        ComponentParam::Name(n) => Some(n),
                        _ => None,
                    })
                    .ok_or_else(|| self.invalid("`name` parameter required"))?;
                let mut values = query
                    .split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
                    .filter(|(n, _)| form_reencode(n) == name);
                match (values.next(), values.next()) {
                    (Some((_, v)), None) => form_reencode(v),
                    (None, _) => return Err(self.missing()),
                    (Some(_), Some(_)) => return Err(self.invalid("query parameter repeated")),
                }
            }
            _ => return Err(self.invalid("unknown derived component")),
        })
    }

    fn field_value(&self, message: Message<'_>) -> Result<String, SignatureError> {
        if self.name.is_empty() || !self.name.bytes().all(is_tchar) {
            return Err(self.invalid("not a valid field name"));
        }
        if self.has(&ComponentParam::Bs)
            && self
                .params
                .iter()
                .any(|p| matches!(p, ComponentParam::Sf | ComponentParam::Key(_)))
        {
            return Err(self.invalid("`bs` cannot be combined with `sf` or `key`"));
        }
        if self
            .params
            .iter()
            .any(|p| matches!(p, ComponentParam::Name(_)))
        {
            return Err(self.invalid("`name` is only for @query-param"));
        }
        let lines: Vec<&str> = message.field_lines(&self.name).collect();
        if lines.is_empty() {
            return Err(SignatureError::MissingHeader {
                name: self.name.clone(),
            });
        }
        if self.has(&ComponentParam::Bs) {
            let encoded: Vec<String> = lines
                .iter()
                .map(|l| format!(":{}:", STANDARD.encode(l)))
                .collect();
            return Ok(encoded.join(", "));
        }
        let combined = lines.join(", ");
        let not_sf = || self.invalid("value is not an unambiguous structured field");
        if let Some(key) = self.string_param(|p| match p {
            ComponentParam::Key(k) => Some(k),
            _ => None,
        }) {
            let dict: sfv::Dictionary = Parser::new(&combined).parse().map_err(|_| not_sf())?;
            let member = dict.get(key).ok_or_else(|| self.missing())?;
            let mut ser = sfv::ListSerializer::new();
            ser.members(std::iter::once(member));
            Ok(ser.finish().unwrap_or_default())
        } else if self.has(&ComponentParam::Sf) {
            reserialize(&combined).ok_or_else(not_sf)
        } else {
            Ok(combined)
        }
    }

    fn missing(&self) -> SignatureError {
        SignatureError::MissingComponent {
            name: self.to_string(),
        }
    }
}

/// Order-insensitive with respect to parameters: the parameters compare as sets, both ways, so
/// equality stays symmetric even for a hand-built list that repeats one.
impl PartialEq for Component {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.params.iter().all(|p| other.params.contains(p))
            && other.params.iter().all(|p| self.params.contains(p))
    }
}

/// The serialised identifier, e.g. `"@query-param";name="Pet"`.
impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item() {
            Ok(item) => f.write_str(&item.serialize()),
            Err(_) => write!(f, "{:?}", self.name),
        }
    }
}

/// Re-serialises a structured field whose type is not known: every type it parses as must
/// serialise identically, otherwise it is ambiguous.
fn reserialize(value: &str) -> Option<String> {
    let dict = Parser::new(value)
        .parse::<sfv::Dictionary>()
        .ok()
        .map(|d| d.serialize());
    let list = Parser::new(value)
        .parse::<sfv::List>()
        .ok()
        .map(|l| l.serialize());
    let item = Parser::new(value)
        .parse::<sfv::Item>()
        .ok()
        .map(|i| Some(i.serialize()));
    let mut forms = [dict, list, item].into_iter().flatten();
    let first = forms.next()?;
    forms.all(|f| f == first).then(|| first.unwrap_or_default())
}

/// `application/x-www-form-urlencoded` decoding then "percent-encode after encoding" (§2.2.8).
fn form_reencode(raw: &str) -> String {
    let mut decoded = Vec::with_capacity(raw.len());
    let mut bytes = raw.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => decoded.push(b' '),
            b'%' => {
                let mut peek = bytes.clone();
                let hex = |b: u8| {
                    char::from(b)
                        .to_digit(16)
                        .and_then(|d| u8::try_from(d).ok())
                };
                match (peek.next().and_then(hex), peek.next().and_then(hex)) {
                    (Some(hi), Some(lo)) => {
                        decoded.push(hi << 4 | lo);
                        bytes = peek;
                    }
                    _ => decoded.push(b'%'),
                }
            }
            _ => decoded.push(b),
        }
    }
    let mut out = String::with_capacity(decoded.len());
    for b in String::from_utf8_lossy(&decoded).bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn malformed() -> SignatureError {
    SignatureError::Malformed {
        what: "component identifier",
    }
}

/// The parts of an absolute `http`/`https` URL used by derived components.
struct TargetUri<'a> {
    scheme: &'static str,
    /// Lowercase host, with the port unless it is the scheme's default.
    authority: String,
    /// The undecoded path, `/` when empty.
    path: &'a str,
    /// The undecoded query without `?`, if there is a `?`.
    query: Option<&'a str>,
}

impl<'a> TargetUri<'a> {
    fn parse(url: &'a str) -> Result<Self, SignatureError> {
        let invalid = |reason| SignatureError::InvalidUrl { reason };
        if !url.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                "must be ASCII without spaces or control characters",
            ));
        }
        if url.contains('#') {
            return Err(invalid("fragments are not allowed"));
        }
        let (scheme, rest) = url
            .split_once("://")
            .ok_or(invalid("not an absolute URL"))?;
        let (scheme, default_port) = if scheme.eq_ignore_ascii_case("https") {
            ("https", 443)
        } else if scheme.eq_ignore_ascii_case("http") {
            ("http", 80)
        } else {
            return Err(invalid("scheme must be http or https"));
        };
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path_query) = rest.split_at_checked(split).ok_or(invalid("authority"))?;
        let (path, query) = match path_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_query, None),
        };
        if authority.contains('@') {
            return Err(invalid("userinfo is not allowed"));
        }
        let (host, port) = match authority.strip_prefix('[') {
            Some(v6) => {
                let (addr, port) = v6.split_once(']').ok_or(invalid("bad IPv6 literal"))?;
                let ok = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
                if addr.is_empty()
                    || !addr.bytes().all(ok)
                    || !(port.is_empty() || port.starts_with(':'))
                {
                    return Err(invalid("bad IPv6 literal"));
                }
                (format!("[{addr}]"), port.strip_prefix(':'))
            }
            None => {
                let (host, port) = match authority.split_once(':') {
                    Some((host, port)) => (host, Some(port)),
                    None => (authority, None),
                };
                let ok = |b: u8| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=".contains(&b);
                if host.is_empty() || !host.bytes().all(ok) {
                    return Err(invalid("bad host"));
                }
                (host.to_owned(), port)
            }
        };
        let mut authority = host.to_ascii_lowercase();
        match port.filter(|p| !p.is_empty()) {
            None => {}
            Some(p) => {
                let port: u16 = p
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| p.parse().ok())
                    .flatten()
                    .ok_or(invalid("bad port"))?;
                if port != default_port {
                    authority.push_str(&format!(":{port}"));
                }
            }
        }
        Ok(Self {
            scheme,
            authority,
            path: if path.is_empty() { "/" } else { path },
            query,
        })
    }
}

/// The normalised target URI: `scheme://authority/path?query`.
impl fmt::Display for TargetUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.path)?;
        match self.query {
            Some(q) => write!(f, "?{q}"),
            None => Ok(()),
        }
    }
}
