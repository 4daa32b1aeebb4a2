import Clientele
import Foundation
import XCTest

/// The scripted exchanges of tests/fixtures/client (the same cases the Rust reference driver,
/// npm and Kotlin run) through the REAL public `BlocClient` and `OffBlocksClient`: a scripted
/// `Transport` checks every request the client sends and answers it, the clock starts at the
/// case's `now` and moves only by the waits, the sleeper records the waits (and cancels the call
/// during the `abortAtWait`-th), and the jitter values come in order (the last repeating). No
/// network. The client names the case's `appInfo` in its `User-Agent`, its event listener records
/// the events the case expects, and the operations run through their `...WithResponse` variant
/// so the case's `expect.response` (status, request id, attempts) is checked too.
final class ClientConformanceTests: XCTestCase {
    func testBlocExchanges() async throws {
        let fixture = Fixtures.load("client/bloc.json")
        let ctx = fixture["context"]
        let passed = await runCases("client/bloc.json") { c, script in
            let client = try BlocClient(
                secretKey: ctx["secretKey"].string!, transport: script, baseUrl: ctx["baseUrl"].string!,
                options: try options(c), appInfo: appInfo(c), onEvent: { script.record($0) }, now: { script.now() },
                sleep: { try await script.sleep($0) }, random: { script.random() })
            let input = c["input"]
            let id = input["customerId"].string ?? ""
            switch c["operation"].string ?? "" {
            case "customers":
                for try await customer in client.customers(try listQuery(input["query"])) {
                    script.streamed.append(.string(customer.id))
                }
                return .array(script.streamed)
            case "list_customers":
                let page = try await client.listCustomers(try listQuery(input["query"]))
                return .object(["customers": .array(page.customers.map(customerJSON)), "hasNext": .bool(page.hasNext)])
            case "get_customer": return customerJSON(script.answer(try await client.getCustomerWithResponse(id)))
            case "create_customer": return customerJSON(script.answer(try await client.createCustomerWithResponse(createPayload(input["payload"]))))
            case "update_customer":
                return customerJSON(script.answer(try await client.updateCustomerWithResponse(id, updatePayload(input["payload"]))))
            case "kyc_tier1_upgrade":
                return customerJSON(script.answer(try await client.upgradeKycTier1WithResponse(id, tier1Payload(input["payload"]))))
            case "means_of_identification":
                return .array(try await client.meansOfIdentification().map { .string(meansOfIdWireValue(value: $0.name)) })
            case "revalidate_kyc": return .string(try await client.revalidateKyc(id))
            case let other: throw Unsupported(what: "operation \(other)")
            }
        }
        XCTAssertEqual(passed, Fixtures.load("client/bloc.json")["cases"].array.count)
    }

