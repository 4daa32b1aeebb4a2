import Foundation

/// What the final answer of a call was, beside its value: what the `...WithResponse` variant of
/// every operation returns (`getCustomerWithResponse`, ...). Quote `requestId` to the
/// provider's support.
public struct ResponseInfo: Sendable, Equatable {
    /// The status of the final answer.
    public let status: UInt16
    /// Its headers, as received (`description` masks their values as the core's `Debug` does).
    public let headers: [Header]
    /// The provider's id of the request, when it sent one (`X-Request-Id` and its variants, read
    /// by the core).
    public let requestId: String?
    /// How many times the operation was sent (1, or more after retries).
    public let attempts: Int

    init(_ response: HttpResponse, attempts: UInt32) {
        status = response.status
        headers = response.headers
        requestId = responseRequestId(response: response)
        self.attempts = Int(attempts)
    }
}

/// A call's value with its answer's metadata (status, headers, request id, attempts).
public struct Response<Value> {
    /// The parsed value, as the operation without `WithResponse` returns it.
    public let value: Value
    /// The answer's metadata.
    public let info: ResponseInfo

    /// The status of the final answer.
    public var status: UInt16 { info.status }
    /// Its headers, as received.
    public var headers: [Header] { info.headers }
    /// The provider's id of the request, when it sent one.
    public var requestId: String? { info.requestId }
    /// How many times the operation was sent.
    public var attempts: Int { info.attempts }

    init(value: Value, info: ResponseInfo) {
        self.value = value
        self.info = info
    }
}

extension Response: Sendable where Value: Sendable {}
extension Response: Equatable where Value: Equatable {}

extension HostIO.Answer {
    /// The value `parse` reads from the final answer, with the answer's metadata.
    func parsed<T>(_ parse: (HttpResponse) throws -> T) throws -> Response<T> {
        Response(value: try parse(response), info: ResponseInfo(response, attempts: attempts))
    }
}
