//! Conformance (RFC 9421 Appendix B and §2 examples, RFC 9530, a local P-384 vector) and
//! error-path tests. All fixtures live in one folder, see `fixture!`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use p384::ecdsa::signature::Signer as _;

use super::verify::read_signature;
use super::*;

/// Test data (copied from the shared reference vectors). Moving the folder means changing
/// this one path.
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../tests/fixtures/sig/", $name))
    };
}

const CREATED: i64 = 1618884473;

// ---------------------------------------------------------------------------------------------
// Fixture parsing helpers

/// Undoes RFC 8792 single-backslash folding.
fn unfold(text: &str) -> String {
    let mut parts = text.split("\\\n");
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        out.push_str(part.trim_start());
    }
    out
}

/// A header field line.
fn header(name: impl Into<String>, value: impl Into<String>) -> (String, String) {
    (name.into(), value.into())
}

fn new_response(status: u16, headers: Vec<(String, String)>, body: impl Into<Vec<u8>>) -> Response {
    Response {
        status,
        headers,
        body: body.into(),
    }
}

/// Splits an HTTP/1.1 message into its start line, header fields and body.
fn parse_message(text: &str) -> (String, Vec<(String, String)>, Vec<u8>) {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let start = lines.next().unwrap().to_owned();
    let headers = lines
        .map(|l| {
            let (name, value) = l.split_once(':').unwrap();
            header(name, value)
        })
        .collect();
    (start, headers, body.as_bytes().to_vec())
}

fn request_from(text: &str) -> Request {
    let (start, headers, body) = parse_message(text);
    let target = start.split(' ').nth(1).unwrap();
    let mut request = Request {
        method: "POST".into(),
        target_uri: String::new(),
        headers,
        body,
    };
    let host = request.header("host").unwrap().trim();
    request.target_uri = format!("https://{host}{target}");
    request
}

fn response_from(text: &str) -> Response {
    let (start, headers, body) = parse_message(text);
    new_response(
        start.split(' ').nth(1).unwrap().parse().unwrap(),
        headers,
        body,
    )
}

/// The RFC 9421 B.2 test request.
fn test_request() -> Request {
    request_from(fixture!("rfc9421-B.2-test-request.http.txt"))
}

/// The RFC 9421 B.2 test response with the correct `Content-Digest` (see signatures.md
/// finding 4: the printed one is wrong).
fn test_response() -> Response {
    let mut response = response_from(fixture!("rfc9421-B.2-test-response.http.txt"));
    let digest = content_digest(&response.body, DigestAlgorithm::Sha512);
    for h in &mut response.headers {
        if h.0.eq_ignore_ascii_case("content-digest") {
            h.1 = digest.clone();
        }
    }
    response
}

/// The `Signature-Input` and `Signature` values of a `*-headers.txt` fixture.
fn expected_headers(text: &str) -> SignatureHeaders {
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap()
            .to_owned()
    };
    SignatureHeaders {
        signature_input: value("Signature-Input: "),
        signature: value("Signature: "),
    }
}

fn with_headers(mut request: Request, headers: &SignatureHeaders) -> Request {
    headers.append_to(&mut request.headers);
    request
}

/// Rebuilds the signature base of a received signature, as verification does.
fn received_base<'a>(message: impl Into<Message<'a>>, label: &str) -> String {
    let message = message.into();
    let received = read_signature(message, Some(label)).unwrap();
    let base =
        base::signature_base(message, &received.components, &received.signature_params).unwrap();
    String::from_utf8(base).unwrap()
}

fn hmac_key() -> SigningKey {
    let secret = STANDARD
        .decode(fixture!("rfc9421-B.1.5-test-shared-secret.b64.txt").trim())
        .unwrap();
    assert_eq!(secret.len(), 64);
    SigningKey::hmac_sha256(&secret).unwrap()
}

fn p384_key() -> SigningKey {
    SigningKey::from_pem(fixture!("local-ecdsa-p384-sha384-deterministic.txt")).unwrap()
}

fn p256_key() -> SigningKey {
    SigningKey::from_pem(fixture!("rfc9421-B.1.3-test-key-ecc-p256.pem")).unwrap()
}

fn ed25519_key() -> SigningKey {
    SigningKey::from_pem(fixture!("rfc9421-B.1.4-test-key-ed25519.pem")).unwrap()
}

fn components(names: &[&str]) -> Vec<Component> {
    names.iter().map(|n| Component::new(n)).collect()
}

/// Options without a maximum age: the RFC vectors are years old (the defaults are tested in
/// `verification_defaults_are_safe`).
fn options(now: i64) -> VerifyOptions {
    VerifyOptions {
        max_age: None,
        ..VerifyOptions::new(now)
    }
}

