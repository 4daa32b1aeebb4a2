//! SIWE parser tests. Every valid vector below was also parsed and re-rendered
//! byte for byte by the Python `siwe` 4.4.0 ABNF parser (tests/interop/eth-cross-check.py).

use super::super::tests::XorShift;
use super::*;
use chrono::TimeZone;

/// How long the challenges of these tests stay valid (OffBlocks' hour).
const MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// The domains these tests sign in to (OffBlocks' live and sandbox API hosts).
const DOMAINS: [&str; 2] = ["api.offblocks.xyz", "api.sandbox.offblocks.xyz"];

/// providers.md B.6, the OffBlocks docs example (statement, no expiration).
/// Its address is a valid EIP-55 checksum (checked with eth-utils).
const OFFBLOCKS: &str = "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:
0x43158f45b5EbD7b1179130130DF00393928C2691

OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using OffBlocks, you agree to our Terms of services and Privacy Policy

URI: https://api.sandbox.offblocks.xyz
Version: 1
Chain ID: 300
Nonce: 5ufoiEqDaFvmfo78
Issued At: 2024-01-17T18:21:53Z";

/// The tail shared by the three EIP-4361 examples.
const EIP_TAIL: &str = " wants you to sign in with your Ethereum account:
0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

I accept the ExampleOrg Terms of Service: https://example.com/tos

URI: https://example.com/login
Version: 1
Chain ID: 1
Nonce: 32891756
Issued At: 2021-09-30T16:25:24Z
Resources:
- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
- https://example.com/my-web2-claim.json";

/// No statement: `address LF LF LF URI`, as rendered by siwe-py.
const NO_STATEMENT: &str = "localhost:8080 wants you to sign in with your Ethereum account:\n0x2c7536E3605D9C16a7a3D7b1898e529396a65c23\n\n\nURI: http://localhost:8080/\nVersion: 1\nChain ID: 300\nNonce: abcdefgh12345678\nIssued At: 2024-01-17T18:21:53.120Z";

/// Every optional field, rendered by siwe-py.
const FULL: &str = "https://user@example.com:443 wants you to sign in with your Ethereum account:\n0x2c7536E3605D9C16a7a3D7b1898e529396a65c23\n\nSign in: terms at https://example.com/tos?x=1&y=2#top (v2) ~ ok!\n\nURI: https://example.com/login?next=%2Fhome\nVersion: 1\nChain ID: 324\nNonce: Zx9Qk2LmP0aB\nIssued At: 2024-01-17T18:21:53.123456789+01:00\nExpiration Time: 2024-01-17T19:21:53Z\nNot Before: 2024-01-17T18:00:00-05:30\nRequest ID: req-42:a@b\nResources:\n- urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66\n- https://[2001:db8::1]:8443/p?q#f";

fn eip_examples() -> [String; 3] {
    [
        format!("example.com{EIP_TAIL}"),
        format!("example.com:3388{EIP_TAIL}"),
        format!("https://example.com{EIP_TAIL}"),
    ]
}

