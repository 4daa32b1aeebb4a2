import Clientele
import Foundation
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What an app does with the release package, checked with exact values: a form validated with
/// every issue at once, a Bloc customer page parsed, an OffBlocks request signed byte for byte as
/// tests/fixtures/offblocks/requests.json says, a Bloc webhook verified on its raw body, and a
/// customer created and read back through the local sandbox (tests/sandbox) over URLSession.
/// run.sh passes the fixtures directory in CLIENTELE_FIXTURES and the sandbox in CLIENTELE_SANDBOX.
final class ConsumerTests: XCTestCase {
    private func fixture(_ path: String) throws -> [String: Any] {
        let dir = try XCTUnwrap(ProcessInfo.processInfo.environment["CLIENTELE_FIXTURES"], "CLIENTELE_FIXTURES is not set: run run.sh")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(path))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], path)
    }

    private func fixtureText(_ path: String) throws -> String {
        let dir = try XCTUnwrap(ProcessInfo.processInfo.environment["CLIENTELE_FIXTURES"])
        return try String(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent(path), encoding: .utf8)
    }

    private func cases(_ fixture: [String: Any]) -> [[String: Any]] { fixture["cases"] as? [[String: Any]] ?? [] }

    private func headers(_ value: Any?) -> [Header] {
        ((value as? [String: String]) ?? [:]).map { Header(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
    }

    private func validationError(_ body: () throws -> Void) -> ClienteleError? {
        do {
            try body()
            return nil
        } catch {
            return error as? ClienteleError
        }
    }

    func testValidationReportsEveryIssueAtOnce() throws {
        var form = CustomerCreateRequest(
            email: "ada@", phoneNumber: "+234 801 234 5678", firstName: "Ada", lastName: "Obi",
            customerType: .personal, bvn: "2222")
        let error = try XCTUnwrap(validationError { try validateBlocCustomerCreate(payload: form) }, "the form was accepted")
        XCTAssertEqual(error.code, "validation_failed")
        XCTAssertEqual(error.issues.map { "\($0.path):\(issueCodeWireValue(code: $0.code))" }, ["email:invalid_email", "bvn:invalid_bvn"])
        XCTAssertTrue(error.localizedDescription.contains("email"), error.localizedDescription)
        XCTAssertFalse(error.localizedDescription.contains("2222"), "the rejected BVN shows: \(error.localizedDescription)")
        form.email = "ada@example.com"
        form.bvn = "22222222222"
        XCTAssertNil(validationError { try validateBlocCustomerCreate(payload: form) }, "the fixed form was refused")
        // The same rules, one field at a time, as a form checks while the user types.
        XCTAssertEqual(validateField(kind: .email, value: "ada@").map { issueCodeWireValue(code: $0) }, "invalid_email")
        XCTAssertNil(validateField(kind: .email, value: "ada@example.com"))
    }

    func testParsesABlocCustomerPage() throws {
        let page = try XCTUnwrap(cases(try fixture("bloc/responses.json")).first {
            $0["operation"] as? String == "list_customers"
                && (($0["expect"] as? [String: Any])?["value"] as? [String: Any])?["customers"].map { ($0 as? [Any])?.count ?? 0 } ?? 0 >= 3
        })
        let response = try XCTUnwrap(page["response"] as? [String: Any])
        let expect = try XCTUnwrap((page["expect"] as? [String: Any])?["value"] as? [String: Any])
        let parsed = try blocParseListCustomers(response: HttpResponse(
            status: UInt16(try XCTUnwrap(response["status"] as? Int)), headers: headers(response["headers"]),
            body: Data(try XCTUnwrap(response["body"] as? String).utf8)))
        XCTAssertEqual(parsed.hasNext, expect["hasNext"] as? Bool)
        XCTAssertEqual(parsed.hasPrevious, expect["hasPrevious"] as? Bool)
        let want = try XCTUnwrap(expect["customers"] as? [[String: Any]])
        XCTAssertEqual(parsed.customers.count, want.count)
        for (customer, want) in zip(parsed.customers, want) {
            XCTAssertEqual(customer.id, want["id"] as? String)
            XCTAssertEqual(customerStatusWireValue(value: customer.status), want["status"] as? String)
            XCTAssertEqual(customerTypeWireValue(value: customer.customerType), want["customerType"] as? String)
            XCTAssertEqual(kycTierWireValue(value: customer.kycTier), want["kycTier"] as? String)
        }
        // A value the provider added later is kept, not an error: the first customer's type is
        // "retail" and the second's status "dormant".
        XCTAssertEqual(parsed.customers.first?.customerType, .other("retail"))
        XCTAssertEqual(parsed.customers.dropFirst().first?.status, .other("dormant"))
        let malformed = validationError {
            _ = try blocParseListCustomers(response: HttpResponse(status: 200, headers: [], body: Data("{".utf8)))
        }
        XCTAssertEqual(malformed?.code, "decode_failed")
    }

    func testSignsAnOffBlocksRequestByteForByte() throws {
        let requests = try fixture("offblocks/requests.json")
        let context = try XCTUnwrap(requests["context"] as? [String: String])
        let signed = try XCTUnwrap(cases(requests).first {
            $0["operation"] as? String == "create_customer"
                && (($0["expect"] as? [String: Any])?["request"] as? [String: Any])?["headers"].map { ($0 as? [String: String])?["Signature"] != nil } ?? false
        })
        let input = try XCTUnwrap(signed["input"] as? [String: String])
        let want = try XCTUnwrap((signed["expect"] as? [String: Any])?["request"] as? [String: Any])
        let key = try SigningKey.fromPem(pem: try fixtureText("offblocks/\(try XCTUnwrap(context["privateKeyFile"]))"))
        let offblocks = try OffBlocks(
            baseUrl: try XCTUnwrap(context["baseUrl"]), signing: offblocksDefaultSigningConfig(keyId: try XCTUnwrap(context["keyId"]))
        ).withToken(token: try XCTUnwrap(context["token"]))
        let now = try XCTUnwrap(ISO8601DateFormatter().date(from: try XCTUnwrap(context["now"])))
        let pending = try offblocks.buildCreateCustomer(
            input: OffBlocksCustomerCreate(chainId: try XCTUnwrap(input["chainId"]), externalId: try XCTUnwrap(input["externalId"])),
            idempotencyKey: try XCTUnwrap(signed["idempotencyKey"] as? String), now: now)
        XCTAssertEqual(String(decoding: pending.signatureBase(), as: UTF8.self), want["signatureBase"] as? String)
        let request = try pending.sign(key: key)
        XCTAssertEqual(request.url, want["url"] as? String)
        XCTAssertEqual(request.method, .post)
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), want["body"] as? String)
        XCTAssertEqual(request.headers.sorted { $0.name < $1.name }, headers(want["headers"]))
        // And the signature verifies with the public key, at a moment within its validity.
        let verified = try verifyRequestSignature(
            request: request, key: key.publicKey(), options: defaultSignatureVerifyOptions(now: now.addingTimeInterval(10)))
        XCTAssertEqual(verified.keyId, context["keyId"])
        XCTAssertEqual(validationError { _ = try SigningKey.fromPem(pem: "not a key") }?.code, "signature_invalid_key")
    }

    func testVerifiesABlocWebhookOnItsRawBody() throws {
        let webhooks = try fixture("bloc/webhooks.json")
        let secret = try XCTUnwrap(webhooks["secret"] as? String)
        let delivery = try XCTUnwrap(cases(webhooks).first)
        let body = Data(try XCTUnwrap(delivery["body"] as? String).utf8)
        let sent = try XCTUnwrap(delivery["headers"] as? [String: String])
        let want = try XCTUnwrap((delivery["expect"] as? [String: Any])?["event"] as? [String: Any])
        let event = try BlocWebhooks(secret: secret).receive(body, headers: sent)
        XCTAssertEqual(blocEventTypeWireValue(value: event.event), want["event"] as? String)
        XCTAssertEqual(event.customer?.id, want["customerId"] as? String)
        XCTAssertEqual(event.dataJson, want["dataJson"] as? String)
        let tampered = validationError { _ = try BlocWebhooks(secret: secret).receive(body.dropFirst(), headers: sent) }
        XCTAssertEqual(tampered?.code, "webhook_signature_mismatch")
        let wrongSecret = validationError { _ = try BlocWebhooks(secret: secret + "x").receive(body, headers: sent) }
        XCTAssertEqual(wrongSecret?.code, "webhook_signature_mismatch")
    }

    /// Over the network, through the package's default transport (URLSession), against the local
    /// sandbox run.sh starts: a customer created, then read back and found in the list.
    func testCreatesAndReadsACustomerThroughTheSandbox() async throws {
        let json = try XCTUnwrap(ProcessInfo.processInfo.environment["CLIENTELE_SANDBOX"], "CLIENTELE_SANDBOX is not set: run run.sh")
        let ready = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let bloc = try BlocClient(secretKey: "sk_test_swift_consumer_0123", baseUrl: try XCTUnwrap(ready["bloc"] as? String))
        let tag = UUID().uuidString.prefix(8).lowercased()
        let created = try await bloc.createCustomer(CustomerCreateRequest(
            email: "ada.\(tag)@example.com", phoneNumber: "+234 801 234 5678", firstName: "Ada", lastName: "Obi",
            customerType: .personal, bvn: "22222222222"))
        XCTAssertEqual(created.email, "ada.\(tag)@example.com")
        XCTAssertEqual(created.phoneNumber, "08012345678", "the phone goes out in the national form")
        XCTAssertEqual(created.status, .active)
        let read = try await bloc.getCustomerWithResponse(created.id)
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(read.value.id, created.id)
        XCTAssertEqual(read.value.email, created.email)
        let all = try await bloc.allCustomers()
        XCTAssertTrue(all.contains { $0.id == created.id }, "the new customer is not in the list")
        let missing = await { () async -> ClienteleError? in
            do {
                _ = try await bloc.getCustomer("000000000000000000000000")
                return nil
            } catch {
                return error as? ClienteleError
            }
        }()
        XCTAssertEqual(missing?.code, "not_found")
    }
}
