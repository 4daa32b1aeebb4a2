import Clientele
import Foundation
import XCTest

/// A transport that answers with a function and records what it was given.
final class FunctionTransport: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [(request: HttpRequest, timeout: TimeInterval)] = []
    private let answer: @Sendable (HttpRequest) async throws -> HttpResponse

    init(_ answer: @escaping @Sendable (HttpRequest) async throws -> HttpResponse) { self.answer = answer }

    var requests: [HttpRequest] { lock.lock(); defer { lock.unlock() }; return log.map(\.request) }
    var timeouts: [TimeInterval] { lock.lock(); defer { lock.unlock() }; return log.map(\.timeout) }

    private func record(_ request: HttpRequest, _ timeout: TimeInterval) {
        lock.lock()
        log.append((request, timeout))
        lock.unlock()
    }

    func send(_ request: HttpRequest, timeout: TimeInterval) async throws -> HttpResponse {
        record(request, timeout)
        return try await answer(request)
    }
}

/// Counts calls (of a token provider, a sleeper).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    private var values: [TimeInterval] = []
    var count: Int { lock.lock(); defer { lock.unlock() }; return n }
    var recorded: [TimeInterval] { lock.lock(); defer { lock.unlock() }; return values }
    func bump(_ value: TimeInterval = 0) {
        lock.lock()
        n += 1
        values.append(value)
        lock.unlock()
    }
}

private func response(_ status: UInt16, _ body: String = "", _ headers: [Header] = []) -> HttpResponse {
    HttpResponse(status: status, headers: headers, body: Data(body.utf8))
}

/// `r` without the client's User-Agent, to compare with a request built by hand.
private func withoutUserAgent(_ r: HttpRequest) -> HttpRequest {
    HttpRequest(method: r.method, url: r.url, headers: r.headers.filter { $0.name != "User-Agent" }, body: r.body)
}

private func header(_ r: HttpRequest, _ name: String) -> String? {
    r.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
}

