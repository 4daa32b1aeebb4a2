import Clientele
import Foundation
import XCTest

/// The shared OffBlocks cases (tests/fixtures/offblocks) through the Swift bindings.
final class OffBlocksFixtureTests: XCTestCase {
    private let fixture = Fixtures.load("offblocks/requests.json")

    private func key() throws -> SigningKey { try SigningKey.fromPem(pem: Fixtures.text("offblocks/test-key-p384.pem")) }

    /// The fixture's context with the case's members overriding.
    private func context(_ c: JSON) -> JSON {
        guard case .object(var base) = fixture["context"] else { return .null }
        if case .object(let over) = c["context"] { for (k, v) in over { base[k] = v } }
        return .object(base)
    }

    private func client(_ ctx: JSON) throws -> OffBlocks {
        let offblocks = try OffBlocks(
            baseUrl: ctx["baseUrl"].string!, signing: offblocksDefaultSigningConfig(keyId: ctx["keyId"].string!))
        guard let token = ctx["token"].string else { return offblocks }
        return try offblocks.withToken(token: token)
    }

    private enum Built {
        case plain(HttpRequest)
        case signed(SigningRequest)
    }

    private func build(_ c: JSON, _ ctx: JSON) throws -> Built {
        let offblocks = try client(ctx)
        let now = parseInstant(ctx["now"].string!)!
        let id = c["customerId"].string ?? ""
        let key = c["idempotencyKey"].string ?? ""
        let input = c["input"]
        func s(_ k: String) -> String { input[k].string ?? "" }
        switch c["operation"].string {
        case "token": return .plain(try offblocks.buildTokenRequest(credentials: ApiCredentials(apiKey: s("apiKey"), apiSecret: s("apiSecret"))))
        case "create_customer":
            return .signed(try offblocks.buildCreateCustomer(
                input: OffBlocksCustomerCreate(chainId: s("chainId"), externalId: s("externalId")), idempotencyKey: key, now: now))
        case "list_customers": return .signed(try offblocks.buildListCustomers(now: now))
        case "get_customer": return .signed(try offblocks.buildGetCustomer(customerId: id, now: now))
        case "deactivate_customer": return .signed(try offblocks.buildDeactivateCustomer(customerId: id, idempotencyKey: key, now: now))
        case "activate_customer": return .signed(try offblocks.buildActivateCustomer(customerId: id, idempotencyKey: key, now: now))
        case "simulator_verify": return .signed(try offblocks.buildSimulatorVerify(customerId: id, idempotencyKey: key, now: now))
        case "get_challenge": return .signed(try offblocks.buildGetChallenge(customerId: id, now: now))
        case "submit_challenge":
            return .signed(try offblocks.buildSubmitChallenge(
                customerId: id, submission: ChallengeSubmission(challenge: s("challenge"), signature: s("signature"), signer: s("signer")),
                idempotencyKey: key, now: now))
        default: throw NSError(domain: "unknown operation", code: 0)
        }
    }

    func testRequests() throws {
        let key = try key()
        Fixtures.run("offblocks/requests.json") { c, failures in
            let expect = c["expect"]
            do {
                let built = try build(c, context(c))
                guard expect.has("request") else { return failures.append("expected an error, built a request") }
                let want = expect["request"]
                let request: HttpRequest
                switch built {
                case .plain(let r): request = r
                case .signed(let pending):
                    let base = String(decoding: pending.signatureBase(), as: UTF8.self)
                    if base != want["signatureBase"].string { failures.append("signature base:\n\(base)\n!=\n\(want["signatureBase"])") }
                    request = try pending.sign(key: key)
                }
                checkRequest(request, want, &failures)
            } catch {
                if expect.has("error") { checkError(error, expect["error"], &failures) }
                else { failures.append("expected a request, got \(error.localizedDescription)") }
            }
        }
    }

    /// An external signer (raw r||s, or DER as SecKeyCreateSignature returns) gives the same request.
    func testExternalSignersFinishTheSameRequest() throws {
        let c = fixture["cases"].array[1]
        guard case .signed(let pending) = try build(c, context(c)) else { return XCTFail("not signed") }
        let key = try key()
        let inCore = try pending.sign(key: key)
        let header = inCore.headers.first { $0.name == "Signature" }!.value
        let raw = Data(base64Encoded: String(header.dropFirst("sig=:".count).dropLast()))!
        XCTAssertEqual(raw.count, 96)
        assertSameRequest(inCore, try pending.finish(signature: raw, encoding: .raw))
        assertSameRequest(inCore, try pending.finish(signature: rawToDer(raw), encoding: .der))
        XCTAssertEqual(try ecdsaDerToRaw(der: rawToDer(raw), algorithm: pending.algorithm()), raw)
        XCTAssertThrowsError(try pending.finish(signature: raw.prefix(95), encoding: .raw)) { error in
            XCTAssertEqual((error as? ClienteleError)?.code, "signature_invalid_length")
        }
        var options = defaultSignatureVerifyOptions(now: Date(timeIntervalSince1970: 1_763_700_010))
        options.requireContentDigest = true
        let verified = try verifyRequestSignature(request: inCore, key: key.publicKey(), options: options)
        XCTAssertEqual(verified.keyId, "test-key-ecc-p384")
    }

