import Clientele
import Foundation
import XCTest

let customerId = "64105f5d7f1b4b36103f870e"
let customerBody = #"{"success":true,"message":"Customer added successfully","data":{"id":"64105f5d7f1b4b36103f870e","first_name":"Ada","last_name":"Obi","customer_type":"Personal","status":"active","environment":"test","kyc_tier":"0","created_at":"2026-11-21T09:30:12.839735959Z","updated_at":"0001-01-01T00:00:00Z"}}"#
let obCustomerId = "123e4567-e89b-12d3-a456-426614174000"
let obTokenBody = #"{"token":"eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJzeW50aGV0aWMifQ.c3ludGhldGlj","expiresAt":4102444800,"tokenType":"Bearer"}"#
let obCustomerBody = #"{"id":"123e4567-e89b-12d3-a456-426614174000","externalId":"customer-42","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","status":"initiating","createdAt":"2025-11-21T04:40:00Z","updatedAt":"2025-11-21T04:40:00Z"}"#

func goodPayload() -> CustomerCreateRequest {
    CustomerCreateRequest(
        email: "ada@example.com", phoneNumber: "+234 801 234 5678", firstName: "Ada", lastName: "Obi",
        customerType: .personal, bvn: "22222222222")
}

/// Awaits `body` and returns the ClienteleError it throws (failing the test otherwise).
func expectError<T>(
    file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> T
) async -> ClienteleError? {
    do {
        let value = try await body()
        XCTFail("expected an error, got \(value)", file: file, line: line)
    } catch let error as ClienteleError {
        return error
    } catch {
        XCTFail("not a ClienteleError: \(error)", file: file, line: line)
    }
    return nil
}

/// The clients against a scripted provider on 127.0.0.1: every error path, retries, timeouts.
final class ClientTests: XCTestCase {
    private var server: FakeServer!
    private let fast = ClientOptions(baseDelay: 0.01, maxDelay: 0.05)

    override func setUp() { server = FakeServer() }
    override func tearDown() { server.stop() }

    private func bloc(_ options: ClientOptions? = nil, timeout: TimeInterval = 5) throws -> BlocClient {
        var options = options ?? fast
        options.timeout = timeout
        return try BlocClient(secretKey: "sk_test_0123456789abcdef", baseUrl: "\(server.url)/v1", options: options)
    }

