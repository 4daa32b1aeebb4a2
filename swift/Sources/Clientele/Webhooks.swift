import Foundation

/// Verifies Bloc webhook deliveries: `X-Bloc-Webhook` is an HMAC of the RAW body, so pass the
/// bytes exactly as received, never a re-encoded JSON value.
public struct BlocWebhooks: Sendable {
    private let secret: String

    /// A verifier for deliveries signed with `secret` (Bloc's webhook secret).
    public init(secret: String) { self.secret = secret }

    /// Verifies the signature in `headers` against `rawBody`, then parses the event.
    public func receive(_ rawBody: Data, headers: [Header]) throws -> BlocWebhookEvent {
        try verifyBlocWebhook(body: rawBody, headers: headers, secret: secret)
    }

    /// The same, for servers that give headers as a dictionary.
    public func receive(_ rawBody: Data, headers: [String: String]) throws -> BlocWebhookEvent {
        try receive(rawBody, headers: headers.map { Header(name: $0.key, value: $0.value) })
    }
}

/// Receives OffBlocks webhook deliveries, which may repeat and arrive out of order: each one is
/// parsed and classified as new, duplicate or stale. When OffBlocks gives you a public key,
/// deliveries must also carry a valid RFC 9421 signature.
public final class OffBlocksWebhooks: Sendable {
    private let publicKey: VerifyingKey?
    private let deduplicator: OffBlocksWebhookDeduplicator
    private let maxAgeSeconds: UInt32
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - publicKey: OffBlocks' key for delivery signatures, when it gives you one.
    ///   - capacity: how many event ids are remembered for deduplication (default from the core).
    ///   - maxAgeSeconds: the oldest signature accepted (default from the core).
    public init(
        publicKey: VerifyingKey? = nil, capacity: UInt32 = clientDefaults().webhookDedupeCapacity,
        maxAgeSeconds: UInt32 = clientDefaults().webhookMaxAgeS,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.publicKey = publicKey
        deduplicator = OffBlocksWebhookDeduplicator(capacity: capacity)
        self.maxAgeSeconds = maxAgeSeconds
        self.now = now
    }

    /// Verifies (when a key is set: `url` and `headers` are then required), parses and classifies
    /// a delivery from its RAW body. Process only `.new` deliveries.
    public func receive(_ rawBody: Data, url: String = "", headers: [Header] = []) throws -> (event: OffBlocksWebhookEvent, delivery: Delivery) {
        if let publicKey {
            let delivery = HttpRequest(method: .post, url: url, headers: headers, body: rawBody)
            _ = try verifyOffBlocksWebhookSignature(
                delivery: delivery, publicKey: publicKey, now: now(), maxAgeSeconds: maxAgeSeconds)
        }
        let event = try parseOffBlocksWebhook(body: rawBody)
        return (event, deduplicator.observe(event: event))
    }
}
