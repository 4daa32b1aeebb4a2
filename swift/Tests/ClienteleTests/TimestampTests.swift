import Clientele
import Foundation
import XCTest

/// Instants become Foundation `Date`s, a Double of seconds: uniffi 0.32.2 converts through
/// floating point (tutanota#7584), so these tests hold every conversion to under a millisecond,
/// both ways, and report the worst error seen. Dates of birth stay calendar dates.
///
/// Known gap (uniffi 0.32.2, not Clientele): an instant strictly inside the second before the
/// Unix epoch is written as "0 seconds + a fraction" and loses its sign, in both directions;
/// `testTheSecondBeforeTheEpochIsUniffisKnownGap` pins it down. No provider timestamp lies there.
final class TimestampTests: XCTestCase {
    private let instants = [
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:58.999999999Z",
        "1969-07-20T20:17:40.000000001Z",
        "1900-01-01T00:00:00.001Z",
        "2001-01-01T00:00:00Z",
        "2023-03-08T10:59:39.509Z",
        "2024-01-12T14:53:02.653457Z",
        "2026-11-21T09:30:12.839735959Z",
        "2038-01-19T03:14:08.000000001Z",
        "9999-12-31T23:59:59.999999999Z",
    ]

    private func customerCreatedAt(_ text: String) throws -> Date? {
        let body = #"{"success":true,"data":{"id":"64105f5d7f1b4b36103f870e","customer_type":"Personal","status":"active","environment":"test","created_at":"\#(text)"}}"#
        return try blocParseGetCustomer(response: HttpResponse(status: 200, headers: [], body: Data(body.utf8))).createdAt
    }

    /// How far `date` is from the exact instant `text` names, computed without rounding the
    /// expected value through a Double first (whole seconds, then the nanoseconds apart).
    private func exactError(_ date: Date, _ text: String) -> Double {
        let whole = parseInstant(String(text.prefix(19)) + "Z")!.timeIntervalSince1970
        let digits = text.dropFirst(20).prefix { $0.isNumber }
        let nanos = text.dropFirst(19).hasPrefix(".") ? Double(digits.padding(toLength: 9, withPad: "0", startingAt: 0))! : 0
        return abs((date.timeIntervalSince1970 - whole) - nanos / 1e9)
    }

    func testRustToSwiftWithinAMillisecond() throws {
        var worst = 0.0
        for text in instants {
            let date = try XCTUnwrap(customerCreatedAt(text))
            let error = exactError(date, text)
            worst = max(worst, error)
            XCTAssertLessThan(error, 0.001, text)
        }
        print("worst Rust -> Swift error: \(worst * 1e6) µs")
    }

    func testSwiftToRustWithinAMillisecond() throws {
        for text in instants {
            let expiry = parseInstant(text)!
            let token = AccessToken(token: "t", expiresAt: expiry, tokenType: "Bearer")
            if text != "1970-01-01T00:00:00Z" {  // - 1 ms would fall in uniffi's gap, see above
                XCTAssertFalse(accessTokenNeedsRefresh(token: token, now: expiry.addingTimeInterval(-0.001), marginSeconds: 0), "\(text) - 1 ms")
            }
            XCTAssertTrue(accessTokenNeedsRefresh(token: token, now: expiry.addingTimeInterval(0.001), marginSeconds: 0), "\(text) + 1 ms")
        }
    }

    func testARoundTripKeepsTheSameStateWithinAMillisecond() throws {
        let body = #"{"webhookType":"customer.updated","eventId":"ev-1","id":"123e4567-e89b-12d3-a456-426614174000","status":"active","updatedAt":"2024-01-12T15:05:32.166028Z"}"#
        let event = try parseOffBlocksWebhook(body: Data(body.utf8))
        let updatedAt = try XCTUnwrap(event.customer?.updatedAt)
        XCTAssertEqual(offblocksWebhookClassify(event: event, eventAlreadySeen: false, lastUpdatedAt: updatedAt.addingTimeInterval(-0.001)), .new)
        XCTAssertEqual(offblocksWebhookClassify(event: event, eventAlreadySeen: false, lastUpdatedAt: updatedAt.addingTimeInterval(0.001)), .stale)
        // The very Date that came from Rust, sent back: the same state is never "stale" by more
        // than the Double's rounding, which stays below a microsecond here.
        let back = try XCTUnwrap(customerCreatedAt("2024-01-12T15:05:32.166028Z"))
        XCTAssertLessThan(abs(back.timeIntervalSince(updatedAt)), 0.000_001)
    }

    func testDatesOfBirthAreCalendarDates() throws {
        let today = DateComponents.calendarDate(year: 2026, month: 11, day: 21)
        let dob = try validateDateOfBirth(value: "2001-04-14", today: today)
        XCTAssertEqual([dob.year, dob.month, dob.day], [2001, 4, 14])
        XCTAssertNil(dob.hour)
        XCTAssertThrowsError(try validateDateOfBirth(value: "2026-11-22", today: today)) { error in
            XCTAssertEqual((error as? ClienteleError)?.issues.first.map { issueCodeWireValue(code: $0.code) }, "date_in_future")
        }
        // Components without a day are refused with an error, never a crash.
        XCTAssertThrowsError(try validateDateOfBirth(value: "2001-04-14", today: DateComponents(year: 2026)))
    }

    func testTheSecondBeforeTheEpochIsUniffisKnownGap() throws {
        // Rust to Swift: -0.5 s arrives as +0.5 s. Outside that second, within a millisecond.
        XCTAssertEqual(try customerCreatedAt("1969-12-31T23:59:59.5Z")?.timeIntervalSince1970 ?? 0, 0.5, accuracy: 1e-9)
        XCTAssertEqual(try customerCreatedAt("1969-12-31T23:59:59Z")?.timeIntervalSince1970 ?? 0, -1, accuracy: 1e-9)
        // Swift to Rust likewise: -1 ms arrives as +1 ms.
        let epoch = AccessToken(token: "t", expiresAt: Date(timeIntervalSince1970: 0), tokenType: "Bearer")
        XCTAssertTrue(accessTokenNeedsRefresh(token: epoch, now: Date(timeIntervalSince1970: -0.001), marginSeconds: 0))
        XCTAssertFalse(accessTokenNeedsRefresh(token: epoch, now: Date(timeIntervalSince1970: -1), marginSeconds: 0))
    }
}