fn valid_vectors() -> Vec<String> {
    let mut all = vec![
        OFFBLOCKS.to_owned(),
        NO_STATEMENT.to_owned(),
        FULL.to_owned(),
    ];
    all.extend(eip_examples());
    all
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn parse_err(text: &str) -> SiweError {
    SiweMessage::parse(text).unwrap_err()
}

#[test]
fn offblocks_example_fields() {
    let m = SiweMessage::parse(OFFBLOCKS).unwrap();
    assert_eq!(m.scheme, None);
    assert_eq!(m.domain, "api.sandbox.offblocks.xyz");
    assert_eq!(m.address, "0x43158f45b5EbD7b1179130130DF00393928C2691");
    assert!(
        m.statement
            .as_deref()
            .unwrap()
            .starts_with("OffBlocks wants")
    );
    assert_eq!(m.uri, "https://api.sandbox.offblocks.xyz");
    assert_eq!(m.version, SiweVersion::V1);
    assert_eq!(m.chain_id, 300);
    assert_eq!(m.nonce, "5ufoiEqDaFvmfo78");
    assert_eq!(m.issued_at.as_str(), "2024-01-17T18:21:53Z");
    assert_eq!(
        m.issued_at.to_utc(),
        Utc.with_ymd_and_hms(2024, 1, 17, 18, 21, 53).unwrap()
    );
    assert_eq!(m.expiration_time, None);
    assert_eq!(m.not_before, None);
    assert_eq!(m.request_id, None);
    assert!(m.resources.is_empty());
}

#[test]
fn eip4361_examples_fields() {
    let [implicit, port, scheme] = eip_examples();
    let implicit = SiweMessage::parse(&implicit).unwrap();
    assert_eq!(
        (implicit.scheme.as_deref(), implicit.domain.as_str()),
        (None, "example.com")
    );
    assert_eq!(implicit.chain_id, 1);
    assert_eq!(implicit.nonce, "32891756");
    assert_eq!(
        implicit.resources,
        [
            "ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
            "https://example.com/my-web2-claim.json"
        ]
    );
    assert_eq!(
        SiweMessage::parse(&port).unwrap().domain,
        "example.com:3388"
    );
    let scheme = SiweMessage::parse(&scheme).unwrap();
    assert_eq!(scheme.scheme.as_deref(), Some("https"));
    assert_eq!(scheme.domain, "example.com");
}

#[test]
fn no_statement_and_full_fields() {
    let m = SiweMessage::parse(NO_STATEMENT).unwrap();
    assert_eq!(m.statement, None);
    assert_eq!(m.issued_at.as_str(), "2024-01-17T18:21:53.120Z");

    let m = SiweMessage::parse(FULL).unwrap();
    assert_eq!(m.scheme.as_deref(), Some("https"));
    assert_eq!(m.domain, "user@example.com:443");
    assert_eq!(m.chain_id, 324);
    assert_eq!(m.issued_at.to_utc(), utc("2024-01-17T17:21:53.123456789Z"));
    assert_eq!(
        m.expiration_time.as_ref().map(Timestamp::as_str),
        Some("2024-01-17T19:21:53Z")
    );
    assert_eq!(
        m.not_before.as_ref().map(Timestamp::to_utc),
        Some(utc("2024-01-17T23:30:00Z"))
    );
    assert_eq!(m.request_id.as_deref(), Some("req-42:a@b"));
    assert_eq!(m.resources.len(), 2);
}

#[test]
fn display_round_trips_every_valid_vector() {
    let mut vectors = valid_vectors();
    // Spellings that name the same instant must still re-render exactly.
    for issued in [
        "2024-01-17T18:21:53.000Z",
        "2024-01-17T18:21:53.1Z",
        "2024-01-17T18:21:53+00:00",
        "2024-01-17T18:21:53-00:00",
        "2024-01-17t18:21:53z",
        "2016-12-31T23:59:60Z",
    ] {
        vectors.push(OFFBLOCKS.replace("2024-01-17T18:21:53Z", issued));
    }
    // An address whose EIP-55 form happens to be all uppercase.
    vectors.push(OFFBLOCKS.replace(
        "0x43158f45b5EbD7b1179130130DF00393928C2691",
        "0x52908400098527886E0F7030069857D2E4169EE7",
    ));
    vectors.push(NO_STATEMENT.replace("\n\n\nURI", "\n\n\n\nURI"));
    vectors.push(format!("{OFFBLOCKS}\nRequest ID: "));
    vectors.push(format!("{OFFBLOCKS}\nNot Before: 2024-01-17T18:21:53Z"));
    vectors.push(format!("{OFFBLOCKS}\nResources:\n- a:"));
    vectors.push(OFFBLOCKS.replace("Chain ID: 300", "Chain ID: 0"));
    vectors.push(OFFBLOCKS.replace("Chain ID: 300", "Chain ID: 18446744073709551615"));
    vectors.push(OFFBLOCKS.replace("api.sandbox.offblocks.xyz wants", "[::1]:8080 wants"));
    vectors.push(OFFBLOCKS.replace(
        "api.sandbox.offblocks.xyz wants",
        "git+ssh://user@127.0.0.1 wants",
    ));
    for text in vectors {
        let message = SiweMessage::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(message.to_string(), text);
        assert_eq!(message.validate(), Ok(()));
        assert_eq!(text.parse::<SiweMessage>(), Ok(message));
    }
}

#[test]
fn empty_statement_layout_is_some_empty() {
    let text = NO_STATEMENT.replace("\n\n\nURI", "\n\n\n\nURI");
    assert_eq!(
        SiweMessage::parse(&text).unwrap().statement.as_deref(),
        Some("")
    );
}

#[test]
fn decode_challenge_with_and_without_padding() {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    for text in valid_vectors() {
        for encoded in [STANDARD.encode(&text), STANDARD_NO_PAD.encode(&text)] {
            let (decoded, message) = decode_challenge(&encoded).unwrap();
            assert_eq!(decoded, text);
            assert_eq!(message.to_string(), text);
        }
    }
    // The vectors above must include a length that actually needs padding.
    assert!(valid_vectors().iter().any(|t| t.len() % 3 != 0));
}

#[test]
fn decode_challenge_rejects_bad_input() {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    assert_eq!(decode_challenge("").unwrap_err(), SiweError::Header);
    assert_eq!(decode_challenge("!!!!").unwrap_err(), SiweError::Base64);
    assert_eq!(decode_challenge("QUJD\n").unwrap_err(), SiweError::Base64);
    assert_eq!(decode_challenge(" QUJD").unwrap_err(), SiweError::Base64);
    assert_eq!(decode_challenge("QUJDR").unwrap_err(), SiweError::Base64);
    // URL-safe alphabet ('-', '_') is not standard base64.
    let bytes = [0xfbu8, 0xff, 0xfe];
    assert_eq!(
        decode_challenge(&URL_SAFE.encode(bytes)).unwrap_err(),
        SiweError::Base64
    );
    // Decodes, but not UTF-8 / not ASCII.
    assert_eq!(
        decode_challenge(&STANDARD.encode(bytes)).unwrap_err(),
        SiweError::NonAscii
    );
    assert_eq!(
        decode_challenge(&STANDARD.encode(OFFBLOCKS.replace("OffBlocks wants", "OffBlocks wänts")))
            .unwrap_err(),
        SiweError::NonAscii
    );
    // The placeholder in the OffBlocks docs is a PEM key, not a SIWE message.
    let pem = STANDARD.encode(
        "-----BEGIN PUBLIC KEY-----\nMFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE\n-----END PUBLIC KEY-----\n",
    );
    assert_eq!(decode_challenge(&pem).unwrap_err(), SiweError::Header);
    let huge = "A".repeat(MAX_MESSAGE_LEN * 2);
    assert_eq!(decode_challenge(&huge).unwrap_err(), SiweError::TooLong);
}

#[test]
fn tampered_and_malformed_messages() {
    use SiweError as E;
    use SiweField as F;
    let o = OFFBLOCKS;
    let cases: Vec<(String, SiweError)> = vec![
        // Size and bytes.
        ("a".repeat(MAX_MESSAGE_LEN + 1), E::TooLong),
        (o.replace("wallet.", "wallet\u{2019}."), E::NonAscii),
        (o.replace('\n', "\r\n"), E::CarriageReturn),
        (format!("{o}\r"), E::CarriageReturn),
        // Header.
        (String::new(), E::Header),
        (o.replace(" wants you", " want you"), E::Header),
        (
            o.replace("Ethereum account:", "Ethereum account"),
            E::Header,
        ),
        (o.replace("account:\n", "account: \n"), E::Header),
        (format!("\n{o}"), E::Header),
        (
            o.replace("api.sandbox.offblocks.xyz wants", " wants"),
            E::Domain,
        ),
        (
            o.replace("api.sandbox.offblocks.xyz wants", "api sandbox wants"),
            E::Domain,
        ),
        (
            o.replace("api.sandbox.offblocks.xyz wants", "https:// wants"),
            E::Domain,
        ),
        (
            o.replace(
                "api.sandbox.offblocks.xyz wants",
                "api.sandbox.offblocks.xyz/path wants",
            ),
            E::Domain,
        ),
        (
            o.replace(
                "api.sandbox.offblocks.xyz wants",
                "api.sandbox.offblocks.xyz:80a wants",
            ),
            E::Domain,
        ),
        (
            o.replace("api.sandbox.offblocks.xyz wants", "a@b@c wants"),
            E::Domain,
        ),
        (
            o.replace("api.sandbox.offblocks.xyz wants", "[::1 wants"),
            E::Domain,
        ),
        (
            o.replace("api.sandbox.offblocks.xyz wants", "[zz::1] wants"),
            E::Domain,
        ),
        (
            o.replace("api.sandbox.offblocks.xyz wants", "1https://a.b wants"),
            E::Scheme,
        ),
        (
            o.replace("api.sandbox.offblocks.xyz wants", "://a.b wants"),
            E::Scheme,
        ),
        (
            o.replace("api.sandbox.offblocks.xyz wants", "ht_tps://a.b wants"),
            E::Scheme,
        ),
        // Address.
        (
            o.replace(
                "0x43158f45b5EbD7b1179130130DF00393928C2691",
                "0x43158f45b5EbD7b1179130130DF00393928C2692",
            ),
            E::AddressChecksum,
        ),
        (
            o.replace(
                "0x43158f45b5EbD7b1179130130DF00393928C2691",
                "0x43158F45b5EbD7b1179130130DF00393928C2691",
            ),
            E::AddressChecksum,
        ),
        (
            o.replace(
                "0x43158f45b5EbD7b1179130130DF00393928C2691",
                "43158f45b5EbD7b1179130130DF00393928C2691",
            ),
            E::Address,
        ),
        (
            o.replace(
                "0x43158f45b5EbD7b1179130130DF00393928C2691",
                "0x43158f45b5EbD7b1179130130DF00393928C269",
            ),
            E::Address,
        ),
        (
            o.replace(
                "0x43158f45b5EbD7b1179130130DF00393928C2691",
                "0x43158f45b5EbD7b1179130130DF00393928C26910",
            ),
            E::Address,
        ),
        (
            o.replace(
                "0x43158f45b5EbD7b1179130130DF00393928C2691",
                " 0x43158f45b5EbD7b1179130130DF00393928C2691",
            ),
            E::Address,
        ),
        (
            o.replace("0x43158f45b5EbD7b1179130130DF00393928C2691", "vitalik.eth"),
            E::Address,
        ),
        (
            "example.com wants you to sign in with your Ethereum account:".to_owned(),
            E::Address,
        ),
        // Statement layout.
        (o.replace("2691\n\nOffBlocks", "2691\nOffBlocks"), E::Layout),
        (o.replace("Policy\n\nURI", "Policy\nURI"), E::Layout),
        (
            o.replace("Policy\n\nURI", "Policy\n\n\nURI"),
            E::MissingField(F::Uri),
        ),
        (
            o.replace("Policy\n\nURI", "Policy\nsecond line\n\nURI"),
            E::Layout,
        ),
        // Legacy two-LF layout without a statement: the URI line is read as a
        // statement, then the blank line after it is missing.
        (NO_STATEMENT.replace("\n\n\nURI", "\n\nURI"), E::Layout),
        (
            NO_STATEMENT.replace("\n\n\nURI", "\n\n\n\n\nURI"),
            E::MissingField(F::Uri),
        ),
        (
            o.replace("verify ownership", "verify \"ownership\""),
            E::Statement,
        ),
        (
            o.replace("verify ownership", "verify 100% ownership"),
            E::Statement,
        ),
        (
            o.replace("verify ownership", "verify\townership"),
            E::Statement,
        ),
        (
            o.replace("verify ownership", "verify {ownership}"),
            E::Statement,
        ),
        // Required lines: missing, renamed, reordered, duplicated, spacing.
        (
            o.replace("URI: https://api.sandbox.offblocks.xyz\n", ""),
            E::MissingField(F::Uri),
        ),
        (o.replace("Version: 1\n", ""), E::MissingField(F::Version)),
        (
            o.replace("Chain ID: 300\n", ""),
            E::MissingField(F::ChainId),
        ),
        (
            o.replace("Nonce: 5ufoiEqDaFvmfo78\n", ""),
            E::MissingField(F::Nonce),
        ),
        (
            o.replace("\nIssued At: 2024-01-17T18:21:53Z", ""),
            E::MissingField(F::IssuedAt),
        ),
        (o.replace("URI: ", "Uri: "), E::MissingField(F::Uri)),
        (o.replace("URI: ", "URI:"), E::MissingField(F::Uri)),
        (o.replace("Chain ID: ", "Chain ID:  "), E::ChainId),
        (
            o.replace("Version: 1\nChain ID: 300", "Chain ID: 300\nVersion: 1"),
            E::MissingField(F::Version),
        ),
        (
            o.replace(
                "Nonce: 5ufoiEqDaFvmfo78\n",
                "Nonce: 5ufoiEqDaFvmfo78\nNonce: 5ufoiEqDaFvmfo78\n",
            ),
            E::MissingField(F::IssuedAt),
        ),
        // Field values.
        (
            o.replace(
                "URI: https://api.sandbox.offblocks.xyz",
                "URI: api.sandbox.offblocks.xyz",
            ),
            E::Uri,
        ),
        (
            o.replace("URI: https://api.sandbox.offblocks.xyz", "URI: "),
            E::Uri,
        ),
        (
            o.replace(
                "URI: https://api.sandbox.offblocks.xyz",
                "URI: https://api.sandbox.offblocks.xyz/a b",
            ),
            E::Uri,
        ),
        (
            o.replace(
                "URI: https://api.sandbox.offblocks.xyz",
                "URI: https://api.sandbox.offblocks.xyz/%zz",
            ),
            E::Uri,
        ),
        (
            o.replace(
                "URI: https://api.sandbox.offblocks.xyz",
                "URI: https://api.sandbox.offblocks.xyz/#a#b",
            ),
            E::Uri,
        ),
        (
            o.replace(
                "URI: https://api.sandbox.offblocks.xyz",
                "URI: https://api.sandbox.offblocks.xyz/[x]",
            ),
            E::Uri,
        ),
        (
            o.replace(
                "URI: https://api.sandbox.offblocks.xyz",
                "URI: https://a.b:x/",
            ),
            E::Uri,
        ),
        (o.replace("Version: 1", "Version: 2"), E::Version),
        (o.replace("Version: 1", "Version: 1.0"), E::Version),
        (o.replace("Version: 1", "Version: "), E::Version),
        (o.replace("Chain ID: 300", "Chain ID: 0300"), E::ChainId),
        (o.replace("Chain ID: 300", "Chain ID: +300"), E::ChainId),
        (o.replace("Chain ID: 300", "Chain ID: -1"), E::ChainId),
        (o.replace("Chain ID: 300", "Chain ID: "), E::ChainId),
        (
            o.replace("Chain ID: 300", "Chain ID: 18446744073709551616"),
            E::ChainId,
        ),
        (
            o.replace("Chain ID: 300", "Chain ID: eip155:300"),
            E::ChainId,
        ),
        (
            o.replace("Nonce: 5ufoiEqDaFvmfo78", "Nonce: 5ufoiEq"),
            E::Nonce,
        ),
        (
            o.replace("Nonce: 5ufoiEqDaFvmfo78", "Nonce: 5ufoiEq-Dafvmfo78"),
            E::Nonce,
        ),
        (
            o.replace("Nonce: 5ufoiEqDaFvmfo78", "Nonce: 5ufoiEqDaFvmfo78 "),
            E::Nonce,
        ),
        (o.replace("Nonce: 5ufoiEqDaFvmfo78", "Nonce: "), E::Nonce),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-01-17 18:21:53Z"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-01-17T18:21:53"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-02-30T18:21:53Z"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-01-17T24:00:00Z"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-01-17T18:21:53.Z"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-01-17T18:21:53+0100"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-01-17T18:21:53+24:00"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-01-17T18:21:53ZZ"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "1705515713"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            o.replace("2024-01-17T18:21:53Z", "2024-1-17T18:21:53Z"),
            E::Timestamp(F::IssuedAt),
        ),
        (
            format!("{o}\nExpiration Time: tomorrow"),
            E::Timestamp(F::ExpirationTime),
        ),
        (
            format!("{o}\nNot Before: 2024-01-17"),
            E::Timestamp(F::NotBefore),
        ),
        (format!("{o}\nRequest ID: a/b"), E::RequestId),
        (format!("{o}\nRequest ID: a b"), E::RequestId),
        (format!("{o}\nRequest ID: a?b"), E::RequestId),
        (format!("{o}\nResources:"), E::EmptyResources),
        (format!("{o}\nResources:\n- "), E::Resource),
        (format!("{o}\nResources:\n- not a uri"), E::Resource),
        (
            format!("{o}\nResources:\n- https://a.b/\n- https://c d/"),
            E::Resource,
        ),
        // Unknown, misordered, duplicated or trailing lines.
        (format!("{o}\n"), E::UnexpectedLine(11)),
        (format!("{o}\n\n"), E::UnexpectedLine(11)),
        (format!("{o}\nFoo: bar"), E::UnexpectedLine(11)),
        (
            format!("{o}\nIssued At: 2024-01-17T18:21:53Z"),
            E::UnexpectedLine(11),
        ),
        (
            format!("{o}\nNot Before: 2024-01-17T18:21:53Z\nExpiration Time: 2024-01-17T19:21:53Z"),
            E::UnexpectedLine(12),
        ),
        (
            format!("{o}\nRequest ID: 1\nRequest ID: 2"),
            E::UnexpectedLine(12),
        ),
        (
            format!("{o}\nResources:\n- https://a.b/\nRequest ID: 1"),
            E::UnexpectedLine(13),
        ),
        (
            format!("{o}\nResources: https://a.b/"),
            E::UnexpectedLine(11),
        ),
        (
            format!("{o}\nResources:\n- https://a.b/\n"),
            E::UnexpectedLine(13),
        ),
        (
            format!("{o}\nResources:\n- https://a.b/\n -https://c.d/"),
            E::UnexpectedLine(13),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_err(&text), expected, "{text:?}");
        // Never echoes input.
        let rendered = expected.to_string();
        assert!(!rendered.contains("5ufoiEq") && !rendered.contains("0x43158"));
    }
}

