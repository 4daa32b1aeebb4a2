package io.clientele

import kotlin.test.assertFailsWith
import io.clientele.core.Address
import io.clientele.core.CustomerCreateRequest
import io.clientele.core.CustomerListQuery
import io.clientele.core.CustomerUpdateRequest
import io.clientele.core.Environment
import io.clientele.core.Gender
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import io.clientele.core.KycTier
import io.clientele.core.KycTier1Upgrade
import io.clientele.core.KycTier2Upgrade
import io.clientele.core.KycTier3Upgrade
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.time.Instant
import java.time.LocalDate

/** The shared Bloc cases (tests/fixtures/bloc) through the Kotlin bindings. */
class BlocFixturesTest {
    private fun parse(operation: String, response: HttpResponse): Any? = when (operation) {
        "list_customers" -> pageJson(blocParseListCustomers(response))
        "get_customer" -> customerJson(blocParseGetCustomer(response))
        "create_customer" -> customerJson(blocParseCreateCustomer(response))
        "update_customer" -> customerJson(blocParseUpdateCustomer(response))
        "kyc_upgrade" -> customerJson(blocParseKycUpgrade(response))
        "means_of_identification" -> blocParseMeansOfIdentification(response).map(::meansJson)
        "revalidate_kyc" -> blocParseRevalidateKyc(response)
        else -> error("unknown operation $operation")
    }

    @TestFactory
    fun responses(): List<DynamicTest> = Fixtures.responseCases("bloc/responses.json", ::parse)

    private fun address(v: Any?) = v?.obj()?.let {
        Address(it["street"] as String, it["city"] as String, it["state"] as String, it["country"] as String, it["postalCode"] as String)
    }

    private fun build(case: Map<String, Any?>, fixture: Map<String, Any?>): HttpRequest {
        val context = (case["context"] ?: fixture["context"]).obj()
        val today = LocalDate.parse(fixture["today"] as String)
        val id = case["customerId"] as String? ?: ""
        val input = case["input"]?.obj() ?: emptyMap()
        fun s(key: String) = input[key] as String
        Bloc(context["secretKey"] as String).use { plain ->
            val bloc = (context["baseUrl"] as String?)?.let { plain.withBaseUrl(it) } ?: plain
            return when (case["operation"]) {
                "list_customers" -> bloc.buildListCustomers(
                    blocDefaultListQuery().let { d ->
                        CustomerListQuery(
                            page = (input["page"] as Long?)?.toUInt(),
                            perPage = (input["perPage"] as Long?)?.toUInt(),
                            pageParam = input["pageParam"] as String? ?: d.pageParam,
                            perPageParam = input["perPageParam"] as String? ?: d.perPageParam,
                        )
                    },
                )
                "get_customer" -> bloc.buildGetCustomer(id)
                "create_customer" -> bloc.buildCreateCustomer(
                    CustomerCreateRequest(s("email"), s("phoneNumber"), s("firstName"), s("lastName"), customerTypeFromWire(s("customerType")), s("bvn")),
                )
                "update_customer" -> bloc.buildUpdateCustomer(
                    id,
                    CustomerUpdateRequest(s("email"), s("phoneNumber"), s("firstName"), s("lastName"), customerTypeFromWire(s("customerType")), address(input["address"])),
                )
                "kyc_tier1_upgrade" -> bloc.buildKycTier1Upgrade(
                    id,
                    KycTier1Upgrade(s("placeOfBirth"), s("dob"), genderFromWire(s("gender")), s("country"), address(input["address"])!!, s("image")),
                    today,
                )
                "kyc_tier2_upgrade" -> bloc.buildKycTier2Upgrade(id, KycTier2Upgrade(meansOfIdFromWire(s("meansOfId")), s("image")))
                "kyc_tier3_upgrade" -> bloc.buildKycTier3Upgrade(id, KycTier3Upgrade(s("image")))
                "means_of_identification" -> bloc.buildMeansOfIdentification()
                "revalidate_kyc" -> bloc.buildRevalidateKyc(id)
                else -> error("unknown operation ${case["operation"]}")
            }
        }
    }

