import Foundation

/// OffBlocks customers over any `Transport`. The core's engine runs every call: it gets the
/// bearer token from the client's token source (and refreshes it before it expires, or once after
/// a 401), has `signer` sign each request, retries what is safe to retry with the SAME
/// Idempotency-Key and body bytes (signing a late retry again), and ends the call with the parsed
/// value or a `ClienteleError`. Every modifying call gets a fresh Idempotency-Key (or the one you
/// pass, to resume an operation).
public final class OffBlocksClient: Sendable {
    /// Where the client gets its bearer token.
    public enum TokenSource: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// The API key and secret: the client sends `POST /auth/token` itself (calls that need a
        /// token at the same time share the one request in flight). The secret belongs on a
        /// server, never in an app.
        case credentials(ApiCredentials)
        /// Your function, asked whenever a token is needed (none yet, one about to expire, one
        /// refused with a 401): an app asks its own backend, which holds the secret. Calls that
        /// need a token at the same time share one call of it. A `ClienteleError` it throws ends
        /// the call as it is; any other error ends it with `token_unavailable`.
        case provider(@Sendable () async throws -> AccessToken)
        /// One token, never refreshed (a 401 fails the call).
        case fixed(String, expiresAt: Date? = nil)

        /// Never the secret or the token.
        public var description: String {
            switch self {
            case .credentials(let credentials): return "TokenSource.credentials(\(credentials.debugDescription))"
            case .provider: return "TokenSource.provider"
            case .fixed(_, let expiresAt): return "TokenSource.fixed(<redacted>, expiresAt: \(expiresAt.map { "\($0)" } ?? "nil"))"
            }
        }

        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }
    }

    /// The client's options (every default from the core).
    public let options: ClientOptions
    private let session: OffBlocksSession
    private let signer: RequestSigner
    private let tokens: TokenGate?
    /// The session's token requests in flight, shared by concurrent calls.
    private let tokenRequests = SharedRequests()
    private let io: HostIO
    private let engineOptions: EngineOptions
    private let newIdempotencyKey: @Sendable () -> String

    /// - Parameters:
    ///   - baseUrl: `offblocksSandboxBaseUrl()`, `offblocksLiveBaseUrl()` or a local emulator.
    ///   - signing: `offblocksDefaultSigningConfig(keyId:)` with the id of your registered key.
    ///   - tokenSource: `.provider { ... }` in an app, `.credentials(...)` on a server, or `.fixed`.
    ///     Inside an iOS app, `.credentials` for the live API are refused
    ///     (`unsafe_app_credentials`, the core's rule) unless `dangerouslyAllowInApp`.
    ///   - signer: `.key(...)` to sign in the core, `.external(...)` for a key kept elsewhere.
    ///   - challengePaths: where the ownership challenge lives, if not at the default paths.
    ///   - options: time limits, retries, token refresh margin, re-signing age.
    ///   - appInfo: your application, named in the `User-Agent` of every request.
    ///   - onEvent: called with every event of every call (request sent, response received,
    ///     request failed, retry scheduled), masked; what it throws is ignored.
    ///   - dangerouslyAllowInApp: accept the live API secret inside an app, where anyone who
    ///     installs it can extract it. Use a token provider instead.
    ///   - now: the clock (signature `created`, token expiry, `Retry-After` dates, challenge checks).
    ///   - sleep: waits between attempts; cancelling the task must end it (`Task.sleep` does).
    ///   - random: jitter of the backoff, a value in `0..<1`.
    ///   - newIdempotencyKey: a fresh UUID per modifying operation.
    public init(
        baseUrl: String, signing: SigningConfig, tokenSource: TokenSource, signer: RequestSigner,
        challengePaths: ChallengePaths? = nil, transport: any Transport = URLSessionTransport(),
        options: ClientOptions = ClientOptions(), appInfo: AppInfo? = nil, onEvent: EventListener? = nil,
        dangerouslyAllowInApp: Bool = false, now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64($0 * 1_000_000_000)) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        newIdempotencyKey: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) throws {
        let source: Clientele.TokenSource
        switch tokenSource {
        case .credentials(let credentials):
            try checkOffBlocksSecretPlacement(baseUrl: baseUrl, placement: Host.placement, dangerouslyAllow: dangerouslyAllowInApp)
            source = .credentials(credentials: credentials)
            tokens = nil
        case .provider(let provider):
            source = .provider
            tokens = TokenGate(provider)
        case .fixed(let token, let expiresAt):
            source = .fixed(token: token, expiresAt: expiresAt)
            tokens = nil
        }
        session = try OffBlocksSession(baseUrl: baseUrl, signing: signing, challengePaths: challengePaths, source: source)
        self.signer = signer
        self.options = options
        engineOptions = try options.engine()
        io = HostIO(
            transport: transport, now: now, sleep: sleep, random: random, identity: Host.identity(app: appInfo),
            events: EventSink(listener: onEvent))
        self.newIdempotencyKey = newIdempotencyKey
    }

    /// The session's bearer token: the core's access-token operation obtains one (or refreshes
    /// the one held) by the same rules and retries as any call, and sends nothing else. A backend
    /// hands it to its apps.
    public func accessToken(timeout: TimeInterval? = nil, maxRetries: Int? = nil) async throws -> SessionToken {
        try await accessTokenWithResponse(timeout: timeout, maxRetries: maxRetries).value
    }

    /// `accessToken`, with the metadata of the token request's answer: `response` is nil when
    /// nothing was sent (the token held, or one from the provider).
    public func accessTokenWithResponse(
        timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> (value: SessionToken, response: ResponseInfo?) {
        let answer = try await run(.accessToken, timeout, maxRetries)
        guard let token = session.token() else {
            throw ClienteleError.Credentials(code: "token_unavailable", message: "the session holds no token")
        }
        return (token, answer.received.map { ResponseInfo($0, attempts: answer.attempts) })
    }

    /// Uses `token` from now on: one the token source gave earlier (an app's provider token kept
    /// across launches, say), so no call has to wait for a new one while it is fresh. The engine
    /// refreshes it by its usual rules. Throws the core's error for a token it cannot send
    /// (empty, or anything but printable ASCII without spaces).
    public func setToken(_ token: String, expiresAt: Date?) throws {
        try session.setToken(token: token, expiresAt: expiresAt)
    }

    /// Runs `operation` through the engine to its final answer.
    private func run(_ operation: OffBlocksOperation, _ timeout: TimeInterval?, _ maxRetries: Int?) async throws -> HostIO.Answer {
        let options = timeout == nil && maxRetries == nil
            ? engineOptions : try self.options.engine(timeout: timeout, maxRetries: maxRetries)
        let call = OffBlocksCall(operation: operation, options: options)
        return try await io.run(call, session, signer: signer, tokens: tokens, shared: tokenRequests)
    }

    /// Runs `operation`; the value `parse` reads from its final answer, with the answer's
    /// metadata. Every operation but the access token goes through here.
    private func call<T>(
        _ operation: OffBlocksOperation, _ timeout: TimeInterval?, _ maxRetries: Int?, _ parse: (HttpResponse) throws -> T
    ) async throws -> Response<T> {
        try await run(operation, timeout, maxRetries).parsed(parse)
    }

    /// `POST /customers`; the answer carries the ownership challenge (`openChallenge`).
    public func createCustomer(
        _ input: OffBlocksCustomerCreate, idempotencyKey: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> OffBlocksCustomer {
        try await createCustomerWithResponse(input, idempotencyKey: idempotencyKey, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `createCustomer`, with the answer's metadata.
    public func createCustomerWithResponse(
        _ input: OffBlocksCustomerCreate, idempotencyKey: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<OffBlocksCustomer> {
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await call(.createCustomer(input: input, idempotencyKey: key), timeout, maxRetries, offblocksParseCreateCustomer)
    }

    /// `GET /customers`.
    public func listCustomers(timeout: TimeInterval? = nil, maxRetries: Int? = nil) async throws -> [OffBlocksCustomer] {
        try await listCustomersWithResponse(timeout: timeout, maxRetries: maxRetries).value
    }

    /// `listCustomers`, with the answer's metadata.
    public func listCustomersWithResponse(
        timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<[OffBlocksCustomer]> {
        try await call(.listCustomers, timeout, maxRetries, offblocksParseListCustomers)
    }

    /// `GET /customers/{id}`.
    public func getCustomer(_ customerId: String, timeout: TimeInterval? = nil, maxRetries: Int? = nil) async throws -> OffBlocksCustomer {
        try await getCustomerWithResponse(customerId, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `getCustomer`, with the answer's metadata.
    public func getCustomerWithResponse(
        _ customerId: String, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<OffBlocksCustomer> {
        try await call(.getCustomer(customerId: customerId), timeout, maxRetries, offblocksParseGetCustomer)
    }

    /// `PATCH /customers/{id}/deactivate` (from `active`), which also deactivates the customer's
    /// accounts and cards; the customer when OffBlocks returns it.
    public func deactivateCustomer(
        _ customerId: String, idempotencyKey: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> OffBlocksCustomer? {
        try await deactivateCustomerWithResponse(customerId, idempotencyKey: idempotencyKey, timeout: timeout, maxRetries: maxRetries)
            .value
    }

    /// `deactivateCustomer`, with the answer's metadata.
    public func deactivateCustomerWithResponse(
        _ customerId: String, idempotencyKey: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<OffBlocksCustomer?> {
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await call(
            .deactivateCustomer(customerId: customerId, idempotencyKey: key), timeout, maxRetries, offblocksParseStatusChange)
    }

    /// `PATCH /customers/{id}/activate` (from `inactive`).
    public func activateCustomer(
        _ customerId: String, idempotencyKey: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> OffBlocksCustomer? {
        try await activateCustomerWithResponse(customerId, idempotencyKey: idempotencyKey, timeout: timeout, maxRetries: maxRetries)
            .value
    }

    /// `activateCustomer`, with the answer's metadata.
    public func activateCustomerWithResponse(
        _ customerId: String, idempotencyKey: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<OffBlocksCustomer?> {
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await call(
            .activateCustomer(customerId: customerId, idempotencyKey: key), timeout, maxRetries, offblocksParseStatusChange)
    }

    /// Sandbox only: moves a customer through verification.
    public func simulateVerification(
        _ customerId: String, idempotencyKey: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws {
        try await simulateVerificationWithResponse(customerId, idempotencyKey: idempotencyKey, timeout: timeout, maxRetries: maxRetries)
            .value
    }

    /// `simulateVerification`, with the answer's metadata.
    public func simulateVerificationWithResponse(
        _ customerId: String, idempotencyKey: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<Void> {
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await call(
            .simulateVerification(customerId: customerId, idempotencyKey: key), timeout, maxRetries, offblocksParseSimulatorVerify)
    }

    /// Checks the challenge a created customer carries, before the wallet signs it.
    public func openChallenge(_ customer: OffBlocksCustomer) throws -> Challenge {
        try Clientele.openChallenge(encoded: customer.challenge ?? "", chainId: customer.chainId, now: io.now())
    }

    /// Gets the customer's current challenge and checks it, before the wallet signs it.
    public func getChallenge(
        _ customer: OffBlocksCustomer, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Challenge {
        try await getChallengeWithResponse(customer, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `getChallenge`, with the answer's metadata.
    public func getChallengeWithResponse(
        _ customer: OffBlocksCustomer, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<Challenge> {
        let now = io.now
        return try await call(.getChallenge(customerId: customer.id), timeout, maxRetries) { response in
            try Clientele.openChallenge(encoded: try offblocksParseChallenge(response: response), chainId: customer.chainId, now: now())
        }
    }

    /// Submits the wallet's `personal_sign` signature of the challenge's message, after checking
    /// that it recovers to the customer's own wallet and that the challenge has not expired while the wallet signed (either is refused before sending).
    public func submitChallenge(
        _ customerId: String, _ challenge: Challenge, walletSignatureHex: String, idempotencyKey: String? = nil,
        timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> OffBlocksCustomer? {
        try await submitChallengeWithResponse(
            customerId, challenge, walletSignatureHex: walletSignatureHex, idempotencyKey: idempotencyKey, timeout: timeout,
            maxRetries: maxRetries
        ).value
    }

    /// `submitChallenge`, with the answer's metadata.
    public func submitChallengeWithResponse(
        _ customerId: String, _ challenge: Challenge, walletSignatureHex: String, idempotencyKey: String? = nil,
        timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<OffBlocksCustomer?> {
        let submission = try acceptChallengeSignatureAt(challenge: challenge, signatureHex: walletSignatureHex, now: io.now())
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await call(
            .submitChallenge(customerId: customerId, submission: submission, idempotencyKey: key), timeout, maxRetries,
            offblocksParseSubmitChallenge)
    }
}