#[test]
fn check_accepts_a_fresh_matching_message() {
    let m = SiweMessage::parse(OFFBLOCKS).unwrap();
    let now = utc("2024-01-17T18:51:53Z");
    let address = "0x43158f45b5EbD7b1179130130DF00393928C2691";
    assert_eq!(m.check(address, 300, now, MAX_AGE), Ok(()));
    // Address comparison ignores hex case.
    assert_eq!(
        m.check(&address.to_ascii_lowercase(), 300, now, MAX_AGE),
        Ok(())
    );
    // Issued in the future: a small clock skew is tolerated, no more (issue 16, point 5).
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T18:16:53Z"), MAX_AGE),
        Ok(())
    );
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T18:16:52Z"), MAX_AGE),
        Err(SiweError::IssuedInFuture)
    );
    assert_eq!(
        m.check(address, 300, utc("2000-01-01T00:00:00Z"), MAX_AGE),
        Err(SiweError::IssuedInFuture)
    );
    // Huge max age: no limit, no overflow.
    assert_eq!(
        m.check(address, 300, utc("9999-01-01T00:00:00Z"), Duration::MAX),
        Ok(())
    );
}

#[test]
fn check_rejects_mismatch_and_stale_messages() {
    let m = SiweMessage::parse(OFFBLOCKS).unwrap();
    let address = "0x43158f45b5EbD7b1179130130DF00393928C2691";
    let hour = MAX_AGE;
    let fresh = utc("2024-01-17T18:30:00Z");
    assert_eq!(
        m.check(
            "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
            300,
            fresh,
            hour
        ),
        Err(SiweError::AddressMismatch)
    );
    assert_eq!(
        m.check("", 300, fresh, hour),
        Err(SiweError::AddressMismatch)
    );
    assert_eq!(
        m.check(address, 324, fresh, hour),
        Err(SiweError::ChainIdMismatch)
    );
    // Exactly one hour after Issued At is already too old; one second before is fine.
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T19:21:52Z"), hour),
        Ok(())
    );
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T19:21:53Z"), hour),
        Err(SiweError::TooOld)
    );
    assert_eq!(
        m.check(address, 300, utc("2024-01-18T00:00:00Z"), hour),
        Err(SiweError::TooOld)
    );
}