    @TestFactory
    fun requests(): List<DynamicTest> {
        val fixture = Fixtures.load("bloc/requests.json")
        return Fixtures.cases("bloc/requests.json") { case, failures ->
            val expect = case["expect"].obj()
            try {
                val request = build(case, fixture)
                if ("request" in expect) checkRequest(request, expect["request"].obj(), failures)
                else failures += "expected an error, built $request"
            } catch (e: ClienteleException) {
                if ("error" in expect) checkError(e, expect["error"], failures)
                else failures += "expected a request, got ${e.message}"
            }
        }
    }

    @TestFactory
    fun webhooks(): List<DynamicTest> {
        val webhooks = BlocWebhooks(Fixtures.load("bloc/webhooks.json")["secret"] as String)
        return Fixtures.cases("bloc/webhooks.json") { case, failures ->
            val expect = case["expect"].obj()
            // The raw bytes exactly as delivered.
            val body = (case["body"] as String).toByteArray()
            try {
                val event = webhooks.receive(body, headersOf(case["headers"]))
                val actual = mapOf(
                    "event" to blocEventTypeWireValue(event.event),
                    "known" to (event.event !is io.clientele.core.BlocEventType.Other),
                    "customerId" to event.customer?.id,
                    "dataJson" to event.dataJson,
                )
                if ("event" in expect) subset(expect["event"], actual, "event", failures)
                else failures += "expected an error, got $actual"
            } catch (e: ClienteleException) {
                if ("error" in expect) checkError(e, expect["error"], failures)
                else failures += "expected an event, got ${e.message}"
            }
        }
    }

    /** The docs example parses to exactly the values shown there, field by field. */
    @Test
    fun docsExampleExactValues() {
        val case = (Fixtures.load("bloc/responses.json")["cases"] as List<*>)[0].obj()
        val c = blocParseGetCustomer(HttpResponse(200u, emptyList(), (case["response"].obj()["body"] as String).toByteArray()))
        assertEquals("Ayo ", c.firstName, "trailing space kept")
        assertEquals(KycTier.Tier1, c.kycTier)
        assertEquals(Gender.Male, c.gender)
        assertEquals(Environment.Live, c.environment)
        assertEquals(LocalDate.of(2001, 4, 14), c.dateOfBirth)
        assertEquals("", c.address?.street)
        assertEquals(Instant.parse("2023-03-08T10:59:39.509Z"), c.createdAt)
        assertTrue(blocCustomerHasKycTier(c, 1.toUByte()) && !blocCustomerHasKycTier(c, 2.toUByte()))
    }

    /** toString of customers, payloads and requests is the core's masked Debug, never the raw BVN or phone. */
    @Test
    fun descriptionsMaskPersonalData() {
        val response = (Fixtures.load("bloc/responses.json")["cases"] as List<*>)[1].obj()["response"].obj()
        val customer = blocParseCreateCustomer(responseOf(response))
        val payload = CustomerCreateRequest("ada@example.com", "08012345678", "Ada", "Obi", customerTypeFromWire("Personal"), "22403240419")
        val request = Bloc("sk_test_secretvalue123").use { it.buildCreateCustomer(payload) }
        for (shown in listOf(customer.toString(), payload.toString(), request.toString())) {
            for (secret in listOf(customer.bvn, customer.phoneNumber, "22403240419", "08012345678", "ada@example.com", "secretvalue123")) {
                assertFalse(shown.contains(secret), "$secret in $shown")
            }
        }
        assertTrue(customer.toString().contains(customer.id))
    }

    /** Credential errors never repeat the key, in the exception message or its description. */
    @Test
    fun credentialErrorsNeverShowTheKey() {
        for (key in listOf("sk_test_abc def", "pk_live_topsecret", "sk_prod_topsecret")) {
            val e = assertFailsWith<ClienteleException.Credentials> { Bloc(key) }
            assertEquals("invalid_credentials", e.code)
            assertFalse(e.message.contains("topsecret") || e.message.contains("abc def"), e.message)
        }
    }
}
