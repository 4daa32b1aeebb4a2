package io.clientele

import io.clientele.core.Header
import io.clientele.core.HttpResponse
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Issue 16.9 in Kotlin: bodies full of BVNs, phone numbers, emails, tokens and keys pushed through
 * every parse and error path; every printed form of each error (`toString`, `message`,
 * `localizedMessage`, `stackTraceToString`) and the printed form of a parsed value are searched for
 * the sensitive values. Zero hits; data values keep their data, and the provider's own text stays
 * behind `unmaskedProviderMessage`.
 */
class PiiLeakTest {
    private val sensitive = listOf(
        "22403240419", // BVN
        "08031234567", // phone
        "+2348031234567",
        "chioma.eze@example.com",
        "eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJl", // a bearer token
        "sk_live_leakyleakyleaky0123",
        "api-secret-do-not-print-9f3a",
    )
    private val bodies = listOf(
        """{"message":"customer chioma.eze@example.com with BVN 22403240419 already exists"}""",
        """{"error":{"detail":"phone 08031234567 is taken (also +2348031234567)"}}""",
        """{"errors":[{"title":"token eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJl refused"}]}""",
        """{"message":"bad key sk_live_leakyleakyleaky0123, secret api-secret-do-not-print-9f3a"}""",
        "plain text: chioma.eze@example.com 22403240419 08031234567",
    )
    private val undecodable = listOf(
        """{"success":true,"data":{"id":7,"email":"chioma.eze@example.com","bvn":"22403240419"}}""",
        """{"success":true,"data":{"id":"x","created_at":"08031234567","customer_type":"Personal","status":"active","environment":"test"}}""",
        """{"success":true,"data":{"email":"chioma.eze@example.com"""",
    )

    private fun response(status: Int, body: String) =
        HttpResponse(status.toUShort(), listOf(Header("X-Request-Id", "req_pii")), body.toByteArray())

    private fun assertClean(error: Throwable, where: String) {
        val forms = listOf(error.toString(), error.message ?: "", error.localizedMessage ?: "", error.stackTraceToString())
        for (form in forms) for (value in sensitive) {
            assertTrue(value !in form, "$where: $value printed in $form")
        }
    }

    private fun failure(block: () -> Unit): Throwable =
        runCatching(block).exceptionOrNull() ?: throw AssertionError("no error")

    @Test
    fun `API errors are masked in every form, the provider text only behind unmaskedProviderMessage`() {
        var revealed = 0
        for (status in listOf(400, 401, 404, 409, 422, 429, 500, 503)) for (body in bodies) {
            val parses: List<Pair<String, () -> Unit>> = listOf(
                "blocParseGetCustomer" to { blocParseGetCustomer(response(status, body)) },
                "blocParseCreateCustomer" to { blocParseCreateCustomer(response(status, body)) },
                "offblocksParseGetCustomer" to { offblocksParseGetCustomer(response(status, body)) },
                "offblocksParseCreateCustomer" to { offblocksParseCreateCustomer(response(status, body)) },
            )
            for ((name, parse) in parses) {
                val error = failure(parse)
                assertClean(error, "$name $status")
                val api = error as ClienteleException.Api
                assertEquals("req_pii", api.requestId)
                if (sensitive.any { api.unmaskedProviderMessage?.contains(it) == true }) revealed++
            }
        }
        assertTrue(revealed > 0, "unmaskedProviderMessage still gives the provider's text")
    }

    @Test
    fun `decode and webhook errors never echo the body`() {
        for (body in undecodable + bodies) {
            val bytes = body.toByteArray()
            val attempts: List<Pair<String, () -> Unit>> = listOf(
                "blocParseGetCustomer" to { blocParseGetCustomer(response(200, body)) },
                "blocParseListCustomers" to { blocParseListCustomers(response(200, body)) },
                "offblocksParseGetCustomer" to { offblocksParseGetCustomer(response(200, body)) },
                "parseBlocWebhook" to { parseBlocWebhook(bytes) },
                "parseOffBlocksWebhook" to { parseOffBlocksWebhook(bytes) },
                "verifyBlocWebhook" to {
                    verifyBlocWebhook(bytes, listOf(Header("X-Bloc-Webhook", sensitive[4])), sensitive[6])
                },
            )
            for ((name, attempt) in attempts) runCatching(attempt).exceptionOrNull()?.let { assertClean(it, name) }
        }
    }

    @Test
    fun `a parsed customer keeps its data but prints masked`() {
        val body = """{"success":true,"data":{"id":"6410612c7f1b4b36103f872a","email":"chioma.eze@example.com","phone_number":"08031234567","bvn":"22403240419","customer_type":"Personal","status":"active","environment":"test"}}"""
        val customer = blocParseGetCustomer(response(200, body))
        assertEquals("chioma.eze@example.com", customer.email)
        assertEquals("22403240419", customer.bvn)
        for (value in sensitive) assertTrue(value !in customer.toString(), "$value printed in $customer")
    }
}