#[test]
fn check_uses_expiration_and_not_before() {
    let text = format!(
        "{OFFBLOCKS}\nExpiration Time: 2024-01-17T20:21:53+01:00\nNot Before: 2024-01-17T18:30:00Z"
    );
    let m = SiweMessage::parse(&text).unwrap();
    let address = "0x43158f45b5EbD7b1179130130DF00393928C2691";
    let short = MAX_AGE;
    // Expiration (19:21:53Z, an hour after Issued At) ends validity...
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T19:00:00Z"), short),
        Ok(())
    );
    // ...but may not be further after Issued At than the maximum age (issue 16, point 5).
    assert_eq!(
        m.check(
            address,
            300,
            utc("2024-01-17T19:00:00Z"),
            Duration::from_secs(3599)
        ),
        Err(SiweError::ExpiresTooLate)
    );
    let year_9999 = SiweMessage::parse(&format!(
        "{OFFBLOCKS}\nExpiration Time: 9999-12-31T23:59:59Z"
    ))
    .unwrap();
    assert_eq!(
        year_9999.check(address, 300, utc("2024-01-17T18:30:00Z"), short),
        Err(SiweError::ExpiresTooLate)
    );
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T18:29:59Z"), short),
        Err(SiweError::NotYetValid)
    );
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T18:30:00Z"), short),
        Ok(())
    );
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T19:21:52.999Z"), short),
        Ok(())
    );
    assert_eq!(
        m.check(address, 300, utc("2024-01-17T19:21:53Z"), short),
        Err(SiweError::Expired)
    );
}

