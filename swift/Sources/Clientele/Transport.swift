import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Moves one request to the provider and its response back. Clientele builds every request and
/// parses every response; a transport only carries bytes, so any HTTP client works.
///
/// Rules for implementations: send the method, URL, headers and body bytes exactly as given
/// (signatures and digests cover them) and never follow redirects; return every status as a
/// response (4xx and 5xx included) with the body untouched; when `timeout` runs out throw
/// `URLError(.timedOut)`; throw any other error when the request could not be sent; stop when
/// the task is cancelled. `timeout` is `.infinity` when the call has no time limit. The clients
/// also enforce the limit themselves, and the core decides what happens next (a timeout and a
/// network failure are retried only when the request is safe to send again).
public protocol Transport: Sendable {
    /// Sends `request` and returns the response as received.
    func send(_ request: HttpRequest, timeout: TimeInterval) async throws -> HttpResponse
}

/// The default transport: `URLSession` (FoundationNetworking on Linux), never following redirects.
public final class URLSessionTransport: Transport, @unchecked Sendable {
    private let session: URLSession

    /// A transport with its own session (ephemeral by default: no cookies, no cache).
    public init(configuration: URLSessionConfiguration = .ephemeral) {
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends `request` with a `URLRequest` whose timeout is `timeout` (the session's own when it
    /// is infinite); cancelling the task cancels the data task.
    public func send(_ request: HttpRequest, timeout: TimeInterval) async throws -> HttpResponse {
        guard let url = URL(string: request.url) else { throw URLError(.badURL) }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData)
        if timeout.isFinite {
            #if canImport(FoundationNetworking)
                // swift-corelibs-foundation truncates the interval to whole seconds (0.3 s would
                // time out at once); the client's own deadline keeps the exact limit.
                urlRequest.timeoutInterval = timeout.rounded(.up)
            #else
                urlRequest.timeoutInterval = timeout
            #endif
        }
        urlRequest.httpMethod = methodName(request.method)
        for header in request.headers { urlRequest.addValue(header.value, forHTTPHeaderField: header.name) }
        if !request.body.isEmpty { urlRequest.httpBody = request.body }

        let box = TaskBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HttpResponse, Error>) in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let response = response as? HTTPURLResponse {
                        var headers: [Header] = []
                        for (name, value) in response.allHeaderFields {
                            headers.append(Header(name: "\(name)", value: "\(value)"))
                        }
                        continuation.resume(returning: HttpResponse(
                            status: UInt16(clamping: response.statusCode), headers: headers, body: data ?? Data()))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }

}

/// Redirects are answers for the caller, not to be followed (the signature covers the URL).
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

/// The data task of one send, cancellable from the task's cancellation handler.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func set(_ task: URLSessionDataTask) {
        lock.lock()
        self.task = task
        let cancel = cancelled
        lock.unlock()
        if cancel { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}

/// The method as written on the wire.
func methodName(_ method: Method) -> String {
    switch method {
    case .get: return "GET"
    case .post: return "POST"
    case .put: return "PUT"
    case .patch: return "PATCH"
    case .delete: return "DELETE"
    }
}

