import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The host's half of the core's client engine. Every decision (whether an answer is final,
/// whether to retry and after how long, when to get or refresh a token, when to sign again, which
/// error ends the call) is made by the engine (`BlocCall`, `OffBlocksCall`); this only performs
/// its actions: send with the transport within the time limit, sleep, read the clock and the
/// random source, sign, ask the token provider.
struct HostIO: Sendable {
    let transport: any Transport
    let now: @Sendable () -> Date
    let sleep: @Sendable (TimeInterval) async throws -> Void
    let random: @Sendable () -> Double

    /// What became of a request sent.
    enum Sent {
        case response(HttpResponse)
        case failure(TransportFailure)
    }

    /// Sends `request` within `timeoutMs` (0: no limit): the answer, or the failure to report.
    func send(_ request: HttpRequest, timeoutMs: UInt32) async -> Sent {
        let limit = timeoutMs == 0 ? TimeInterval.infinity : TimeInterval(timeoutMs) / 1000
        let transport = self.transport
        do {
            let response = try await withDeadline(limit) { try await transport.send(request, timeout: limit) }
            // A transport that ignored the cancellation still ends the call.
            return Task.isCancelled ? .failure(.aborted) : .response(response)
        } catch {
            return .failure(failure(of: error))
        }
    }

    /// Waits `ms` milliseconds; false when the wait was cancelled (or the sleeper gave up).
    func wait(ms: UInt64) async -> Bool {
        do {
            try await sleep(TimeInterval(ms) / 1000)
            return !Task.isCancelled
        } catch {
            return false
        }
    }

    /// Runs a Bloc call to its final answer (or throws the error the engine ends it with).
    func run(_ call: BlocCall, _ bloc: Bloc) async throws -> HttpResponse {
        var action = try call.start(bloc: bloc, now: now())
        while true {
            switch action {
            case .send(let request, let timeoutMs, _, _):
                switch await send(request, timeoutMs: timeoutMs) {
                case .response(let response): action = try call.onResponse(response: response, now: now(), jitter: random())
                // An abort ends the call: no jitter is drawn for it.
                case .failure(.aborted): action = try call.onFailure(failure: .aborted, now: now(), jitter: 0)
                case .failure(let failure): action = try call.onFailure(failure: failure, now: now(), jitter: random())
                }
            case .wait(let ms, _):
                if await wait(ms: ms) {
                    action = try call.onWaited(now: now())
                } else {
                    action = try call.onFailure(failure: .aborted, now: now(), jitter: 0)
                }
            case .done(let response, _):
                return response
            case .sign, .obtainToken:
                throw ClienteleError.Other(code: "internal", message: "the engine asked a Bloc call for a signature or a token")
            }
        }
    }

    /// Runs an OffBlocks call to its final answer (or throws the error the engine ends it with).
    func run(_ call: OffBlocksCall, _ session: OffBlocksSession, signer: RequestSigner, tokens: TokenGate?) async throws -> HttpResponse {
        var action = try call.start(session: session, now: now())
        while true {
            switch action {
            case .send(let request, let timeoutMs, _, _):
                switch await send(request, timeoutMs: timeoutMs) {
                case .response(let response):
                    action = try call.onResponse(session: session, response: response, now: now(), jitter: random())
                case .failure(.aborted): action = try call.onFailure(failure: .aborted, now: now(), jitter: 0)
                case .failure(let failure): action = try call.onFailure(failure: failure, now: now(), jitter: random())
                }
            case .wait(let ms, _):
                if await wait(ms: ms) {
                    action = try call.onWaited(session: session, now: now())
                } else {
                    action = try call.onFailure(failure: .aborted, now: now(), jitter: 0)
                }
            case .sign(let base, let algorithm):
                let signature: (Data, SignatureEncoding)
                do {
                    signature = try await signer.signature(of: base, algorithm: algorithm)
                } catch {
                    if Task.isCancelled || error is CancellationError {
                        action = try call.onFailure(failure: .aborted, now: now(), jitter: 0)
                        continue
                    }
                    throw error as? ClienteleError
                        ?? .Signature(code: "signer_failed", message: "the request signer failed (\(type(of: error)))")
                }
                if Task.isCancelled {
                    action = try call.onFailure(failure: .aborted, now: now(), jitter: 0)
                } else {
                    action = try call.onSignature(signature: signature.0, encoding: signature.1, now: now())
                }
            case .obtainToken:
                guard let tokens else {
                    throw ClienteleError.Other(code: "internal", message: "the engine asked for a token, and the client has no token provider")
                }
                let token: AccessToken
                do {
                    token = try await tokens.obtain()
                } catch {
                    if Task.isCancelled || error is CancellationError {
                        action = try call.onFailure(failure: .aborted, now: now(), jitter: 0)
                        continue
                    }
                    throw error as? ClienteleError
                        ?? .Credentials(code: "token_unavailable", message: "the token provider failed (\(type(of: error)))")
                }
                if Task.isCancelled {
                    action = try call.onFailure(failure: .aborted, now: now(), jitter: 0)
                } else {
                    action = try call.onToken(session: session, token: token.token, expiresAt: token.expiresAt, now: now())
                }
            case .done(let response, _):
                return response
            }
        }
    }
}

/// The failure a transport error is: cancellation is `aborted`, a time limit `timeout`
/// (`URLError(.timedOut)` included), anything else `network`.
func failure(of error: Error) -> TransportFailure {
    if Task.isCancelled || error is CancellationError { return .aborted }
    if error is DeadlineExceeded { return .timeout }
    if let error = error as? URLError, error.code == .timedOut { return .timeout }
    return .network
}

/// One provider call at a time: calls that need a token while another is being obtained share
/// its result instead of asking the provider again.
actor TokenGate {
    private let provider: @Sendable () async throws -> AccessToken
    private var inFlight: Task<AccessToken, Error>?

    init(_ provider: @escaping @Sendable () async throws -> AccessToken) {
        self.provider = provider
    }

    func obtain() async throws -> AccessToken {
        if let inFlight { return try await inFlight.value }
        let task = Task { [provider] in try await provider() }
        inFlight = task
        defer { inFlight = nil }
        return try await task.value
    }
}

struct DeadlineExceeded: Error {}

/// Runs `operation`, or throws `DeadlineExceeded` after `seconds` (cancelling it); an infinite
/// limit runs it as it is.
func withDeadline<T: Sendable>(_ seconds: TimeInterval, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    guard seconds.isFinite else { return try await operation() }
    return try await withThrowingTaskGroup(of: T.self) { group in
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
