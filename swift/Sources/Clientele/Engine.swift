import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The host's half of the core's client engine. Every decision (whether an answer is final,
/// whether to retry and after how long, when to get or refresh a token, when to sign again, which
/// error ends the call) is made by the engine (`BlocCall`, `OffBlocksCall`); this only performs
/// its actions: send with the transport within the time limit, sleep, read the clock and the
/// random source, sign, ask the token provider; each call names the client (`identity`) and
/// hands the engine's events to the client's listener after every step.
struct HostIO: Sendable {
    let transport: any Transport
    let now: @Sendable () -> Date
    let sleep: @Sendable (TimeInterval) async throws -> Void
    let random: @Sendable () -> Double
    let identity: Identity
    let events: EventSink

    /// The end of a call: the engine's final answer and how many times it sent the operation,
    /// and the last answer received (none when nothing was sent: an access token still fresh).
    struct Answer: Sendable {
        let response: HttpResponse
        let attempts: UInt32
        let received: HttpResponse?
    }

    /// What became of a request sent.
    enum Sent: Sendable {
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

    /// Runs `step` of a call, then delivers the events it produced (those of a failing step too).
    private func step(_ takeEvents: () -> [Event], _ step: () throws -> Action) throws -> Action {
        defer { events.deliver(takeEvents()) }
        return try step()
    }

    /// Runs a Bloc call to its final answer (or throws the error the engine ends it with).
    func run(_ call: BlocCall, _ bloc: Bloc) async throws -> Answer {
        call.identify(identity: identity)
        let events = { call.takeEvents() }
        var received: HttpResponse?
        var action = try step(events) { try call.start(bloc: bloc, now: now()) }
        while true {
            switch action {
            case .send(let request, let timeoutMs, _, _):
                switch await send(request, timeoutMs: timeoutMs) {
                case .response(let response):
                    received = response
                    action = try step(events) { try call.onResponse(response: response, now: now(), jitter: random()) }
                // An abort ends the call: no jitter is drawn for it.
                case .failure(.aborted): action = try step(events) { try call.onFailure(failure: .aborted, now: now(), jitter: 0) }
                case .failure(let failure):
                    action = try step(events) { try call.onFailure(failure: failure, now: now(), jitter: random()) }
                }
            case .wait(let ms, _):
                if await wait(ms: ms) {
                    action = try step(events) { try call.onWaited(now: now()) }
                } else {
                    action = try step(events) { try call.onFailure(failure: .aborted, now: now(), jitter: 0) }
                }
            case .done(let response, let attempts):
                return Answer(response: response, attempts: attempts, received: received)
            case .sign, .obtainToken:
                throw ClienteleError.Other(code: "internal", message: "the engine asked a Bloc call for a signature or a token")
            }
        }
    }

    /// Runs an OffBlocks call to its final answer (or throws the error the engine ends it with).
    /// Token requests go through `shared`, the session's token requests in flight.
    func run(
        _ call: OffBlocksCall, _ session: OffBlocksSession, signer: RequestSigner, tokens: TokenGate?, shared: SharedRequests
    ) async throws -> Answer {
        call.identify(identity: identity)
        let events = { call.takeEvents() }
        var received: HttpResponse?
        var action = try step(events) { try call.start(session: session, now: now()) }
        while true {
            switch action {
            case .send(let request, let timeoutMs, _, let purpose):
                let sent = purpose == .token
                    ? await shared.send(request) { [self] in await send(request, timeoutMs: timeoutMs) }
                    : await send(request, timeoutMs: timeoutMs)
                switch sent {
                case .response(let response):
                    received = response
                    action = try step(events) {
                        try call.onResponse(session: session, response: response, now: now(), jitter: random())
                    }
                case .failure(.aborted): action = try step(events) { try call.onFailure(failure: .aborted, now: now(), jitter: 0) }
                case .failure(let failure):
                    action = try step(events) { try call.onFailure(failure: failure, now: now(), jitter: random()) }
                }
            case .wait(let ms, _):
                if await wait(ms: ms) {
                    action = try step(events) { try call.onWaited(session: session, now: now()) }
                } else {
                    action = try step(events) { try call.onFailure(failure: .aborted, now: now(), jitter: 0) }
                }
            case .sign(let base, let algorithm):
                let signature: (Data, SignatureEncoding)
                do {
                    signature = try await signer.signature(of: base, algorithm: algorithm)
                } catch {
                    if Task.isCancelled || error is CancellationError {
                        action = try step(events) { try call.onFailure(failure: .aborted, now: now(), jitter: 0) }
                        continue
                    }
                    throw error as? ClienteleError
                        ?? .Signature(code: "signer_failed", message: "the request signer failed (\(type(of: error)))")
                }
                if Task.isCancelled {
                    action = try step(events) { try call.onFailure(failure: .aborted, now: now(), jitter: 0) }
                } else {
                    action = try step(events) { try call.onSignature(signature: signature.0, encoding: signature.1, now: now()) }
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
                        action = try step(events) { try call.onFailure(failure: .aborted, now: now(), jitter: 0) }
                        continue
                    }
                    throw error as? ClienteleError
                        ?? .Credentials(code: "token_unavailable", message: "the token provider failed (\(type(of: error)))")
                }
                if Task.isCancelled {
                    action = try step(events) { try call.onFailure(failure: .aborted, now: now(), jitter: 0) }
                } else {
                    action = try step(events) {
                        try call.onToken(session: session, token: token.token, expiresAt: token.expiresAt, now: now())
                    }
                }
            case .done(let response, let attempts):
                return Answer(response: response, attempts: attempts, received: received)
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

/// The requests in flight of one session that concurrent calls share: a call whose engine asks to
/// send a request identical (same URL and body) to one already in flight awaits that one's answer
/// instead of sending another, and hands the same answer (or failure) to its own engine, which
/// decides what it means. I/O coalescing, not a rule. A caller cancelled while it waits stops
/// waiting (`aborted`); the request goes on for the others and is cancelled when nobody waits.
final class SharedRequests: @unchecked Sendable {
    private struct Key: Hashable {
        let url: String
        let body: Data
    }

    private final class Flight: @unchecked Sendable {
        var task: Task<Void, Never>?
        var waiters: [UInt64: CheckedContinuation<HostIO.Sent, Never>] = [:]
    }

    private let lock = NSLock()
    private var flights: [Key: Flight] = [:]
    /// Callers between asking and waiting, and those of them cancelled meanwhile.
    private var arriving: Set<UInt64> = []
    private var cancelledEarly: Set<UInt64> = []
    private var lastId: UInt64 = 0

    /// The answer to `request`: `send` sends it unless an identical request is in flight, whose
    /// answer this awaits instead.
    func send(_ request: HttpRequest, _ send: @escaping @Sendable () async -> HostIO.Sent) async -> HostIO.Sent {
        let key = Key(url: request.url, body: request.body)
        let id = arrive()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<HostIO.Sent, Never>) in
                lock.lock()
                arriving.remove(id)
                if cancelledEarly.remove(id) != nil {
                    lock.unlock()
                    waiter.resume(returning: .failure(.aborted))
                    return
                }
                let flight: Flight
                if let existing = flights[key] {
                    flight = existing
                } else {
                    flight = Flight()
                    flights[key] = flight
                    // Not the caller's task: one caller's cancellation must not end the others' wait.
                    flight.task = Task { [self] in land(key, flight, await send()) }
                }
                flight.waiters[id] = waiter
                lock.unlock()
            }
        } onCancel: {
            leave(key, id)
        }
    }

    /// A new caller's id.
    private func arrive() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        lastId += 1
        arriving.insert(lastId)
        return lastId
    }

    /// The answer of `flight`, to everyone waiting for it.
    private func land(_ key: Key, _ flight: Flight, _ sent: HostIO.Sent) {
        lock.lock()
        if flights[key] === flight { flights[key] = nil }
        let waiters = flight.waiters.values
        flight.waiters = [:]
        lock.unlock()
        for waiter in waiters { waiter.resume(returning: sent) }
    }

    /// Caller `id` was cancelled: it stops waiting; the last one to go cancels the request.
    private func leave(_ key: Key, _ id: UInt64) {
        lock.lock()
        if arriving.remove(id) != nil {
            cancelledEarly.insert(id)
            lock.unlock()
            return
        }
        guard let flight = flights[key], let waiter = flight.waiters.removeValue(forKey: id) else {
            lock.unlock() // already answered
            return
        }
        let abandoned = flight.waiters.isEmpty
        if abandoned { flights[key] = nil }
        lock.unlock()
        waiter.resume(returning: .failure(.aborted))
        if abandoned { flight.task?.cancel() }
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
