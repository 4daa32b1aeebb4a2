import Foundation

/// Bloc customers over any `Transport`. Every call validates its input completely (a
/// `ClienteleError.validation` lists every field issue and nothing is sent), sends the request
/// the core built, retries what is safe to retry, and returns the parsed value or throws a
/// `ClienteleError` whose `localizedDescription` is a readable sentence.
public final class BlocClient: Sendable {
    /// The core context (key and base URL), for building requests by hand.
    public let context: Bloc
    private let exchanger: Exchanger
    private let timeZone: TimeZone

    /// - Parameters:
    ///   - secretKey: `sk_test_...` or `sk_live_...`; the environment follows the key.
    ///   - baseUrl: only for a local sandbox (`http://127.0.0.1:4010/v1`); the default is Bloc's API.
    ///   - timeZone: where "today" is, for checking a date of birth.
    public init(
        secretKey: String, transport: any Transport = URLSessionTransport(), baseUrl: String? = nil,
        retry: RetryPolicy = RetryPolicy(), timeout: TimeInterval = 30, timeZone: TimeZone = .current,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let bloc = try Bloc(secretKey: secretKey)
        context = try baseUrl.map { try bloc.withBaseUrl(baseUrl: $0) } ?? bloc
        exchanger = Exchanger(transport: transport, retry: retry, timeout: timeout, now: now)
        self.timeZone = timeZone
    }

    /// One page of customers (`GET /customers`).
    public func listCustomers(_ query: CustomerListQuery = blocDefaultListQuery()) async throws -> CustomerPage {
        try await exchanger.exchange(try context.buildListCustomers(query: query), blocParseListCustomers)
    }

    /// Every customer, page after page (stops with `paging_ignored` if Bloc repeats a page).
    public func allCustomers(_ query: CustomerListQuery = blocDefaultListQuery()) async throws -> [Customer] {
        let pager = CustomerPager(query: query)
        var all: [Customer] = []
        while let request = try pager.nextRequest(bloc: context) {
            let page = try await exchanger.exchange(request, blocParseListCustomers)
            try pager.advance(page: page)
            all += page.customers
        }
        return all
    }

    /// `GET /customers/{id}`.
    public func getCustomer(_ customerId: String) async throws -> Customer {
        try await exchanger.exchange(try context.buildGetCustomer(customerId: customerId), blocParseGetCustomer)
    }

    /// `POST /customers`. A 5xx answer is not retried: the customer may have been created.
    public func createCustomer(_ payload: CustomerCreateRequest) async throws -> Customer {
        try await exchanger.exchange(try context.buildCreateCustomer(payload: payload), blocParseCreateCustomer)
    }

    /// `PUT /customers/{id}`: a full replacement of the customer's details.
    public func updateCustomer(_ customerId: String, _ payload: CustomerUpdateRequest) async throws -> Customer {
        try await exchanger.exchange(
            try context.buildUpdateCustomer(customerId: customerId, payload: payload), blocParseUpdateCustomer)
    }

    /// KYC tier 1; the date of birth is checked against today's date in the client's time zone.
    public func upgradeKycTier1(_ customerId: String, _ payload: KycTier1Upgrade) async throws -> Customer {
        let today = DateComponents.today(in: timeZone, now: exchanger.now())
        return try await exchanger.exchange(
            try context.buildKycTier1Upgrade(customerId: customerId, payload: payload, today: today), blocParseKycUpgrade)
    }

    /// KYC tier 2: a means of identification.
    public func upgradeKycTier2(_ customerId: String, _ payload: KycTier2Upgrade) async throws -> Customer {
        try await exchanger.exchange(
            try context.buildKycTier2Upgrade(customerId: customerId, payload: payload), blocParseKycUpgrade)
    }

    /// KYC tier 3: a further document.
    public func upgradeKycTier3(_ customerId: String, _ payload: KycTier3Upgrade) async throws -> Customer {
        try await exchanger.exchange(
            try context.buildKycTier3Upgrade(customerId: customerId, payload: payload), blocParseKycUpgrade)
    }

    /// The accepted means of identification.
    public func meansOfIdentification() async throws -> [MeansOfIdentification] {
        try await exchanger.exchange(context.buildMeansOfIdentification(), blocParseMeansOfIdentification)
    }

    /// Queues a KYC revalidation; returns Bloc's message.
    public func revalidateKyc(_ customerId: String) async throws -> String {
        try await exchanger.exchange(try context.buildRevalidateKyc(customerId: customerId), blocParseRevalidateKyc)
    }
}
