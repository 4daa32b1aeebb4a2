import Foundation

/// How a client times out, retries and refreshes, in seconds (`TimeInterval`). The names are the
/// same in every host (`timeoutMs`, ... in JavaScript; `Duration`s in Kotlin), and so are the
/// defaults: every one is read from the core (`clientDefaults()`), where it is written once.
///
/// The client only performs what the core's engine decides: which answers are retried, how long
/// to wait (`Retry-After`, or a backoff with jitter from `baseDelay` doubling up to `maxDelay`),
/// when an OffBlocks token is refreshed and when a late retry is signed again.
public struct ClientOptions: Sendable, Equatable {
    /// The time limit of one attempt, from sending to the end of the answer's body; 0 (or
    /// `.infinity`) means none.
    public var timeout: TimeInterval
    /// Retries after the first attempt; 0 disables retries.
    public var maxRetries: Int
    /// The first backoff when the provider gives no `Retry-After` (doubled on each retry).
    public var baseDelay: TimeInterval
    /// The longest backoff.
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` waited for; a longer one fails the call with the provider's
    /// error (which carries the `Retry-After`).
    public var maxRetryAfter: TimeInterval
    /// An OffBlocks token is refreshed this long before it expires (whole seconds).
    public var tokenRefreshMargin: TimeInterval
    /// A retry whose signature is older than this is signed again (whole seconds).
    public var resignAfter: TimeInterval

    /// The core's defaults, with the values you pass instead.
    public init(
        timeout: TimeInterval? = nil, maxRetries: Int? = nil, baseDelay: TimeInterval? = nil,
        maxDelay: TimeInterval? = nil, maxRetryAfter: TimeInterval? = nil,
        tokenRefreshMargin: TimeInterval? = nil, resignAfter: TimeInterval? = nil
    ) {
        let defaults = ClientOptions(engine: clientDefaults().client)
        self.timeout = timeout ?? defaults.timeout
        self.maxRetries = maxRetries ?? defaults.maxRetries
        self.baseDelay = baseDelay ?? defaults.baseDelay
        self.maxDelay = maxDelay ?? defaults.maxDelay
        self.maxRetryAfter = maxRetryAfter ?? defaults.maxRetryAfter
        self.tokenRefreshMargin = tokenRefreshMargin ?? defaults.tokenRefreshMargin
        self.resignAfter = resignAfter ?? defaults.resignAfter
    }

    /// The options the core's engine uses, in its units.
    public init(engine: EngineOptions) {
        timeout = seconds(milliseconds: engine.timeoutMs)
        maxRetries = Int(engine.maxRetries)
        baseDelay = seconds(milliseconds: engine.baseDelayMs)
        maxDelay = seconds(milliseconds: engine.maxDelayMs)
        maxRetryAfter = seconds(milliseconds: engine.maxRetryAfterMs)
        tokenRefreshMargin = TimeInterval(engine.tokenRefreshMarginS)
        resignAfter = TimeInterval(engine.resignAfterS)
    }

    /// These options in the engine's units (milliseconds and seconds, rounded up so a positive
    /// value never becomes 0); `invalid_argument` for a negative, NaN or too large value.
    public func engine() throws -> EngineOptions {
        EngineOptions(
            timeoutMs: try milliseconds(timeout, "timeout", unlimited: true),
            maxRetries: try count(maxRetries, "maxRetries"),
            baseDelayMs: try milliseconds(baseDelay, "baseDelay"),
            maxDelayMs: try milliseconds(maxDelay, "maxDelay"),
            maxRetryAfterMs: try milliseconds(maxRetryAfter, "maxRetryAfter"),
            tokenRefreshMarginS: try wholeSeconds(tokenRefreshMargin, "tokenRefreshMargin"),
            resignAfterS: try wholeSeconds(resignAfter, "resignAfter"))
    }

    /// The engine's options for one call: these, with the call's `timeout` and `maxRetries`.
    func engine(timeout: TimeInterval?, maxRetries: Int?) throws -> EngineOptions {
        clientOptionsWith(
            options: try engine(),
            call: CallOptions(
                timeoutMs: try timeout.map { try milliseconds($0, "timeout", unlimited: true) },
                maxRetries: try maxRetries.map { try count($0, "maxRetries") }))
    }
}

private func seconds(milliseconds: UInt32) -> TimeInterval { TimeInterval(milliseconds) / 1000 }

private func invalid(_ name: String, _ value: String) -> ClienteleError {
    .Validation(
        code: "invalid_argument", message: "ClientOptions.\(name) must be a non-negative number that fits, not \(value)",
        issues: [])
}

/// `seconds` in whole milliseconds; `.infinity` is 0 (no limit) where `unlimited`.
private func milliseconds(_ seconds: TimeInterval, _ name: String, unlimited: Bool = false) throws -> UInt32 {
    if unlimited && seconds == .infinity { return 0 }
    let ms = (seconds * 1000).rounded(.up)
    guard ms.isFinite, ms >= 0, ms <= TimeInterval(UInt32.max) else { throw invalid(name, "\(seconds)") }
    return UInt32(ms)
}

private func wholeSeconds(_ seconds: TimeInterval, _ name: String) throws -> UInt32 {
    let s = seconds.rounded(.up)
    guard s.isFinite, s >= 0, s <= TimeInterval(UInt32.max) else { throw invalid(name, "\(seconds)") }
    return UInt32(s)
}

private func count(_ n: Int, _ name: String) throws -> UInt32 {
    guard let value = UInt32(exactly: n) else { throw invalid(name, "\(n)") }
    return value
}
