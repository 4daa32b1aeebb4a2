import Clientele
import Foundation
import XCTest

/// The shared Bloc cases (tests/fixtures/bloc) through the Swift bindings.
final class BlocFixtureTests: XCTestCase {
    private func parse(_ operation: String, _ response: HttpResponse) throws -> JSON {
        switch operation {
        case "list_customers":
            let page = try blocParseListCustomers(response: response)
            return .object([
                "customers": .array(page.customers.map(customerJSON)), "hasNext": .bool(page.hasNext),
                "hasPrevious": .bool(page.hasPrevious),
            ])
        case "get_customer": return customerJSON(try blocParseGetCustomer(response: response))
        case "create_customer": return customerJSON(try blocParseCreateCustomer(response: response))
        case "update_customer": return customerJSON(try blocParseUpdateCustomer(response: response))
        case "kyc_upgrade": return customerJSON(try blocParseKycUpgrade(response: response))
        case "means_of_identification":
            return .array(try blocParseMeansOfIdentification(response: response).map {
                .object(["name": .string(meansOfIdWireValue(value: $0.name)), "format": .string($0.format)])
            })
        case "revalidate_kyc": return .string(try blocParseRevalidateKyc(response: response))
        default: throw NSError(domain: "unknown operation \(operation)", code: 0)
        }
    }

    func testResponses() {
        Fixtures.runResponses("bloc/responses.json", parse)
    }

    private func address(_ v: JSON) -> Address? {
        if v.isNull { return nil }
        return Address(
            street: v["street"].string!, city: v["city"].string!, state: v["state"].string!,
            country: v["country"].string!, postalCode: v["postalCode"].string!)
    }

    private func build(_ c: JSON, _ fixture: JSON) throws -> HttpRequest {
        let context = c.has("context") ? c["context"] : fixture["context"]
        let parts = fixture["today"].string!.split(separator: "-").compactMap { Int($0) }
        let today = DateComponents.calendarDate(year: parts[0], month: parts[1], day: parts[2])
        let id = c["customerId"].string ?? ""
        let input = c["input"]
        func s(_ k: String) -> String { input[k].string ?? "" }
        var bloc = try Bloc(secretKey: context["secretKey"].string!)
        if let url = context["baseUrl"].string { bloc = try bloc.withBaseUrl(baseUrl: url) }
        switch c["operation"].string {
        case "list_customers":
            let d = blocDefaultListQuery()
            return try bloc.buildListCustomers(query: CustomerListQuery(
                page: input["page"].int.map { UInt32($0) }, perPage: input["perPage"].int.map { UInt32($0) },
                pageParam: input["pageParam"].string ?? d.pageParam, perPageParam: input["perPageParam"].string ?? d.perPageParam))
        case "get_customer": return try bloc.buildGetCustomer(customerId: id)
        case "create_customer":
            return try bloc.buildCreateCustomer(payload: CustomerCreateRequest(
                email: s("email"), phoneNumber: s("phoneNumber"), firstName: s("firstName"), lastName: s("lastName"),
                customerType: customerTypeFromWire(value: s("customerType")), bvn: s("bvn")))
        case "update_customer":
            return try bloc.buildUpdateCustomer(customerId: id, payload: CustomerUpdateRequest(
                email: s("email"), phoneNumber: s("phoneNumber"), firstName: s("firstName"), lastName: s("lastName"),
                customerType: customerTypeFromWire(value: s("customerType")), address: address(input["address"])))
        case "kyc_tier1_upgrade":
            return try bloc.buildKycTier1Upgrade(customerId: id, payload: KycTier1Upgrade(
                placeOfBirth: s("placeOfBirth"), dob: s("dob"), gender: genderFromWire(value: s("gender")),
                country: s("country"), address: address(input["address"])!, image: s("image")), today: today)
        case "kyc_tier2_upgrade":
            return try bloc.buildKycTier2Upgrade(
                customerId: id, payload: KycTier2Upgrade(meansOfId: meansOfIdFromWire(value: s("meansOfId")), image: s("image")))
        case "kyc_tier3_upgrade":
            return try bloc.buildKycTier3Upgrade(customerId: id, payload: KycTier3Upgrade(image: s("image")))
        case "means_of_identification": return bloc.buildMeansOfIdentification()
        case "revalidate_kyc": return try bloc.buildRevalidateKyc(customerId: id)
        default: throw NSError(domain: "unknown operation", code: 0)
        }
    }

