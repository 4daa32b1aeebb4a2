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
/// deliveries must also carry a valid RFC 9421 signature. The deduplicator's memory (the event
/// ids seen, the latest state per customer) can be saved and restored across restarts.
public final class OffBlocksWebhooks: Sendable {
    private let publicKey: VerifyingKey?
    private let deduplicator: OffBlocksWebhookDeduplicator
    private let maxAgeSeconds: UInt32
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - publicKey: OffBlocks' key for delivery signatures, when it gives you one.
    ///   - capacity: how many event ids are remembered for deduplication (default from the core).
    ///   - maxAgeSeconds: the oldest signature accepted (default from the core).
    public convenience init(
        publicKey: VerifyingKey? = nil, capacity: UInt32 = clientDefaults().webhookDedupeCapacity,
        maxAgeSeconds: UInt32 = clientDefaults().webhookMaxAgeS,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(OffBlocksWebhookDeduplicator(capacity: capacity), publicKey, maxAgeSeconds, now)
    }

    private init(
        _ deduplicator: OffBlocksWebhookDeduplicator, _ publicKey: VerifyingKey?, _ maxAgeSeconds: UInt32,
        _ now: @escaping @Sendable () -> Date
    ) {
        self.deduplicator = deduplicator
        self.publicKey = publicKey
        self.maxAgeSeconds = maxAgeSeconds
        self.now = now
    }

    /// A receiver that remembers what `save()` returned (its capacity included), e.g. after a
    /// restart; anything else fails with `invalid_argument` (the core's check).
    public static func restore(
        state: String, publicKey: VerifyingKey? = nil, maxAgeSeconds: UInt32 = clientDefaults().webhookMaxAgeS,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> OffBlocksWebhooks {
        OffBlocksWebhooks(try OffBlocksWebhookDeduplicator.restore(state: state), publicKey, maxAgeSeconds, now)
    }

    /// The deduplicator's state (JSON text: event ids and customer ids with their last update,
    /// no personal data), to keep and hand to `restore(state:)` later.
    public func save() -> String {
        deduplicator.save()
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