/// Asserts an error and its code.
#[track_caller]
fn assert_code<T: std::fmt::Debug>(result: Result<T, SignatureError>, code: &str) {
    match result {
        // Codes are namespaced in the crate-wide error space; tests name the short form.
        Err(e) => {
            let want = match code {
                "digest_mismatch" => "content_digest_mismatch".to_owned(),
                "bad_signature" => "signature_invalid".to_owned(),
                "invalid_signature_length" => "signature_invalid_length".to_owned(),
                "invalid_signature_encoding" => "signature_invalid_encoding".to_owned(),
                other => format!("signature_{other}"),
            };
            assert_eq!(e.code(), want, "{e:?}");
        }
        Ok(v) => panic!("expected {code}, got Ok({v:?})"),
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 9530 Content-Digest

#[test]
fn content_digest_reproduces_rfc9530_and_local_values() {
    let text = fixture!("rfc9530-content-digest-examples.txt");
    let (rfc, local) = text.split_once("## LOCAL recomputation").unwrap();
    let hello: &[u8] = br#"{"hello": "world"}"#;
    let hello_lf: &[u8] = b"{\"hello\": \"world\"}\n";
    let good_dog: &[u8] = br#"{"message": "good dog"}"#;

    // The LOCAL section lists the four bodies in this order, two digests each.
    let local = local.split("## Consistency").next().unwrap();
    let mut checked = 0;
    for (section, body) in local
        .split("\nLOCAL ")
        .skip(1)
        .zip([hello, hello_lf, good_dog, b""])
    {
        for value in section
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Content-Digest: "))
        {
            let alg = if value.starts_with("sha-256") {
                DigestAlgorithm::Sha256
            } else {
                DigestAlgorithm::Sha512
            };
            assert_eq!(content_digest(body, alg), value);
            assert_eq!(verify_content_digest(value, body), Ok(alg));
            checked += 1;
        }
    }
    assert_eq!(checked, 8);

    // Appendix D "Sample Digest Values" (18-byte body); other algorithms there are unsupported.
    let rfc = unfold(rfc);
    let sample = |alg: &str| {
        rfc.lines()
            .find_map(|l| l.strip_prefix(&format!("{alg} -")))
            .unwrap()
            .trim()
            .to_owned()
    };
    assert_eq!(
        content_digest(hello, DigestAlgorithm::Sha512),
        format!("sha-512={}", sample("sha-512"))
    );
    assert_eq!(
        content_digest(hello, DigestAlgorithm::Sha256),
        format!("sha-256={}", sample("sha-256"))
    );
    let md5 = format!("md5={}", sample("md5"));
    assert_code(verify_content_digest(&md5, hello), "unsupported_algorithm");
    let mixed = format!("md5={}, sha-256={}", sample("md5"), sample("sha-256"));
    assert_eq!(
        verify_content_digest(&mixed, hello),
        Ok(DigestAlgorithm::Sha256)
    );

    // The Content-Digest fields printed in §2, App. B.1 and B.2 of RFC 9530.
    let fields: Vec<&str> = rfc
        .lines()
        .filter_map(|l| l.strip_prefix("Content-Digest: "))
        .collect();
    assert_eq!(fields.len(), 4, "{fields:?}");
    assert_eq!(
        verify_content_digest(fields[0], hello_lf),
        Ok(DigestAlgorithm::Sha512)
    );
    // The second §2 example carries a sha-256 digest of other bytes: every member must match.
    assert_code(
        verify_content_digest(fields[1], hello_lf),
        "digest_mismatch",
    );
    assert_eq!(
        verify_content_digest(fields[2], hello_lf),
        Ok(DigestAlgorithm::Sha256)
    );
    assert_eq!(
        verify_content_digest(fields[3], b""),
        Ok(DigestAlgorithm::Sha256)
    );
}

#[test]
fn content_digest_rejects_malformed_values() {
    let body = b"x";
    for bad in [
        "sha-256=:not base64",
        "sha-256=1",
        "sha-256=(a b)",
        "SHA-256=:AA==:",
        "",
    ] {
        let result = verify_content_digest(bad, body);
        assert!(
            matches!(
                result,
                Err(SignatureError::Malformed { .. } | SignatureError::UnsupportedAlgorithm)
            ),
            "{bad}: {result:?}"
        );
    }
    assert_code(verify_content_digest("sha-256=1", body), "malformed");
    assert_code(
        verify_content_digest("sha-256=:AA==:", body),
        "digest_mismatch",
    );
}

// ---------------------------------------------------------------------------------------------
// RFC 9421 Appendix B

#[test]
fn rfc9421_b21_to_b23_bases_and_inputs_are_rebuilt_exactly() {
    let request = test_request();
    let cases = [
        (
            "sig-b21",
            vec![],
            SignatureParams::new()
                .with_created(CREATED)
                .with_keyid("test-key-rsa-pss")
                .with_nonce("b3k2pp5k7z-50gnwp.yemd"),
            fixture!("rfc9421-B.2.1-sigbase.txt"),
            fixture!("rfc9421-B.2.1-headers.txt"),
        ),
        (
            "sig-b22",
            vec![
                Component::new("@authority"),
                Component::new("content-digest"),
                Component::query_param("Pet"),
            ],
            SignatureParams::new()
                .with_created(CREATED)
                .with_keyid("test-key-rsa-pss")
                .with_tag("header-example"),
            fixture!("rfc9421-B.2.2-sigbase.txt"),
            fixture!("rfc9421-B.2.2-headers.txt"),
        ),
        (
            "sig-b23",
            components(&[
                "date",
                "@method",
                "@path",
                "@query",
                "@authority",
                "content-type",
                "content-digest",
                "content-length",
            ]),
            SignatureParams::new()
                .with_created(CREATED)
                .with_keyid("test-key-rsa-pss"),
            fixture!("rfc9421-B.2.3-sigbase.txt"),
            fixture!("rfc9421-B.2.3-headers.txt"),
        ),
    ];
    for (label, covered, params, base, headers) in cases {
        let prepared = prepare_signature(&request, label, &covered, &params).unwrap();
        assert_eq!(
            String::from_utf8(prepared.signature_base).unwrap(),
            base,
            "{label}"
        );
        let expected = expected_headers(headers);
        assert_eq!(
            prepared.signature_input, expected.signature_input,
            "{label}"
        );
        // The verifier's path: rebuild from the received headers.
        let signed = with_headers(request.clone(), &expected);
        assert_eq!(received_base(&signed, label), base, "{label}");
        // RSA is out of scope: a received rsa signature is refused, not mis-verified.
        let rsa = signed
            .headers
            .iter()
            .map(|h| {
                header(
                    h.0.as_str(),
                    h.1.replace(";created", ";alg=\"rsa-pss-sha512\";created"),
                )
            })
            .collect();
        let rsa = Request {
            headers: rsa,
            ..signed.clone()
        };
        assert_code(
            verify_message(&rsa, &hmac_key().public_key(), &options(CREATED)),
            "unsupported_algorithm",
        );
    }
}

#[test]
fn rfc9421_b24_response_signature_verifies() {
    let response = test_response();
    assert_eq!(
        response.header("content-digest"),
        Some(
            "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:"
        )
    );
    let expected = expected_headers(fixture!("rfc9421-B.2.4-headers.txt"));
    let mut signed = response.clone();
    expected.append_to(&mut signed.headers);
    assert_eq!(
        received_base(&signed, "sig-b24"),
        fixture!("rfc9421-B.2.4-sigbase.txt")
    );

    let from_pem = VerifyingKey::from_pem(fixture!("rfc9421-B.1.3-test-key-ecc-p256.pem")).unwrap();
    let from_jwk =
        VerifyingKey::from_jwk(fixture!("rfc9421-B.1.3-test-key-ecc-p256.jwk.json")).unwrap();
    let keys = vec![("test-key-ecc-p256".to_owned(), from_pem)];
    let opts = VerifyOptions {
        label: Some("sig-b24".into()),
        require_content_digest: true,
        ..options(CREATED + 1)
    };
    let verified = verify_message(&signed, keys.as_slice(), &opts).unwrap();
    assert_eq!(verified.algorithm, Algorithm::EcdsaP256Sha256);
    assert_eq!(verified.content_digest, Some(DigestAlgorithm::Sha512));
    assert_eq!(verified.params.keyid(), Some("test-key-ecc-p256"));
    verify_message(&signed, &from_jwk, &opts).unwrap();
    verify_message(&signed, &p256_key().public_key(), &opts).unwrap();

    // With the Content-Digest printed in the draft source the base differs.
    let mut printed = response_from(fixture!("rfc9421-B.2-test-response.http.txt"));
    let printed_digest = printed.header("content-digest").unwrap().trim().to_owned();
    assert_code(
        verify_content_digest(&printed_digest, &printed.body),
        "digest_mismatch",
    );
    expected.append_to(&mut printed.headers);
    assert_code(
        verify_message(&printed, &from_jwk, &options(CREATED)),
        "bad_signature",
    );
}

#[test]
fn rfc9421_b25_hmac_is_reproduced_exactly() {
    let request = test_request();
    let covered = components(&["date", "@authority", "content-type"]);
    let params = SignatureParams::new()
        .with_created(CREATED)
        .with_keyid("test-shared-secret");
    let prepared = prepare_signature(&request, "sig-b25", &covered, &params).unwrap();
    assert_eq!(
        prepared.signature_base,
        fixture!("rfc9421-B.2.5-sigbase.txt").as_bytes()
    );
    let headers = sign_message(&request, "sig-b25", &covered, &params, &hmac_key()).unwrap();
    assert_eq!(
        headers,
        expected_headers(fixture!("rfc9421-B.2.5-headers.txt"))
    );

    let signed = with_headers(request, &headers);
    let keys = [("test-shared-secret".to_owned(), hmac_key().public_key())];
    let verified = verify_message(&signed, &keys[..], &options(CREATED)).unwrap();
    assert_eq!(verified.label, "sig-b25");
    assert_eq!(verified.components, covered);
}

#[test]
fn rfc9421_b26_ed25519_is_reproduced_exactly() {
    let request = test_request();
    let covered = components(&[
        "date",
        "@method",
        "@path",
        "@authority",
        "content-type",
        "content-length",
    ]);
    let params = SignatureParams::new()
        .with_created(CREATED)
        .with_keyid("test-key-ed25519");
    let expected = expected_headers(fixture!("rfc9421-B.2.6-headers.txt"));
    let prepared = prepare_signature(&request, "sig-b26", &covered, &params).unwrap();
    assert_eq!(
        prepared.signature_base,
        fixture!("rfc9421-B.2.6-sigbase.txt").as_bytes()
    );

    let from_jwk =
        SigningKey::from_jwk(fixture!("rfc9421-B.1.4-test-key-ed25519.jwk.json")).unwrap();
    for key in [ed25519_key(), from_jwk] {
        assert_eq!(
            sign_message(&request, "sig-b26", &covered, &params, &key).unwrap(),
            expected
        );
    }
    let signed = with_headers(request, &expected);
    for key in [
        VerifyingKey::from_pem(fixture!("rfc9421-B.1.4-test-key-ed25519.pem")).unwrap(),
        VerifyingKey::from_jwk(fixture!("rfc9421-B.1.4-test-key-ed25519.jwk.json")).unwrap(),
    ] {
        assert_eq!(
            verify_message(&signed, &key, &options(CREATED))
                .unwrap()
                .algorithm,
            Algorithm::Ed25519
        );
    }
}

#[test]
fn rfc9421_2_4_request_response_binding_verifies() {
    let text = fixture!("rfc9421-2.4-request-response.txt");
    let (_, rest) = text.split_once("## request\n").unwrap();
    let (request, rest) = rest.split_once("\n## response\n").unwrap();
    let (response, base) = rest.split_once("\n## sigbase\n").unwrap();
    let request = request_from(&unfold(request));
    let response = response_from(&unfold(response));
    let base = unfold(base);
    let base = base.trim_end();

    let message = Message::response_to(&response, &request);
    assert_eq!(received_base(message, "reqres"), base);
    let key = VerifyingKey::from_jwk(fixture!("rfc9421-B.1.3-test-key-ecc-p256.jwk.json")).unwrap();
    let verified = verify_message(message, &key, &options(1618884479)).unwrap();
    assert!(
        verified.components.contains(
            &Component::new("signature")
                .with(ComponentParam::Key("sig1".into()))
                .with(ComponentParam::Req)
        )
    );
    // Without the request, `req` components cannot be derived.
    assert_code(
        verify_message(&response, &key, &options(1618884479)),
        "invalid_component",
    );
}

// ---------------------------------------------------------------------------------------------
// Local deterministic ecdsa-p384-sha384 vector (OffBlocks' algorithm)

#[test]
fn local_p384_vector_is_reproduced_exactly() {
    let text = fixture!("local-ecdsa-p384-sha384-deterministic.txt");
    let after = |marker: &str| {
        text.split_once(marker)
            .unwrap()
            .1
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    let expected = SignatureHeaders {
        signature_input: after("## Signature-Input\n"),
        signature: after("## Signature\n"),
    };
    let base = fixture!("local-ecdsa-p384-sigbase.txt");
    assert!(text.contains(&format!(
        "-----BEGIN SIGBASE-----\n{base}\n-----END SIGBASE-----"
    )));

    let request = test_request();
    let covered = components(&[
        "date",
        "@method",
        "@path",
        "@authority",
        "content-type",
        "content-digest",
        "content-length",
    ]);
    let params = SignatureParams::new()
        .with_created(CREATED)
        .with_keyid("test-key-ecc-p384")
        .with_alg(Algorithm::EcdsaP384Sha384);
    let key = p384_key();
    assert_eq!(format!("{key:?}"), "SigningKey(ecdsa-p384-sha384)");
    let prepared = prepare_signature(&request, "sig1", &covered, &params).unwrap();
    assert_eq!(prepared.signature_base, base.as_bytes());
    let headers = sign_message(&request, "sig1", &covered, &params, &key).unwrap();
    assert_eq!(headers, expected);

    // Two-step signing with the host's DER output gives the same headers.
    let secret: p384::ecdsa::SigningKey =
        p384::SecretKey::from_sec1_pem(pem_of(text, "EC PRIVATE KEY"))
            .unwrap()
            .into();
    let der: p384::ecdsa::DerSignature = secret.sign(&prepared.signature_base);
    let two_step = finish_signature(
        &prepared,
        der.as_bytes(),
        Algorithm::EcdsaP384Sha384,
        SignatureEncoding::Der,
    )
    .unwrap();
    assert_eq!(two_step, expected);

    // The public key: parsing, PEM export (for OffBlocks' key upload) and verification.
    let public = VerifyingKey::from_pem(text).unwrap();
    assert_eq!(
        public.public_key_pem().unwrap(),
        format!("{}\n", pem_of(text, "PUBLIC KEY"))
    );
    assert_eq!(
        key.public_key().public_key_pem().unwrap(),
        public.public_key_pem().unwrap()
    );
    let signed = with_headers(request, &headers);
    let opts = VerifyOptions {
        required_components: components(&["@method", "@path", "@authority"]),
        require_content_digest: true,
        max_age: Some(300),
        ..options(CREATED + 299)
    };
    let verified = verify_message(&signed, &public, &opts).unwrap();
    assert_eq!(verified.params.alg(), Some(Algorithm::EcdsaP384Sha384));
}

fn pem_of<'a>(text: &'a str, label: &str) -> &'a str {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin).unwrap();
    let stop = text.get(start..).unwrap().find(&end).unwrap() + start + end.len();
    text.get(start..stop).unwrap()
}

#[test]
fn offblocks_sample_keypair_parses_and_matches() {
    let text = fixture!("offblocks-docs-sample-p384-keypair.pem");
    let key = SigningKey::from_pem(text).unwrap();
    assert_eq!(key.algorithm(), Algorithm::EcdsaP384Sha384);
    let public = VerifyingKey::from_pem(text).unwrap();
    assert_eq!(
        key.public_key().public_key_pem().unwrap(),
        public.public_key_pem().unwrap()
    );
    assert_eq!(
        public.public_key_pem().unwrap(),
        format!("{}\n", pem_of(text, "PUBLIC KEY"))
    );
}

// ---------------------------------------------------------------------------------------------
// Components (RFC 9421 §2 examples)

fn request(url: &str, headers: &[(&str, &str)]) -> Request {
    Request {
        method: "POST".into(),
        target_uri: url.into(),
        headers: headers.iter().map(|(n, v)| header(*n, *v)).collect(),
        body: Vec::new(),
    }
}

/// The component lines of a signature base (without the `@signature-params` line).
fn lines<'a>(message: impl Into<Message<'a>>, covered: &[Component]) -> Vec<String> {
    let prepared = prepare_signature(message, "s", covered, &SignatureParams::new()).unwrap();
    let base = String::from_utf8(prepared.signature_base).unwrap();
    let mut lines: Vec<String> = base.split('\n').map(str::to_owned).collect();
    assert_eq!(
        lines.pop().unwrap(),
        prepared
            .signature_input
            .replacen("s=", "\"@signature-params\": ", 1)
    );
    lines
}