    func testCreateSendsTheBuiltRequestAndParsesTheAnswer() async throws {
        server.on("/v1/customers", .init(status: 200, body: customerBody))
        let customer = try await bloc().createCustomer(goodPayload())
        XCTAssertEqual(customer.id, customerId)
        XCTAssertNil(customer.updatedAt, "Go's zero time means never")
        let sent = try XCTUnwrap(server.received.first)
        XCTAssertEqual(server.received.count, 1)
        XCTAssertEqual(sent.method, "POST")
        XCTAssertEqual(sent.path, "/v1/customers")
        XCTAssertEqual(sent.header("Authorization"), "Bearer sk_test_0123456789abcdef")
        XCTAssertEqual(sent.header("Content-Type"), "application/json")
        XCTAssertEqual(
            sent.text,
            #"{"email":"ada@example.com","phone_number":"08012345678","first_name":"Ada","last_name":"Obi","customer_type":"Personal","bvn":"22222222222"}"#)
    }

    func testValidationReportsEveryIssueAndSendsNothing() async throws {
        var bad = goodPayload()
        bad.email = "ada@"
        bad.phoneNumber = "123"
        bad.bvn = "1"
        let client = try bloc()
        let e = await expectError { try await client.createCustomer(bad) }
        XCTAssertEqual(e?.code, "validation_failed")
        XCTAssertEqual(e?.issues.map { "\($0.path):\(issueCodeWireValue(code: $0.code))" },
            ["email:invalid_email", "phoneNumber:invalid_phone", "bvn:invalid_bvn"])
        // uniffi-rs#2356: the description is the message, not the enum case.
        XCTAssertEqual(e?.localizedDescription.hasPrefix("3 invalid fields: email: Enter a valid email address"), true, e?.localizedDescription ?? "")
        XCTAssertEqual(e.map { "\($0)" }, e?.message)
        XCTAssertTrue(server.received.isEmpty)
    }

    func testUnauthorizedIsTypedReadableAndNotRetried() async throws {
        server.on("/v1/customers", .init(status: 401, body: #"{"success":false,"message":"Unauthorized"}"#, headers: ["X-Request-Id": "req_1"]))
        let client = try bloc()
        let e = await expectError { try await client.getCustomer(customerId) }
        guard case .Api(let code, let message, let provider, let status, let retryable, _, _, let requestId, _, _) = e else {
            return XCTFail("\(String(describing: e))")
        }
        XCTAssertEqual(code, "unauthorized")
        XCTAssertEqual(status, 401)
        XCTAssertEqual(provider, .bloc)
        XCTAssertEqual(requestId, "req_1")
        XCTAssertFalse(retryable)
        XCTAssertTrue(message.hasPrefix("Bloc API error 401 (unauthorized): Unauthorized [check the secret key"), message)
        XCTAssertEqual(e?.localizedDescription, message)
        XCTAssertEqual(server.received.count, 1)
    }

    func testNotFoundAndConflictAreTyped() async throws {
        server.on("/v1/customers/\(customerId)", .init(status: 404, body: #"{"message":"customer not found"}"#))
        server.on("/v1/customers", .init(status: 409, body: #"{"message":"customer already exists"}"#))
        let client = try bloc()
        let notFound = await expectError { try await client.getCustomer(customerId) }
        XCTAssertEqual(notFound?.code, "not_found")
        if case .Api(_, _, _, _, _, _, _, _, let providerMessage, _) = notFound { XCTAssertEqual(providerMessage, "customer not found") }
        let conflict = await expectError { try await client.createCustomer(goodPayload()) }
        XCTAssertEqual(conflict?.code, "conflict")
        XCTAssertEqual(server.received.count, 2)
    }

    func testRateLimitsWaitForRetryAfterAndResendTheSameBytes() async throws {
        server.on("/v1/customers", .init(status: 429, body: #"{"message":"slow down"}"#, headers: ["Retry-After": "1"]), .init(status: 200, body: customerBody))
        let started = Date()
        let customer = try await bloc().createCustomer(goodPayload())
        XCTAssertEqual(customer.id, customerId)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 1.0)
        let received = server.received
        XCTAssertEqual(received.count, 2)
        XCTAssertEqual(received[0].body, received[1].body)
        XCTAssertEqual(received[0].header("Authorization"), received[1].header("Authorization"))
    }

    func testARetryAfterLongerThanTheLimitIsNotWaitedFor() async throws {
        server.on("/v1/customers", .init(status: 429, headers: ["Retry-After": "3600"]))
        let client = try bloc()
        let e = await expectError { try await client.listCustomers() }
        guard case .Api(_, _, _, _, let retryable, let seconds, _, _, _, _) = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(seconds, 3600)
        XCTAssertTrue(retryable)
        XCTAssertEqual(server.received.count, 1)
    }

    func testServerErrorsOnReadsAreRetriedThenSurface() async throws {
        server.on("/v1/customers", .init(status: 503, body: "upstream unavailable"), .init(status: 502, body: "<html>bad gateway</html>"),
            .init(status: 500, body: #"{"message":"internal"}"#))
        let client = try bloc()
        let e = await expectError { try await client.listCustomers() }
        XCTAssertEqual(e?.code, "server_error")
        XCTAssertEqual(e?.status(), 500)
        XCTAssertEqual(server.received.count, 3)
    }

    func testAServerErrorOnABlocCreateIsNotRetried() async throws {
        server.on("/v1/customers", .init(status: 500, body: #"{"message":"internal"}"#), .init(status: 200, body: customerBody))
        let client = try bloc()
        let e = await expectError { try await client.createCustomer(goodPayload()) }
        XCTAssertEqual(e?.isRetryable(), false, "the customer may have been created")
        XCTAssertEqual(server.received.count, 1)
    }

    func testMalformedBodiesAreDecodeErrorsWithAPath() async throws {
        server.on("/v1/customers/\(customerId)", .init(status: 200, body: "not json"))
        server.on("/v1/customers", .init(status: 200, body: #"{"success":true,"data":[{"id":"x","customer_type":"Personal","status":"active","environment":"test","created_at":"yesterday"}]}"#))
        let client = try bloc()
        let bad = await expectError { try await client.getCustomer(customerId) }
        XCTAssertEqual(bad?.code, "decode_failed")
        let path = await expectError { try await client.listCustomers() }
        guard case .Decode(_, let message, _, _, let at) = path else { return XCTFail("\(String(describing: path))") }
        XCTAssertEqual(at, "data[0].created_at")
        XCTAssertFalse(message.contains("yesterday"))
    }

    func testTimeoutsAreTypedAndRetriedOnlyWhenSafe() async throws {
        for _ in 0..<4 { server.on("/v1/customers", .init(status: 200, body: customerBody, delay: 1.5)) }
        var options = fast
        options.maxRetries = 1
        let client = try bloc(options, timeout: 0.2)
        let read = await expectError { try await client.listCustomers() }
        guard case .Transport(let code, _, let timedOut, let retryable) = read else { return XCTFail("\(String(describing: read))") }
        XCTAssertEqual(code, "timeout")
        XCTAssertTrue(timedOut && retryable)
        XCTAssertEqual(server.received.count, 2, "a GET is retried")
        let create = await expectError { try await client.createCustomer(goodPayload()) }
        guard case .Transport(_, _, let createTimedOut, let createRetryable) = create else { return XCTFail("\(String(describing: create))") }
        XCTAssertTrue(createTimedOut && !createRetryable)
        XCTAssertEqual(server.received.count, 3, "a Bloc create is not: it may have been applied")
    }

    func testRedirectsAreAnswersNotFollowed() async throws {
        server.on("/v1/customers", .init(status: 302, headers: ["Location": "/elsewhere"]))
        let client = try bloc()
        let e = await expectError { try await client.getCustomer(customerId) }
        XCTAssertEqual(e?.code, "http_error")
        XCTAssertEqual(e?.status(), 302)
        XCTAssertEqual(server.received.count, 1)
    }

    func testAnUnreachableServerIsATransportError() async throws {
        let closed = FakeServer()
        let url = "\(closed.url)/v1"
        closed.stop()
        let client = try BlocClient(secretKey: "sk_test_0123456789abcdef", baseUrl: url, options: ClientOptions(maxRetries: 0))
        let e = await expectError { try await client.getCustomer(customerId) }
        guard case .Transport(let code, _, let timedOut, let retryable) = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(code, "network_error")
        XCTAssertEqual(e?.kind(), .transport)
        XCTAssertFalse(timedOut)
        XCTAssertTrue(retryable, "a GET is safe to send again")
    }

    func testAllCustomersWalksEveryPage() async throws {
        func page(_ id: String, _ next: Bool) -> FakeServer.Reply {
            .init(status: 200, body: #"{"success":true,"data":[{"id":"\#(id)","customer_type":"Personal","status":"active","environment":"test"}],"metadata":{"has_next":\#(next)}}"#)
        }
        server.on("/v1/customers", page("6410612c7f1b4b36103f8801", true), page("6410612c7f1b4b36103f8802", false))
        let all = try await bloc().allCustomers()
        XCTAssertEqual(all.map(\.id), ["6410612c7f1b4b36103f8801", "6410612c7f1b4b36103f8802"])
        XCTAssertEqual(server.received.map(\.path), ["/v1/customers", "/v1/customers?page=2"])
    }

    private func offBlocks() throws -> OffBlocksClient {
        try OffBlocksClient(
            baseUrl: "\(server.url)/v1", signing: offblocksDefaultSigningConfig(keyId: "test-key-ecc-p384"),
            tokenSource: .credentials(ApiCredentials(apiKey: "0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", apiSecret: "synthetic-secret")),
            signer: .key(try SigningKey.fromPem(pem: Fixtures.text("offblocks/test-key-p384.pem"))), options: fast,
            now: { Date(timeIntervalSince1970: 1_763_700_000) }, newIdempotencyKey: { "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4" })
    }

    func testOffBlocksRetriesResendTheSameKeyBodyAndSignature() async throws {
        server.on("/v1/auth/token", .init(status: 200, body: obTokenBody))
        server.on("/v1/customers", .init(status: 500, body: #"{"message":"internal"}"#), .init(status: 201, body: obCustomerBody))
        let created = try await offBlocks().createCustomer(
            OffBlocksCustomerCreate(chainId: "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", externalId: "customer-42"))
        XCTAssertEqual(created.status, .initiating)
        XCTAssertEqual(server.received(at: "/v1/auth/token").count, 1)
        let creates = server.received(at: "/v1/customers")
        XCTAssertEqual(creates.count, 2)
        XCTAssertEqual(creates[0].body, creates[1].body)
        for name in ["Idempotency-Key", "Content-Digest", "Signature-Input", "Signature", "Authorization"] {
            XCTAssertEqual(creates[0].header(name), creates[1].header(name), name)
        }
        XCTAssertEqual(creates[0].header("Idempotency-Key"), "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4")
        let request = HttpRequest(
            method: .post, url: "\(server.url)/v1/customers", headers: creates[0].headers.map { Header(name: $0.0, value: $0.1) },
            body: creates[0].body)
        var options = defaultSignatureVerifyOptions(now: Date(timeIntervalSince1970: 1_763_700_005))
        options.requireContentDigest = true
        let verified = try verifyRequestSignature(
            request: request, key: try VerifyingKey.fromPem(pem: Fixtures.text("offblocks/test-key-p384.pub.pem")), options: options)
        XCTAssertEqual(verified.keyId, "test-key-ecc-p384")
    }

    func testOffBlocksConflictsAreClassified() async throws {
        server.on("/v1/auth/token", .init(status: 200, body: obTokenBody))
        server.on(
            "/v1/customers", .init(status: 409, body: #"{"message":"Idempotency-Key Concurrency Conflict"}"#),
            .init(status: 201, body: obCustomerBody), .init(status: 409, body: #"{"message":"Customer already exists"}"#),
            .init(status: 422, body: #"{"message":"Idempotency-Key reused with another payload"}"#))
        server.on("/v1/customers/\(obCustomerId)/deactivate", .init(status: 409, body: #"{"message":"Invalid state transition"}"#))
        let client = try offBlocks()
        let input = OffBlocksCustomerCreate(chainId: "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", externalId: "customer-42")
        let created = try await client.createCustomer(input)
        XCTAssertEqual(created.id, obCustomerId, "an in-flight key is retried")
        let exists = await expectError { try await client.createCustomer(input) }
        XCTAssertEqual(exists?.code, "already_exists")
        let mismatch = await expectError { try await client.createCustomer(input) }
        XCTAssertEqual(mismatch?.code, "idempotency_mismatch")
        let state = await expectError { try await client.deactivateCustomer(obCustomerId) }
        XCTAssertEqual(state?.code, "invalid_state_transition")
    }

    func testOffBlocksTokenFailuresAreNotRetried() async throws {
        server.on("/v1/auth/token", .init(status: 500, body: #"{"message":"internal"}"#), .init(status: 200, body: obTokenBody))
        let client = try offBlocks()
        let e = await expectError { try await client.listCustomers() }
        XCTAssertEqual(e?.code, "server_error")
        XCTAssertEqual(server.received.count, 1)
    }

    func testBlocWebhooksAreVerifiedOnTheRawBytes() throws {
        let secret = "whsec_synthetic"
        let body = Data(#"{"event":"Customer.created","data":{"id":"64105f5d7f1b4b36103f870e","customer_type":"Personal","status":"active","environment":"test"}}"#.utf8)
        // Bloc's signature of `body`: hex HMAC-SHA256 with `secret`, computed independently of the
        // core (Python's hmac module).
        let signature = "1faa6c1bba3f29120518f7d985ea22529b3a11ccfae4e15c73669f80b0dd7874"
        let event = try BlocWebhooks(secret: secret).receive(body, headers: ["x-bloc-webhook": signature])
        XCTAssertEqual(event.customer?.id, customerId)
        let reserialised = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: ":", with: ": ").utf8)
        XCTAssertThrowsError(try BlocWebhooks(secret: secret).receive(reserialised, headers: ["X-Bloc-Webhook": signature])) {
            XCTAssertEqual(($0 as? ClienteleError)?.code, "webhook_signature_mismatch")
        }
        XCTAssertThrowsError(try BlocWebhooks(secret: secret).receive(body, headers: [String: String]())) {
            XCTAssertEqual(($0 as? ClienteleError)?.code, "webhook_signature_missing")
        }
    }

    func testOffBlocksWebhooksAreDeduplicatedAndSignaturesChecked() throws {
        let key = try SigningKey.fromPem(pem: Fixtures.text("offblocks/test-key-p384.pem"))
        let body = Data(#"{"webhookType":"customer.updated","eventId":"ev-1","id":"123e4567-e89b-12d3-a456-426614174000","status":"active","updatedAt":"2024-01-12T15:05:32.166028Z"}"#.utf8)
        let url = "https://example.com/hooks/offblocks"
        let unsigned = HttpRequest(
            method: .post, url: url,
            headers: [Header(name: "Content-Type", value: "application/json"), Header(name: "Content-Digest", value: contentDigest(body: body, algorithm: .sha256))],
            body: body)
        let signed = try OffBlocks(baseUrl: "https://example.com", signing: offblocksDefaultSigningConfig(keyId: "offblocks"))
            .withToken(token: "t").resign(request: unsigned, now: Date(timeIntervalSince1970: 1_763_700_000)).sign(key: key)
        let hooks = OffBlocksWebhooks(publicKey: key.publicKey(), now: { Date(timeIntervalSince1970: 1_763_700_010) })
        XCTAssertEqual(try hooks.receive(body, url: url, headers: signed.headers).delivery, .new)
        XCTAssertEqual(try hooks.receive(body, url: url, headers: signed.headers).delivery, .duplicate)
        let tampered = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "active", with: "rejected").utf8)
        XCTAssertThrowsError(try hooks.receive(tampered, url: url, headers: signed.headers)) {
            XCTAssertEqual(($0 as? ClienteleError)?.code, "content_digest_mismatch")
        }
    }
}
