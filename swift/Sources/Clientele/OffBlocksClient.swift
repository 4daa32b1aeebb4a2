import Foundation

/// OffBlocks customers over any `Transport`. The client fetches and refreshes the bearer token
/// from `credentials`, signs every request with `signer`, and gives every modifying call a fresh
/// Idempotency-Key (or the one you pass, to resume an operation). A retry resends the very same
/// signed request: same key, same body bytes, same signature.
public actor OffBlocksClient {
    private let context: OffBlocks
    private let credentials: ApiCredentials
    private let signer: RequestSigner
    private let exchanger: Exchanger
    private let newIdempotencyKey: @Sendable () -> String
    private var token: AccessToken?
    private var authorized: OffBlocks?

    /// - Parameters:
    ///   - baseUrl: `offblocksSandboxBaseUrl()`, `offblocksLiveBaseUrl()` or a local emulator.
    ///   - signing: `offblocksDefaultSigningConfig(keyId:)` with the id of your registered key.
    ///   - credentials: the API key and secret exchanged for bearer tokens.
    ///   - signer: `.key(...)` to sign in the core, `.external(...)` for a key kept elsewhere.
    ///   - now: the clock (signature `created`, token expiry, challenge checks).
    ///   - newIdempotencyKey: a fresh UUID per modifying operation.
    public init(
        baseUrl: String, signing: SigningConfig, credentials: ApiCredentials, signer: RequestSigner,
        transport: any Transport = URLSessionTransport(), retry: RetryPolicy = RetryPolicy(),
        timeout: TimeInterval = 30, now: @escaping @Sendable () -> Date = { Date() },
        newIdempotencyKey: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) throws {
        context = try OffBlocks(baseUrl: baseUrl, signing: signing)
        self.credentials = credentials
        self.signer = signer
        exchanger = Exchanger(transport: transport, retry: retry, timeout: timeout, now: now)
        self.newIdempotencyKey = newIdempotencyKey
    }

    /// The current bearer token, fetched with `POST /auth/token` when missing or about to expire.
    public func accessToken() async throws -> AccessToken { try await authorize().0 }

    private func authorize() async throws -> (AccessToken, OffBlocks) {
        if let token, let authorized,
            !accessTokenNeedsRefresh(token: token, now: exchanger.now(), marginSeconds: 60)
        {
            return (token, authorized)
        }
        let fresh = try await exchanger.exchange(try context.buildTokenRequest(credentials: credentials), offblocksParseToken)
        let next = try context.withToken(token: fresh.token)
        token = fresh
        authorized = next
        return (fresh, next)
    }

    private func signed<T>(
        _ build: (OffBlocks, Date) throws -> SigningRequest, _ parse: (HttpResponse) throws -> T
    ) async throws -> T {
        let (_, offblocks) = try await authorize()
        let request = try await signer.complete(try build(offblocks, exchanger.now()))
        return try await exchanger.exchange(request, parse)
    }

    /// `POST /customers`; the answer carries the ownership challenge (`openChallenge`).
    public func createCustomer(_ input: OffBlocksCustomerCreate, idempotencyKey: String? = nil) async throws -> OffBlocksCustomer {
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await signed({ try $0.buildCreateCustomer(input: input, idempotencyKey: key, now: $1) }, offblocksParseCreateCustomer)
    }

    /// `GET /customers`.
    public func listCustomers() async throws -> [OffBlocksCustomer] {
        try await signed({ try $0.buildListCustomers(now: $1) }, offblocksParseListCustomers)
    }

    /// `GET /customers/{id}`.
    public func getCustomer(_ customerId: String) async throws -> OffBlocksCustomer {
        try await signed({ try $0.buildGetCustomer(customerId: customerId, now: $1) }, offblocksParseGetCustomer)
    }

    /// `PATCH /customers/{id}/deactivate` (from `active`), which also deactivates the customer's
    /// accounts and cards; the customer when OffBlocks returns it.
    public func deactivateCustomer(_ customerId: String, idempotencyKey: String? = nil) async throws -> OffBlocksCustomer? {
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await signed(
            { try $0.buildDeactivateCustomer(customerId: customerId, idempotencyKey: key, now: $1) }, offblocksParseStatusChange)
    }

    /// `PATCH /customers/{id}/activate` (from `inactive`).
    public func activateCustomer(_ customerId: String, idempotencyKey: String? = nil) async throws -> OffBlocksCustomer? {
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await signed(
            { try $0.buildActivateCustomer(customerId: customerId, idempotencyKey: key, now: $1) }, offblocksParseStatusChange)
    }

    /// Sandbox only: moves a customer through verification.
    public func simulatorVerify(_ customerId: String, idempotencyKey: String? = nil) async throws {
        let key = idempotencyKey ?? newIdempotencyKey()
        try await signed(
            { try $0.buildSimulatorVerify(customerId: customerId, idempotencyKey: key, now: $1) }, offblocksParseSimulatorVerify)
    }

    /// Checks the challenge a created customer carries, before the wallet signs it.
    public nonisolated func openChallenge(_ customer: OffBlocksCustomer) throws -> Challenge {
        try challengeOpen(encoded: customer.challenge ?? "", chainId: customer.chainId, now: exchanger.now())
    }

    /// Fetches the customer's current challenge and checks it.
    public func fetchChallenge(_ customer: OffBlocksCustomer) async throws -> Challenge {
        let encoded = try await signed({ try $0.buildGetChallenge(customerId: customer.id, now: $1) }, offblocksParseChallenge)
        return try challengeOpen(encoded: encoded, chainId: customer.chainId, now: exchanger.now())
    }

    /// Submits the wallet's `personal_sign` signature of the challenge's message, after checking
    /// that it recovers to the customer's own wallet (a wrong signer is refused before sending).
    public func submitChallenge(
        _ customerId: String, _ challenge: Challenge, walletSignatureHex: String, idempotencyKey: String? = nil
    ) async throws -> OffBlocksCustomer? {
        let submission = try challengeAcceptSignature(challenge: challenge, signatureHex: walletSignatureHex)
        let key = idempotencyKey ?? newIdempotencyKey()
        return try await signed(
            { try $0.buildSubmitChallenge(customerId: customerId, submission: submission, idempotencyKey: key, now: $1) },
            offblocksParseSubmitChallenge)
    }
}
