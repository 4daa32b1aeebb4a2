import Clientele
import Foundation
import XCTest

/// `OffBlocksWebhooks` keeps what its deduplicator remembers across restarts: `save()` gives the
/// core's state, `restore(state:)` takes it back (`invalid_argument` for anything else).
final class WebhookStateTests: XCTestCase {
    func testTheWebhookReceiversMemorySurvivesARestart() throws {
        let first = Data(#"{"webhookType":"customer.updated","eventId":"ev-1","id":"123e4567-e89b-12d3-a456-426614174000","status":"active","updatedAt":"2024-01-12T15:05:32.166028Z"}"#.utf8)
        let older = Data(#"{"webhookType":"customer.updated","eventId":"ev-0","id":"123e4567-e89b-12d3-a456-426614174000","status":"pending","updatedAt":"2024-01-12T15:00:00Z"}"#.utf8)
        let hooks = OffBlocksWebhooks(capacity: 16)
        XCTAssertEqual(try hooks.receive(first).delivery, .new)
        let state = hooks.save()
        XCTAssertTrue(state.contains("ev-1"), state)

        let restarted = try OffBlocksWebhooks.restore(state: state)
        XCTAssertEqual(try restarted.receive(first).delivery, .duplicate, "the event id survived the restart")
        XCTAssertEqual(try restarted.receive(older).delivery, .stale, "so did the customer's last update")
        XCTAssertEqual(try OffBlocksWebhooks(capacity: 16).receive(first).delivery, .new, "a fresh receiver remembers nothing")
        XCTAssertEqual(try OffBlocksWebhooks.restore(state: restarted.save()).receive(first).delivery, .duplicate)

        for bad in ["", "not json", "{}", #"{"capacity":"many"}"#] {
            XCTAssertThrowsError(try OffBlocksWebhooks.restore(state: bad), bad) { error in
                guard case .Validation(let code, _, _) = error as? ClienteleError else { return XCTFail("\(error)") }
                XCTAssertEqual(code, "invalid_argument")
            }
        }
    }
}
