import Foundation

#if canImport(Glibc)
    import Glibc
    private let streamSocket = Int32(SOCK_STREAM.rawValue)
#else
    import Darwin
    private let streamSocket = SOCK_STREAM
#endif

/// A scripted provider on 127.0.0.1, written on plain sockets (no server library is available
/// here): answers each request with the next reply of the longest matching path prefix and
/// records what it received, byte for byte.
final class FakeServer: @unchecked Sendable {
    struct Reply {
        var status: Int
        var body: String = ""
        var headers: [String: String] = [:]
        var delay: TimeInterval = 0
    }

    struct Received {
        let method: String
        let path: String
        let headers: [(String, String)]
        let body: Data
        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let lock = NSLock()
    private var routes: [(String, [Reply])] = []
    private var log: [Received] = []
    private let listener: Int32
    let port: UInt16
    var url: String { "http://127.0.0.1:\(port)" }

    init() {
        // A client that gave up (timeout tests) must not kill the test process on write.
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, streamSocket, 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        #if !canImport(Glibc)
            address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(fd, pointer, length)
                _ = getsockname(fd, pointer, &length)
            }
        }
        listen(fd, 64)
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [weak self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                guard let self else { close(client); return }
                Thread.detachNewThread { self.handle(client) }
            }
        }
    }

    deinit { stop() }

    private var stopped = false

    /// Stops listening; idempotent, as `deinit` calls it again after `tearDown` did: closing the
    /// descriptor twice could close another server's socket that reused the number.
    func stop() {
        lock.lock()
        let already = stopped
        stopped = true
        lock.unlock()
        if already { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// Answers requests whose path starts with `prefix` with `replies`, in order.
    @discardableResult
    func on(_ prefix: String, _ replies: Reply...) -> FakeServer {
        lock.lock()
        defer { lock.unlock() }
        if let i = routes.firstIndex(where: { $0.0 == prefix }) {
            routes[i].1 += replies
        } else {
            routes.append((prefix, replies))
        }
        routes.sort { $0.0.count > $1.0.count }
        return self
    }

    var received: [Received] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    func received(at prefix: String) -> [Received] { received.filter { $0.path.hasPrefix(prefix) } }

    private func nextReply(for path: String) -> Reply {
        lock.lock()
        defer { lock.unlock() }
        guard let i = routes.firstIndex(where: { path.hasPrefix($0.0) }), !routes[i].1.isEmpty else {
            return Reply(status: 599, body: #"{"message":"no scripted reply"}"#)
        }
        return routes[i].1.removeFirst()
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = read(client, &chunk, chunk.count)
            if n <= 0 { return }
            buffer += chunk[0..<n]
            if buffer.count >= 4 {
                for i in 0...(buffer.count - 4) where Array(buffer[i..<(i + 4)]) == separator {
                    headerEnd = i
                    break
                }
            }
        }
        guard let end = headerEnd else { return }
        let head = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        guard requestLine.count >= 2 else { return }
        var headers: [(String, String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        var body = Array(buffer[(end + 4)...])
        while body.count < length {
            let n = read(client, &chunk, chunk.count)
            if n <= 0 { break }
            body += chunk[0..<n]
        }
        let path = String(requestLine[1])
        lock.lock()
        log.append(Received(method: String(requestLine[0]), path: path, headers: headers, body: Data(body)))
        lock.unlock()

        let reply = nextReply(for: path)
        if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
        let bytes = Array(reply.body.utf8)
        var response = "HTTP/1.1 \(reply.status) Scripted\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n"
        for (name, value) in reply.headers { response += "\(name): \(value)\r\n" }
        response += "\r\n"
        let out = Array(response.utf8) + bytes
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            sent += n
        }
    }
}
