//! The core's HTTP types as clientele-httpsig messages: [`HttpRequest`] and [`HttpResponse`]
//! implement its view traits and convert into its [`Message`], and the signature headers it
//! produces append to a request as [`Header`]s.

use clientele_httpsig::{HttpRequestView, HttpResponseView, Message};

use crate::http::{Header, HttpRequest, HttpResponse};

impl HttpRequestView for HttpRequest {
    fn method(&self) -> &str {
        self.method.as_str()
    }

    fn target_uri(&self) -> &str {
        &self.url
    }

    fn header_fields(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
        fields(&self.headers)
    }

    fn body(&self) -> &[u8] {
        &self.body
    }
}

impl HttpResponseView for HttpResponse {
    fn status(&self) -> u16 {
        self.status
    }

    fn header_fields(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
        fields(&self.headers)
    }

    fn body(&self) -> &[u8] {
        &self.body
    }
}

fn fields(headers: &[Header]) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
    Box::new(headers.iter().map(|h| (h.name.as_str(), h.value.as_str())))
}

impl<'a> From<&'a HttpRequest> for Message<'a> {
    fn from(request: &'a HttpRequest) -> Self {
        Message::Request(request)
    }
}

impl<'a> From<&'a HttpResponse> for Message<'a> {
    fn from(response: &'a HttpResponse) -> Self {
        Message::Response {
            response,
            request: None,
        }
    }
}

/// A `(name, value)` pair as a header: what `SignatureHeaders::append_to` adds to
/// [`HttpRequest::headers`].
impl From<(String, String)> for Header {
    fn from((name, value): (String, String)) -> Self {
        Header { name, value }
    }
}

#[cfg(test)]
mod tests {
    use clientele_httpsig::{
        Component, SignatureParams, SigningKey, VerifyOptions, sign_message, verify_message,
    };

    use crate::http::{Header, HttpRequest, HttpResponse, Method};

    #[test]
    fn core_messages_sign_and_verify_and_print_no_header() {
        let key = SigningKey::hmac_sha256(b"a shared secret").unwrap();
        let mut request = HttpRequest {
            method: Method::Put,
            url: "https://api.example.com/v1/x?y=1".into(),
            headers: vec![
                Header::new("Authorization", "Bearer sk_live_s3cr3t"),
                Header::new("X-Custom", " a "),
            ],
            body: b"{}".to_vec(),
        };
        let components = ["@method", "@query", "x-custom"].map(Component::new);
        let params = SignatureParams::new().with_created(1_700_000_000);
        sign_message(&request, "sig", &components, &params, &key)
            .unwrap()
            .append_to(&mut request.headers);
        assert_eq!(
            request.headers.get(2).map(|h| h.name.as_str()),
            Some("Signature-Input")
        );
        let verified = verify_message(
            &request,
            &key.public_key(),
            &VerifyOptions::new(1_700_000_000),
        );
        assert_eq!(verified.map(|v| v.components), Ok(components.to_vec()));

        // A message prints no header: nothing of the credentials.
        let shown = format!("{:?}", clientele_httpsig::Message::from(&request));
        assert_eq!(shown, r#"Request("PUT https://api.example.com/v1/x?y=1")"#);

        let response = HttpResponse::new(503, vec![], "");
        let status = [Component::new("@status")];
        let prepared = clientele_httpsig::prepare_signature(&response, "s", &status, &params);
        assert_eq!(
            prepared.map(|p| p.signature_base),
            Ok(
                b"\"@status\": 503\n\"@signature-params\": (\"@status\");created=1700000000"
                    .to_vec()
            )
        );
    }
}
