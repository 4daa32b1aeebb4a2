//! The signature base (RFC 9421 §2.5): the exact bytes that are signed.

use sfv::FieldType as _;

use super::{Component, Message, SignatureError};

/// Serialises an inner list with its parameters, e.g. `("@method" "@path");created=1`: the
/// value of `@signature-params` and of a `Signature-Input` dictionary member.
pub(crate) fn serialize_inner_list(
    items: &[sfv::Item],
    params: &sfv::Parameters,
) -> Result<String, SignatureError> {
    let mut ser = sfv::ListSerializer::new();
    let mut inner = ser.inner_list();
    inner.items(items);
    let _ = inner.finish().parameters(params);
    ser.finish().ok_or(SignatureError::Malformed {
        what: "signature parameters",
    })
}

/// One `"identifier": value` line per component, then the `@signature-params` line, joined by
/// LF with no trailing LF.
pub(crate) fn signature_base(
    message: Message<'_>,
    components: &[Component],
    signature_params: &str,
) -> Result<Vec<u8>, SignatureError> {
    let mut base = String::new();
    for (i, component) in components.iter().enumerate() {
        if components
            .get(..i)
            .is_some_and(|seen| seen.contains(component))
        {
            return Err(SignatureError::DuplicateComponent {
                name: component.to_string(),
            });
        }
        if component.name() == "@signature-params" {
            return Err(component.invalid("reserved for the signature parameters"));
        }
        base.push_str(&component.to_item()?.serialize());
        base.push_str(": ");
        base.push_str(&component.value(message)?);
        base.push('\n');
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(signature_params);
    Ok(base.into_bytes())
}