    func testOffBlocksExchanges() async throws {
        let fixture = Fixtures.load("client/offblocks.json")
        let ctx = fixture["context"]
        let key = try SigningKey.fromPem(pem: Fixtures.text(ctx["privateKeyFile"].string!))
        let passed = await runCases("client/offblocks.json") { c, script in
            let source = c["tokenSource"]
            let provided = ProvidedTokens(c["providedTokens"].array)
            let tokenSource: OffBlocksClient.TokenSource
            switch source["source"].string {
            case "credentials":
                let credentials = source["credentials"]
                tokenSource = .credentials(ApiCredentials(apiKey: credentials["apiKey"].string!, apiSecret: credentials["apiSecret"].string!))
            case "provider": tokenSource = .provider { try provided.next() }
            case "fixed": tokenSource = .fixed(source["token"].string!, expiresAt: source["expiresAt"].string.flatMap(parseInstant))
            case let other: throw Unsupported(what: "token source \(String(describing: other))")
            }
            let client = try OffBlocksClient(
                baseUrl: ctx["baseUrl"].string!, signing: offblocksDefaultSigningConfig(keyId: ctx["keyId"].string!),
                tokenSource: tokenSource, signer: .key(key), transport: script, options: try options(c), appInfo: appInfo(c),
                onEvent: { script.record($0) }, now: { script.now() }, sleep: { try await script.sleep($0) }, random: { script.random() }, newIdempotencyKey: { "00000000-0000-4000-8000-000000000000" })
            defer {
                let expected = c["providedTokens"].array.count
                if provided.asked != expected { script.fail("the provider was asked \(provided.asked) times, expected \(expected)") }
            }
            if case .object = c["initialToken"] {
                // The provider's earlier token: the session holds it before the call, as in the
                // Rust reference driver (core/tests/client_fixtures.rs).
                let earlier = c["initialToken"]
                try client.setToken(earlier["token"].string ?? "", expiresAt: earlier["expiresAt"].string.flatMap(parseInstant))
            }
            let input = c["input"]
            let id = input["customerId"].string ?? ""
            let key = input["idempotencyKey"].string
            switch c["operation"].string ?? "" {
            case "access_token":
                let (token, response) = try await client.accessTokenWithResponse()
                script.response = response.map(responseJSON) ?? .null
                return .object(["token": .string(token.token), "expiresAt": token.expiresAt.map(JSON.instant) ?? .null])
            case "create_customer":
                let create = OffBlocksCustomerCreate(chainId: input["input"]["chainId"].string!, externalId: input["input"]["externalId"].string!)
                return offBlocksCustomerJSON(script.answer(try await client.createCustomerWithResponse(create, idempotencyKey: key)))
            case "list_customers": return .array(script.answer(try await client.listCustomersWithResponse()).map(offBlocksCustomerJSON))
            case "get_customer": return offBlocksCustomerJSON(script.answer(try await client.getCustomerWithResponse(id)))
            case "deactivate_customer":
                return script.answer(try await client.deactivateCustomerWithResponse(id, idempotencyKey: key)).map(offBlocksCustomerJSON) ?? .null
            case "activate_customer":
                return script.answer(try await client.activateCustomerWithResponse(id, idempotencyKey: key)).map(offBlocksCustomerJSON) ?? .null
            case "simulate_verification":
                script.answer(try await client.simulateVerificationWithResponse(id, idempotencyKey: key))
                return .null
            case let other: throw Unsupported(what: "operation \(other)")
            }
        }
        XCTAssertEqual(passed, Fixtures.load("client/offblocks.json")["cases"].array.count)
    }

    /// Runs every case of `path` through `run`, checks its waits, steps and outcome, and returns
    /// how many cases passed (printed, so the suite's log shows the count).
    private func runCases(
        _ path: String, file: StaticString = #filePath, line: UInt = #line,
        _ run: @escaping @Sendable (JSON, Script) async throws -> JSON
    ) async -> Int {
        let cases = Fixtures.load(path)["cases"].array
        XCTAssertFalse(cases.isEmpty, "no cases in \(path)", file: file, line: line)
        var passed = 0
        for c in cases {
            let script = Script(c)
            // Its own task: a case that cancels its call (abortAtWait) cancels only that task.
            let result = await Task { try await run(c, script) }.result
            script.check(result)
            let failures = script.failures
            for f in failures { XCTFail("[\(path)] \(c["name"].string ?? "?"): \(f)", file: file, line: line) }
            if failures.isEmpty { passed += 1 }
        }
        print("conformance \(path): \(passed) of \(cases.count) cases passed")
        return passed
    }
}

private struct Unsupported: Error, CustomStringConvertible {
    let what: String
    var description: String { "this test does not map \(what)" }
}

/// The case's `appInfo`, which the client names in its `User-Agent`.
private func appInfo(_ c: JSON) -> AppInfo? {
    let app = c["appInfo"]
    guard let name = app["name"].string else { return nil }
    return AppInfo(name: name, version: app["version"].string, url: app["url"].string)
}

/// The metadata `expect.response` describes.
private func responseJSON(_ r: ResponseInfo) -> JSON {
    .object(["status": num(r.status), "requestId": opt(r.requestId), "attempts": num(r.attempts)])
}