    /// A retry whose signature has grown old is re-signed with the same key and body.
    func testResignKeepsKeyAndBody() throws {
        let c = fixture["cases"].array[1]
        let ctx = context(c)
        guard case .signed(let pending) = try build(c, ctx) else { return XCTFail("not signed") }
        let key = try key()
        let first = try pending.sign(key: key)
        let later = parseInstant(ctx["now"].string!)!.addingTimeInterval(600)
        let second = try client(ctx).resign(request: first, now: later).sign(key: key)
        XCTAssertEqual(first.body, second.body)
        func h(_ r: HttpRequest, _ n: String) -> [String] { r.headers.filter { $0.name.lowercased() == n.lowercased() }.map(\.value) }
        for name in ["Idempotency-Key", "Content-Digest", "Authorization"] { XCTAssertEqual(h(first, name), h(second, name), name) }
        XCTAssertNotEqual(h(first, "Signature"), h(second, "Signature"))
        XCTAssertEqual(h(second, "Signature").count, 1)
    }

    private func parse(_ operation: String, _ response: HttpResponse) throws -> JSON {
        switch operation {
        case "create_customer": return offBlocksCustomerJSON(try offblocksParseCreateCustomer(response: response))
        case "get_customer": return offBlocksCustomerJSON(try offblocksParseGetCustomer(response: response))
        case "list_customers": return .array(try offblocksParseListCustomers(response: response).map(offBlocksCustomerJSON))
        case "status_change": return try offblocksParseStatusChange(response: response).map(offBlocksCustomerJSON) ?? .null
        case "simulator_verify":
            try offblocksParseSimulatorVerify(response: response)
            return .null
        case "token":
            let t = try offblocksParseToken(response: response)
            return .object(["token": .string(t.token), "expiresAt": .instant(t.expiresAt), "tokenType": .string(t.tokenType)])
        case "get_challenge": return .string(try offblocksParseChallenge(response: response))
        default: throw NSError(domain: "unknown operation \(operation)", code: 0)
        }
    }

    func testResponses() {
        Fixtures.runResponses("offblocks/responses.json", parse)
    }

    func testAccountIds() {
        Fixtures.run("offblocks/account-ids.json") { c, failures in
            let expect = c["expect"]
            do {
                let id = try caip10AccountId(chainId: UInt64(c["chainId"].int!), address: c["address"].string!)
                if expect.has("value") { subset(expect["value"], .string(id), "value", &failures) }
                else { failures.append("expected an error, got \(id)") }
            } catch {
                if expect.has("error") { checkError(error, expect["error"], &failures) }
                else { failures.append("expected a value, got \(error.localizedDescription)") }
            }
        }
    }

    func testChallenges() {
        Fixtures.run("offblocks/challenges.json") { c, failures in
            let expect = c["expect"]
            do {
                let challenge = try openChallenge(encoded: c["challenge"].string!, chainId: c["chainId"].string!, now: parseInstant(c["now"].string!)!)
                let submission = try c["signature"].string.map { try acceptChallengeSignature(challenge: challenge, signatureHex: $0) }
                let f = challenge.fields
                let version: String
                switch f.version { case .v1: version = "1" }
                let actual = JSON.object([
                    "message": .object([
                        "domain": .string(f.domain), "address": .string(f.address), "uri": .string(f.uri), "version": .string(version),
                        "chainId": .number(Double(f.chainId)), "nonce": .string(f.nonce), "issuedAt": .string(f.issuedAt),
                        "digest": .string(challenge.digest),
                    ]),
                    "signer": submission == nil ? .null : .string(f.address),
                    "submission": submission.map {
                        .object(["challenge": .string($0.challenge), "signature": .string($0.signature), "signer": .string($0.signer)])
                    } ?? .null,
                ])
                if expect.has("error") { failures.append("expected an error, got \(actual)") }
                else { subset(expect, actual, "expect", &failures) }
            } catch {
                if expect.has("error") { checkError(error, expect["error"], &failures) }
                else { failures.append("expected success, got \(error.localizedDescription)") }
            }
        }
    }

    func testWebhooks() {
        Fixtures.run("offblocks/webhooks.json") { c, failures in
            let webhooks = OffBlocksWebhooks(capacity: 100)
            for (i, delivery) in c["deliveries"].array.enumerated() {
                let expected = delivery["expect"]
                do {
                    let (event, classified) = try webhooks.receive(Data(delivery["body"].string!.utf8))
                    var known = true
                    if case .other = event.webhookType { known = false }
                    let name: String
                    switch classified {
                    case .new: name = "new"
                    case .duplicate: name = "duplicate"
                    case .stale: name = "stale"
                    }
                    let actual = JSON.object([
                        "type": .string(offblocksWebhookTypeWireValue(value: event.webhookType)), "known": .bool(known),
                        "status": opt(event.customer.map { offblocksStatusWireValue(value: $0.status) }), "delivery": .string(name),
                    ])
                    subset(expected, actual, "delivery[\(i)]", &failures)
                } catch {
                    let code = (error as? ClienteleError)?.code ?? "\(error)"
                    if expected["error"].string != code { failures.append("delivery[\(i)]: got error \(code), expected \(expected)") }
                }
            }
        }
    }
}

/// A raw ECDSA r||s signature as X9.62 DER, as iOS and Android return it.
func rawToDer(_ raw: Data) -> Data {
    func integer(_ bytes: Data) -> [UInt8] {
        var v = Array(bytes.drop { $0 == 0 })
        if v.isEmpty { v = [0] }
        if v[0] & 0x80 != 0 { v.insert(0, at: 0) }
        return [0x02, UInt8(v.count)] + v
    }
    let half = raw.count / 2
    let body = integer(raw.prefix(half)) + integer(raw.suffix(half))
    let length: [UInt8] = body.count < 128 ? [UInt8(body.count)] : [0x81, UInt8(body.count)]
    return Data([0x30] + length + body)
}
