import Foundation

/// Signs OffBlocks requests (RFC 9421). The core's engine decides what to sign and when (every
/// first attempt, and a retry whose signature has grown older than `resignAfter`) and hands over
/// the exact signature base; the signer returns the signature bytes. The private key can stay
/// where the platform keeps it: `.external` gives the base to any signer (the Secure Enclave or
/// `SecKeyCreateSignature`, which return DER; a KMS), `.key` signs in the core with a PEM or JWK
/// key.
public struct RequestSigner: Sendable {
    private enum Kind: Sendable {
        case key(SigningKey)
        case external(SignatureEncoding, @Sendable (Data) async throws -> Data)
    }

    private let kind: Kind

    /// Signs in the core with `key` (deterministic RFC 6979 ECDSA).
    public static func key(_ key: SigningKey) -> RequestSigner {
        RequestSigner(kind: .key(key))
    }

    /// Signs with an external signer: `sign` receives the signature base and returns the
    /// signature in `encoding` (raw `r||s`, or DER as `SecKeyCreateSignature` returns).
    /// Throwing from it fails the call (`signer_failed`, or your `ClienteleError` as it is).
    public static func external(
        _ encoding: SignatureEncoding, _ sign: @escaping @Sendable (Data) async throws -> Data
    ) -> RequestSigner {
        RequestSigner(kind: .external(encoding, sign))
    }

    /// The signature of `base` as `algorithm`, and its encoding.
    func signature(of base: Data, algorithm: Algorithm) async throws -> (Data, SignatureEncoding) {
        switch kind {
        case .external(let encoding, let sign):
            return (try await sign(base), encoding)
        case .key(let key):
            // The core signs exactly the engine's base (refusing an algorithm that is not the key's).
            return (try key.signAs(algorithm: algorithm, base: base), .raw)
        }
    }
}