/// An event as the fixtures write it (the core's serde names; headers as a name -> value map).
func eventJSON(_ event: Event) -> JSON {
    func headers(_ hs: [Header]) -> JSON { .object(Dictionary(hs.map { ($0.name, JSON.string($0.value)) }, uniquingKeysWith: { a, _ in a })) }
    func failure(_ f: TransportFailure) -> String {
        switch f {
        case .timeout: return "timeout"
        case .network: return "network"
        case .aborted: return "aborted"
        }
    }
    switch event {
    case .requestSent(let method, let url, let attempt, let purpose, let hs):
        return .object([
            "event": .string("request_sent"), "method": .string(methodName(method)), "url": .string(url), "attempt": num(attempt),
            "purpose": .string(purpose == .token ? "token" : "operation"), "headers": headers(hs),
        ])
    case .responseReceived(let status, let requestId, let elapsedMs, let attempt):
        return .object([
            "event": .string("response_received"), "status": num(status), "requestId": opt(requestId), "elapsedMs": num(elapsedMs),
            "attempt": num(attempt),
        ])
    case .requestFailed(let f, let elapsedMs, let attempt):
        return .object(["event": .string("request_failed"), "failure": .string(failure(f)), "elapsedMs": num(elapsedMs), "attempt": num(attempt)])
    case .retryScheduled(let waitMs, let reason, let nextAttempt):
        return .object(["event": .string("retry_scheduled"), "waitMs": num(waitMs), "reason": .string(reason), "nextAttempt": num(nextAttempt)])
    }
}

/// The case's `options` (the engine's names and units) over the client defaults.
private func options(_ c: JSON) throws -> ClientOptions {
    guard case .object(let over) = c["options"] else { return ClientOptions() }
    var e = try ClientOptions().engine()
    for (name, value) in over {
        guard let n = value.int.flatMap({ UInt32(exactly: $0) }) else { throw Unsupported(what: "option \(name)=\(value)") }
        switch name {
        case "timeoutMs": e.timeoutMs = n
        case "maxRetries": e.maxRetries = n
        case "baseDelayMs": e.baseDelayMs = n
        case "maxDelayMs": e.maxDelayMs = n
        case "maxRetryAfterMs": e.maxRetryAfterMs = n
        case "tokenRefreshMarginS": e.tokenRefreshMarginS = n
        case "resignAfterS": e.resignAfterS = n
        default: throw Unsupported(what: "option \(name)")
        }
    }
    return ClientOptions(engine: e)
}

private func listQuery(_ q: JSON) throws -> CustomerListQuery {
    var query = blocDefaultListQuery()
    query.page = q["page"].int.map { UInt32($0) }
    query.perPage = q["perPage"].int.map { UInt32($0) }
    if let name = q["pageParam"].string { query.pageParam = name }
    if let name = q["perPageParam"].string { query.perPageParam = name }
    return query
}

private func address(_ v: JSON) -> Address? {
    if v.isNull { return nil }
    return Address(
        street: v["street"].string ?? "", city: v["city"].string ?? "", state: v["state"].string ?? "",
        country: v["country"].string ?? "", postalCode: v["postalCode"].string ?? "")
}

private func createPayload(_ p: JSON) -> CustomerCreateRequest {
    CustomerCreateRequest(
        email: p["email"].string ?? "", phoneNumber: p["phoneNumber"].string ?? "", firstName: p["firstName"].string ?? "",
        lastName: p["lastName"].string ?? "", customerType: customerTypeFromWire(value: p["customerType"].string ?? ""),
        bvn: p["bvn"].string ?? "")
}

private func updatePayload(_ p: JSON) -> CustomerUpdateRequest {
    CustomerUpdateRequest(
        email: p["email"].string ?? "", phoneNumber: p["phoneNumber"].string ?? "", firstName: p["firstName"].string ?? "",
        lastName: p["lastName"].string ?? "", customerType: customerTypeFromWire(value: p["customerType"].string ?? ""),
        address: address(p["address"]))
}

private func tier1Payload(_ p: JSON) -> KycTier1Upgrade {
    KycTier1Upgrade(
        placeOfBirth: p["placeOfBirth"].string ?? "", dob: p["dob"].string ?? "", gender: genderFromWire(value: p["gender"].string ?? ""),
        country: p["country"].string ?? "", address: address(p["address"]) ?? Address(street: "", city: "", state: "", country: "", postalCode: ""),
        image: p["image"].string ?? "")
}

