import Foundation

/// Bloc customers over any `Transport`. Every call validates its input completely (a
/// `ClienteleError.validation` lists every field issue and nothing is sent), then the core's
/// engine runs it: it builds the request, decides whether an answer is final or retried and
/// after how long, and ends it with the parsed value or a `ClienteleError` whose
/// `localizedDescription` is a readable sentence. The client only sends, sleeps and reads its
/// clock and random source.
public final class BlocClient: Sendable {
    /// The core context (key and base URL), for building requests by hand.
    public let context: Bloc
    /// The client's options (every default from the core).
    public let options: ClientOptions
    private let io: HostIO
    private let engineOptions: EngineOptions

    /// - Parameters:
    ///   - secretKey: `sk_test_...` or `sk_live_...`; the environment follows the key. The key is
    ///     a server secret: inside an iOS app a LIVE key is refused (`unsafe_app_credentials`, the
    ///     core's rule) unless `dangerouslyAllowInApp`; test keys stay usable for development.
    ///   - baseUrl: only for a local sandbox (`http://127.0.0.1:4010/v1`); the default is Bloc's API.
    ///   - options: time limits and retries; `invalid_argument` for a negative value.
    ///   - appInfo: your application, named in the `User-Agent` of every request.
    ///   - onEvent: called with every event of every call (request sent, response received,
    ///     request failed, retry scheduled), masked; what it throws is ignored.
    ///   - dangerouslyAllowInApp: accept a live key inside an app, where anyone who installs it
    ///     can extract it. Don't.
    ///   - now: the clock (`Retry-After` dates; "today" for a date of birth is its UTC date).
    ///   - sleep: waits between attempts; cancelling the task must end it (`Task.sleep` does).
    ///   - random: jitter of the backoff, a value in `0..<1`.
    public init(
        secretKey: String, transport: any Transport = URLSessionTransport(), baseUrl: String? = nil,
        options: ClientOptions = ClientOptions(), appInfo: AppInfo? = nil, onEvent: EventListener? = nil,
        dangerouslyAllowInApp: Bool = false, now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64($0 * 1_000_000_000)) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws {
        try checkBlocKeyPlacement(secretKey: secretKey, placement: Host.placement, dangerouslyAllow: dangerouslyAllowInApp)
        let bloc = try Bloc(secretKey: secretKey)
        context = try baseUrl.map { try bloc.withBaseUrl(baseUrl: $0) } ?? bloc
        self.options = options
        engineOptions = try options.engine()
        io = HostIO(
            transport: transport, now: now, sleep: sleep, random: random, identity: Host.identity(app: appInfo),
            events: EventSink(listener: onEvent))
    }

    /// Runs `operation` through the engine; the value `parse` reads from its final answer, with
    /// the answer's metadata. Every operation goes through here.
    private func call<T>(
        _ operation: BlocOperation, _ timeout: TimeInterval?, _ maxRetries: Int?, _ parse: (HttpResponse) throws -> T
    ) async throws -> Response<T> {
        let options = timeout == nil && maxRetries == nil
            ? engineOptions : try self.options.engine(timeout: timeout, maxRetries: maxRetries)
        return try await io.run(BlocCall(operation: operation, options: options), context).parsed(parse)
    }