#[test]
fn addresses_must_be_written_in_their_eip55_form() {
    // siwe-py rejects these; EIP-4361's ABNF asks for EIP-55 (issue 16, point 5).
    for address in [
        "0x43158f45b5ebd7b1179130130df00393928c2691",
        "0x43158F45B5EBD7B1179130130DF00393928C2691",
    ] {
        let text = OFFBLOCKS.replace("0x43158f45b5EbD7b1179130130DF00393928C2691", address);
        assert_eq!(parse_err(&text), SiweError::AddressChecksum, "{address}");
    }
}

#[test]
fn origin_is_bound_to_the_expected_domains() {
    let m = SiweMessage::parse(OFFBLOCKS).unwrap();
    assert_eq!(m.check_origin(&DOMAINS), Ok(()));
    assert_eq!(m.check_origin(&["API.Sandbox.OffBlocks.xyz"]), Ok(()));
    assert_eq!(
        m.check_origin(&["api.offblocks.xyz"]),
        Err(SiweError::DomainMismatch)
    );
    let evil = |from: &str, to: &str| SiweMessage::parse(&OFFBLOCKS.replace(from, to)).unwrap();
    for (from, to, error) in [
        (
            "api.sandbox.offblocks.xyz wants",
            "evil.example wants",
            SiweError::DomainMismatch,
        ),
        (
            "api.sandbox.offblocks.xyz wants",
            "http://api.sandbox.offblocks.xyz wants",
            SiweError::DomainMismatch,
        ),
        (
            "URI: https://api.sandbox.offblocks.xyz",
            "URI: https://evil.example/api.sandbox.offblocks.xyz",
            SiweError::UriMismatch,
        ),
        (
            "URI: https://api.sandbox.offblocks.xyz",
            "URI: https://api.sandbox.offblocks.xyz.evil.example",
            SiweError::UriMismatch,
        ),
        (
            "URI: https://api.sandbox.offblocks.xyz",
            "URI: https://api.sandbox.offblocks.xyz@evil.example",
            SiweError::UriMismatch,
        ),
        (
            "URI: https://api.sandbox.offblocks.xyz",
            "URI: http://api.sandbox.offblocks.xyz",
            SiweError::UriMismatch,
        ),
    ] {
        assert_eq!(evil(from, to).check_origin(&DOMAINS), Err(error), "{to}");
    }
    let with_path = evil(
        "URI: https://api.sandbox.offblocks.xyz",
        "URI: https://api.sandbox.offblocks.xyz/customers?x=1",
    );
    assert_eq!(with_path.check_origin(&DOMAINS), Ok(()));
}

