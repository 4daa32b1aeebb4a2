import Clientele
import Foundation
import XCTest

/// A JSON value read from the shared fixtures (Foundation's decoder, no dependency), or an
/// instant produced by the bindings, compared with the fixture's text to the millisecond.
enum JSON: Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
    /// Only on the actual side: a `Date` from the bindings.
    case instant(Date)

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSON].self))
        }
    }

    subscript(key: String) -> JSON {
        if case .object(let o) = self { return o[key] ?? .null }
        return .null
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var array: [JSON] { if case .array(let a) = self { return a } else { return [] } }
    var int: Int? { if case .number(let n) = self { return Int(n) } else { return nil } }
    var isNull: Bool { if case .null = self { return true } else { return false } }
    func has(_ key: String) -> Bool { if case .object(let o) = self { return o[key] != nil } else { return false } }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? "\(Int(n))" : "\(n)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        case .instant(let d): return "instant(\(d.timeIntervalSince1970))"
        }
    }
}

/// Parses RFC 3339 text with any number of fractional digits (Foundation's formatter stops at 3).
func parseInstant(_ text: String) -> Date? {
    var base = text
    var fraction = 0.0
    if let dot = text.firstIndex(of: ".") {
        let digits = text[text.index(after: dot)...].prefix { $0.isNumber }
        fraction = Double("0." + digits) ?? 0
        base = String(text[..<dot]) + String(text[text.index(after: dot)...].dropFirst(digits.count))
    }
    let formatter = ISO8601DateFormatter()
    guard let whole = formatter.date(from: base) else { return nil }
    return whole.addingTimeInterval(text.hasPrefix("-") ? -fraction : fraction)
}

/// `expected` must be contained in `actual`: every member listed equals (null = absent);
/// instants within a millisecond of the fixture's text.
func subset(_ expected: JSON, _ actual: JSON, _ path: String, _ failures: inout [String]) {
    switch (expected, actual) {
    case (.object(let e), .object(let a)):
        for (k, v) in e { subset(v, a[k] ?? .null, "\(path).\(k)", &failures) }
    case (.array(let e), .array(let a)) where e.count == a.count:
        for (i, pair) in zip(e, a).enumerated() { subset(pair.0, pair.1, "\(path)[\(i)]", &failures) }
    case (.null, .null): break
    case (.bool(let e), .bool(let a)) where e == a: break
    case (.number(let e), .number(let a)) where e == a: break
    case (.string(let e), .string(let a)) where e == a: break
    case (.string(let e), .instant(let a)):
        guard let want = parseInstant(e), abs(want.timeIntervalSince(a)) < 0.001 else {
            failures.append("\(path): expected \(e), got \(a.timeIntervalSince1970) (more than 1 ms away)")
            return
        }
    default: failures.append("\(path): expected \(expected), got \(actual)")
    }
}

enum Fixtures {
    static let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["CLIENTELE_FIXTURES"] ?? "../../tests/fixtures")

    static func load(_ path: String) -> JSON {
        let data = (try? Data(contentsOf: dir.appendingPathComponent(path))) ?? Data()
        return (try? JSONDecoder().decode(JSON.self, from: data)) ?? .null
    }

    static func text(_ path: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)) ?? ""
    }

    /// Runs every case of `path`, reporting each failing case by name.
    static func run(_ path: String, file: StaticString = #filePath, line: UInt = #line, _ body: (JSON, inout [String]) throws -> Void) {
        let cases = load(path)["cases"].array
        XCTAssertFalse(cases.isEmpty, "no cases in \(path)", file: file, line: line)
        for c in cases {
            var failures: [String] = []
            do {
                try body(c, &failures)
            } catch {
                failures.append("unexpected \(error)")
            }
            for f in failures { XCTFail("[\(path)] \(c["name"].string ?? "?"): \(f)", file: file, line: line) }
        }
    }

    /// Runs every response case of `path`: `parse` turns the operation and response into a JSON
    /// value (compared with `expect.value`) or throws (compared with `expect.error`).
    static func runResponses(_ path: String, file: StaticString = #filePath, line: UInt = #line, _ parse: (String, HttpResponse) throws -> JSON) {
        run(path, file: file, line: line) { c, failures in
            let expect = c["expect"]
            do {
                let value = try parse(c["operation"].string ?? "", responseOf(c["response"]))
                if expect.has("value") { subset(expect["value"], value, "value", &failures) }
                else { failures.append("expected an error, parsed \(value)") }
            } catch {
                if expect.has("error") { checkError(error, expect["error"], &failures) }
                else { failures.append("expected a value, got \(error.localizedDescription)") }
            }
        }
    }
}

func headersOf(_ value: JSON) -> [Header] {
    guard case .object(let o) = value else { return [] }
    return o.map { Header(name: $0.key, value: $0.value.string ?? "") }
}

/// A fixture response (`status`, `headers`, exact `body` text).
func responseOf(_ r: JSON) -> HttpResponse {
    HttpResponse(status: UInt16(r["status"].int ?? 0), headers: headersOf(r["headers"]), body: Data((r["body"].string ?? "").utf8))
}

