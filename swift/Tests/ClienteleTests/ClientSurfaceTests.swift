@testable import Clientele
import Foundation
import XCTest

/// What every host offers the same way (issue 15), beside the operations: who a call says it is
/// (the core's User-Agent, the retry counter), what it reports (the engine's events, masked, to a
/// listener that cannot break it), what it returns besides the value (`...WithResponse`), and
/// per-call options.
final class ClientSurfaceTests: XCTestCase {
    private let testKey = "sk_test_0123456789abcdef"
    private let credentials = ApiCredentials(apiKey: "0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", apiSecret: "api-s3cr3t-value")
    private let now = Date(timeIntervalSince1970: 1_763_700_000)

    private func key() throws -> SigningKey { try SigningKey.fromPem(pem: Fixtures.text("offblocks/test-key-p384.pem")) }

    private func offBlocks(
        _ baseUrl: String, _ source: OffBlocksClient.TokenSource, transport: Transport = FunctionTransport { _ in throw URLError(.badURL) },
        dangerouslyAllowInApp: Bool = false, onEvent: EventListener? = nil
    ) throws -> OffBlocksClient {
        try OffBlocksClient(
            baseUrl: baseUrl, signing: offblocksDefaultSigningConfig(keyId: "test-key-ecc-p384"), tokenSource: source,
            signer: .key(try key()), transport: transport, onEvent: onEvent, dangerouslyAllowInApp: dangerouslyAllowInApp,
            now: { [now] in now }, sleep: { _ in }, random: { 0.5 })
    }

    // --- who calls ---------------------------------------------------------------------------------

    func testEveryRequestCarriesTheCoresUserAgentAndRetriesCountThemselves() async throws {
        let answers = Counter()
        let transport = FunctionTransport { _ in
            answers.bump()
            return HttpResponse(status: answers.count == 1 ? 503 : 200, headers: [], body: Data(customerBody.utf8))
        }
        let client = try BlocClient(
            secretKey: testKey, transport: transport, appInfo: AppInfo(name: "Acme Wallet", version: "1.4.2", url: nil),
            sleep: { _ in }, random: { 0.5 })
        _ = try await client.getCustomer(customerId)
        let sent = transport.requests
        XCTAssertEqual(sent.count, 2)
        let agents = sent.map { r in r.headers.first { $0.name == "User-Agent" }?.value ?? "" }
        XCTAssertEqual(agents[0], agents[1])
        let pattern = #"^clientele/\d+\.\d+\.\d+ \(swift swift/\d+\.\d+; [A-Za-z ]+ \d+\.\d+\.\d+\) Acme-Wallet/1\.4\.2$"#
        XCTAssertNotNil(agents[0].range(of: pattern, options: .regularExpression), agents[0])
        XCTAssertEqual(agents[0], userAgent(host: "swift", runtime: Host.runtime, os: Host.os, app: AppInfo(name: "Acme Wallet", version: "1.4.2", url: nil)))
        XCTAssertNil(sent[0].headers.first { $0.name == "X-Clientele-Retry" })
        XCTAssertEqual(sent[1].headers.first { $0.name == "X-Clientele-Retry" }?.value, "1")
        #if os(Linux)
            XCTAssertTrue(agents[0].contains("; Linux "), agents[0])
        #endif
        // Without appInfo the User-Agent names Clientele alone.
        let plain = try BlocClient(secretKey: testKey, transport: transport)
        _ = try await plain.getCustomer(customerId)
        XCTAssertTrue(transport.requests.last?.headers.first { $0.name == "User-Agent" }?.value.hasSuffix(")") ?? false)
    }

    // --- what happened -----------------------------------------------------------------------------

