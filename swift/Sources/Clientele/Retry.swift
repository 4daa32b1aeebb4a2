import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// When to send a request again. Only errors the core marks retryable (429, an in-flight
/// idempotent request, 5xx on idempotent operations) and transport failures of retry-safe
/// requests are retried, and always with the SAME request: same Idempotency-Key, same body bytes,
/// same signature. `Retry-After` is honoured; a wait longer than `maxRetryAfter` is not waited
/// for: the error is thrown instead.
public struct RetryPolicy: Sendable {
    /// Attempts in total, the first included (1 disables retries).
    public var maxAttempts: Int
    /// The wait before the first retry when the provider gives no `Retry-After`; doubled each time.
    public var initialBackoff: TimeInterval
    /// The longest backoff between two attempts.
    public var maxBackoff: TimeInterval
    /// The longest `Retry-After` the client waits for.
    public var maxRetryAfter: TimeInterval

    /// A policy; the defaults make 3 attempts, backing off from half a second up to 10 seconds,
    /// and wait at most a minute for a `Retry-After`.
    public init(maxAttempts: Int = 3, initialBackoff: TimeInterval = 0.5, maxBackoff: TimeInterval = 10, maxRetryAfter: TimeInterval = 60) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// Every request is sent once.
    public static let none = RetryPolicy(maxAttempts: 1)
}

/// Sends built requests through a transport, maps transport failures, retries as the policy says.
struct Exchanger: Sendable {
    let transport: any Transport
    let retry: RetryPolicy
    let timeout: TimeInterval
    let now: @Sendable () -> Date

    /// Sends `request` (again, unchanged, while retries are allowed) and parses the answer.
    func exchange<T>(_ request: HttpRequest, _ parse: (HttpResponse) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            let failure: ClienteleError
            do {
                return try parse(try await sendOnce(request))
            } catch let error as ClienteleError {
                failure = error
            }
            guard attempt < retry.maxAttempts, failure.isRetryable(), let wait = waitBefore(failure, attempt) else {
                throw failure
            }
            if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000)) }
            attempt += 1
        }
    }

    private func sendOnce(_ request: HttpRequest) async throws -> HttpResponse {
        let what = "\(methodName(request.method)) \(request.url)"
        do {
            return try await withDeadline(timeout + 1) { try await transport.send(request, timeout: timeout) }
        } catch let error as ClienteleError {
            throw error
        } catch is DeadlineExceeded {
            throw timedOut(what, request)
        } catch let error as URLError where error.code == .timedOut {
            throw timedOut(what, request)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ClienteleError.Transport(
                code: "transport_failed", message: "\(what) could not be sent: \(error.localizedDescription)",
                timedOut: false, retryable: requestIsRetrySafe(request: request))
        }
    }

    private func timedOut(_ what: String, _ request: HttpRequest) -> ClienteleError {
        .Transport(
            code: "timeout", message: "\(what): no answer within \(timeout) s", timedOut: true,
            retryable: requestIsRetrySafe(request: request))
    }

    private func waitBefore(_ error: ClienteleError, _ attempt: Int) -> TimeInterval? {
        if case .Api(_, _, _, _, _, let seconds, let at, _, _) = error {
            let told = seconds.map { TimeInterval($0) } ?? at.map { $0.timeIntervalSince(now()) }
            if let told { return told > retry.maxRetryAfter ? nil : max(0, told) }
        }
        let backoff = retry.initialBackoff * pow(2, Double(min(attempt - 1, 20)))
        return min(backoff, retry.maxBackoff)
    }
}

struct DeadlineExceeded: Error {}

/// Runs `operation`, or throws `DeadlineExceeded` after `seconds` (cancelling it).
func withDeadline<T: Sendable>(_ seconds: TimeInterval, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw DeadlineExceeded() }
        return first
    }
}
