import Clientele
import Foundation
import XCTest

/// End to end against the REAL sandbox process (tests/sandbox, started on the host by
/// swift/test.sh; loopback is shared with the chroot the tests run in): the scenario of
/// npm/examples/demo.mjs through the default URLSession transport, then each injected fault.
/// swift/test.sh passes the sandbox's ready JSON in CLIENTELE_SANDBOX and the test wallet
/// signer's URL in CLIENTELE_WALLET_URL. XCTest runs the tests one at a time: faults are global.
final class SandboxE2ETests: XCTestCase {
    private struct Sandbox {
        let url, bloc, offblocks, blocWebhookSecret, apiKey, apiSecret, wallet: String
    }

    private static let walletKey = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    private static let walletAddress = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
    private static let secretKey = "sk_test_swift_e2e_0123456789"
    private static let keyId = "swift-e2e-key"
    nonisolated(unsafe) private static var keyRegistered = false

    private let fast = ClientOptions(baseDelay: 0.05, maxDelay: 0.2)
    private var sandbox: Sandbox!
    private var hooks: FakeServer!

    override func setUpWithError() throws {
        let env = ProcessInfo.processInfo.environment
        let json = try XCTUnwrap(env["CLIENTELE_SANDBOX"], "CLIENTELE_SANDBOX is not set: run swift/test.sh")
        let ready = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        func field(_ name: String) throws -> String { try XCTUnwrap(ready[name] as? String, name) }
        sandbox = Sandbox(
            url: try field("url"), bloc: try field("bloc"), offblocks: try field("offblocks"),
            blocWebhookSecret: try field("blocWebhookSecret"), apiKey: try field("offblocksApiKey"),
            apiSecret: try field("offblocksApiSecret"),
            wallet: try XCTUnwrap(env["CLIENTELE_WALLET_URL"], "CLIENTELE_WALLET_URL is not set"))
        // A local endpoint receiving both providers' webhooks, raw bytes and headers.
        hooks = FakeServer()
        for path in ["/bloc", "/offblocks"] {
            for _ in 0..<100 { hooks.on(path, .init(status: 200)) }
        }
    }

    override func tearDown() { hooks.stop() }

    // --- plain HTTP to the sandbox's admin endpoints and the wallet ------------------------------
    private func call(_ method: Clientele.Method, _ url: String, _ body: Any? = nil, bearer: String? = nil) async throws -> (Int, Any?) {
        var headers = [Header(name: "Content-Type", value: "application/json")]
        if let bearer { headers.append(Header(name: "Authorization", value: "Bearer \(bearer)")) }
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let response = try await URLSessionTransport().send(HttpRequest(method: method, url: url, headers: headers, body: data), timeout: 10)
        let parsed = response.body.isEmpty ? nil : try? JSONSerialization.jsonObject(with: response.body)
        return (Int(response.status), parsed)
    }

    @discardableResult
    private func admin(_ method: Clientele.Method, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let (status, parsed) = try await call(method, "\(sandbox.url)/__admin\(path)", body)
        XCTAssertEqual(status, 200, "admin \(path)")
        return parsed
    }

    private func fault(_ method: String, _ path: String, _ fault: String, _ extra: [String: Any] = [:]) async throws {
        var body: [String: Any] = ["method": method, "path": path, "fault": fault, "times": 1]
        body.merge(extra) { $1 }
        try await admin(.post, "/faults", body)
    }

    /// The injected faults not yet consumed (none once the faulted request was answered).
    private func faultsPending() async throws -> Int {
        let answer = try await admin(.get, "/state")
        let state = try XCTUnwrap(answer as? [String: Any])
        return try XCTUnwrap(state["faults"] as? [Any]).count
    }

    private func stateCustomers(_ provider: String) async throws -> [[String: Any]] {
        let answer = try await admin(.get, "/state")
        let state = try XCTUnwrap(answer as? [String: Any])
        let section = try XCTUnwrap(state[provider] as? [String: Any])
        return try XCTUnwrap(section["customers"] as? [[String: Any]])
    }

    /// The test wallet's `personal_sign` (an independent signer: tests/e2e/wallet-signer.mjs).
    private func walletSign(_ privateKey: String, _ message: String) async throws -> String {
        let (status, parsed) = try await call(.post, "\(sandbox.wallet)/sign", ["privateKey": privateKey, "message": message])
        XCTAssertEqual(status, 200)
        return try XCTUnwrap((parsed as? [String: Any])?["signature"] as? String)
    }