/// The clients' side of the engine: options, per-call overrides, how transport failures and
/// cancellation reach the engine, token sources, signers, and what descriptions show.
final class ClientEngineTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_763_700_000)
    private let obBase = "https://api.sandbox.offblocks.xyz/v1"

    private func bloc(_ transport: Transport, options: ClientOptions = ClientOptions(), sleeps: Counter? = nil) throws -> BlocClient {
        try BlocClient(
            secretKey: "sk_test_0123456789abcdef", transport: transport, options: options, now: { [now] in now },
            sleep: { sleeps?.bump($0) }, random: { 0.5 })
    }

    private func key() throws -> SigningKey { try SigningKey.fromPem(pem: Fixtures.text("offblocks/test-key-p384.pem")) }

    private func offBlocks(
        _ transport: Transport, tokenSource: OffBlocksClient.TokenSource = .fixed("fixed-token"), signer: RequestSigner? = nil
    ) throws -> OffBlocksClient {
        try OffBlocksClient(
            baseUrl: obBase, signing: offblocksDefaultSigningConfig(keyId: "test-key-ecc-p384"), tokenSource: tokenSource,
            signer: signer ?? .key(try key()), transport: transport, now: { [now] in now }, sleep: { _ in }, random: { 0.5 })
    }

    // --- options -------------------------------------------------------------------------------

    func testEveryDefaultComesFromTheCore() throws {
        let core = clientDefaults().client
        XCTAssertEqual(try ClientOptions().engine(), core)
        XCTAssertEqual(ClientOptions(engine: core), ClientOptions())
        let o = ClientOptions()
        XCTAssertEqual(o.timeout, TimeInterval(core.timeoutMs) / 1000)
        XCTAssertEqual(o.maxRetries, Int(core.maxRetries))
        XCTAssertEqual(o.baseDelay, TimeInterval(core.baseDelayMs) / 1000)
        XCTAssertEqual(o.maxDelay, TimeInterval(core.maxDelayMs) / 1000)
        XCTAssertEqual(o.maxRetryAfter, TimeInterval(core.maxRetryAfterMs) / 1000)
        XCTAssertEqual(o.tokenRefreshMargin, TimeInterval(core.tokenRefreshMarginS))
        XCTAssertEqual(o.resignAfter, TimeInterval(core.resignAfterS))
        XCTAssertEqual(try BlocClient(secretKey: "sk_test_0123456789abcdef").options, o)
    }

    func testOptionsConvertToTheEngineUnits() throws {
        let options = ClientOptions(
            timeout: 0.25, maxRetries: 5, baseDelay: 0.1, maxDelay: 2, maxRetryAfter: 10, tokenRefreshMargin: 30, resignAfter: 5)
        XCTAssertEqual(
            try options.engine(),
            EngineOptions(
                timeoutMs: 250, maxRetries: 5, baseDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 10_000,
                tokenRefreshMarginS: 30, resignAfterS: 5))
        XCTAssertEqual(try ClientOptions(timeout: .infinity).engine().timeoutMs, 0, "no limit")
        XCTAssertEqual(try ClientOptions(timeout: 0.0001).engine().timeoutMs, 1, "a positive limit never becomes none")
        XCTAssertEqual(try ClientOptions(resignAfter: 0.2).engine().resignAfterS, 1)
    }

    func testInvalidOptionsAreTypedErrorsAndSendNothing() async throws {
        let transport = FunctionTransport { _ in response(200, customerBody) }
        for bad in [ClientOptions(timeout: -1), ClientOptions(maxRetries: -1), ClientOptions(baseDelay: .nan),
                    ClientOptions(maxDelay: .infinity), ClientOptions(maxRetryAfter: 5e9)] {
            XCTAssertThrowsError(try bloc(transport, options: bad)) { error in
                XCTAssertEqual((error as? ClienteleError)?.code, "invalid_argument")
                XCTAssertEqual((error as? ClienteleError)?.kind(), .validation)
            }
        }
        let client = try bloc(transport)
        let e = await expectError { try await client.getCustomer(customerId, maxRetries: -1) }
        XCTAssertEqual(e?.code, "invalid_argument")
        XCTAssertTrue(e?.message.contains("maxRetries") ?? false, e?.message ?? "")
        XCTAssertTrue(transport.requests.isEmpty)
    }

    func testACallOverridesTheTimeoutAndTheRetries() async throws {
        let transport = FunctionTransport { _ in response(503, "upstream unavailable") }
        let sleeps = Counter()
        let client = try bloc(transport, sleeps: sleeps)
        let once = await expectError { try await client.getCustomer(customerId, timeout: 1.5, maxRetries: 0) }
        XCTAssertEqual(once?.code, "server_error")
        XCTAssertEqual(transport.requests.count, 1)
        XCTAssertEqual(transport.timeouts, [1.5])
        XCTAssertEqual(sleeps.count, 0)

        let defaults = await expectError { try await client.getCustomer(customerId) }
        XCTAssertEqual(defaults?.code, "server_error")
        XCTAssertEqual(transport.requests.count, 1 + 1 + Int(clientDefaults().client.maxRetries))
        XCTAssertEqual(transport.timeouts.last, TimeInterval(clientDefaults().client.timeoutMs) / 1000)
        XCTAssertEqual(sleeps.count, Int(clientDefaults().client.maxRetries))

        _ = await expectError { try await client.getCustomer(customerId, timeout: .infinity, maxRetries: 0) }
        XCTAssertEqual(transport.timeouts.last, .infinity, "no limit reaches the transport as .infinity")
    }

    // --- transport failures and cancellation ---------------------------------------------------

    func testTransportErrorsBecomeTheCoresFailures() async throws {
        struct Refused: Error {}
        let cases: [(Error, String, Bool)] = [
            (URLError(.timedOut), "timeout", true), (URLError(.cannotConnectToHost), "network_error", false),
            (URLError(.networkConnectionLost), "network_error", false), (Refused(), "network_error", false),
        ]
        for (thrown, code, timedOut) in cases {
            let transport = FunctionTransport { _ in throw thrown }
            let client = try bloc(transport, options: ClientOptions(maxRetries: 0))
            let read = await expectError { try await client.getCustomer(customerId) }
            guard case .Transport(let got, _, let gotTimedOut, let retryable) = read else { return XCTFail("\(String(describing: read))") }
            XCTAssertEqual(got, code, "\(thrown)")
            XCTAssertEqual(gotTimedOut, timedOut)
            XCTAssertTrue(retryable, "a GET may be sent again")
            XCTAssertEqual(read?.kind(), .transport)
            let create = await expectError { try await client.createCustomer(goodPayload()) }
            XCTAssertEqual(create?.code, code)
            XCTAssertEqual(create?.isRetryable(), false, "a Bloc create may have been applied")
        }
    }

    func testAnAnswerLaterThanTheLimitIsATimeout() async throws {
        let transport = FunctionTransport { _ in
            try await Task.sleep(nanoseconds: 10_000_000_000)
            return response(200, customerBody)
        }
        let client = try bloc(transport, options: ClientOptions(timeout: 0.05, maxRetries: 0))
        let started = Date()
        let e = await expectError { try await client.getCustomer(customerId) }
        XCTAssertEqual(e?.code, "timeout")
        XCTAssertTrue(e?.message.contains("50 ms") ?? false, e?.message ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testCancellingDuringASendAborts() async throws {
        let transport = FunctionTransport { _ in
            try await Task.sleep(nanoseconds: 10_000_000_000)
            return response(200, customerBody)
        }
        let client = try bloc(transport)
        let started = Date()
        let call = Task { try await client.getCustomer(customerId) }
        try await Task.sleep(nanoseconds: 50_000_000)
        call.cancel()
        let e = await expectError { try await call.value }
        guard case .Transport(let code, _, let timedOut, let retryable) = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(code, "aborted")
        XCTAssertFalse(timedOut || retryable)
        XCTAssertEqual(e?.kind(), .transport)
        XCTAssertEqual(transport.requests.count, 1, "never sent again")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testCancellingDuringAWaitAbortsWithTheDefaultSleeper() async throws {
        let transport = FunctionTransport { _ in response(429, "", [Header(name: "Retry-After", value: "30")]) }
        let client = try BlocClient(secretKey: "sk_test_0123456789abcdef", transport: transport)
        let started = Date()
        let call = Task { try await client.getCustomer(customerId) }
        try await Task.sleep(nanoseconds: 100_000_000)
        call.cancel()
        let e = await expectError { try await call.value }
        XCTAssertEqual(e?.code, "aborted")
        XCTAssertEqual(e?.isRetryable(), false)
        XCTAssertEqual(transport.requests.count, 1)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "the 30 s wait ended with the task")
    }

    func testStoppingTheCustomerStreamSendsNoFurtherRequest() async throws {
        // The stream is lazy (StreamTests): leaving the loop after the first page's customer
        // means the second page is never asked for, so there is nothing to cancel.
        let page = #"{"success":true,"data":[{"id":"6410612c7f1b4b36103f8801","customer_type":"Personal","status":"active","environment":"test"}],"metadata":{"has_next":true}}"#
        let cancelled = Counter()
        let transport = FunctionTransport { request in
            if request.url.hasSuffix("page=2") {
                do {
                    try await Task.sleep(nanoseconds: 10_000_000_000)
                } catch {
                    cancelled.bump()
                    throw error
                }
            }
            return response(200, page)
        }
        let client = try bloc(transport)
        var seen: [String] = []
        for try await customer in client.customers() {
            seen.append(customer.id)
            break
        }
        XCTAssertEqual(seen, ["6410612c7f1b4b36103f8801"])
        try await Task.sleep(nanoseconds: 200_000_000)
        XCTAssertEqual(transport.requests.count, 1, "the second page was never requested")
        XCTAssertEqual(cancelled.count, 0)
    }

    // --- OffBlocks token sources -----------------------------------------------------------------

    func testConcurrentCallsShareOneProviderCall() async throws {
        let asked = Counter()
        let transport = FunctionTransport { _ in response(200, obCustomerBody) }
        let client = try offBlocks(transport, tokenSource: .provider {
            asked.bump()
            try await Task.sleep(nanoseconds: 200_000_000)
            return AccessToken(token: "shared-token", expiresAt: Date(timeIntervalSince1970: 1_763_703_600), tokenType: "Bearer")
        })
        async let first = client.getCustomer(obCustomerId)
        async let second = client.getCustomer(obCustomerId)
        let (a, b) = try await (first, second)
        XCTAssertEqual([a.id, b.id], [obCustomerId, obCustomerId])
        XCTAssertEqual(asked.count, 1, "one provider call for both")
        XCTAssertEqual(transport.requests.map { header($0, "Authorization") }, ["Bearer shared-token", "Bearer shared-token"])
        let token = try await client.accessToken()
        XCTAssertEqual(token.token, "shared-token")
        XCTAssertEqual(token.expiresAt, Date(timeIntervalSince1970: 1_763_703_600))
        XCTAssertEqual(asked.count, 1, "valid beyond the margin: not asked again")
    }

    func testAFailingProviderEndsTheCallWithTokenUnavailable() async throws {
        struct BackendDown: Error {}
        let transport = FunctionTransport { _ in response(200, obCustomerBody) }
        let failing = try offBlocks(transport, tokenSource: .provider { throw BackendDown() })
        let e = await expectError { try await failing.getCustomer(obCustomerId) }
        XCTAssertEqual(e?.code, "token_unavailable")
        XCTAssertEqual(e?.kind(), .credentials)
        let own = ClienteleError.Credentials(code: "invalid_credentials", message: "the backend refused this user")
        let refusing = try offBlocks(transport, tokenSource: .provider { throw own })
        let passed = await expectError { try await refusing.getCustomer(obCustomerId) }
        XCTAssertEqual(passed, own, "a ClienteleError from the provider ends the call as it is")
        XCTAssertTrue(transport.requests.isEmpty)
    }

    func testAccessTokenObtainsOnceAndThenUsesTheSessionsToken() async throws {
        let transport = FunctionTransport { request in
            request.url.hasSuffix("/auth/token") ? response(200, obTokenBody) : response(200, obCustomerBody)
        }
        let client = try offBlocks(transport, tokenSource: .credentials(ApiCredentials(apiKey: "0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", apiSecret: "synthetic-secret")))
        let first = try await client.accessToken()
        let second = try await client.accessToken()
        _ = try await client.getCustomer(obCustomerId)
        XCTAssertEqual(first, second)
        XCTAssertEqual(first.expiresAt, Date(timeIntervalSince1970: 4_102_444_800))
        XCTAssertEqual(transport.requests.map { Self.path($0.url) }, ["/v1/auth/token", "/v1/customers/\(obCustomerId)"])
        XCTAssertEqual(header(transport.requests[1], "Authorization"), "Bearer \(first.token)")

        let fixed = FunctionTransport { _ in response(200, obCustomerBody) }
        let token = try await offBlocks(fixed, tokenSource: .fixed("fixed-token")).accessToken()
        XCTAssertEqual(token.token, "fixed-token")
        XCTAssertNil(token.expiresAt)
        XCTAssertTrue(fixed.requests.isEmpty)
    }

    private var credentials: OffBlocksClient.TokenSource {
        .credentials(ApiCredentials(apiKey: "0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", apiSecret: "synthetic-secret"))
    }

    /// A transport whose `POST /auth/token` answers `token` after `delay` seconds; every other
    /// request gets the customer.
    private func slowTokenTransport(_ token: HttpResponse, delay: TimeInterval = 0.3) -> FunctionTransport {
        FunctionTransport { request in
            guard request.url.hasSuffix("/auth/token") else { return response(200, obCustomerBody) }
            try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            return token
        }
    }

    func testConcurrentCallsOfAFreshCredentialsClientSendOneTokenRequest() async throws {
        let n = 8
        let transport = slowTokenTransport(response(200, obTokenBody))
        let client = try offBlocks(transport, tokenSource: credentials)
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<n { group.addTask { try await client.getCustomer(obCustomerId).id } }
            group.addTask { try await client.accessToken().token }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(ids.filter { $0 == obCustomerId }.count, n)
        let paths = transport.requests.map { Self.path($0.url) }
        XCTAssertEqual(paths.filter { $0 == "/v1/auth/token" }.count, 1, "one token request for \(n + 1) calls: \(paths)")
        XCTAssertEqual(paths.filter { $0 == "/v1/customers/\(obCustomerId)" }.count, n)
        let token = try await client.accessToken().token
        XCTAssertTrue(ids.contains(token))
        for request in transport.requests where !request.url.hasSuffix("/auth/token") {
            XCTAssertEqual(header(request, "Authorization"), "Bearer \(token)")
        }
    }

    func testASharedTokenRequestsFailureReachesEveryCall() async throws {
        // A 500 on POST /auth/token is final (the core does not retry it): each engine says so.
        let transport = slowTokenTransport(response(500, "token service down"))
        let client = try offBlocks(transport, tokenSource: credentials)
        let codes = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<4 { group.addTask { await expectError { try await client.getCustomer(obCustomerId) }?.code } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(codes, Array(repeating: "server_error", count: 4))
        XCTAssertEqual(transport.requests.map { Self.path($0.url) }, ["/v1/auth/token"])
    }

    func testACancelledCallLeavesTheSharedTokenRequestToTheOthers() async throws {
        let transport = slowTokenTransport(response(200, obTokenBody))
        let client = try offBlocks(transport, tokenSource: credentials)
        let cancelled = Task { try await client.getCustomer(obCustomerId) }
        let other = Task { try await client.getCustomer(obCustomerId) }
        try await Task.sleep(nanoseconds: 100_000_000)
        cancelled.cancel()
        let e = await expectError { try await cancelled.value }
        XCTAssertEqual(e?.code, "aborted")
        let id = try await other.value.id
        XCTAssertEqual(id, obCustomerId)
        XCTAssertEqual(transport.requests.map { Self.path($0.url) }, ["/v1/auth/token", "/v1/customers/\(obCustomerId)"])

        // Once nobody waits for it, the shared request is cancelled.
        let stopped = Counter()
        let lone = FunctionTransport { _ in
            do {
                try await Task.sleep(nanoseconds: 10_000_000_000)
            } catch {
                stopped.bump()
                throw error
            }
            return response(200, obTokenBody)
        }
        let abandoned = try offBlocks(lone, tokenSource: credentials)
        let started = Date()
        let only = Task { try await abandoned.getCustomer(obCustomerId) }
        try await Task.sleep(nanoseconds: 100_000_000)
        only.cancel()
        let aborted = await expectError { try await only.value }
        XCTAssertEqual(aborted?.code, "aborted")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        for _ in 0..<200 where stopped.count == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertEqual(stopped.count, 1, "the token request was cancelled")
        XCTAssertEqual(lone.requests.count, 1)
    }

    private static func path(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let slash = url[scheme.upperBound...].firstIndex(of: "/") else { return url }
        return String(url[slash...])
    }

    // --- signers ---------------------------------------------------------------------------------

    func testAnExternalDerSignerSignsTheEnginesBase() async throws {
        let key = try key()
        let config = offblocksDefaultSigningConfig(keyId: "test-key-ecc-p384")
        // The request the engine must build, prepared independently: its base is what the
        // external signer must receive.
        let expected = try OffBlocks(baseUrl: obBase, signing: config).withToken(token: "fixed-token")
            .buildGetCustomer(customerId: obCustomerId, now: now)
        let inCore = try expected.sign(key: key)
        let signature = inCore.headers.first { $0.name == "Signature" }!.value
        let raw = Data(base64Encoded: String(signature.dropFirst("sig=:".count).dropLast()))!
        let bases = Counter()
        let transport = FunctionTransport { _ in response(200, obCustomerBody) }
        let client = try offBlocks(transport, signer: .external(.der) { base in
            bases.bump()
            XCTAssertEqual(base, expected.signatureBase())
            return rawToDer(raw)
        })
        _ = try await client.getCustomer(obCustomerId)
        XCTAssertEqual(bases.count, 1)
        let sent = try XCTUnwrap(transport.requests.first)
        // The engine adds the client's User-Agent after signing (it is not signed).
        XCTAssertEqual(sent.headers.last?.name, "User-Agent")
        assertSameRequest(withoutUserAgent(sent), inCore)
        let verified = try verifyRequestSignature(
            request: sent, key: key.publicKey(), options: defaultSignatureVerifyOptions(now: now.addingTimeInterval(5)))
        XCTAssertEqual(verified.keyId, "test-key-ecc-p384")

        // The key signs in the core: the same bytes.
        let keyTransport = FunctionTransport { _ in response(200, obCustomerBody) }
        _ = try await offBlocks(keyTransport).getCustomer(obCustomerId)
        assertSameRequest(withoutUserAgent(try XCTUnwrap(keyTransport.requests.first)), inCore)
    }

    func testAKeyOfAnotherAlgorithmIsRefusedByTheCoreAndSendsNothing() async throws {
        let transport = FunctionTransport { _ in response(200, obCustomerBody) }
        // The configuration signs ecdsa-p384-sha384; the core's signAs refuses an HMAC key.
        let client = try offBlocks(transport, signer: .key(try SigningKey.hmacSha256(secret: Data("a shared secret".utf8))))
        let e = await expectError { try await client.getCustomer(obCustomerId) }
        XCTAssertEqual(e?.code, "signature_algorithm_mismatch")
        XCTAssertEqual(e?.kind(), .signature)
        XCTAssertTrue(transport.requests.isEmpty)
    }

    func testAFailingExternalSignerIsSignerFailedAndSendsNothing() async throws {
        struct EnclaveLocked: Error {}
        let transport = FunctionTransport { _ in response(200, obCustomerBody) }
        let client = try offBlocks(transport, signer: .external(.raw) { _ in throw EnclaveLocked() })
        let e = await expectError { try await client.getCustomer(obCustomerId) }
        XCTAssertEqual(e?.code, "signer_failed")
        XCTAssertEqual(e?.kind(), .signature)
        let short = try offBlocks(transport, signer: .external(.raw) { _ in Data(count: 10) })
        let wrong = await expectError { try await short.getCustomer(obCustomerId) }
        XCTAssertEqual(wrong?.code, "signature_invalid_length")
        XCTAssertTrue(transport.requests.isEmpty)
    }

    // --- what descriptions show ------------------------------------------------------------------

    func testTokensAndSecretsStayOutOfDescriptions() {
        func shown(_ value: Any) -> String {
            var dumped = ""
            dump(value, to: &dumped)
            return [String(describing: value), String(reflecting: value), "\(value)", dumped].joined(separator: "\n")
        }
        let fixed = OffBlocksClient.TokenSource.fixed("tok-fixed-0123456789", expiresAt: nil)
        let credentials = OffBlocksClient.TokenSource.credentials(ApiCredentials(apiKey: "0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", apiSecret: "s3cr3t-s3cr3t"))
        for (value, secret) in [(fixed, "tok-fixed-0123456789"), (credentials, "s3cr3t-s3cr3t")] as [(Any, String)] {
            let text = shown(value)
            XCTAssertFalse(text.contains(secret), text)
        }
    }

    func testASessionTokensDescriptionNeverShowsTheToken() {
        // The core's exported Debug: no Swift code masks it.
        let session = SessionToken(token: "tok-session-0123456789", expiresAt: now)
        for text in [String(describing: session), String(reflecting: session), "\(session)", session.debugDescription] {
            XCTAssertFalse(text.contains("tok-session-0123456789"), text)
            XCTAssertTrue(text.contains("<redacted>"), text)
        }
        XCTAssertTrue(String(describing: SessionToken(token: "t", expiresAt: nil)).contains("SessionToken"))
    }
}