#[test]
fn hand_built_messages_validate_or_are_rejected() {
    let base = SiweMessage {
        scheme: None,
        domain: "localhost:8080".into(),
        address: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23".into(),
        statement: None,
        uri: "http://localhost:8080/".into(),
        version: SiweVersion::V1,
        chain_id: 300,
        nonce: "abcdefgh12345678".into(),
        issued_at: Timestamp::parse("2024-01-17T18:21:53.120Z").unwrap(),
        expiration_time: None,
        not_before: None,
        request_id: None,
        resources: Vec::new(),
    };
    assert_eq!(base.to_string(), NO_STATEMENT);
    assert_eq!(base.validate(), Ok(()));

    let from_chrono = SiweMessage {
        issued_at: Utc
            .with_ymd_and_hms(2024, 1, 17, 18, 21, 53)
            .unwrap()
            .into(),
        ..base.clone()
    };
    assert_eq!(from_chrono.issued_at.as_str(), "2024-01-17T18:21:53Z");
    assert_eq!(from_chrono.validate(), Ok(()));

    let smuggled_line = SiweMessage {
        resources: vec!["https://a.b/\n- https://evil.example/".into()],
        ..base.clone()
    };
    assert_eq!(smuggled_line.validate(), Err(SiweError::Ambiguous));
    let smuggled_scheme = SiweMessage {
        domain: "https://example.com".into(),
        ..base.clone()
    };
    assert_eq!(smuggled_scheme.validate(), Err(SiweError::Ambiguous));
    let multi_line_statement = SiweMessage {
        statement: Some("one\ntwo".into()),
        ..base.clone()
    };
    assert_eq!(multi_line_statement.validate(), Err(SiweError::Layout));
    let far_future = SiweMessage {
        issued_at: Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap().into(),
        ..base
    };
    assert_eq!(
        far_future.validate(),
        Err(SiweError::Timestamp(SiweField::IssuedAt))
    );
}