#[test]
fn derived_components_match_rfc_examples() {
    let r = request(
        "https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman",
        &[],
    );
    let covered = components(&[
        "@method",
        "@target-uri",
        "@authority",
        "@scheme",
        "@request-target",
        "@path",
        "@query",
    ]);
    assert_eq!(
        lines(&r, &covered),
        [
            r#""@method": POST"#,
            r#""@target-uri": https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman"#,
            r#""@authority": www.example.com"#,
            r#""@scheme": https"#,
            r#""@request-target": /path?param=value&foo=bar&baz=bat%2Dman"#,
            r#""@path": /path"#,
            r#""@query": ?param=value&foo=bar&baz=bat%2Dman"#,
        ]
    );
    let cases = [
        ("http://www.example.com/path?param=value", "@scheme", "http"),
        (
            "http://www.example.com/path?queryString",
            "@query",
            "?queryString",
        ),
        (
            "HTTPS://WWW.Example.COM:443",
            "@authority",
            "www.example.com",
        ),
        (
            "https://WWW.Example.COM:443",
            "@target-uri",
            "https://www.example.com/",
        ),
        ("https://example.com", "@path", "/"),
        ("https://example.com/a%2Fb", "@query", "?"),
        ("https://example.com/a%2Fb?", "@query", "?"),
        ("https://example.com/a%2Fb?", "@request-target", "/a%2Fb?"),
        ("https://example.com/a%2Fb", "@path", "/a%2Fb"),
        ("http://example.com:80/", "@authority", "example.com"),
        ("http://example.com:443/", "@authority", "example.com:443"),
        (
            "https://example.com:08443/",
            "@authority",
            "example.com:8443",
        ),
        ("https://example.com:/x", "@authority", "example.com"),
        (
            "https://[2001:DB8::1]:8443/x",
            "@authority",
            "[2001:db8::1]:8443",
        ),
        ("https://[::1]/x", "@target-uri", "https://[::1]/x"),
    ];
    for (url, name, value) in cases {
        assert_eq!(
            lines(&request(url, &[]), &[Component::new(name)]),
            [format!("\"{name}\": {value}")],
            "{url}"
        );
    }
    let response = new_response(200, vec![], "");
    assert_eq!(
        lines(&response, &[Component::new("@status")]),
        [r#""@status": 200"#]
    );
    for status in [0, 99, 1000] {
        let response = new_response(status, vec![], "");
        let covered = [Component::new("@status")];
        let result = prepare_signature(&response, "s", &covered, &SignatureParams::new());
        assert_code(result, "invalid_component");
    }
}

#[test]
fn query_params_match_rfc_examples() {
    let r = request(
        "https://www.example.com/parameters?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something",
        &[],
    );
    let covered = ["var", "bar", "fa%C3%A7ade%22%3A%20"].map(Component::query_param);
    assert_eq!(
        lines(&r, &covered),
        [
            r#""@query-param";name="var": this%20is%20a%20big%0Amultiline%20value"#,
            r#""@query-param";name="bar": with%20plus%20whitespace"#,
            r#""@query-param";name="fa%C3%A7ade%22%3A%20": something"#,
        ]
    );
    let r = request(
        "https://www.example.com/path?param=value&foo=bar&baz=batman&qux=&dup=1&dup=2&odd=%zz%4",
        &[],
    );
    let covered = ["baz", "qux", "param", "odd"].map(Component::query_param);
    assert_eq!(
        lines(&r, &covered),
        [
            r#""@query-param";name="baz": batman"#,
            r#""@query-param";name="qux": "#,
            r#""@query-param";name="param": value"#,
            r#""@query-param";name="odd": %25zz%254"#,
        ]
    );
    assert_code(
        prepare_signature(
            &r,
            "s",
            &[Component::query_param("dup")],
            &SignatureParams::new(),
        ),
        "invalid_component",
    );
    assert_code(
        prepare_signature(
            &r,
            "s",
            &[Component::query_param("nope")],
            &SignatureParams::new(),
        ),
        "missing_component",
    );
    assert_code(
        prepare_signature(
            &r,
            "s",
            &[Component::new("@query-param")],
            &SignatureParams::new(),
        ),
        "invalid_component",
    );
}

#[test]
fn header_fields_match_rfc_examples() {
    let r = request(
        "https://www.example.com/",
        &[
            ("Host", "www.example.com"),
            ("X-OWS-Header", "   Leading and trailing whitespace.   "),
            ("Cache-Control", "max-age=60"),
            ("X-Empty-Header", " "),
            ("Cache-Control", "   must-revalidate"),
            ("Example-Dict", "  a=1,    b=2;x=1;y=2,   c=(a   b   c)"),
            ("Example-Dict", "d"),
            ("Example-Header", "value, with, lots"),
            ("Example-Header", "of, commas"),
        ],
    );
    let key = |k: &str| Component::new("example-dict").with(ComponentParam::Key(k.into()));
    let covered = vec![
        Component::new("Host"),
        Component::new("x-ows-header"),
        Component::new("cache-control"),
        Component::new("x-empty-header"),
        Component::new("example-dict"),
        Component::new("example-dict").with(ComponentParam::Sf),
        key("a"),
        key("d"),
        key("b"),
        key("c"),
        Component::new("example-header"),
        Component::new("example-header").with(ComponentParam::Bs),
        Component::new("cache-control")
            .with(ComponentParam::Sf)
            .with(ComponentParam::Key("max-age".into())),
    ];
    assert_eq!(
        lines(&r, &covered),
        [
            r#""host": www.example.com"#,
            r#""x-ows-header": Leading and trailing whitespace."#,
            r#""cache-control": max-age=60, must-revalidate"#,
            r#""x-empty-header": "#,
            r#""example-dict": a=1,    b=2;x=1;y=2,   c=(a   b   c), d"#,
            r#""example-dict";sf: a=1, b=2;x=1;y=2, c=(a b c), d"#,
            r#""example-dict";key="a": 1"#,
            r#""example-dict";key="d": ?1"#,
            r#""example-dict";key="b": 2;x=1;y=2"#,
            r#""example-dict";key="c": (a b c)"#,
            r#""example-header": value, with, lots, of, commas"#,
            r#""example-header";bs: :dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:"#,
            r#""cache-control";sf;key="max-age": 60"#,
        ]
    );
    let single = request(
        "https://e.com/",
        &[("Example-Header", "value, with, lots, of, commas")],
    );
    assert_eq!(
        lines(
            &single,
            &[Component::new("example-header").with(ComponentParam::Bs)]
        ),
        [r#""example-header";bs: :dmFsdWUsIHdpdGgsIGxvdHMsIG9mLCBjb21tYXM=:"#]
    );
    // Lists and items re-serialise too; an empty list is an empty value.
    let sf = |v: &str| {
        lines(
            &request("https://e.com/", &[("X", v)]),
            &[Component::new("x").with(ComponentParam::Sf)],
        )
    };
    assert_eq!(sf("(a  b) ,  c"), [r#""x";sf: (a b), c"#]);
    assert_eq!(sf("  42 "), [r#""x";sf: 42"#]);
    assert_eq!(sf(" "), [r#""x";sf: "#]);
}

#[test]
fn component_identifiers_parse_and_compare() {
    let c = Component::parse(r#""example-dict";key="a";sf"#).unwrap();
    assert_eq!(c.name(), "example-dict");
    assert_eq!(
        c.params(),
        [ComponentParam::Key("a".into()), ComponentParam::Sf]
    );
    assert_eq!(
        c,
        Component::new("Example-Dict")
            .with(ComponentParam::Sf)
            .with(ComponentParam::Key("a".into()))
    );
    assert_eq!(c.to_string(), r#""example-dict";key="a";sf"#);
    assert_ne!(c, Component::new("example-dict").with(ComponentParam::Sf));
    assert_code(Component::parse("not-a-string"), "malformed");
    assert_code(Component::parse(r#""x";tr"#), "invalid_component");
    assert_code(Component::parse(r#""x";sf=?0"#), "invalid_component");
    assert_code(Component::parse(r#""Content-Type""#), "invalid_component");
    assert_eq!("ecdsa-p384-sha384".parse(), Ok(Algorithm::EcdsaP384Sha384));
    assert_eq!(Algorithm::HmacSha256.to_string(), "hmac-sha256");
}

#[test]
fn signature_params_keep_insertion_order() {
    // RFC 9421 §2.3 example: keyid;alg;created;expires.
    let params = SignatureParams::new()
        .with_keyid("test-key-rsa-pss")
        .with_alg(Algorithm::Ed25519)
        .with_created(1618884475)
        .with_expires(1618884775)
        .with_keyid("replaced-in-place");
    let r = request("https://www.example.com/", &[]);
    let prepared = prepare_signature(
        &r,
        "sig1",
        &components(&["@target-uri", "@authority"]),
        &params,
    )
    .unwrap();
    assert_eq!(
        prepared.signature_input,
        r#"sig1=("@target-uri" "@authority");keyid="replaced-in-place";alg="ed25519";created=1618884475;expires=1618884775"#
    );
    assert_eq!(prepared.alg, Some(Algorithm::Ed25519));
    assert_eq!(params.as_slice().len(), 4);
    assert_eq!(
        (
            params.created(),
            params.expires(),
            params.nonce(),
            params.tag()
        ),
        (Some(1618884475), Some(1618884775), None, None)
    );
}

// ---------------------------------------------------------------------------------------------
// Round trips and tampering

fn rich_request() -> Request {
    let mut r = request(
        "https://API.example.com:8443/v1/payments?dry_run=1&Pet=dog",
        &[
            ("Content-Type", "application/json"),
            ("Example-Dict", "a=1, b=2;x=1"),
            ("Example-Header", "one"),
            ("Example-Header", "two"),
        ],
    );
    r.body = br#"{"amount":100}"#.to_vec();
    let digest = content_digest(&r.body, DigestAlgorithm::Sha256);
    r.headers.push(header("Content-Digest", digest));
    r
}

fn rich_components() -> Vec<Component> {
    let mut c = components(&[
        "@method",
        "@target-uri",
        "@authority",
        "@scheme",
        "@request-target",
        "@path",
        "@query",
        "content-type",
        "content-digest",
    ]);
    c.push(Component::query_param("Pet"));
    c.push(Component::new("example-dict").with(ComponentParam::Sf));
    c.push(Component::new("example-dict").with(ComponentParam::Key("b".into())));
    c.push(Component::new("example-header").with(ComponentParam::Bs));
    c
}

#[test]
fn every_algorithm_round_trips_and_detects_tampering() {
    let p256_jwk =
        SigningKey::from_jwk(fixture!("rfc9421-B.1.3-test-key-ecc-p256.jwk.json")).unwrap();
    let hmac_jwk = SigningKey::from_jwk(r#"{"kty":"oct","k":"c2VjcmV0"}"#).unwrap();
    let keys = [
        p384_key(),
        p256_key(),
        p256_jwk,
        ed25519_key(),
        hmac_key(),
        hmac_jwk,
    ];
    for key in &keys {
        let alg = key.algorithm();
        let params = SignatureParams::new()
            .with_created(1_700_000_000)
            .with_expires(1_700_000_300)
            .with_nonce("host-supplied")
            .with_keyid("k1")
            .with_alg(alg)
            .with_tag("clientele");
        let request = rich_request();
        let headers = sign_message(&request, "sig1", &rich_components(), &params, key).unwrap();
        let signed = with_headers(request.clone(), &headers);
        let resolver = |keyid: Option<&str>| (keyid == Some("k1")).then(|| key.public_key());
        let opts = VerifyOptions {
            require_content_digest: true,
            required_components: rich_components(),
            ..options(1_700_000_010)
        };
        let verified = verify_message(&signed, &resolver, &opts).unwrap();
        assert_eq!(
            (verified.algorithm, verified.params, verified.content_digest),
            (alg, params.clone(), Some(DigestAlgorithm::Sha256))
        );

        // Deterministic for every algorithm (RFC 6979 for ECDSA).
        assert_eq!(
            sign_message(&request, "sig1", &rich_components(), &params, key).unwrap(),
            headers
        );

        // A changed covered header or URL breaks the signature.
        let mut tampered = signed.clone();
        tampered.headers[0].1 = "text/plain".into();
        assert_code(verify_message(&tampered, &resolver, &opts), "bad_signature");
        let tampered = Request {
            target_uri: signed.target_uri.replace("Pet=dog", "Pet=cat"),
            ..signed.clone()
        };
        assert_code(verify_message(&tampered, &resolver, &opts), "bad_signature");
        // A changed body is caught by the digest; a matching new digest breaks the signature.
        let mut tampered = Request {
            body: br#"{"amount":999}"#.to_vec(),
            ..signed.clone()
        };
        assert_code(
            verify_message(&tampered, &resolver, &opts),
            "digest_mismatch",
        );
        let digest = content_digest(&tampered.body, DigestAlgorithm::Sha256);
        tampered
            .headers
            .iter_mut()
            .find(|h| h.0 == "Content-Digest")
            .unwrap()
            .1 = digest;
        assert_code(verify_message(&tampered, &resolver, &opts), "bad_signature");
        // A signature of another key fails.
        let other = if alg == Algorithm::Ed25519 {
            hmac_key()
        } else {
            ed25519_key()
        };
        assert_code(
            verify_message(&signed, &other.public_key(), &options(1_700_000_010)),
            "algorithm_mismatch",
        );
    }
}

#[test]
fn two_step_signing_accepts_raw_and_der() {
    let request = rich_request();
    let params = SignatureParams::new().with_created(1).with_keyid("kms");
    let prepared = prepare_signature(&request, "sig1", &rich_components(), &params).unwrap();
    let key = p256_key();
    let raw = key.sign(&prepared.signature_base).unwrap();
    let one_step = sign_message(&request, "sig1", &rich_components(), &params, &key).unwrap();
    let from_raw = finish_signature(
        &prepared,
        &raw,
        Algorithm::EcdsaP256Sha256,
        SignatureEncoding::Raw,
    )
    .unwrap();
    assert_eq!(from_raw, one_step);
    let (r, s) = raw.split_at(32);
    let from_der = finish_signature(
        &prepared,
        &der(r, s),
        Algorithm::EcdsaP256Sha256,
        SignatureEncoding::Der,
    )
    .unwrap();
    assert_eq!(from_der, one_step);

    let mut signed = request.clone();
    from_der.append_to(&mut signed.headers);
    verify_message(&signed, &key.public_key(), &options(1)).unwrap();

    assert_code(
        finish_signature(
            &prepared,
            &raw[..63],
            Algorithm::EcdsaP256Sha256,
            SignatureEncoding::Raw,
        ),
        "invalid_signature_length",
    );
    assert_code(
        finish_signature(&prepared, &raw, Algorithm::Ed25519, SignatureEncoding::Der),
        "invalid_signature_encoding",
    );
    let bad_label = PreparedSignature {
        label: "Bad Label".into(),
        ..prepared.clone()
    };
    assert_code(
        finish_signature(
            &bad_label,
            &raw,
            Algorithm::EcdsaP256Sha256,
            SignatureEncoding::Raw,
        ),
        "malformed",
    );
    let with_alg = PreparedSignature {
        alg: Some(Algorithm::EcdsaP384Sha384),
        ..prepared
    };
    assert_code(
        finish_signature(
            &with_alg,
            &raw,
            Algorithm::EcdsaP256Sha256,
            SignatureEncoding::Raw,
        ),
        "algorithm_mismatch",
    );
}

// ---------------------------------------------------------------------------------------------
// DER -> r || s

/// Minimal DER encoding of two unsigned big-endian integers.
fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    let int = |v: &[u8]| {
        let v: Vec<u8> = v.iter().copied().skip_while(|b| *b == 0).collect();
        let mut body = if v.first().is_none_or(|b| *b >= 0x80) {
            vec![0]
        } else {
            vec![]
        };
        body.extend(v);
        let mut out = vec![0x02, u8::try_from(body.len()).unwrap()];
        out.extend(body);
        out
    };
    let body = [int(r), int(s)].concat();
    [vec![0x30, u8::try_from(body.len()).unwrap()], body].concat()
}

#[test]
fn der_signatures_convert_to_fixed_width() {
    // Short r and s are left-padded; high-bit values carry a 0x00 prefix in DER.
    let mut r = vec![0u8; 48];
    r[47] = 1;
    let mut s = vec![0u8; 48];
    s[2] = 0x80;
    s[47] = 7;
    let converted = ecdsa_der_to_raw(&der(&r, &s), Algorithm::EcdsaP384Sha384).unwrap();
    assert_eq!(converted, [r.clone(), s.clone()].concat());
    assert_eq!(der(&r, &s)[..5], [0x30, 0x34, 0x02, 0x01, 0x01]);

    let mut r = vec![0x9a; 32];
    r[0] = 0x80;
    let s = [0u8; 31]
        .iter()
        .chain([0x42].iter())
        .copied()
        .collect::<Vec<_>>();
    let encoded = der(&r, &s);
    assert_eq!(encoded[..5], [0x30, 0x26, 0x02, 0x21, 0x00]);
    assert_eq!(
        ecdsa_der_to_raw(&encoded, Algorithm::EcdsaP256Sha256).unwrap(),
        [r, s].concat()
    );
}

#[test]
fn malformed_der_is_rejected() {
    let one = [0x02, 0x01, 0x01];
    let valid = [&[0x30, 0x06][..], &one, &one].concat();
    assert_eq!(
        ecdsa_der_to_raw(&valid, Algorithm::EcdsaP256Sha256)
            .unwrap()
            .len(),
        64
    );
    let over_long = [&[0x30, 0x26, 0x02, 0x21][..], &[0x01; 33], &one].concat();
    let above_order = [&[0x30, 0x26, 0x02, 0x21, 0x00][..], &[0xff; 32], &one].concat();
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("wrong outer tag", [&[0x31, 0x06][..], &one, &one].concat()),
        ("trailing byte", [&valid[..], &[0x00]].concat()),
        (
            "outer length too long",
            [&[0x30, 0x07][..], &one, &one].concat(),
        ),
        (
            "outer length too short",
            [&[0x30, 0x05][..], &one, &one].concat(),
        ),
        (
            "long-form length",
            [&[0x30, 0x81, 0x06][..], &one, &one].concat(),
        ),
        (
            "wrong integer tag",
            [&[0x30, 0x06, 0x03, 0x01, 0x01][..], &one].concat(),
        ),
        (
            "negative integer",
            [&[0x30, 0x06, 0x02, 0x01, 0x80][..], &one].concat(),
        ),
        (
            "non-minimal integer",
            [&[0x30, 0x07, 0x02, 0x02, 0x00, 0x01][..], &one].concat(),
        ),
        (
            "zero r",
            [&[0x30, 0x06, 0x02, 0x01, 0x00][..], &one].concat(),
        ),
        (
            "empty integer",
            [&[0x30, 0x05, 0x02, 0x00][..], &one].concat(),
        ),
        ("one integer", [&[0x30, 0x03][..], &one].concat()),
        ("over-long r", over_long),
        ("r above the group order", above_order),
        ("raw r||s", vec![0x11; 64]),
    ];
    for (what, input) in bad {
        let result = ecdsa_der_to_raw(&input, Algorithm::EcdsaP256Sha256);
        assert_eq!(
            result,
            Err(SignatureError::InvalidSignatureEncoding),
            "{what}"
        );
    }
    // P-384 takes up to 48-byte integers, not 49.
    let r48 = [&[0x30, 0x35, 0x02, 0x30][..], &[0x01; 48], &one].concat();
    assert_eq!(
        ecdsa_der_to_raw(&r48, Algorithm::EcdsaP384Sha384).unwrap()[..48],
        [0x01; 48]
    );
    let r49 = [&[0x30, 0x36, 0x02, 0x31][..], &[0x01; 49], &one].concat();
    assert_code(
        ecdsa_der_to_raw(&r49, Algorithm::EcdsaP384Sha384),
        "invalid_signature_encoding",
    );
    assert_code(
        ecdsa_der_to_raw(&valid, Algorithm::HmacSha256),
        "invalid_signature_encoding",
    );
}

// ---------------------------------------------------------------------------------------------
// Keys

#[test]
fn keys_parse_from_every_format_and_hide_material() {
    let p256_jwk = fixture!("rfc9421-B.1.3-test-key-ecc-p256.jwk.json");
    assert_eq!(
        SigningKey::from_jwk(p256_jwk)
            .unwrap()
            .public_key()
            .public_bytes(),
        p256_key().public_key().public_bytes()
    );
    // PKCS#8 for every curve, via PEM export of a SEC1 key is not available: build PKCS#8 with the crates.
    use p384::pkcs8::EncodePrivateKey as _;
    let pkcs8_p384 = p384::SecretKey::from_sec1_pem(pem_of(
        fixture!("local-ecdsa-p384-sha384-deterministic.txt"),
        "EC PRIVATE KEY",
    ))
    .unwrap()
    .to_pkcs8_pem(p384::pkcs8::LineEnding::LF)
    .unwrap();
    assert_eq!(
        SigningKey::from_pem(&pkcs8_p384)
            .unwrap()
            .public_key()
            .public_bytes(),
        p384_key().public_key().public_bytes()
    );
    let pkcs8_p256 = p256::SecretKey::from_sec1_pem(pem_of(
        fixture!("rfc9421-B.1.3-test-key-ecc-p256.pem"),
        "EC PRIVATE KEY",
    ))
    .unwrap()
    .to_pkcs8_pem(p256::pkcs8::LineEnding::LF)
    .unwrap();
    assert_eq!(
        SigningKey::from_pem(&pkcs8_p256).unwrap().algorithm(),
        Algorithm::EcdsaP256Sha256
    );

    // A private P-384 JWK built from the PEM key.
    let public = p384_key().public_key().public_bytes();
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let secret = p384::SecretKey::from_sec1_pem(pem_of(
        fixture!("local-ecdsa-p384-sha384-deterministic.txt"),
        "EC PRIVATE KEY",
    ))
    .unwrap();
    let jwk = format!(
        r#"{{"kty":"EC","crv":"P-384","d":"{}","x":"{}","y":"{}"}}"#,
        b64(&secret.to_bytes()),
        b64(&public[1..49]),
        b64(&public[49..])
    );
    let from_jwk = SigningKey::from_jwk(&jwk).unwrap();
    assert_eq!(from_jwk.public_key().public_bytes(), public);
    assert_eq!(
        VerifyingKey::from_jwk(&jwk).unwrap().algorithm(),
        Algorithm::EcdsaP384Sha384
    );

    // Debug output and errors never show key material.
    let d = b64(&secret.to_bytes());
    for text in [
        format!("{from_jwk:?}"),
        format!("{:?}", from_jwk.public_key()),
        format!("{:?}", hmac_key()),
    ] {
        assert!(!text.contains(&d) && text.len() < 40, "{text}");
    }
    let wrong_x = jwk.replace(&b64(&public[1..49]), &b64(&[7u8; 48]));
    let err = SigningKey::from_jwk(&wrong_x).unwrap_err();
    assert_eq!(err.code(), "signature_invalid_key");
    assert!(!err.to_string().contains(&d) && !format!("{err:?}").contains(&d));
    let err = SigningKey::from_pem(&pkcs8_p384.replace('M', "N")).unwrap_err();
    assert!(!err.to_string().contains("MIG"), "{err}");
}

/// Malformed PEM/DER key encodings are `invalid_key`, whatever is wrong with them.
#[test]
fn malformed_key_encodings_are_invalid_keys() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let pem = include_str!("../../../tests/fixtures/offblocks/test-key-p384.pem");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = b64.decode(body).unwrap();
    let armour = |label: &str, der: &[u8]| {
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            b64.encode(der)
        )
    };
    assert!(SigningKey::from_pem(&armour("EC PRIVATE KEY", &der)).is_ok());
    let mut trailing = der.clone();
    trailing.push(0);
    let mut version = der.clone();
    version[5] = 2; // ECPrivateKey version 1 -> 2
    let mut public = der.clone();
    let last = public.len() - 1;
    public[last] ^= 1; // the embedded public key no longer matches (or is off the curve)
    let cases = [
        ("trailing byte", armour("EC PRIVATE KEY", &trailing)),
        ("version", armour("EC PRIVATE KEY", &version)),
        ("public key", armour("EC PRIVATE KEY", &public)),
        ("truncated", armour("EC PRIVATE KEY", &der[..der.len() - 1])),
        ("SEC1 as PKCS#8", armour("PRIVATE KEY", &der)),
        (
            "not base64",
            "-----BEGIN EC PRIVATE KEY-----\n*\n-----END EC PRIVATE KEY-----".into(),
        ),
    ];
    for (what, pem) in cases {
        let err = SigningKey::from_pem(&pem).unwrap_err();
        assert_eq!(err.code(), "signature_invalid_key", "{what}");
    }
    let err = VerifyingKey::from_pem(&armour("PUBLIC KEY", &der)).unwrap_err();
    assert_eq!(err.code(), "signature_invalid_key");
}

/// An encrypted PKCS#8 key gets its own code, whatever is inside the block (issue 16, point 7).
#[test]
fn encrypted_private_keys_have_their_own_code() {
    let encrypted = fixture!("local-encrypted-p256-pkcs8.pem");
    let err = SigningKey::from_pem(encrypted).unwrap_err();
    assert_eq!(err.code(), "signature_encrypted_key");
    assert!(err.to_string().contains("encrypted"), "{err}");
    assert!(!err.to_string().contains("MII"), "{err}");
    // Before any other key in the text, it is the one reported; after a plain key, ignored.
    let plain = fixture!("rfc9421-B.1.3-test-key-ecc-p256.pem");
    assert_code(
        SigningKey::from_pem(&format!("{encrypted}\n{plain}")),
        "encrypted_key",
    );
    assert!(
        SigningKey::from_pem(&format!("{}\n{encrypted}", pem_of(plain, "EC PRIVATE KEY"))).is_ok()
    );
    assert_code(
        SigningKey::from_pem(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
        ),
        "encrypted_key",
    );
    // Found by the `keys` fuzz target: an encrypted block whose base64 is empty or broken is
    // still an encrypted key, not an invalid one.
    for body in ["", "*", "AAA"] {
        assert_code(
            SigningKey::from_pem(&format!(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{body}\n-----END ENCRYPTED PRIVATE KEY-----\n"
            )),
            "encrypted_key",
        );
    }
}

#[test]
fn invalid_keys_are_rejected() {
    let ed = fixture!("rfc9421-B.1.4-test-key-ed25519.jwk.json");
    let bad_keys = [
        "",
        "not json",
        r#"{"kty":"EC","crv":"P-384"}"#,
        r#"{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","d":"AAAA"}"#,
        r#"{"kty":"oct","k":""}"#,
        r#"{"kty":"oct"}"#,
        r#"{"kty":"OKP","crv":"Ed25519","x":"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs"}"#,
    ];
    for jwk in bad_keys {
        assert_code(SigningKey::from_jwk(jwk), "invalid_key");
    }
    let mismatched = ed.replace(
        "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs",
        "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    );
    assert_code(SigningKey::from_jwk(&mismatched), "invalid_key");
    assert_code(
        SigningKey::from_jwk(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#),
        "unsupported_algorithm",
    );
    assert_code(
        SigningKey::from_jwk(r#"{"kty":"EC","crv":"P-521"}"#),
        "unsupported_algorithm",
    );
    assert_code(
        VerifyingKey::from_jwk(
            r#"{"kty":"EC","crv":"P-256","x":"qIVYZVLCrPZHGHjP17CTW0_-D9Lfw0EkjqF7xB4FivA","y":"AAAA"}"#,
        ),
        "invalid_key",
    );
    assert_code(SigningKey::hmac_sha256(b""), "invalid_key");
    assert_code(VerifyingKey::hmac_sha256(b""), "invalid_key");
    assert_code(
        SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
        "invalid_key",
    );
    for rsa in [
        fixture!("rfc9421-B.1.1-test-key-rsa.pem"),
        fixture!("rfc9421-B.1.2-test-key-rsa-pss.pem"),
    ] {
        assert_code(SigningKey::from_pem(rsa), "invalid_key");
        assert_code(VerifyingKey::from_pem(rsa), "invalid_key");
    }
    assert_code(VerifyingKey::from_pem("no pem here"), "invalid_key");
    assert_code(
        hmac_key().public_key().public_key_pem(),
        "unsupported_algorithm",
    );
}

// ---------------------------------------------------------------------------------------------
// Verification policy and every remaining error

fn signed_hmac(params: SignatureParams, label: &str) -> Request {
    let request = rich_request();
    let headers = sign_message(
        &request,
        label,
        &components(&["@method", "@path"]),
        &params,
        &hmac_key(),
    )
    .unwrap();
    with_headers(request, &headers)
}

#[test]
fn time_checks() {
    let key = hmac_key().public_key();
    let signed = signed_hmac(
        SignatureParams::new().with_created(1000).with_expires(1100),
        "sig1",
    );
    verify_message(&signed, &key, &options(1000)).unwrap();
    verify_message(&signed, &key, &options(1000 - DEFAULT_CLOCK_SKEW)).unwrap();
    assert_code(
        verify_message(&signed, &key, &options(1000 - DEFAULT_CLOCK_SKEW - 1)),
        "not_yet_valid",
    );
    verify_message(&signed, &key, &options(1100 + DEFAULT_CLOCK_SKEW)).unwrap();
    assert_code(
        verify_message(&signed, &key, &options(1101 + DEFAULT_CLOCK_SKEW)),
        "expired",
    );
    let strict = VerifyOptions {
        clock_skew: 0,
        max_age: Some(50),
        ..options(1051)
    };
    assert_code(verify_message(&signed, &key, &strict), "too_old");
    verify_message(
        &signed,
        &key,
        &VerifyOptions {
            now: 1050,
            ..strict.clone()
        },
    )
    .unwrap();
    assert_code(
        verify_message(
            &signed,
            &key,
            &VerifyOptions {
                now: 999,
                ..strict.clone()
            },
        ),
        "not_yet_valid",
    );
    // Extreme values do not overflow.
    assert_code(
        verify_message(
            &signed,
            &key,
            &VerifyOptions {
                now: i64::MAX,
                ..strict.clone()
            },
        ),
        "expired",
    );
    assert_code(
        verify_message(
            &signed,
            &key,
            &VerifyOptions {
                now: i64::MIN,
                ..strict
            },
        ),
        "not_yet_valid",
    );

    let no_created = signed_hmac(SignatureParams::new().with_keyid("k"), "sig1");
    verify_message(&no_created, &key, &options(0)).unwrap();
    let aged = VerifyOptions {
        max_age: Some(60),
        ..options(0)
    };
    assert_code(
        verify_message(&no_created, &key, &aged),
        "missing_parameter",
    );
}

#[test]
fn verification_defaults_are_safe() {
    // Issue 16, point 4. A maximum age by default, so `created` is required.
    let defaults = VerifyOptions::new(1000);
    assert_eq!(defaults.max_age, Some(DEFAULT_MAX_AGE));
    let key = hmac_key().public_key();
    let fresh = signed_hmac(SignatureParams::new().with_created(1000), "sig1");
    verify_message(&fresh, &key, &VerifyOptions::new(1000 + DEFAULT_MAX_AGE)).unwrap();
    assert_code(
        verify_message(&fresh, &key, &VerifyOptions::new(1001 + DEFAULT_MAX_AGE)),
        "too_old",
    );
    let no_created = signed_hmac(SignatureParams::new().with_keyid("k"), "sig1");
    assert_code(
        verify_message(&no_created, &key, &VerifyOptions::new(0)),
        "missing_parameter",
    );

    // `expires` before `created` is refused, even inside the clock skew.
    let backwards = signed_hmac(
        SignatureParams::new().with_created(1000).with_expires(999),
        "sig1",
    );
    assert_code(verify_message(&backwards, &key, &options(999)), "malformed");

    // A covered `content-digest` is compared with a body even when not required.
    let key = p384_key();
    let body = br#"{"amount":100}"#.to_vec();
    let mut request = Request {
        method: "POST".into(),
        target_uri: "https://api.example.com/v1/payments".into(),
        headers: vec![header(
            "Content-Digest",
            content_digest(&body, DigestAlgorithm::Sha256),
        )],
        body,
    };
    let headers = sign_message(
        &request,
        "sig1",
        &components(&["@method", "content-digest"]),
        &SignatureParams::new().with_created(1000),
        &key,
    )
    .unwrap();
    headers.append_to(&mut request.headers);
    let lax = VerifyOptions::new(1000);
    assert!(!lax.require_content_digest);
    let verified = verify_message(&request, &key.public_key(), &lax).unwrap();
    assert_eq!(verified.content_digest, Some(DigestAlgorithm::Sha256));
    request.body = br#"{"amount":1000000}"#.to_vec();
    assert_code(
        verify_message(&request, &key.public_key(), &lax),
        "digest_mismatch",
    );
}

#[test]
fn component_equality_is_symmetric() {
    let twice = Component::new("x")
        .with(ComponentParam::Sf)
        .with(ComponentParam::Sf);
    let other = Component::new("x")
        .with(ComponentParam::Sf)
        .with(ComponentParam::Bs);
    // Issue 16, point 4: `twice == other` held while `other == twice` did not.
    assert_eq!(twice == other, other == twice);
    assert_ne!(twice, other);
    assert_ne!(other, twice);
    // Parameters compare as sets.
    assert_eq!(twice, Component::new("x").with(ComponentParam::Sf));
    let sf_bs = Component::parse(r#""x";bs;sf"#).unwrap();
    assert_eq!(sf_bs, other);
    assert_eq!(other, sf_bs);
}

#[test]
fn label_and_key_selection() {
    let key = hmac_key().public_key();
    let mut two = signed_hmac(SignatureParams::new().with_keyid("a"), "first");
    let second = sign_message(
        &two,
        "second",
        &components(&["@authority"]),
        &SignatureParams::new().with_keyid("b"),
        &ed25519_key(),
    )
    .unwrap();
    second.append_to(&mut two.headers);
    assert_code(verify_message(&two, &key, &options(0)), "ambiguous_label");
    let first = VerifyOptions {
        label: Some("first".into()),
        ..options(0)
    };
    assert_eq!(verify_message(&two, &key, &first).unwrap().label, "first");
    let keys = vec![
        ("a".to_owned(), key.clone()),
        ("b".to_owned(), ed25519_key().public_key()),
    ];
    let second_opts = VerifyOptions {
        label: Some("second".into()),
        ..options(0)
    };
    assert_eq!(
        verify_message(&two, keys.as_slice(), &second_opts)
            .unwrap()
            .algorithm,
        Algorithm::Ed25519
    );
    let missing = VerifyOptions {
        label: Some("third".into()),
        ..options(0)
    };
    assert_code(verify_message(&two, &key, &missing), "label_not_found");
    assert_code(
        verify_message(&two, &keys[..1], &second_opts),
        "unknown_key",
    );

    // Without keyid, a one-key slice is used; a longer slice cannot choose.
    let anonymous = signed_hmac(SignatureParams::new(), "sig1");
    verify_message(&anonymous, &keys[..1], &options(0)).unwrap();
    assert_code(
        verify_message(&anonymous, keys.as_slice(), &options(0)),
        "unknown_key",
    );
}

#[test]
fn structural_errors_have_codes() {
    let key = hmac_key().public_key();
    let unsigned = rich_request();
    let p = SignatureParams::new();
    // missing_header: no signature, or a covered header absent.
    assert_eq!(
        verify_message(&unsigned, &key, &options(0)).unwrap_err(),
        SignatureError::MissingHeader {
            name: "signature-input".into()
        }
    );
    assert_code(
        prepare_signature(&unsigned, "s", &components(&["x-absent"]), &p),
        "missing_header",
    );
    let mut no_sig = signed_hmac(p.clone(), "sig1");
    no_sig.headers.retain(|h| h.0 != "Signature");
    assert_code(verify_message(&no_sig, &key, &options(0)), "missing_header");
    // missing_component: required but not covered; absent dictionary key.
    let signed = signed_hmac(p.clone(), "sig1");
    let required = VerifyOptions {
        required_components: components(&["@authority"]),
        ..options(0)
    };
    assert_code(
        verify_message(&signed, &key, &required),
        "missing_component",
    );
    let digest = VerifyOptions {
        require_content_digest: true,
        ..options(0)
    };
    assert_code(verify_message(&signed, &key, &digest), "missing_component");
    let absent_key = Component::new("example-dict").with(ComponentParam::Key("zz".into()));
    assert_code(
        prepare_signature(&unsigned, "s", &[absent_key], &p),
        "missing_component",
    );
    // duplicate_component
    assert_code(
        prepare_signature(
            &unsigned,
            "s",
            &components(&["@path", "@method", "@path"]),
            &p,
        ),
        "duplicate_component",
    );
    let reordered = [
        Component::new("example-dict")
            .with(ComponentParam::Sf)
            .with(ComponentParam::Key("a".into())),
        Component::new("example-dict")
            .with(ComponentParam::Key("a".into()))
            .with(ComponentParam::Sf),
    ];
    assert_code(
        prepare_signature(&unsigned, "s", &reordered, &p),
        "duplicate_component",
    );
    // invalid_component
    let response = new_response(200, vec![header("X", "1")], "");
    let invalid: Vec<(Request, Component)> = vec![
        (unsigned.clone(), Component::new("@unknown")),
        (unsigned.clone(), Component::new("@status")),
        (unsigned.clone(), Component::new("@signature-params")),
        (
            unsigned.clone(),
            Component::new("@method").with(ComponentParam::Req),
        ),
        (
            unsigned.clone(),
            Component::new("@method").with(ComponentParam::Sf),
        ),
        (
            unsigned.clone(),
            Component::new("example-header")
                .with(ComponentParam::Bs)
                .with(ComponentParam::Sf),
        ),
        (
            unsigned.clone(),
            Component::new("example-dict")
                .with(ComponentParam::Sf)
                .with(ComponentParam::Sf),
        ),
        (
            unsigned.clone(),
            Component::new("content-type").with(ComponentParam::Name("x".into())),
        ),
        (unsigned.clone(), Component::new("bad name")),
        (unsigned.clone(), Component::new("x\u{e9}")),
        (
            request("https://e.com/", &[("X", "a\nb")]),
            Component::new("x"),
        ),
        (
            request("https://e.com/", &[("X", "a=1, a=(")]),
            Component::new("x").with(ComponentParam::Key("a".into())),
        ),
    ];
    for (message, component) in invalid {
        assert_code(
            prepare_signature(&message, "s", &[component], &p),
            "invalid_component",
        );
    }
    assert_code(
        prepare_signature(&response, "s", &components(&["@method"]), &p),
        "invalid_component",
    );
    assert_code(
        prepare_signature(
            &response,
            "s",
            &[Component::new("x").with(ComponentParam::Req)],
            &p,
        ),
        "invalid_component",
    );
    assert_eq!(
        lines(&response, &components(&["@status", "x"])),
        [r#""@status": 200"#, r#""x": 1"#]
    );
    // malformed: label, parameters, received fields.
    assert_code(prepare_signature(&unsigned, "Sig", &[], &p), "malformed");
    assert_code(
        prepare_signature(
            &unsigned,
            "s",
            &[],
            &SignatureParams::new().with_nonce("\n"),
        ),
        "malformed",
    );
    assert_code(
        prepare_signature(
            &unsigned,
            "s",
            &[],
            &SignatureParams::new().with_created(i64::MAX),
        ),
        "malformed",
    );
    for (input, signature) in [
        ("sig1=(", "sig1=:AA==:"),
        ("sig1=\"x\"", "sig1=:AA==:"),
        ("sig1=();created=\"x\"", "sig1=:AA==:"),
        ("sig1=();keyid=1", "sig1=:AA==:"),
        ("sig1=()", "sig1=1"),
        ("sig1=()", "sig1=(a)"),
        ("sig1=(\"@method\";tr)", "sig1=:AA==:"),
        ("sig1=(a)", "sig1=:AA==:"),
    ] {
        let message = request(
            "https://e.com/",
            &[("Signature-Input", input), ("Signature", signature)],
        );
        let result = verify_message(&message, &key, &options(0));
        assert!(
            matches!(
                result,
                Err(SignatureError::Malformed { .. } | SignatureError::InvalidComponent { .. })
            ),
            "{input} {signature}: {result:?}"
        );
    }
    let message = request(
        "https://e.com/",
        &[("Signature-Input", "sig1=("), ("Signature", "sig1=:AA==:")],
    );
    assert_code(verify_message(&message, &key, &options(0)), "malformed");
    let empty = request(
        "https://e.com/",
        &[("Signature-Input", ""), ("Signature", "")],
    );
    assert_code(verify_message(&empty, &key, &options(0)), "missing_header");
    let not_in_signature = request(
        "https://e.com/",
        &[("Signature-Input", "a=()"), ("Signature", "b=:AA==:")],
    );
    assert_code(
        verify_message(&not_in_signature, &key, &options(0)),
        "label_not_found",
    );
    // invalid_signature_length and bad_signature from the wire.
    let short = request(
        "https://e.com/",
        &[("Signature-Input", "a=()"), ("Signature", "a=:AA==:")],
    );
    assert_eq!(
        verify_message(&short, &key, &options(0)).unwrap_err(),
        SignatureError::InvalidSignatureLength {
            expected: 32,
            actual: 1
        }
    );
    let zeros = format!("a=:{}:", STANDARD.encode([0u8; 32]));
    let wrong = request(
        "https://e.com/",
        &[("Signature-Input", "a=()"), ("Signature", &zeros)],
    );
    assert_code(verify_message(&wrong, &key, &options(0)), "bad_signature");
    let zeros = format!("a=:{}:", STANDARD.encode([0u8; 64]));
    let wrong = request(
        "https://e.com/",
        &[("Signature-Input", "a=()"), ("Signature", &zeros)],
    );
    for key in [p256_key(), ed25519_key()] {
        assert_code(
            verify_message(&wrong, &key.public_key(), &options(0)),
            "bad_signature",
        );
    }
    // algorithm_mismatch on signing; unsupported_algorithm from the wire.
    let p384 = SignatureParams::new().with_alg(Algorithm::EcdsaP384Sha384);
    assert_code(
        sign_message(&unsigned, "s", &[], &p384, &ed25519_key()),
        "algorithm_mismatch",
    );
    let rsa = request(
        "https://e.com/",
        &[
            ("Signature-Input", "a=();alg=\"rsa-v1_5-sha256\""),
            ("Signature", "a=:AA==:"),
        ],
    );
    assert_code(
        verify_message(&rsa, &key, &options(0)),
        "unsupported_algorithm",
    );
    assert_code(
        "rsa-pss-sha512".parse::<Algorithm>(),
        "unsupported_algorithm",
    );
}

#[test]
fn invalid_urls_are_typed_errors() {
    for url in [
        "",
        "example.com/foo",
        "ftp://example.com/",
        "https://",
        "https:///path",
        "https://user:pw@example.com/",
        "https://exa mple.com/",
        "https://example.com/p#frag",
        "https://example.com:99999/",
        "https://example.com:+1/",
        "https://example.com:8a/",
        "https://[::1/",
        "https://[]/",
        "https://[::1]x/",
        "https://[zz::1]/",
        "https://exa\"mple.com/",
        "https://example.com/\u{e9}",
        "https://example.com/\n",
    ] {
        let r = request(url, &[]);
        assert_code(
            prepare_signature(
                &r,
                "s",
                &components(&["@authority"]),
                &SignatureParams::new(),
            ),
            "invalid_url",
        );
    }
    // Components that do not need the URL still work with a bad one.
    let r = request("not a url", &[]);
    assert_eq!(lines(&r, &components(&["@method"])), [r#""@method": POST"#]);
}

#[test]
fn error_codes_are_unique_snake_case() {
    let all = [
        SignatureError::MissingHeader {
            name: String::new(),
        },
        SignatureError::MissingComponent {
            name: String::new(),
        },
        SignatureError::DuplicateComponent {
            name: String::new(),
        },
        SignatureError::InvalidComponent {
            name: String::new(),
            reason: "",
        },
        SignatureError::Malformed { what: "" },
        SignatureError::InvalidUrl { reason: "" },
        SignatureError::LabelNotFound {
            label: String::new(),
        },
        SignatureError::AmbiguousLabel,
        SignatureError::MissingParameter { name: "" },
        SignatureError::UnknownKey,
        SignatureError::AlgorithmMismatch,
        SignatureError::UnsupportedAlgorithm,
        SignatureError::Expired,
        SignatureError::NotYetValid,
        SignatureError::TooOld,
        SignatureError::BadSignature,
        SignatureError::InvalidKey,
        SignatureError::InvalidSignatureLength {
            expected: 0,
            actual: 0,
        },
        SignatureError::InvalidSignatureEncoding,
        SignatureError::DigestMismatch,
    ];
    let codes: std::collections::HashSet<_> = all.iter().map(SignatureError::code).collect();
    assert_eq!(codes.len(), all.len());
    assert!(
        codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    );
    assert!(all.iter().all(|e| !e.to_string().is_empty()));
}

#[test]
fn hostile_inputs_never_panic() {
    let key = hmac_key().public_key();
    let samples = [
        "",
        "=",
        ",",
        "a=",
        "a=(",
        "a=()",
        "a=(\"",
        "a=(\"\\",
        "a=:",
        "a=:::",
        "a=?2",
        "a=1e5",
        "a=\"\u{7f}\"",
        "a=();created=99999999999999999999",
        "a=();created=-999999999999999",
        "a=();expires=999999999999999",
        "a=(\"@query-param\";name=\"\")",
        "a=(\"@query-param\";name=\"%\")",
        "a=(\"\";sf)",
        "a=(\"@\")",
        "a=(\"signature\";key=\"a\")",
        "a=(\"signature-input\";sf)",
        "a=(\"x\";bs;req)",
        "\u{0}",
    ];
    let urls = [
        "https://e.com/?%",
        "https://e.com/?a=%f",
        "https://e.com/?&&=&",
        "https://[",
        "https://:",
        "https://e.com:",
    ];
    for input in samples {
        for signature in ["a=:AA==:", "a=", "", "a=:AAAA", input] {
            for url in urls {
                let m = request(
                    url,
                    &[
                        ("Signature-Input", input),
                        ("Signature", signature),
                        ("X", "a=1"),
                    ],
                );
                let _ = verify_message(
                    &m,
                    &key,
                    &VerifyOptions {
                        now: i64::MIN,
                        max_age: Some(i64::MIN),
                        ..options(0)
                    },
                );
                let _ = verify_message(
                    &m,
                    &key,
                    &VerifyOptions {
                        now: i64::MAX,
                        clock_skew: i64::MAX,
                        ..options(0)
                    },
                );
                let _ = Component::parse(input);
                let _ = verify_content_digest(input, b"");
            }
        }
    }
    for bytes in [
        &b""[..],
        b"\x30",
        b"\x30\x80",
        b"\x30\x02\x02\x00",
        b"\x30\x7f",
        b"\x02\x01\x01\x02\x01\x01",
    ] {
        let _ = ecdsa_der_to_raw(bytes, Algorithm::EcdsaP384Sha384);
    }
    for text in [
        "-----BEGIN PRIVATE KEY-----",
        "-----END PRIVATE KEY----------BEGIN PRIVATE KEY-----",
        "{\"kty\":1}",
    ] {
        let _ = SigningKey::from_pem(text);
        let _ = SigningKey::from_jwk(text);
        let _ = VerifyingKey::from_pem(text);
    }
}