    /// One page of customers (`GET /customers`).
    public func listCustomers(
        _ query: CustomerListQuery = blocDefaultListQuery(), timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> CustomerPage {
        try await listCustomersWithResponse(query, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `listCustomers`, with the answer's metadata.
    public func listCustomersWithResponse(
        _ query: CustomerListQuery = blocDefaultListQuery(), timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<CustomerPage> {
        try await call(.listCustomers(query: query), timeout, maxRetries, blocParseListCustomers)
    }

    /// Every page of customers from `query.page` on, as the core's pager walks them (one request
    /// per page, each retried like any call; `paging_ignored` if Bloc repeats a page). Lazy: a
    /// page is requested only when the loop asks for it. Cancellable: leaving the loop sends
    /// nothing more, and cancelling its task ends the request in flight (`aborted`).
    /// `timeout` and `maxRetries` apply to each page.
    public func customerPages(
        _ query: CustomerListQuery = blocDefaultListQuery(), timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) -> AsyncThrowingStream<CustomerPage, Error> {
        let walk = PageWalk(pager: CustomerPager(query: query)) { [self] next in
            try await listCustomers(next, timeout: timeout, maxRetries: maxRetries)
        }
        return AsyncThrowingStream(unfolding: { try await walk.next() })
    }

    /// Every customer, page after page (`customerPages`, one customer at a time): lazy and
    /// cancellable in the same way; the next page is requested when the loop has taken every
    /// customer of the last one.
    public func customers(
        _ query: CustomerListQuery = blocDefaultListQuery(), timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) -> AsyncThrowingStream<Customer, Error> {
        let walk = CustomerWalk(PageWalk(pager: CustomerPager(query: query)) { [self] next in
            try await listCustomers(next, timeout: timeout, maxRetries: maxRetries)
        })
        return AsyncThrowingStream(unfolding: { try await walk.next() })
    }

    /// Every customer in one array (`customers(_:)` collected): only for lists known to be small.
    public func allCustomers(
        _ query: CustomerListQuery = blocDefaultListQuery(), timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> [Customer] {
        var all: [Customer] = []
        for try await customer in customers(query, timeout: timeout, maxRetries: maxRetries) { all.append(customer) }
        return all
    }

    /// `GET /customers/{id}`.
    public func getCustomer(_ customerId: String, timeout: TimeInterval? = nil, maxRetries: Int? = nil) async throws -> Customer {
        try await getCustomerWithResponse(customerId, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `getCustomer`, with the answer's metadata.
    public func getCustomerWithResponse(
        _ customerId: String, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<Customer> {
        try await call(.getCustomer(customerId: customerId), timeout, maxRetries, blocParseGetCustomer)
    }

    /// `POST /customers`. A 5xx answer is not retried: the customer may have been created.
    public func createCustomer(
        _ payload: CustomerCreateRequest, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Customer {
        try await createCustomerWithResponse(payload, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `createCustomer`, with the answer's metadata.
    public func createCustomerWithResponse(
        _ payload: CustomerCreateRequest, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<Customer> {
        try await call(.createCustomer(payload: payload), timeout, maxRetries, blocParseCreateCustomer)
    }

    /// `PUT /customers/{id}`: a full replacement of the customer's details.
    public func updateCustomer(
        _ customerId: String, _ payload: CustomerUpdateRequest, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Customer {
        try await updateCustomerWithResponse(customerId, payload, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `updateCustomer`, with the answer's metadata.
    public func updateCustomerWithResponse(
        _ customerId: String, _ payload: CustomerUpdateRequest, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<Customer> {
        try await call(.updateCustomer(customerId: customerId, payload: payload), timeout, maxRetries, blocParseUpdateCustomer)
    }

    /// KYC tier 1; the date of birth must not be after `today`, by default the UTC date of the
    /// client's clock.
    public func upgradeKycTier1(
        _ customerId: String, _ payload: KycTier1Upgrade, today: DateComponents? = nil, timeout: TimeInterval? = nil,
        maxRetries: Int? = nil
    ) async throws -> Customer {
        try await upgradeKycTier1WithResponse(customerId, payload, today: today, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `upgradeKycTier1`, with the answer's metadata.
    public func upgradeKycTier1WithResponse(
        _ customerId: String, _ payload: KycTier1Upgrade, today: DateComponents? = nil, timeout: TimeInterval? = nil,
        maxRetries: Int? = nil
    ) async throws -> Response<Customer> {
        try await call(
            .kycTier1Upgrade(customerId: customerId, payload: payload, today: today), timeout, maxRetries, blocParseKycUpgrade)
    }

    /// KYC tier 2: a means of identification.
    public func upgradeKycTier2(
        _ customerId: String, _ payload: KycTier2Upgrade, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Customer {
        try await upgradeKycTier2WithResponse(customerId, payload, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `upgradeKycTier2`, with the answer's metadata.
    public func upgradeKycTier2WithResponse(
        _ customerId: String, _ payload: KycTier2Upgrade, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<Customer> {
        try await call(.kycTier2Upgrade(customerId: customerId, payload: payload), timeout, maxRetries, blocParseKycUpgrade)
    }

    /// KYC tier 3: a further document.
    public func upgradeKycTier3(
        _ customerId: String, _ payload: KycTier3Upgrade, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Customer {
        try await upgradeKycTier3WithResponse(customerId, payload, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `upgradeKycTier3`, with the answer's metadata.
    public func upgradeKycTier3WithResponse(
        _ customerId: String, _ payload: KycTier3Upgrade, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<Customer> {
        try await call(.kycTier3Upgrade(customerId: customerId, payload: payload), timeout, maxRetries, blocParseKycUpgrade)
    }

    /// The accepted means of identification.
    public func meansOfIdentification(timeout: TimeInterval? = nil, maxRetries: Int? = nil) async throws -> [MeansOfIdentification] {
        try await meansOfIdentificationWithResponse(timeout: timeout, maxRetries: maxRetries).value
    }

    /// `meansOfIdentification`, with the answer's metadata.
    public func meansOfIdentificationWithResponse(
        timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<[MeansOfIdentification]> {
        try await call(.meansOfIdentification, timeout, maxRetries, blocParseMeansOfIdentification)
    }

    /// Queues a KYC revalidation; returns Bloc's message.
    public func revalidateKyc(_ customerId: String, timeout: TimeInterval? = nil, maxRetries: Int? = nil) async throws -> String {
        try await revalidateKycWithResponse(customerId, timeout: timeout, maxRetries: maxRetries).value
    }

    /// `revalidateKyc`, with the answer's metadata.
    public func revalidateKycWithResponse(
        _ customerId: String, timeout: TimeInterval? = nil, maxRetries: Int? = nil
    ) async throws -> Response<String> {
        try await call(.revalidateKyc(customerId: customerId), timeout, maxRetries, blocParseRevalidateKyc)
    }
}

/// One walk through the pages of customers: the core's pager says which page comes next and
/// when there is none; this only fetches it when asked. After an error it is over.
final class PageWalk: @unchecked Sendable {
    private let lock = NSLock()
    private let pager: CustomerPager
    private let fetch: @Sendable (CustomerListQuery) async throws -> CustomerPage
    private var over = false

    init(pager: CustomerPager, fetch: @escaping @Sendable (CustomerListQuery) async throws -> CustomerPage) {
        self.pager = pager
        self.fetch = fetch
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// The next page, or nil when the pager has seen every page (or the walk ended with an error).
    func next() async throws -> CustomerPage? {
        guard !locked({ over }), let query = pager.nextQuery() else { return nil }
        do {
            let page = try await fetch(query)
            try pager.advance(page: page)
            return page
        } catch {
            locked { over = true }
            throw error
        }
    }
}

/// The customers of a `PageWalk`, one at a time: the next page is fetched only when every
/// customer of the last one has been taken.
final class CustomerWalk: @unchecked Sendable {
    private let lock = NSLock()
    private let pages: PageWalk
    private var pending: [Customer] = []

    init(_ pages: PageWalk) { self.pages = pages }

    private func take() -> Customer? {
        lock.lock()
        defer { lock.unlock() }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    private func hold(_ customers: [Customer]) {
        lock.lock()
        defer { lock.unlock() }
        pending = customers
    }

    func next() async throws -> Customer? {
        while true {
            if let customer = take() { return customer }
            guard let page = try await pages.next() else { return nil }
            hold(page.customers)
        }
    }
}