    func testListenersHearEveryStepAndCannotBreakACall() async throws {
        struct ListenerFailure: Error {}
        let heard = Recorder<Event>()
        let answers = Counter()
        let transport = FunctionTransport { _ in
            answers.bump()
            if answers.count == 1 { throw URLError(.networkConnectionLost) }
            return HttpResponse(status: 200, headers: [Header(name: "X-Request-Id", value: "req_42")], body: Data(customerBody.utf8))
        }
        let client = try BlocClient(
            secretKey: testKey, transport: transport,
            onEvent: { event in
                heard.append(event)
                throw ListenerFailure() // ignored: the call goes on
            }, sleep: { _ in }, random: { 0.5 })
        let customer = try await client.getCustomer(customerId)
        XCTAssertEqual(customer.id, customerId)
        let kinds = heard.values.map { event -> String in
            switch event {
            case .requestSent: return "sent"
            case .responseReceived: return "received"
            case .requestFailed: return "failed"
            case .retryScheduled: return "retry"
            }
        }
        XCTAssertEqual(kinds, ["sent", "failed", "retry", "sent", "received"], "every event reached the listener though it threw")
        guard case .responseReceived(let status, let requestId, _, let attempt) = heard.values.last else { return XCTFail() }
        XCTAssertEqual(status, 200)
        XCTAssertEqual(requestId, "req_42")
        XCTAssertEqual(attempt, 2)
    }

    func testNoSecretOrPersonalDataInAnyEvent() async throws {
        let heard = Recorder<Event>()
        let bloc = try BlocClient(
            secretKey: "sk_test_s3cr3tBlocKey0001",
            transport: FunctionTransport { _ in HttpResponse(status: 200, headers: [], body: Data(customerBody.utf8)) },
            onEvent: { heard.append($0) }, sleep: { _ in }, random: { 0.5 })
        var payload = goodPayload()
        payload.email = "ada.private@example.com"
        payload.phoneNumber = "08031234567"
        payload.bvn = "22345678901"
        _ = try await bloc.createCustomer(payload)
        _ = try await bloc.updateCustomer(
            customerId,
            CustomerUpdateRequest(
                email: payload.email, phoneNumber: payload.phoneNumber, firstName: "Ada", lastName: "Obi", customerType: .personal,
                address: nil))
        let token = "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJzeW50aGV0aWMifQ.c3ludGhldGlj"
        let offblocks = try offBlocks(
            offblocksSandboxBaseUrl(), .credentials(credentials),
            transport: FunctionTransport { r in
                HttpResponse(status: r.url.hasSuffix("/auth/token") ? 200 : 201, headers: [], body: Data((r.url.hasSuffix("/auth/token") ? obTokenBody : obCustomerBody).utf8))
            }, onEvent: { heard.append($0) })
        _ = try await offblocks.createCustomer(
            OffBlocksCustomerCreate(chainId: "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", externalId: "customer-42"))
        XCTAssertGreaterThanOrEqual(heard.values.count, 8)
        let secrets = [
            "s3cr3tBlocKey0001", "api-s3cr3t-value", token, "22345678901", "08031234567", "2348031234567", "8031234567",
            "ada.private@example.com", "ada.private",
        ]
        for event in heard.values {
            let text = [String(describing: event), String(reflecting: event)].joined(separator: "\n")
            for secret in secrets { XCTAssertFalse(text.contains(secret), "an event shows \(secret): \(text)") }
        }
        // The events do show what a log needs.
        let all = heard.values.map { String(describing: $0) }.joined(separator: "\n")
        XCTAssertTrue(all.contains("/auth/token") && all.contains("/customers"), all)
    }

    // --- what came back ----------------------------------------------------------------------------