/// The provider of a case: `providedTokens` in order, counting how often it was asked.
private final class ProvidedTokens: @unchecked Sendable {
    private let lock = NSLock()
    private var queue: [AccessToken]
    private(set) var asked = 0

    init(_ provided: [JSON]) {
        queue = provided.map { t in
            AccessToken(token: t["token"].string ?? "", expiresAt: parseInstant(t["expiresAt"].string ?? "") ?? Date(), tokenType: "Bearer")
        }
    }

    struct AskedTooOften: Error {}

    func next() throws -> AccessToken {
        lock.lock()
        defer { lock.unlock() }
        asked += 1
        guard !queue.isEmpty else { throw AskedTooOften() }
        return queue.removeFirst()
    }
}

/// One case's transport, clock, sleeper and jitter source, checking every request sent.
final class Script: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private let steps: [JSON]
    private let expectedWaits: JSON
    private let expect: JSON
    private var next = 0
    private var clock: Date
    private let jitter: [Double]
    private var draws = 0
    private var waits: [Int] = []
    private let abortAtWait: Int?
    private var previous: HttpRequest?
    private var recorded: [String] = []
    private var events: [JSON] = []
    private let expectedEvents: JSON
    /// What a `customers` stream yielded before it ended.
    var streamed: [JSON] = []
    /// The metadata of the call's answer (`...WithResponse`).
    var response: JSON = .null

    init(_ c: JSON) {
        steps = c["steps"].array
        expectedWaits = c["waits"]
        expect = c["expect"]
        clock = parseInstant(c["now"].string ?? "") ?? Date(timeIntervalSince1970: 0)
        jitter = c["jitter"].array.compactMap { if case .number(let n) = $0 { return n } else { return nil } }
        abortAtWait = c["abortAtWait"].int
        expectedEvents = c["events"]
    }

    /// The client's event listener.
    func record(_ event: Event) { locked { events.append(eventJSON(event)) } }

    /// The value of a call's answer; keeps its metadata for `expect.response`.
    @discardableResult
    func answer<T>(_ r: Response<T>) -> T {
        locked { response = responseJSON(r.info) }
        return r.value
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var failures: [String] { locked { recorded } }
    func fail(_ message: String) { locked { recorded.append(message) } }

    /// The clock: the case's `now`, moved only by the waits.
    func now() -> Date { locked { clock } }

    /// The jitter values in order, the last one repeating.
    func random() -> Double {
        locked {
            defer { draws += 1 }
            return draws < jitter.count ? jitter[draws] : (jitter.last ?? 0.5)
        }
    }

    /// Records the wait and moves the clock; during the `abortAtWait`-th wait, cancels the task
    /// running the call, as an app would.
    func sleep(_ seconds: TimeInterval) async throws {
        let abort: Bool = locked {
            waits.append(Int((seconds * 1000).rounded()))
            if abortAtWait == waits.count { return true }
            clock = clock.addingTimeInterval(seconds)
            return false
        }
        if abort {
            withUnsafeCurrentTask { $0?.cancel() }
            try await Task.sleep(nanoseconds: 60_000_000_000)
        }
    }

    func send(_ request: HttpRequest, timeout: TimeInterval) async throws -> HttpResponse {
        let answer: JSON? = locked {
            guard next < steps.count else {
                recorded.append("an unexpected request: \(methodName(request.method)) \(request.url)")
                return nil
            }
            let step = steps[next]
            next += 1
            check(request, against: step["request"], step: next)
            return step
        }
        guard let answer else { throw URLError(.cannotConnectToHost) }
        switch answer["failure"].string {
        case "timeout": throw URLError(.timedOut)
        case "network_error": throw URLError(.cannotConnectToHost)
        case .some(let other): throw Unsupported(what: "failure \(other)")
        case .none: return responseOf(answer["response"])
        }
    }

    private static func path(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let slash = url[scheme.upperBound...].firstIndex(of: "/") else { return "" }
        return String(url[slash...])
    }

    private static func header(_ r: HttpRequest, _ name: String) -> String? {
        r.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Checks `request` against a step's `request` (called with the lock held).
    private func check(_ request: HttpRequest, against want: JSON, step i: Int) {
        let path = Self.path(request.url)
        if methodName(request.method) != want["method"].string || path != want["path"].string {
            recorded.append("step \(i): sent \(methodName(request.method)) \(path), expected \(want["method"]) \(want["path"])")
        }
        if case .object(let headers) = want["headers"] {
            for (name, value) in headers where Self.header(request, name) != value.string {
                recorded.append("step \(i): header \(name) is \(Self.header(request, name) ?? "absent"), expected \(value)")
            }
        }
        if case .object(let patterns) = want["headersMatching"] {
            for (name, pattern) in patterns {
                let value = Self.header(request, name)
                if value.map({ $0.range(of: pattern.string ?? "", options: .regularExpression) == nil }) ?? true {
                    recorded.append("step \(i): header \(name) is \(value ?? "absent"), expected to match \(pattern)")
                }
            }
        }
        for name in want["headersAbsent"].array.compactMap(\.string) {
            if let value = Self.header(request, name) { recorded.append("step \(i): header \(name) was sent: \(value)") }
        }
        if let body = want["body"].string, String(decoding: request.body, as: UTF8.self) != body {
            recorded.append("step \(i): body \(String(decoding: request.body, as: UTF8.self)) != \(body)")
        }
        if let created = want["signatureCreated"].int {
            let input = Self.header(request, "Signature-Input") ?? ""
            if !input.contains(";created=\(created);") { recorded.append("step \(i): Signature-Input \(input) lacks created=\(created)") }
        }
        guard !path.hasSuffix("/auth/token") else { return }
        // The previous request of the operation (token requests aside).
        let before = previous
        previous = request
        func member(_ r: HttpRequest, _ name: String) -> Data? {
            name == "body" ? r.body : Self.header(r, name).map { Data($0.utf8) }
        }
        for (list, same) in [("sameAsPrevious", true), ("differentFromPrevious", false)] {
            for name in want[list].array.compactMap(\.string) {
                guard let before else {
                    recorded.append("step \(i): no previous request")
                    continue
                }
                if (member(before, name) == member(request, name)) != same {
                    recorded.append("step \(i): \(name) \(same ? "differs from" : "equals") the previous request's")
                }
            }
        }
    }

    /// Checks the waits, that every step was sent, and the outcome.
    func check(_ result: Result<JSON, Error>) {
        let (waits, sent): ([Int], Int) = locked { (self.waits, self.next) }
        let actualWaits = JSON.array(waits.map { .number(Double($0)) })
        if actualWaits.description != expectedWaits.description { fail("waits \(actualWaits) != \(expectedWaits)") }
        if sent != steps.count { fail("\(sent) of \(steps.count) steps were sent") }
        var failures: [String] = []
        let (events, response) = locked { (self.events, self.response) }
        if case .array(let want) = expectedEvents {
            if want.count != events.count { failures.append("events \(JSON.array(events)) != \(expectedEvents)") }
            else { subset(expectedEvents, .array(events), "events", &failures) }
        }
        if expect.has("response") { subset(expect["response"], response, "response", &failures) }
        switch (result, expect.has("value")) {
        case (.success(let value), true): subset(expect["value"], value, "value", &failures)
        case (.failure(let error), false):
            guard let e = error as? ClienteleError else {
                failures.append("not a ClienteleError: \(error)")
                break
            }
            guard case .object(var shape) = errorShape(e) else { break }
            shape["kind"] = .string("\(e.kind())")
            subset(expect["error"], .object(shape), "error", &failures)
            if expect.has("valuesBefore") { subset(expect["valuesBefore"], .array(streamed), "valuesBefore", &failures) }
        case (.success(let value), false): failures.append("expected an error, got \(value)")
        case (.failure(let error), true): failures.append("expected a value, got \((error as? ClienteleError)?.code ?? "\(error)") (\(error.localizedDescription))")
        }
        for f in failures { fail(f) }
    }
}