#[test]
fn text_conversions_and_timestamp_serde_validate() {
    let m = SiweMessage::parse(FULL).unwrap();
    let text: String = m.clone().into();
    assert_eq!(text, FULL);
    assert_eq!(SiweMessage::try_from(text), Ok(m));
    assert_eq!(
        SiweMessage::try_from(OFFBLOCKS.replace("Version: 1", "Version: 2")),
        Err(SiweError::Version)
    );
    let de = |s: &str| -> Result<Timestamp, String> {
        serde::Deserialize::deserialize(
            serde::de::value::StrDeserializer::<serde::de::value::Error>::new(s),
        )
        .map_err(|e| e.to_string())
    };
    assert_eq!(
        de("2024-01-17T18:21:53Z").unwrap().as_str(),
        "2024-01-17T18:21:53Z"
    );
    assert!(de("2024-01-17").is_err());
}

#[test]
fn field_labels_and_error_codes() {
    assert_eq!(SiweField::ChainId.label(), "Chain ID");
    assert_eq!(SiweField::Resources.label(), "Resources");
    assert_eq!(SiweField::IssuedAt.to_string(), "Issued At");
    assert_eq!(
        SiweError::MissingField(SiweField::IssuedAt).to_string(),
        "required line 'Issued At' is missing or out of order"
    );
    use SiweError as E;
    let all = [
        E::TooLong,
        E::NonAscii,
        E::CarriageReturn,
        E::Header,
        E::Scheme,
        E::Domain,
        E::Address,
        E::AddressChecksum,
        E::Layout,
        E::Statement,
        E::MissingField(SiweField::Uri),
        E::Uri,
        E::Version,
        E::ChainId,
        E::Nonce,
        E::Timestamp(SiweField::IssuedAt),
        E::RequestId,
        E::Resource,
        E::EmptyResources,
        E::UnexpectedLine(1),
        E::Ambiguous,
        E::Base64,
        E::AddressMismatch,
        E::ChainIdMismatch,
        E::NotYetValid,
        E::Expired,
        E::TooOld,
    ];
    let codes: std::collections::HashSet<_> = all.iter().map(|e| e.code()).collect();
    assert_eq!(codes.len(), all.len());
    for e in all {
        assert!(
            e.code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        );
    }
}