    func testEveryOperationCanReturnItsAnswersMetadata() async throws {
        let answers = Counter()
        let transport = FunctionTransport { _ in
            answers.bump()
            let status: UInt16 = answers.count == 1 ? 429 : 200
            return HttpResponse(
                status: status, headers: [Header(name: "X-Request-Id", value: "req_\(answers.count)"), Header(name: "Retry-After", value: "1")],
                body: Data(customerBody.utf8))
        }
        let client = try BlocClient(secretKey: testKey, transport: transport, sleep: { _ in }, random: { 0.5 })
        let response = try await client.getCustomerWithResponse(customerId)
        XCTAssertEqual(response.value.id, customerId)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.requestId, "req_2")
        XCTAssertEqual(response.attempts, 2)
        XCTAssertEqual(response.headers.first { $0.name == "X-Request-Id" }?.value, "req_2")
        XCTAssertEqual(response.info, ResponseInfo(HttpResponse(status: 200, headers: response.headers, body: Data()), attempts: 2))
        // The value alone is the same call without its metadata.
        let plain = try await client.getCustomer(customerId)
        XCTAssertEqual(plain, response.value)
    }

    func testAnAccessTokenHasAResponseOnlyWhenOneWasSent() async throws {
        let transport = FunctionTransport { _ in
            HttpResponse(status: 200, headers: [Header(name: "X-Request-Id", value: "req_token")], body: Data(obTokenBody.utf8))
        }
        let server = try offBlocks(offblocksSandboxBaseUrl(), .credentials(credentials), transport: transport)
        let fetched = try await server.accessTokenWithResponse()
        XCTAssertEqual(fetched.response?.status, 200)
        XCTAssertEqual(fetched.response?.requestId, "req_token")
        XCTAssertEqual(fetched.response?.attempts, 1)
        let held = try await server.accessTokenWithResponse()
        XCTAssertEqual(held.value, fetched.value)
        XCTAssertNil(held.response, "the token held is fresh: nothing was sent")
        XCTAssertEqual(transport.requests.count, 1)

        let app = try offBlocks(offblocksSandboxBaseUrl(), .provider { AccessToken(token: "tok-provided", expiresAt: Date(timeIntervalSince1970: 4_102_444_800), tokenType: "Bearer") })
        let provided = try await app.accessTokenWithResponse()
        XCTAssertEqual(provided.value.token, "tok-provided")
        XCTAssertNil(provided.response, "a provider's token: nothing was sent")
    }

    func testResponseDescriptionsShowNoSecrets() async throws {
        let transport = FunctionTransport { _ in HttpResponse(status: 200, headers: [], body: Data(obTokenBody.utf8)) }
        let server = try offBlocks(offblocksSandboxBaseUrl(), .credentials(credentials), transport: transport)
        let fetched = try await server.accessTokenWithResponse()
        let text = String(describing: fetched)
        XCTAssertFalse(text.contains("c3ludGhldGlj"), text)
        XCTAssertFalse(text.contains("api-s3cr3t-value"), text)
    }

    // --- per-call options ----------------------------------------------------------------------------

    func testTodayIsAPerCallOptionOfTheTier1Upgrade() async throws {
        let transport = FunctionTransport { _ in HttpResponse(status: 200, headers: [], body: Data(customerBody.utf8)) }
        let client = try BlocClient(secretKey: testKey, transport: transport, now: { [now] in now })
        let upgrade = KycTier1Upgrade(
            placeOfBirth: "Lagos", dob: "2000-01-02", gender: .female, country: "NG",
            address: Address(street: "1 Marina", city: "Lagos", state: "Lagos", country: "NG", postalCode: "100001"),
            image: "https://example.com/selfie.jpg")
        let e = await expectError {
            try await client.upgradeKycTier1(customerId, upgrade, today: DateComponents.calendarDate(year: 2000, month: 1, day: 1))
        }
        XCTAssertEqual(e?.issues.first.map { issueCodeWireValue(code: $0.code) }, "date_in_future")
        XCTAssertEqual(transport.requests.count, 0)
        _ = try await client.upgradeKycTier1(customerId, upgrade)
        XCTAssertEqual(transport.requests.count, 1, "by the client's clock the date is past")
    }
}

/// Values recorded from any thread (a listener's events).
final class Recorder<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [T] = []
    var values: [T] { lock.lock(); defer { lock.unlock() }; return recorded }
    func append(_ value: T) {
        lock.lock()
        recorded.append(value)
        lock.unlock()
    }
}