func opt(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
func opt(_ d: Date?) -> JSON { d.map(JSON.instant) ?? .null }
func num<T: BinaryInteger>(_ n: T?) -> JSON { n.map { .number(Double($0)) } ?? .null }

/// The shape `expect.error` describes.
func errorShape(_ e: ClienteleError) -> JSON {
    var shape: [String: JSON] = [
        "code": .string(e.code),
        "status": num(e.status()),
        "retryable": .bool(e.isRetryable()),
        "issues": .array(e.issues.map { .object(["path": .string($0.path), "code": .string(issueCodeWireValue(code: $0.code)), "message": .string($0.message)]) }),
    ]
    switch e {
    case .Api(_, _, _, _, _, let seconds, let at, let requestId, let providerMessage, _):
        shape["message"] = opt(providerMessage)
        shape["requestId"] = opt(requestId)
        shape["retryAfterSeconds"] = seconds.map { .number(Double($0)) } ?? (at == nil ? .null : .number(Double(UInt64.max)))
    case .Decode(_, _, _, _, let path):
        shape["path"] = .string(path)
    default: break
    }
    return .object(shape)
}

func checkError(_ error: Error, _ expected: JSON, _ failures: inout [String]) {
    guard let e = error as? ClienteleError else {
        failures.append("not a ClienteleError: \(error)")
        return
    }
    if case .Decode = e {
        for needle in ["08012345678", "22403240419", "@example", "yesterday"] where e.message.contains(needle) {
            failures.append("decode message leaks `\(needle)`: \(e.message)")
        }
    }
    subset(expected, errorShape(e), "error", &failures)
}

func methodName(_ m: Clientele.Method) -> String {
    switch m {
    case .get: return "GET"
    case .post: return "POST"
    case .put: return "PUT"
    case .patch: return "PATCH"
    case .delete: return "DELETE"
    }
}

/// Compares a built request with `expect.request` (method, url, exact body, headers by name).
func checkRequest(_ req: HttpRequest, _ want: JSON, _ failures: inout [String]) {
    if methodName(req.method) != want["method"].string { failures.append("method \(req.method) != \(want["method"])") }
    if req.url != want["url"].string { failures.append("url \(req.url) != \(want["url"])") }
    let body = String(decoding: req.body, as: UTF8.self)
    if body != want["body"].string { failures.append("body \(body) != \(want["body"])") }
    func norm(_ hs: [Header]) -> [String] { hs.map { "\($0.name.lowercased()): \($0.value)" }.sorted() }
    let got = norm(req.headers)
    let exp = norm(headersOf(want["headers"]))
    if got != exp { failures.append("headers \(got) != \(exp)") }
}

func dateText(_ d: DateComponents?) -> JSON {
    guard let d, let y = d.year, let m = d.month, let day = d.day else { return .null }
    return .string(String(format: "%04d-%02d-%02d", y, m, day))
}

func customerJSON(_ c: Customer) -> JSON {
    .object([
        "id": .string(c.id), "firstName": .string(c.firstName), "lastName": .string(c.lastName),
        "fullName": .string(c.fullName), "email": .string(c.email), "phoneNumber": .string(c.phoneNumber),
        "bvn": .string(c.bvn), "customerType": .string(customerTypeWireValue(value: c.customerType)),
        "status": .string(customerStatusWireValue(value: c.status)), "kycTier": .string(kycTierWireValue(value: c.kycTier)),
        "kycStatus": opt(c.kycStatus), "environment": .string(environmentWireValue(value: c.environment)),
        "organizationId": .string(c.organizationId), "group": .string(c.group), "source": .string(c.source),
        "country": .string(c.country), "gender": opt(c.gender.map { genderWireValue(value: $0) }),
        "dateOfBirth": dateText(c.dateOfBirth), "placeOfBirth": opt(c.placeOfBirth),
        "address": c.address.map {
            .object([
                "street": opt($0.street), "city": opt($0.city), "state": opt($0.state), "country": opt($0.country),
                "postalCode": opt($0.postalCode), "extra": jsonText($0.extra),
            ])
        } ?? .null,
        "imageUrl": opt(c.imageUrl), "meansOfIdentity": opt(c.meansOfIdentity.map { meansOfIdWireValue(value: $0) }),
        "meansOfIdentityUrl": opt(c.meansOfIdentityUrl), "identityUrl": opt(c.identityUrl),
        "syncData": c.syncData.map { .object(["provider": .string($0.provider), "id": opt($0.id), "extra": jsonText($0.extra)]) } ?? .null,
        "createdAt": opt(c.createdAt), "updatedAt": opt(c.updatedAt), "extra": jsonText(c.extra),
    ])
}

func offBlocksCustomerJSON(_ c: OffBlocksCustomer) -> JSON {
    .object([
        "id": .string(c.id), "externalId": .string(c.externalId), "chainId": .string(c.chainId),
        "status": .string(offblocksStatusWireValue(value: c.status)), "createdAt": opt(c.createdAt),
        "updatedAt": opt(c.updatedAt), "challenge": opt(c.challenge), "verificationUrl": opt(c.verificationUrl),
        "extra": jsonText(c.extra),
    ])
}

/// A JSON text from the bindings (an `extra` map) as a value to compare.
func jsonText(_ text: String) -> JSON {
    (try? JSONDecoder().decode(JSON.self, from: Data(text.utf8))) ?? .string("not JSON: \(text)")
}

/// Requests from the same build compare field by field.
func assertSameRequest(_ a: HttpRequest, _ b: HttpRequest, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.url, b.url, file: file, line: line)
    XCTAssertEqual(a.headers, b.headers, file: file, line: line)
    XCTAssertEqual(a.body, b.body, file: file, line: line)
}