    private func waitForHooks(_ what: String, _ done: ([FakeServer.Received]) -> Bool) async throws -> [FakeServer.Received] {
        for _ in 0..<200 {
            if done(hooks.received) { return hooks.received }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        XCTFail("no \(what) arrived (received: \(hooks.received.map(\.path)))")
        return hooks.received
    }

    // --- clients ---------------------------------------------------------------------------------
    private func bloc(_ options: ClientOptions? = nil, timeout: TimeInterval = 10) throws -> BlocClient {
        var options = options ?? fast
        options.timeout = timeout
        return try BlocClient(secretKey: Self.secretKey, baseUrl: sandbox.bloc, options: options)
    }

    private func offBlocks() async throws -> OffBlocksClient {
        let client = try OffBlocksClient(
            baseUrl: sandbox.offblocks, signing: offblocksDefaultSigningConfig(keyId: Self.keyId),
            tokenSource: .credentials(ApiCredentials(apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret)),
            signer: .key(try SigningKey.fromPem(pem: Fixtures.text("offblocks/test-key-p384.pem"))), options: fast)
        if !Self.keyRegistered {
            // Registered as the demo does: PUT /auth/signing with the client's own bearer token.
            let publicPem = Fixtures.text("offblocks/test-key-p384.pub.pem")
            let token = try await client.accessToken().token
            let (status, _) = try await call(
                .put, "\(sandbox.offblocks)/auth/signing",
                ["keyId": Self.keyId, "publicKey": Data(publicPem.utf8).base64EncodedString()], bearer: token)
            XCTAssertTrue((200..<300).contains(status), "PUT /auth/signing: \(status)")
            Self.keyRegistered = true
        }
        return client
    }

    private func person(_ i: Int, _ first: String, _ last: String) -> CustomerCreateRequest {
        var p = goodPayload()
        p.email = "\(first.lowercased()).\(i).\(UUID().uuidString.prefix(8).lowercased())@example.com"
        p.phoneNumber = "+234 80\(i) 234 5678"
        p.firstName = first
        p.lastName = last
        p.bvn = "2222222222\(i)"
        return p
    }

    /// A fresh eip155 address (lowercase hex: no EIP-55 checksum to get wrong).
    private func freshChain() -> String {
        let hex = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return "eip155:300:0x" + hex + String(repeating: "0", count: 40 - hex.count)
    }

    // --- the demo's scenario -----------------------------------------------------------------------
    func testBlocScenario() async throws {
        let bloc = try bloc()
        // 1. A bad form: every field issue at once, nothing sent.
        let before = try await stateCustomers("bloc").count
        var form = goodPayload()
        form.email = "ada@"
        form.phoneNumber = "+44 20 7946 0958"
        form.firstName = " "
        form.bvn = "2222"
        let bad = await expectError { try await bloc.createCustomer(form) }
        XCTAssertEqual(bad?.code, "validation_failed")
        XCTAssertEqual(
            Set(bad?.issues.map { "\($0.path):\(issueCodeWireValue(code: $0.code))" } ?? []),
            ["email:invalid_email", "phoneNumber:invalid_phone", "firstName:required", "bvn:invalid_bvn"])
        let afterBad = try await stateCustomers("bloc").count
        XCTAssertEqual(afterBad, before, "nothing was sent")

        // 2. A webhook, then five customers.
        let (status, _) = try await call(.post, "\(sandbox.bloc)/webhooks", ["url": "\(hooks.url)/bloc"], bearer: Self.secretKey)
        XCTAssertEqual(status, 200)
        var created: [Customer] = []
        for (i, (first, last)) in [("Ada", "Obi"), ("Tunde", "Bello"), ("Chioma", "Eze"), ("Sani", "Musa"), ("Ngozi", "Okafor")].enumerated() {
            created.append(try await bloc.createCustomer(person(i, first, last)))
        }
        let ada = created[0]
        XCTAssertEqual(ada.phoneNumber, "08002345678", "the phone went out normalised")
        XCTAssertEqual(ada.kycTier, .tier0)
        XCTAssertNil(ada.updatedAt, "Go's zero time means never")

        // 3. Every page, two per page, by hand and with allCustomers.
        let expected = try await stateCustomers("bloc").compactMap { $0["id"] as? String }
        var pages: [[String]] = []
        var page: UInt32 = 1
        while true {
            var query = blocDefaultListQuery()
            query.page = page
            query.perPage = 2
            let p = try await bloc.listCustomers(query)
            pages.append(p.customers.map(\.id))
            XCTAssertEqual(p.hasPrevious, page > 1)
            if !p.hasNext { break }
            page += 1
        }
        XCTAssertEqual(pages.flatMap { $0 }, expected)
        XCTAssertEqual(pages.count, (expected.count + 1) / 2)
        var twoPerPage = blocDefaultListQuery()
        twoPerPage.perPage = 2
        let all = try await bloc.allCustomers(twoPerPage)
        XCTAssertEqual(all.map(\.id), expected)

        // 4. Get, update, KYC tier 1, an unknown id.
        let fetched = try await bloc.getCustomer(ada.id)
        XCTAssertEqual(fetched.id, ada.id)
        let updated = try await bloc.updateCustomer(
            ada.id,
            CustomerUpdateRequest(
                email: "ada.obi@example.com", phoneNumber: "08001234567", firstName: "Ada", lastName: "Obi-Eze",
                customerType: ada.customerType, address: nil))
        XCTAssertEqual(updated.lastName, "Obi-Eze")
        XCTAssertNotNil(updated.updatedAt)
        let tier1 = try await bloc.upgradeKycTier1(
            ada.id,
            KycTier1Upgrade(
                placeOfBirth: "Kaduna", dob: "1992-03-30", gender: .female, country: "Nigeria",
                address: Address(street: "12 Admiralty Way", city: "Lekki", state: "Lagos", country: "Nigeria", postalCode: "106104"),
                image: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="))
        XCTAssertEqual(tier1.kycTier, .tier1)
        let missing = await expectError { try await bloc.getCustomer("000000000000000000000000") }
        guard case .Api(let code, _, _, let status404, _, _, _, _, _, _) = missing else { return XCTFail("\(String(describing: missing))") }
        XCTAssertEqual(code, "not_found")
        XCTAssertEqual(status404, 404)

        // 5. Customer.created, verified on the raw bytes; a changed byte is refused.
        let mine = { (all: [FakeServer.Received]) in all.filter { $0.path == "/bloc" && $0.text.contains(ada.id) } }
        let blocHooks = mine(try await waitForHooks("Bloc webhook") { !mine($0).isEmpty })
        let hook = try XCTUnwrap(blocHooks.first)
        let headers = hook.headers.map { Header(name: $0.0, value: $0.1) }
        let event = try BlocWebhooks(secret: sandbox.blocWebhookSecret).receive(hook.body, headers: headers)
        XCTAssertEqual(event.event, .customerCreated)
        XCTAssertEqual(event.customer?.id, ada.id)
        XCTAssertThrowsError(try BlocWebhooks(secret: sandbox.blocWebhookSecret).receive(hook.body + Data(" ".utf8), headers: headers)) {
            XCTAssertEqual(($0 as? ClienteleError)?.code, "webhook_signature_mismatch")
        }
    }

    func testOffBlocksScenario() async throws {
        try await admin(.post, "/offblocks/webhooks", ["callbackUrl": "\(hooks.url)/offblocks"])
        let offblocks = try await offBlocks()
        // 1. A signed, idempotent create: the same key and body give the same customer back.
        let chainId = "eip155:300:\(Self.walletAddress)"
        let input = OffBlocksCustomerCreate(chainId: chainId, externalId: "swift-e2e-customer-1")
        let key = UUID().uuidString.lowercased()
        let customer = try await offblocks.createCustomer(input, idempotencyKey: key)
        XCTAssertEqual(customer.status, .initiating)
        // The KYC verification URL: the sandbox's own KYC page for this customer.
        XCTAssertEqual(customer.verificationUrl, "\(sandbox.url)/kyc/\(customer.id)")
        XCTAssertEqual(customer.extra, "{}")
        let kyc = try await URLSessionTransport().send(
            HttpRequest(method: .get, url: try XCTUnwrap(customer.verificationUrl), headers: [], body: Data()), timeout: 10)
        XCTAssertEqual(kyc.status, 200)
        XCTAssertTrue(String(decoding: kyc.body, as: UTF8.self).contains("<code id=\"customer-id\">\(customer.id)</code>"))
        let again = try await offblocks.createCustomer(input, idempotencyKey: key)
        XCTAssertEqual(again.id, customer.id)
        let stored = try await stateCustomers("offblocks").filter { $0["externalId"] as? String == "swift-e2e-customer-1" }
        XCTAssertEqual(stored.count, 1)

        // 2. The ownership challenge: checked, refused for another wallet, signed, submitted.
        let challenge = try offblocks.openChallenge(customer)
        XCTAssertEqual(challenge.fields.address.lowercased(), Self.walletAddress.lowercased())
        let wrongSignature = try await walletSign(String(repeating: "11", count: 32), challenge.message)
        let wrong = await expectError { try await offblocks.submitChallenge(customer.id, challenge, walletSignatureHex: wrongSignature) }
        guard case .Challenge = wrong else { return XCTFail("\(String(describing: wrong))") }
        let signature = try await walletSign(Self.walletKey, challenge.message)
        let submitted = try await offblocks.submitChallenge(customer.id, challenge, walletSignatureHex: signature)
        XCTAssertTrue([nil, .screening, .verifying].contains(submitted?.status), "\(String(describing: submitted))")
        try await offblocks.simulateVerification(customer.id)
        let verified = try await offblocks.getCustomer(customer.id)
        XCTAssertEqual(verified.status, .active)

        // 3. Deactivate, a refused second deactivate, activate.
        _ = try await offblocks.deactivateCustomer(customer.id)
        let inactive = try await offblocks.getCustomer(customer.id)
        XCTAssertEqual(inactive.status, .inactive)
        let refused = await expectError { try await offblocks.deactivateCustomer(customer.id) }
        guard case .Api(let code, _, _, let status, _, _, _, _, _, _) = refused else { return XCTFail("\(String(describing: refused))") }
        XCTAssertEqual(code, "invalid_state_transition")
        XCTAssertEqual(status, 409)
        _ = try await offblocks.activateCustomer(customer.id)
        let active = try await offblocks.getCustomer(customer.id)
        XCTAssertEqual(active.status, .active)
        let listed = try await offblocks.listCustomers()
        XCTAssertTrue(listed.contains { $0.id == customer.id })

        // 4. customer.updated deliveries: every signature verified with the sandbox's key,
        // parsed, and a replayed delivery told apart as a duplicate.
        let mine = { (all: [FakeServer.Received]) in all.filter { $0.path == "/offblocks" && $0.text.contains(customer.id) } }
        let deliveries = mine(try await waitForHooks("OffBlocks webhooks") { mine($0).count >= 5 })
        let keyAnswerJSON = try await admin(.get, "/webhook-key")
        let keyAnswer = try XCTUnwrap(keyAnswerJSON as? [String: Any])
        let webhookKey = try VerifyingKey.fromPem(pem: try XCTUnwrap(keyAnswer["publicKeyPem"] as? String))
        let receiver = OffBlocksWebhooks(publicKey: webhookKey)
        var statuses = Set<String>()
        var fresh = 0
        for d in deliveries {
            let received = try receiver.receive(d.body, url: "\(hooks.url)\(d.path)", headers: d.headers.map { Header(name: $0.0, value: $0.1) })
            XCTAssertEqual(received.event.customer?.id, customer.id)
            if received.delivery == .new { fresh += 1 }
            if let status = received.event.customer?.status { statuses.insert(offblocksStatusWireValue(value: status)) }
        }
        XCTAssertGreaterThan(fresh, 0)
        XCTAssertEqual(statuses, ["screening", "verifying", "active", "inactive"])
        let first = deliveries[0]
        let firstHeaders = first.headers.map { Header(name: $0.0, value: $0.1) }
        XCTAssertEqual(try receiver.receive(first.body, url: "\(hooks.url)\(first.path)", headers: firstHeaders).delivery, .duplicate)
        let forged = Data(first.text.replacingOccurrences(of: customer.id, with: UUID().uuidString.lowercased()).utf8)
        XCTAssertThrowsError(try receiver.receive(forged, url: "\(hooks.url)\(first.path)", headers: firstHeaders)) {
            XCTAssertEqual(($0 as? ClienteleError)?.code, "content_digest_mismatch")
        }
    }

    // --- faults --------------------------------------------------------------------------------------
    func testA500AfterProcessingIsRetriedWithTheSameKeyAndCreatesOneCustomer() async throws {
        let offblocks = try await offBlocks()
        try await fault("POST", "/offblocks/v1/customers", "500-after")
        let externalId = "swift-500-after-\(UUID().uuidString.lowercased())"
        let created = try await offblocks.createCustomer(OffBlocksCustomerCreate(chainId: freshChain(), externalId: externalId))
        XCTAssertEqual(created.externalId, externalId)
        let pending = try await faultsPending()
        XCTAssertEqual(pending, 0, "the first attempt met the fault")
        let matching = try await stateCustomers("offblocks").filter { $0["externalId"] as? String == externalId }
        XCTAssertEqual(matching.compactMap { $0["id"] as? String }, [created.id], "exactly one customer, the one returned")
    }

    func testA429WaitsForRetryAfter() async throws {
        let bloc = try bloc()
        let customer = try await bloc.createCustomer(person(7, "Retry", "After"))
        try await fault("GET", "/bloc/v1/customers/\(customer.id)", "429", ["retryAfter": 2])
        var started = Date()
        let fetched = try await bloc.getCustomer(customer.id)
        XCTAssertEqual(fetched.id, customer.id)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 2, "Retry-After said 2 s")
        let pending = try await faultsPending()
        XCTAssertEqual(pending, 0, "the first attempt met the fault")

        // A create too: the retry after the wait carries the same Idempotency-Key: one customer.
        let offblocks = try await offBlocks()
        try await fault("POST", "/offblocks/v1/customers", "429", ["retryAfter": 1])
        let externalId = "swift-429-\(UUID().uuidString.lowercased())"
        started = Date()
        let created = try await offblocks.createCustomer(OffBlocksCustomerCreate(chainId: freshChain(), externalId: externalId))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 1, "Retry-After said 1 s")
        let matching = try await stateCustomers("offblocks").filter { $0["externalId"] as? String == externalId }
        XCTAssertEqual(matching.compactMap { $0["id"] as? String }, [created.id])
    }

    func testASlowAnswerIsATypedTimeout() async throws {
        let id = try await bloc().createCustomer(person(6, "Slow", "Answer")).id
        let impatient = try bloc(ClientOptions(maxRetries: 0), timeout: 0.3)
        try await fault("GET", "/bloc/v1/customers/\(id)", "slow", ["delayMs": 1500])
        let started = Date()
        let e = await expectError { try await impatient.getCustomer(id) }
        guard case .Transport(let code, _, let timedOut, _) = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(code, "timeout")
        XCTAssertTrue(timedOut)
        let waited = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(waited, 0.3, "the limit was waited for, not failed at once")
        XCTAssertLessThan(waited, 1.4)
        let again = try await impatient.getCustomer(id)
        XCTAssertEqual(again.id, id, "the client still works")
    }

    func testAMalformedBodyIsATypedDecodeError() async throws {
        let bloc = try bloc()
        let id = try await bloc.createCustomer(person(5, "Broken", "Body")).id
        try await fault("GET", "/bloc/v1/customers/\(id)", "malformed")
        let e = await expectError { try await bloc.getCustomer(id) }
        guard case .Decode = e else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(e?.code, "decode_failed")
        let again = try await bloc.getCustomer(id)
        XCTAssertEqual(again.id, id, "the client still works")

        let offblocks = try await offBlocks()
        let created = try await offblocks.createCustomer(
            OffBlocksCustomerCreate(chainId: freshChain(), externalId: "swift-malformed-\(UUID().uuidString.lowercased())"))
        try await fault("GET", "/offblocks/v1/customers/\(created.id)", "malformed")
        let ob = await expectError { try await offblocks.getCustomer(created.id) }
        XCTAssertEqual(ob?.code, "decode_failed")
    }

    func testAnUnknownStatusIsKept() async throws {
        let offblocks = try await offBlocks()
        let created = try await offblocks.createCustomer(
            OffBlocksCustomerCreate(chainId: freshChain(), externalId: "swift-unknown-\(UUID().uuidString.lowercased())"))
        try await fault("GET", "/offblocks/v1/customers/\(created.id)", "unknown-status")
        let customer = try await offblocks.getCustomer(created.id)
        XCTAssertEqual(customer.status, .other("suspended"))
        XCTAssertEqual(offblocksStatusWireValue(value: customer.status), "suspended")
        XCTAssertFalse(offblocksStatusCanDeactivate(status: customer.status))

        let bloc = try bloc()
        let id = try await bloc.createCustomer(person(4, "Unknown", "Status")).id
        try await fault("GET", "/bloc/v1/customers/\(id)", "unknown-status")
        let blocCustomer = try await bloc.getCustomer(id)
        XCTAssertEqual(customerStatusWireValue(value: blocCustomer.status), "suspended")
    }
}
