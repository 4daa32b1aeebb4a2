import Clientele
import Foundation
import XCTest

/// Runs the README's Swift quickstart (Quickstart.swift, extracted by swift/test.sh) against a
/// local provider.
final class QuickstartTests: XCTestCase {
    func testBlocQuickstartRuns() async throws {
        let server = FakeServer()
        defer { server.stop() }
        server.on("/v1/customers", .init(status: 200, body: customerBody))
        let customer = try await blocQuickstart(baseUrl: "\(server.url)/v1")
        XCTAssertEqual(customer.id, customerId)
        XCTAssertEqual(server.received.count, 1, "the bad form never left the device")
        XCTAssertTrue(server.received[0].text.contains(#""bvn":"22222222222""#))
    }

    func testOffBlocksQuickstartRuns() async throws {
        let wallet = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
        let issuedAt = ISO8601DateFormatter().string(from: Date())
        let message = "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n\(wallet)\n\n"
            + "OffBlocks wants to verify ownership of your wallet.\n\nURI: https://api.sandbox.offblocks.xyz\nVersion: 1\n"
            + "Chain ID: 1\nNonce: 5ufoiEqDaFvmfo78\nIssued At: \(issuedAt)"
        let challenge = Data(message.utf8).base64EncodedString()
        let server = FakeServer()
        defer { server.stop() }
        // The app's backend hands out the token; the app never calls POST /auth/token.
        server.on("/backend/offblocks-token", .init(status: 200, body: obTokenBody))
        server.on("/v1/customers", .init(status: 201, body: #"{"id":"\#(obCustomerId)","externalId":"customer-42","chainId":"eip155:1:\#(wallet)","status":"initiating","challenge":"\#(challenge)"}"#))
        let opened = try await offBlocksQuickstart(
            baseUrl: "\(server.url)/v1", tokenUrl: "\(server.url)/backend/offblocks-token",
            privateKeyPem: Fixtures.text("offblocks/test-key-p384.pem"))
        XCTAssertEqual(opened.message, message)
        XCTAssertEqual(opened.fields.address, wallet)
        XCTAssertEqual(server.received.map(\.path), ["/backend/offblocks-token", "/v1/customers"])
        let create = try XCTUnwrap(server.received(at: "/v1/customers").first)
        XCTAssertEqual(create.header("Authorization"), "Bearer eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJzeW50aGV0aWMifQ.c3ludGhldGlj")
        XCTAssertEqual(create.header("Signature")?.hasPrefix("sig=:"), true)
    }
}
