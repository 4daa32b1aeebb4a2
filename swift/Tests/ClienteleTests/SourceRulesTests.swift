import Clientele
import Foundation
import XCTest

/// The hand-written Swift layer (Sources/Clientele, the generated bindings aside) holds no rule of
/// its own: every error code it names is in the core's vocabulary, and no retry constant, status
/// rule, backoff, Retry-After handling or token/retry decision is written in it.
final class SourceRulesTests: XCTestCase {
    /// Each hand-written source file, lexed: its code without comments (string literals as
    /// `"#N"`), and its string literals.
    private struct Source {
        let name: String
        var code = ""
        var strings: [String] = []
    }

    private static let sourcesDir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Clientele")

    private func sources() throws -> [Source] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.sourcesDir.path)
            .filter { $0.hasSuffix(".swift") }.sorted()
        XCTAssertTrue(files.contains("Engine.swift") && files.contains("BlocClient.swift") && files.contains("OffBlocksClient.swift"), "\(files)")
        XCTAssertFalse(files.contains("Retry.swift"))
        return try files.map { name in
            lex(name, try String(contentsOf: Self.sourcesDir.appendingPathComponent(name), encoding: .utf8))
        }
    }

    func testEveryErrorCodeNamedInSwiftIsTheCores() throws {
        let known = Set(errorCodes().map(\.code))
        XCTAssertTrue(known.isSuperset(of: ["timeout", "network_error", "aborted", "invalid_argument", "token_unavailable", "signer_failed"]))
        XCTAssertFalse(known.contains("transport_failed"))
        var named: [String] = []
        for source in try sources() {
            // Every snake_case literal is a code; so is every literal passed as `code:`.
            let snake = source.strings.filter { $0.range(of: #"^[a-z][a-z0-9]*(_[a-z0-9]+)+$"#, options: .regularExpression) != nil }
            let passed = matches(##"code:\s*"#(\d+)""##, in: source.code).compactMap { Int($0) }.map { source.strings[$0] }
            for code in Set(snake + passed) {
                named.append(code)
                XCTAssertTrue(known.contains(code), "\(source.name) names the error code \"\(code)\", which the core lacks")
            }
        }
        XCTAssertGreaterThanOrEqual(Set(named).count, 4, "the scan found the codes the clients name: \(named)")
    }

    func testNoRetryConstantOrStatusRuleIsWrittenInSwift() throws {
        let forbidden: [(String, String)] = [
            (#"\b(RetryPolicy|maxAttempts|initialBackoff|maxBackoff|[bB]ackoff)\b"#, "a retry policy of its own"),
            (#"\bpow\s*\("#, "backoff arithmetic"),
            (#"\b(isRetryable|requestIsRetrySafe|accessTokenNeedsRefresh|needsToken|retryAfterSeconds|retryAt)\b"#, "a decision the engine makes"),
            (#"\bstatus\b\s*(==|!=|>=|<=|<|>|~=)"#, "a status rule"),
            (#"(==|!=|>=|<=|<|>|~=|case)\s*[1-5]\d\d\b"#, "a status rule"),
            (#"\.\.[.<]\s*[1-5]\d\d\b"#, "a status range"),
        ]
        // Numbers a client needs (unit conversions, calendar digits, counts); any other literal is
        // a constant that belongs in the core.
        let allowedNumbers: Set<String> = ["0", "1", "2", "3", "1000", "1_000_000_000", "9999"]
        for source in try sources() {
            for (pattern, what) in forbidden {
                for found in matches("(\(pattern))", in: source.code) {
                    XCTFail("\(source.name): \(what): \(found)")
                }
            }
            // A compiler version in a build condition (`#if compiler(>=6.0)`, the User-Agent's
            // runtime) is not a constant of the client.
            let code = source.code.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.range(of: #"^\s*#(if|elseif)\s+(swift|compiler)\(>=[\d.]+\)\s*$"#, options: .regularExpression) == nil }
                .joined(separator: "\n")
            for number in matches(#"(?<![\w.#])(\d[\d_]*(?:\.\d+)?(?:e-?\d+)?)(?![\w])"#, in: code) where !allowedNumbers.contains(number) {
                XCTFail("\(source.name): the number \(number) is a constant; take it from the core")
            }
            for literal in source.strings where literal.lowercased().contains("retry-after") {
                XCTFail("\(source.name): reads Retry-After itself: \"\(literal)\"")
            }
        }
    }

    func testTheLexerSeesCodeStringsAndComments() {
        let lexed = lex("t.swift", #"let a = 429 // 503 in a comment"# + "\n" + #"/* 500 */ x("code: \(y("inner_code")) 502", code: "timeout")"#)
        XCTAssertEqual(lexed.strings, ["inner_code", "code: \u{FFFC} 502", "timeout"])
        XCTAssertTrue(lexed.code.contains("429"))
        XCTAssertFalse(lexed.code.contains("503") || lexed.code.contains("500") || lexed.code.contains("502"))
        XCTAssertEqual(matches(##"code:\s*"#(\d+)""##, in: lexed.code), ["2"])
    }

    /// The first capture group of every match of `pattern` in `text`.
    private func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else {
            XCTFail("bad pattern \(pattern)")
            return []
        }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { m in
            Range(m.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// Splits Swift source into code (comments dropped, each string literal as `"#N"`) and its
    /// string literals (an interpolation as U+FFFC, its own code and literals lexed too).
    private func lex(_ name: String, _ text: String) -> Source {
        let c = Array(text)
        var i = 0
        var out = Source(name: name)

        func at(_ s: String) -> Bool {
            let s = Array(s)
            return i + s.count <= c.count && Array(c[i..<i + s.count]) == s
        }

        func code(untilClosingParen: Bool) {
            var depth = 0
            while i < c.count {
                if at("//") {
                    while i < c.count && c[i] != "\n" { i += 1 }
                } else if at("/*") {
                    var nesting = 0
                    repeat {
                        if at("/*") { nesting += 1; i += 2 } else if at("*/") { nesting -= 1; i += 2 } else { i += 1 }
                    } while nesting > 0 && i < c.count
                } else if c[i] == "\"" || at("#\"") {
                    string()
                } else {
                    if untilClosingParen && c[i] == "(" { depth += 1 }
                    if untilClosingParen && c[i] == ")" {
                        if depth == 0 { i += 1; return }
                        depth -= 1
                    }
                    out.code.append(c[i])
                    i += 1
                }
            }
        }

        func string() {
            var hashes = 0
            while c[i] == "#" { hashes += 1; i += 1 }
            let multiline = at("\"\"\"")
            let close = (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
            let escape = "\\" + String(repeating: "#", count: hashes)
            i += multiline ? 3 : 1
            var literal = ""
            while i < c.count && !at(close) {
                if at(escape + "(") {
                    i += escape.count + 1
                    literal.append("\u{FFFC}")
                    code(untilClosingParen: true)
                } else if at(escape) {
                    i += escape.count
                    if i < c.count { literal.append(c[i]); i += 1 }
                } else {
                    literal.append(c[i])
                    i += 1
                }
            }
            i += close.count
            out.code += "\"#\(out.strings.count)\""
            out.strings.append(literal)
        }

        code(untilClosingParen: false)
        return out
    }
}
