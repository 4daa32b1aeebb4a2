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

    /// The signature of `base` as `algorithm`, and its encoding. `context` is the client's
    /// OffBlocks context (base URL and signing configuration, no token).
    func signature(of base: Data, algorithm: Algorithm, context: OffBlocks) async throws -> (Data, SignatureEncoding) {
        switch kind {
        case .external(let encoding, let sign):
            return (try await sign(base), encoding)
        case .key(let key):
            return (try coreSignature(of: base, algorithm: algorithm, key: key, context: context), .raw)
        }
    }
}

/// The core's signature of `base` with `key`, raw.
///
/// Interim: the Swift bindings do not export the core's `SigningKey::sign_as(algorithm, base)`
/// yet. Until they do, the base goes through the core's own request signing: the request it
/// describes (method, URL, covered headers) is read back from the base, the core prepares its
/// signature again at the same `created`, and it is signed only if the core's signature base is
/// byte for byte the engine's, so nothing but the engine's base is ever signed. Covered
/// components this cannot read back (derived components other than `@method` and
/// `@target-uri`, parameters) fail with `signer_failed`: use `.external` for those.
private func coreSignature(of base: Data, algorithm: Algorithm, key: SigningKey, context: OffBlocks) throws -> Data {
    let refused = ClienteleError.Signature(
        code: "signer_failed",
        message: "the signature base uses components .key cannot sign in this version; use RequestSigner.external")
    var method: Clientele.Method?
    var url: String?
    var created: Date?
    var headers: [Header] = []
    for line in String(decoding: base, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
        guard line.first == "\"", let close = line.dropFirst().firstIndex(of: "\"") else { throw refused }
        let name = line[line.index(after: line.startIndex)..<close]
        let rest = line[line.index(after: close)...]
        guard rest.hasPrefix(": ") else { throw refused }
        let value = String(rest.dropFirst(2))
        switch name {
        case "@method": method = Clientele.method(named: value)
        case "@target-uri": url = value
        case "@signature-params":
            let seconds = value.components(separatedBy: ";").first { $0.hasPrefix("created=") }?.dropFirst("created=".count)
            created = seconds.flatMap { TimeInterval(String($0)) }.map { Date(timeIntervalSince1970: $0) }
        default:
            guard !name.hasPrefix("@") else { throw refused }
            headers.append(Header(name: String(name), value: value))
        }
    }
    guard let method, let url, let created else { throw refused }
    let pending = try context.resign(request: HttpRequest(method: method, url: url, headers: headers, body: Data()), now: created)
    guard pending.signatureBase() == base, pending.algorithm() == algorithm else { throw refused }
    let signed = try pending.sign(key: key)
    let label = context.signing().label
    guard let header = signed.headers.first(where: { $0.name.caseInsensitiveCompare("Signature") == .orderedSame }),
        header.value.hasPrefix("\(label)=:"), header.value.hasSuffix(":"),
        let signature = Data(base64Encoded: String(header.value.dropFirst(label.count + 2).dropLast()))
    else { throw refused }
    return signature
}
