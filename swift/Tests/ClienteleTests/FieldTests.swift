import Clientele
import Foundation
import XCTest

/// tests/fixtures/fields.json through `validateField` and `validateDateOfBirth`: the issue code
/// of each value (or none), as in Rust, npm and Kotlin. The kinds are the fixture's camelCase
/// names, mapped to the core's `FieldKind` here.
final class FieldTests: XCTestCase {
    private static let kinds: [String: FieldKind] = [
        "name": .name, "email": .email, "nigerianPhone": .nigerianPhone, "bvn": .bvn, "postalCode": .postalCode,
        "httpsUrl": .httpsUrl, "image": .image, "blocCustomerId": .blocCustomerId, "uuid": .uuid, "accountId": .accountId,
    ]

    func testEveryFieldCase() {
        let cases = Fixtures.load("fields.json")["fields"].array
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        for c in cases {
            let name = c["kind"].string ?? "?"
            guard let kind = Self.kinds[name] else {
                XCTFail("fields.json has the kind \(name), which this test does not map")
                continue
            }
            let value = c["value"].string ?? ""
            let got = validateField(kind: kind, value: value).map { issueCodeWireValue(code: $0) }
            XCTAssertEqual(got, c["issue"].string, "\(name) \(value.debugDescription)")
        }
    }

    func testEveryKindOfTheOperationListHasCases() {
        let listed = Set(Fixtures.load("operations.json")["fieldKinds"].array.compactMap(\.string))
        let covered = Set(Fixtures.load("fields.json")["fields"].array.compactMap { $0["kind"].string })
        XCTAssertEqual(listed.count, 10)
        XCTAssertEqual(Set(Self.kinds.keys), listed, "every field kind of operations.json is a FieldKind")
        XCTAssertTrue(listed.isSubset(of: covered), "kinds without a case: \(listed.subtracting(covered))")
    }

    func testEveryDateOfBirthCase() throws {
        let cases = Fixtures.load("fields.json")["datesOfBirth"].array
        XCTAssertGreaterThanOrEqual(cases.count, 5)
        for c in cases {
            let value = c["value"].string ?? ""
            let parts = (c["today"].string ?? "").split(separator: "-").compactMap { Int($0) }
            XCTAssertEqual(parts.count, 3)
            let today = DateComponents.calendarDate(year: parts[0], month: parts[1], day: parts[2])
            do {
                let date = try validateDateOfBirth(value: value, today: today)
                XCTAssertNil(c["issue"].string, "\(value.debugDescription) was accepted")
                // An accepted date is the same calendar date.
                let text = String(format: "%04d-%02d-%02d", date.year ?? 0, date.month ?? 0, date.day ?? 0)
                XCTAssertEqual(text, value)
            } catch let error as ClienteleError {
                XCTAssertEqual(error.code, "validation_failed", "\(value.debugDescription)")
                XCTAssertEqual(error.issues.first.map { issueCodeWireValue(code: $0.code) }, c["issue"].string, "\(value.debugDescription)")
            }
        }
    }
}
