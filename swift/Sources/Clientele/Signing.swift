import Foundation

/// Completes OffBlocks requests with their RFC 9421 signature. The private key can stay where the
/// platform keeps it: `.external` hands the exact bytes to sign to any signer (the Secure Enclave
/// or `SecKeyCreateSignature` return DER), `.key` signs in the core with a PEM or JWK key.
public struct RequestSigner: Sendable {
    private let completeRequest: @Sendable (SigningRequest) async throws -> HttpRequest

    /// A signer from a function that completes a pending request.
    public init(_ complete: @escaping @Sendable (SigningRequest) async throws -> HttpRequest) {
        completeRequest = complete
    }

    /// Signs `pending` and returns the request to send.
    public func complete(_ pending: SigningRequest) async throws -> HttpRequest {
        try await completeRequest(pending)
    }

    /// Signs in the core with `key` (deterministic RFC 6979 ECDSA).
    public static func key(_ key: SigningKey) -> RequestSigner {
        RequestSigner { try $0.sign(key: key) }
    }

    /// Signs with an external signer: `sign` receives the signature base and returns the
    /// signature in `encoding` (raw `r||s`, or DER as `SecKeyCreateSignature` returns).
    public static func external(
        _ encoding: SignatureEncoding, _ sign: @escaping @Sendable (Data) async throws -> Data
    ) -> RequestSigner {
        RequestSigner { pending in try pending.finish(signature: try await sign(pending.signatureBase()), encoding: encoding) }
    }
}
