import Foundation
import XCTest

@testable import Clientele

/// Issue 16.9 in Swift: bodies full of BVNs, phone numbers, emails, tokens and keys pushed through
/// every parse and error path; every printed form of each error (`description`,
/// `localizedDescription`, `String(reflecting:)`, interpolation, `dump`) and the printed forms of
/// parsed values are searched for the sensitive values. Zero hits; the data values themselves keep
/// their data, and the provider's text stays behind `unmaskedProviderMessage()`.
final class PiiLeakTests: XCTestCase {
    static let sensitive = [
        "22403240419",  // BVN
        "08031234567",  // phone
        "+2348031234567",
        "chioma.eze@example.com",
        "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJl",  // a bearer token
        "sk_live_leakyleakyleaky0123",
        "api-secret-do-not-print-9f3a",
    ]
    static let bodies = [
        #"{"message":"customer chioma.eze@example.com with BVN 22403240419 already exists"}"#,
        #"{"error":{"detail":"phone 08031234567 is taken (also +2348031234567)"}}"#,
        #"{"errors":[{"title":"token eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJl refused"}]}"#,
        #"{"message":"bad key sk_live_leakyleakyleaky0123, secret api-secret-do-not-print-9f3a"}"#,
        "plain text: chioma.eze@example.com 22403240419 08031234567",
    ]
    static let undecodable = [
        #"{"success":true,"data":{"id":7,"email":"chioma.eze@example.com","bvn":"22403240419"}}"#,
        #"{"success":true,"data":{"id":"x","created_at":"08031234567","customer_type":"Personal","status":"active","environment":"test"}}"#,
        #"{"success":true,"data":{"email":"chioma.eze@example.com""#,
    ]

    private func forms(_ error: Error) -> [String] {
        var dumped = ""
        dump(error, to: &dumped)
        return [
            String(describing: error), String(reflecting: error), "\(error)", error.localizedDescription, dumped,
        ]
    }

    private func assertClean(_ text: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        for value in Self.sensitive where text.contains(value) {
            XCTFail("\(context): \(value) printed in \(text)", file: file, line: line)
        }
    }

    private func response(_ status: UInt16, _ body: String) -> HttpResponse {
        HttpResponse(status: status, headers: [Header(name: "X-Request-Id", value: "req_pii")], body: Data(body.utf8))
    }

    func testApiErrorsAreMaskedInEveryFormAndUnmaskedOnlyOnRequest() throws {
        var revealed = 0
        for status: UInt16 in [400, 401, 404, 409, 422, 429, 500, 503] {
            for body in Self.bodies {
                let parses: [(String, () throws -> Void)] = [
                    ("blocParseGetCustomer", { _ = try blocParseGetCustomer(response: self.response(status, body)) }),
                    ("blocParseCreateCustomer", { _ = try blocParseCreateCustomer(response: self.response(status, body)) }),
                    ("offblocksParseGetCustomer", { _ = try offblocksParseGetCustomer(response: self.response(status, body)) }),
                    ("offblocksParseCreateCustomer", { _ = try offblocksParseCreateCustomer(response: self.response(status, body)) }),
                ]
                for (name, parse) in parses {
                    do {
                        try parse()
                        XCTFail("\(name) \(status): no error")
                    } catch let error as ClienteleError {
                        for form in forms(error) { assertClean(form, "\(name) \(status)") }
                        if let raw = error.unmaskedProviderMessage(), Self.sensitive.contains(where: raw.contains) {
                            revealed += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(revealed, 0, "unmaskedProviderMessage() still gives the provider's text")
    }

    func testDecodeAndWebhookErrorsNeverEchoTheBody() {
        for body in Self.undecodable + Self.bodies {
            let bytes = Data(body.utf8)
            let attempts: [(String, () throws -> Void)] = [
                ("blocParseGetCustomer", { _ = try blocParseGetCustomer(response: self.response(200, body)) }),
                ("blocParseListCustomers", { _ = try blocParseListCustomers(response: self.response(200, body)) }),
                ("offblocksParseGetCustomer", { _ = try offblocksParseGetCustomer(response: self.response(200, body)) }),
                ("parseBlocWebhook", { _ = try parseBlocWebhook(body: bytes) }),
                ("parseOffBlocksWebhook", { _ = try parseOffBlocksWebhook(body: bytes) }),
                ("verifyBlocWebhook", {
                    _ = try verifyBlocWebhook(
                        body: bytes, headers: [Header(name: "X-Bloc-Webhook", value: Self.sensitive[4])],
                        secret: Self.sensitive[6])
                }),
            ]
            for (name, attempt) in attempts {
                do { try attempt() } catch { for form in forms(error) { assertClean(form, name) } }
            }
        }
    }

    func testParsedValuesKeepTheirDataButPrintMasked() throws {
        let body = #"{"success":true,"data":{"id":"6410612c7f1b4b36103f872a","email":"chioma.eze@example.com","phone_number":"08031234567","bvn":"22403240419","customer_type":"Personal","status":"active","environment":"test"}}"#
        let customer = try blocParseGetCustomer(response: response(200, body))
        XCTAssertEqual(customer.email, "chioma.eze@example.com")
        XCTAssertEqual(customer.bvn, "22403240419")
        for form in [String(describing: customer), String(reflecting: customer), "\(customer)"] {
            assertClean(form, "Customer")
        }
    }
}