    func testRequests() {
        let fixture = Fixtures.load("bloc/requests.json")
        Fixtures.run("bloc/requests.json") { c, failures in
            let expect = c["expect"]
            do {
                let request = try build(c, fixture)
                if expect.has("request") { checkRequest(request, expect["request"], &failures) }
                else { failures.append("expected an error, built \(request)") }
            } catch {
                if expect.has("error") { checkError(error, expect["error"], &failures) }
                else { failures.append("expected a request, got \(error.localizedDescription)") }
            }
        }
    }

    func testWebhooks() {
        let webhooks = BlocWebhooks(secret: Fixtures.load("bloc/webhooks.json")["secret"].string!)
        Fixtures.run("bloc/webhooks.json") { c, failures in
            let expect = c["expect"]
            do {
                // The raw bytes exactly as delivered.
                let event = try webhooks.receive(Data(c["body"].string!.utf8), headers: headersOf(c["headers"]))
                var known = true
                if case .other = event.event { known = false }
                let actual = JSON.object([
                    "event": .string(blocEventTypeWireValue(value: event.event)), "known": .bool(known),
                    "customerId": opt(event.customer?.id), "dataJson": .string(event.dataJson),
                ])
                if expect.has("event") { subset(expect["event"], actual, "event", &failures) }
                else { failures.append("expected an error, got \(actual)") }
            } catch {
                if expect.has("error") { checkError(error, expect["error"], &failures) }
                else { failures.append("expected an event, got \(error.localizedDescription)") }
            }
        }
    }

    /// The docs example parses to exactly the values shown there, field by field.
    func testDocsExampleExactValues() throws {
        let c = try blocParseGetCustomer(response: responseOf(Fixtures.load("bloc/responses.json")["cases"].array[0]["response"]))
        XCTAssertEqual(c.firstName, "Ayo ", "trailing space kept")
        XCTAssertEqual(c.kycTier, .tier1)
        XCTAssertEqual(c.gender, .male)
        XCTAssertEqual(c.environment, .live)
        XCTAssertEqual(c.dateOfBirth?.year, 2001)
        XCTAssertEqual(c.dateOfBirth?.month, 4)
        XCTAssertEqual(c.dateOfBirth?.day, 14)
        XCTAssertNil(c.dateOfBirth?.hour, "a date of birth has no time")
        XCTAssertEqual(c.address?.street, "")
        XCTAssertEqual(c.createdAt?.timeIntervalSince1970 ?? 0, 1_678_273_179.509, accuracy: 0.000_001)
        XCTAssertTrue(blocCustomerHasKycTier(customer: c, tier: 1) && !blocCustomerHasKycTier(customer: c, tier: 2))
    }

    /// Descriptions are the core's masked Debug, never the raw BVN, phone, email or key.
    func testDescriptionsMaskPersonalData() throws {
        let customer = try blocParseCreateCustomer(response: responseOf(Fixtures.load("bloc/responses.json")["cases"].array[1]["response"]))
        let payload = CustomerCreateRequest(
            email: "ada@example.com", phoneNumber: "08012345678", firstName: "Ada", lastName: "Obi",
            customerType: .personal, bvn: "22403240419")
        let request = try Bloc(secretKey: "sk_test_secretvalue123").buildCreateCustomer(payload: payload)
        for shown in ["\(customer)", String(describing: payload), "\(request)", String(reflecting: request)] {
            for secret in [customer.bvn, customer.phoneNumber, "22403240419", "08012345678", "ada@example.com", "secretvalue123"] {
                XCTAssertFalse(shown.contains(secret), "\(secret) in \(shown)")
            }
        }
        XCTAssertTrue("\(customer)".contains(customer.id))
    }

    /// Credential errors never repeat the key; their description is the readable message.
    func testCredentialErrorsNeverShowTheKey() {
        for key in ["sk_test_abc def", "pk_live_topsecret", "sk_prod_topsecret"] {
            XCTAssertThrowsError(try Bloc(secretKey: key)) { error in
                guard let e = error as? ClienteleError, case .Credentials = e else { return XCTFail("\(error)") }
                XCTAssertEqual(e.code, "invalid_credentials")
                XCTAssertEqual(e.localizedDescription, e.message)
                XCTAssertFalse(e.localizedDescription.contains("topsecret") || e.localizedDescription.contains("abc def"))
            }
        }
    }
}