#[test]
fn uri_grammar_spot_checks() {
    for good in [
        "https://example.com",
        "https://example.com/",
        "https://user:pw@example.com:8443/a/b?c=d&e#f",
        "http://[2001:db8::1]/",
        "http://[v7.fe80::a+b]/",
        "file:///etc/hosts",
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "mailto:a@b.example",
        "ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
        "did:pkh:eip155:1:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
        "a:",
        "a+b.c-d:x%2F",
    ] {
        assert!(is_uri(good), "{good}");
    }
    for bad in [
        "",
        ":",
        "example.com",
        "1a:b",
        "https://exa mple.com",
        "https://example.com/%2",
        "https://example.com/<x>",
        "https://[::1/",
        "https://[::1]x/",
        "https://[g::1]/",
        "https://[v.x]/",
        "https://a@b@c/",
        "https://a:b:c/",
        "https://a/#b#c",
        "https://a/\\",
        "https://a/^",
    ] {
        assert!(!is_uri(bad), "{bad}");
    }
}

#[test]
fn mutated_messages_never_panic_and_accepted_ones_round_trip() {
    use base64::engine::general_purpose::STANDARD;
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0usize;
    for seed in valid_vectors() {
        let mut current = seed.clone().into_bytes();
        for round in 0..4000u32 {
            if round.is_multiple_of(4) {
                current = seed.clone().into_bytes();
            }
            current = rng.mutate(&current);
            // decode_challenge sees every byte string, parse the UTF-8 ones.
            let via_base64 = decode_challenge(&STANDARD.encode(&current));
            if let Ok(text) = core::str::from_utf8(&current) {
                let parsed = SiweMessage::parse(text);
                assert_eq!(via_base64.as_ref().map(|(_, m)| m), parsed.as_ref());
                if let Ok(message) = parsed {
                    accepted += 1;
                    assert_eq!(message.to_string(), text);
                    assert_eq!(message.validate(), Ok(()));
                }
            } else {
                assert_eq!(via_base64.unwrap_err(), SiweError::NonAscii);
            }
        }
    }
    // The mutations must also produce valid messages, or the round-trip
    // assertion above proves nothing.
    assert!(accepted > 1000, "only {accepted} mutants parsed");
}
