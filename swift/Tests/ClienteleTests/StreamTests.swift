import Clientele
import Foundation
import XCTest

/// `customerPages()` and `customers()`: lazy (a page is requested only when the loop asks for
/// what it holds), cancellable (leaving the loop sends nothing more; cancelling the task ends the
/// request in flight with `aborted`), driven by the core's pager (which page comes next, when
/// to stop, `paging_ignored`). A scripted transport serves pages of two customers.
final class StreamTests: XCTestCase {
    /// Page `n` (1-based) of `pages`, two customers each: ids ...<n>1 and ...<n>2.
    private static func page(_ n: Int, of pages: Int) -> HttpResponse {
        let customers = (1...2).map { i in
            #"{"id":"6410612c7f1b4b36103f88\#(n)\#(i)","customer_type":"Personal","status":"active","environment":"test"}"#
        }
        let body = #"{"success":true,"data":[\#(customers.joined(separator: ","))],"metadata":{"has_next":\#(n < pages)}}"#
        return HttpResponse(status: 200, headers: [], body: Data(body.utf8))
    }

    private static func pageNumber(_ request: HttpRequest) -> Int {
        guard let range = request.url.range(of: #"page=(\d+)"#, options: .regularExpression) else { return 1 }
        return Int(request.url[range].dropFirst("page=".count)) ?? 0
    }

    private func client(pages: Int, slowPage: Int? = nil, cancelled: Counter? = nil) throws -> (BlocClient, FunctionTransport) {
        let transport = FunctionTransport { request in
            let n = Self.pageNumber(request)
            if n == slowPage {
                do {
                    try await Task.sleep(nanoseconds: 30_000_000_000)
                } catch {
                    cancelled?.bump()
                    throw error
                }
            }
            return Self.page(n, of: pages)
        }
        let client = try BlocClient(
            secretKey: "sk_test_0123456789abcdef", transport: transport, sleep: { _ in }, random: { 0.5 })
        return (client, transport)
    }

    func testPagesAreRequestedOnlyWhenTheLoopAsks() async throws {
        let (client, transport) = try client(pages: 3)
        let pages = client.customerPages()
        try await Task.sleep(nanoseconds: 50_000_000)
        XCTAssertEqual(transport.requests.count, 0, "making the stream sends nothing")
        var iterator = pages.makeAsyncIterator()
        let first = try await iterator.next()
        XCTAssertEqual(first?.customers.map(\.id), ["6410612c7f1b4b36103f8811", "6410612c7f1b4b36103f8812"])
        try await Task.sleep(nanoseconds: 50_000_000)
        XCTAssertEqual(transport.requests.count, 1, "one page asked for, one request")
        let second = try await iterator.next()
        XCTAssertEqual(second?.customers.first?.id, "6410612c7f1b4b36103f8821")
        XCTAssertEqual(transport.requests.count, 2)
        let third = try await iterator.next()
        XCTAssertEqual(third?.hasNext, false)
        let end = try await iterator.next()
        XCTAssertNil(end, "the pager saw the last page: the stream ends")
        XCTAssertEqual(transport.requests.map { Self.pageNumber($0) }, [1, 2, 3])
    }

    func testCustomersRequestTheNextPageOnlyAfterTheLastCustomerOfThePage() async throws {
        let (client, transport) = try client(pages: 2)
        var iterator = client.customers().makeAsyncIterator()
        XCTAssertEqual(transport.requests.count, 0)
        let a = try await iterator.next()
        XCTAssertEqual(a?.id, "6410612c7f1b4b36103f8811")
        XCTAssertEqual(transport.requests.count, 1)
        let b = try await iterator.next()
        XCTAssertEqual(b?.id, "6410612c7f1b4b36103f8812")
        XCTAssertEqual(transport.requests.count, 1, "the second customer was on the page already")
        let c = try await iterator.next()
        XCTAssertEqual(c?.id, "6410612c7f1b4b36103f8821")
        XCTAssertEqual(transport.requests.count, 2)
        var rest: [String] = []
        while let customer = try await iterator.next() { rest.append(customer.id) }
        XCTAssertEqual(rest, ["6410612c7f1b4b36103f8822"])
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testLeavingTheLoopSendsNothingMore() async throws {
        let (client, transport) = try client(pages: 5)
        var seen: [String] = []
        for try await customer in client.customers() {
            seen.append(customer.id)
            if seen.count == 3 { break }
        }
        XCTAssertEqual(seen, ["6410612c7f1b4b36103f8811", "6410612c7f1b4b36103f8812", "6410612c7f1b4b36103f8821"])
        try await Task.sleep(nanoseconds: 100_000_000)
        XCTAssertEqual(transport.requests.count, 2, "no page after the loop ended")
        var pages = 0
        for try await _ in client.customerPages() {
            pages += 1
            break
        }
        try await Task.sleep(nanoseconds: 100_000_000)
        XCTAssertEqual(pages, 1)
        XCTAssertEqual(transport.requests.count, 3, "one more request: the first page of the new loop")
    }

    func testCancellingTheTaskEndsTheRequestInFlightAndTheStream() async throws {
        let cancelled = Counter()
        let (client, transport) = try client(pages: 5, slowPage: 2, cancelled: cancelled)
        let started = Date()
        let consumer = Task { () -> ([String], ClienteleError?) in
            var seen: [String] = []
            do {
                for try await customer in client.customers() { seen.append(customer.id) }
            } catch {
                return (seen, error as? ClienteleError)
            }
            return (seen, nil)
        }
        for _ in 0..<300 where transport.requests.count < 2 { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertEqual(transport.requests.count, 2, "the second page is in flight")
        consumer.cancel()
        let (seen, error) = await consumer.value
        XCTAssertEqual(seen, ["6410612c7f1b4b36103f8811", "6410612c7f1b4b36103f8812"])
        XCTAssertEqual(error?.code, "aborted")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "the 30 s request ended with the task")
        for _ in 0..<100 where cancelled.count == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertEqual(cancelled.count, 1, "the transport saw the cancellation")
        try await Task.sleep(nanoseconds: 100_000_000)
        XCTAssertEqual(transport.requests.count, 2, "nothing after the cancellation")
    }

    func testAnErrorEndsTheStreamAndTheCoresPagerStopsARepeatedPage() async throws {
        // Every request answers page 1 with has_next: the pager refuses the repeat.
        let transport = FunctionTransport { _ in Self.page(1, of: 2) }
        let client = try BlocClient(secretKey: "sk_test_0123456789abcdef", transport: transport, sleep: { _ in }, random: { 0.5 })
        var iterator = client.customerPages().makeAsyncIterator()
        let first = try await iterator.next()
        XCTAssertEqual(first?.customers.count, 2)
        do {
            _ = try await iterator.next()
            XCTFail("a repeated page must end the stream with an error")
        } catch let error as ClienteleError {
            XCTAssertEqual(error.code, "paging_ignored")
        }
        let after = try await iterator.next()
        XCTAssertNil(after, "nothing after the error")
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testEachPageIsACallWithTheStreamsOptions() async throws {
        let transport = FunctionTransport { request in
            Self.pageNumber(request) == 1 ? HttpResponse(status: 503, headers: [], body: Data()) : Self.page(2, of: 2)
        }
        let client = try BlocClient(secretKey: "sk_test_0123456789abcdef", transport: transport, sleep: { _ in }, random: { 0.5 })
        var iterator = client.customerPages(timeout: 2, maxRetries: 0).makeAsyncIterator()
        do {
            _ = try await iterator.next()
            XCTFail("a 503 without retries ends the stream")
        } catch let error as ClienteleError {
            XCTAssertEqual(error.code, "server_error")
        }
        XCTAssertEqual(transport.requests.count, 1, "maxRetries: 0 applies to the page")
        XCTAssertEqual(transport.timeouts, [2])
    }
}
