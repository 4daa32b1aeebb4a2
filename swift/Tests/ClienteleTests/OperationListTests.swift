import Foundation
import XCTest

/// tests/fixtures/operations.json, the one operation list of every host, against the PUBLIC API
/// of the module `Clientele` as the compiler sees it: its symbol graph, which swift/test.sh has
/// the build emit (`-emit-symbol-graph`) and names in CLIENTELE_SYMBOL_GRAPH. Swift has no method
/// reflection; the symbol graph lists every public symbol with its path (`BlocClient`,
/// `getCustomer(_:timeout:maxRetries:)`) and declaration. A name the list has and the module
/// lacks fails here, in every category: client operations (and their `...WithResponse`
/// variants), streams, validation, challenge and webhook functions, and the deduplicator's
/// methods and constructor.
final class OperationListTests: XCTestCase {
    /// A public symbol: its kind (`swift.method`, `swift.type.method`, `swift.func`, ...), its
    /// path with the base name last (no argument labels), and its declaration's text.
    private struct Symbol {
        let kind: String
        let path: [String]
        let declaration: String
    }

    private static func load(_ dir: String) throws -> [Symbol] {
        let url = URL(fileURLWithPath: dir).appendingPathComponent("Clientele.symbols.json")
        let graph = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let symbols = graph?["symbols"] as? [[String: Any]] ?? []
        return symbols.compactMap { s in
            guard let kind = (s["kind"] as? [String: Any])?["identifier"] as? String,
                let path = s["pathComponents"] as? [String], let last = path.last
            else { return nil }
            let base = String(last.prefix { $0 != "(" })
            let fragments = s["declarationFragments"] as? [[String: Any]] ?? []
            return Symbol(
                kind: kind, path: path.dropLast() + [base],
                declaration: fragments.compactMap { $0["spelling"] as? String }.joined())
        }
    }

    private var symbols: [Symbol] = []
    /// The graph, read once for all the tests here.
    private static var loaded: [Symbol]?

    override func setUpWithError() throws {
        // Never skipped: without the graph every test here fails.
        guard let dir = ProcessInfo.processInfo.environment["CLIENTELE_SYMBOL_GRAPH"] else {
            XCTFail("CLIENTELE_SYMBOL_GRAPH is not set: run the suite with swift/test.sh, which emits the symbol graph")
            return
        }
        if Self.loaded == nil { Self.loaded = try Self.load(dir) }
        symbols = Self.loaded ?? []
        XCTAssertGreaterThan(symbols.count, 100, "the symbol graph of Clientele lists its public API")
    }

    private func find(_ path: [String], kinds: Set<String>) -> Symbol? {
        symbols.first { $0.path == path && kinds.contains($0.kind) }
    }

    private let methods: Set<String> = ["swift.method"]
    private let functions: Set<String> = ["swift.func"]
    private let constructors: Set<String> = ["swift.type.method", "swift.init"]

    private var list: JSON { Fixtures.load("operations.json") }

    func testEveryClientOperationAndItsResponseVariant() {
        guard case .object(let clients) = list["clients"] else { return XCTFail("operations.json has no clients") }
        XCTAssertEqual(Set(clients.keys), ["BlocClient", "OffBlocksClient"])
        var checked = 0
        for (client, entry) in clients {
            for op in entry["operations"].array.compactMap(\.string) {
                XCTAssertNotNil(find([client, op], kinds: methods), "\(client).\(op) is missing")
                let variant = find([client, op + "WithResponse"], kinds: methods)
                XCTAssertNotNil(variant, "\(client).\(op)WithResponse is missing")
                if let variant {
                    XCTAssertTrue(variant.declaration.contains("Response"), "\(client).\(op)WithResponse: \(variant.declaration)")
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 18)
    }

    func testEveryStreamIsALazyAsyncSequence() {
        var checked = 0
        if case .object(let clients) = list["clients"] {
            for (client, entry) in clients {
                for stream in entry["streams"].array.compactMap(\.string) {
                    let symbol = find([client, stream], kinds: methods)
                    XCTAssertNotNil(symbol, "\(client).\(stream) is missing")
                    if let symbol {
                        XCTAssertTrue(symbol.declaration.contains("-> AsyncThrowingStream<"), "\(client).\(stream): \(symbol.declaration)")
                    }
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 2)
    }

    func testEveryFunction() {
        guard case .object(let groups) = list["functions"] else { return XCTFail("operations.json has no functions") }
        var checked = 0
        for (group, names) in groups {
            for name in names.array.compactMap(\.string) {
                XCTAssertNotNil(find([name], kinds: functions), "\(group) function \(name) is missing")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 17)
    }

    func testTheDeduplicatorsMethodsAndConstructors() {
        guard case .object(let classes) = list["classes"] else { return XCTFail("operations.json has no classes") }
        var checked = 0
        for (type, entry) in classes {
            XCTAssertNotNil(find([type], kinds: ["swift.class"]), "the class \(type) is missing")
            for method in entry["methods"].array.compactMap(\.string) {
                XCTAssertNotNil(find([type, method], kinds: methods), "\(type).\(method) is missing")
                checked += 1
            }
            for constructor in entry["constructors"].array.compactMap(\.string) {
                XCTAssertNotNil(find([type, constructor], kinds: constructors), "\(type).\(constructor) is missing")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 3)
        // The Swift receiver keeps the deduplicator's state the same way.
        XCTAssertNotNil(find(["OffBlocksWebhooks", "save"], kinds: methods))
        XCTAssertNotNil(find(["OffBlocksWebhooks", "restore"], kinds: constructors))
    }

    /// The check itself: a name the module lacks is reported, one it has is found.
    func testTheCheckTellsPresentFromMissing() {
        XCTAssertNotNil(find(["BlocClient", "getCustomer"], kinds: methods))
        XCTAssertNil(find(["BlocClient", "getCustomerById"], kinds: methods))
        XCTAssertNil(find(["OffBlocksClient", "simulatorVerify"], kinds: methods), "the old name is gone")
        XCTAssertNil(find(["OffBlocksClient", "fetchChallenge"], kinds: methods), "the old name is gone")
        XCTAssertNil(find(["HostIO"], kinds: ["swift.struct"]), "internal types are not in the public API")
    }
}
