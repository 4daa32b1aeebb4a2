package io.clientele

import io.clientele.core.AccessToken
import io.clientele.core.ApiCredentials
import io.clientele.core.Header
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import io.clientele.core.OffBlocksCustomerCreate
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertFailsWith
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * Every operation's `...WithResponse` variant (the answer's status, headers, request id and
 * attempts beside the value; the conformance cases check it against the engine too), and the
 * per-call options (timeout, retries, Idempotency-Key).
 */
class ResponseTest {
    private val customerId = "6410612c7f1b4b36103f872a"
    private val obCustomerId = "123e4567-e89b-12d3-a456-426614174000"
    private val obCustomer =
        """{"id":"$obCustomerId","externalId":"customer-42","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","status":"active"}"""

    private class Script(val answer: (HttpRequest, Int) -> HttpResponse) : Transport {
        val sent = CopyOnWriteArrayList<HttpRequest>()
        val timeouts = CopyOnWriteArrayList<Duration>()
        override suspend fun send(request: HttpRequest, timeout: Duration): HttpResponse {
            sent += request
            timeouts += timeout
            return answer(request, sent.size)
        }
    }

    private fun HttpRequest.header(name: String) = headers.firstOrNull { it.name.equals(name, true) }?.value

    private fun offBlocks(transport: Transport, source: TokenSource = TokenSource.Credentials(ApiCredentials("0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", "synthetic-secret"))) =
        OffBlocksClient(
            baseUrl = "https://api.sandbox.offblocks.xyz/v1",
            signing = offblocksDefaultSigningConfig("test-key-ecc-p384"),
            tokenSource = source,
            signer = RequestSigner.withKey(SigningKey.fromPem(Fixtures.text("offblocks/test-key-p384.pem"))),
            transport = transport, sleeper = { },
            clock = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC),
            newIdempotencyKey = { "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4" },
        )

    private val token = HttpResponse(200u, listOf(Header("X-Request-Id", "req_token")), """{"token":"tok-1","expiresAt":1796295600,"tokenType":"Bearer"}""".toByteArray())

    @Test
    fun aBlocOperationReturnsItsAnswersMetadata() = runBlocking<Unit> {
        val transport = Script { _, n ->
            if (n == 1) HttpResponse(503u, listOf(Header("X-Request-Id", "req_first")), ByteArray(0))
            else HttpResponse(
                200u, listOf(Header("x-request-id", "req_second"), Header("Content-Type", "application/json")),
                """{"success":true,"data":{"id":"$customerId","customer_type":"Personal","status":"active","environment":"test"}}""".toByteArray(),
            )
        }
        BlocClient("sk_test_0123456789abcdef", transport = transport, sleeper = { }).use { bloc ->
            val (customer, response) = bloc.getCustomerWithResponse(customerId)
            assertEquals(customerId, customer.id)
            assertEquals(200, response.status)
            assertEquals("req_second", response.requestId, "the final answer's, read by the core in any case")
            assertEquals(2, response.attempts)
            assertEquals("application/json", response.header("content-type"))
            val again = bloc.getCustomerWithResponse(customerId)
            assertEquals(1, again.attempts)
            assertEquals(again.response.status, again.status)
            assertEquals(customer, bloc.getCustomer(customerId), "the plain operation is the variant's value")
        }
    }

    @Test
    fun anOffBlocksOperationReturnsItsAnswersMetadata() = runBlocking<Unit> {
        val transport = Script { request, _ ->
            if (request.url.endsWith("/auth/token")) token
            else HttpResponse(201u, listOf(Header("X-Request-Id", "req_create")), obCustomer.toByteArray())
        }
        offBlocks(transport).use { offblocks ->
            val created = offblocks.createCustomerWithResponse(OffBlocksCustomerCreate("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", "customer-42"))
            assertEquals(obCustomerId, created.value.id)
            assertEquals(201 to "req_create", created.status to created.requestId, "the operation's answer, not the token request's")
            assertEquals(1, created.attempts, "a token request is not an attempt of the operation")
        }
    }

    @Test
    fun accessTokensResponseIsTheTokenRequestsOrNone() = runBlocking<Unit> {
        val transport = Script { _, _ -> token }
        offBlocks(transport).use { offblocks ->
            val (fetched, response) = offblocks.accessTokenWithResponse()
            assertEquals("tok-1", fetched.token)
            assertEquals(200 to "req_token", response?.status to response?.requestId)
            assertEquals(1, response?.attempts)
            val held = offblocks.accessTokenWithResponse()
            assertEquals("tok-1", held.value.token)
            assertNull(held.response, "the token was still fresh: nothing was sent")
            assertEquals(1, transport.sent.size)
        }
        val provider = TokenSource.Provider { AccessToken("from-the-backend", Instant.parse("2026-12-03T11:00:00Z"), "Bearer") }
        offBlocks(Script { _, _ -> throw AssertionError("nothing is sent") }, provider).use { offblocks ->
            val (given, response) = offblocks.accessTokenWithResponse()
            assertEquals("from-the-backend", given.token)
            assertNull(response, "the app's provider gave it: no request of the client's")
        }
    }

    @Test
    fun aCallsOwnTimeoutAndRetries() = runBlocking<Unit> {
        val hanging = object : Transport {
            val timeouts = CopyOnWriteArrayList<Duration>()
            override suspend fun send(request: HttpRequest, timeout: Duration): HttpResponse {
                timeouts += timeout
                awaitCancellation()
            }
        }
        BlocClient("sk_test_0123456789abcdef", transport = hanging, sleeper = { }).use { bloc ->
            val e = assertFailsWith<ClienteleException.Transport> {
                bloc.getCustomer(customerId, CallOptions(timeout = 40.milliseconds, maxRetries = 1))
            }
            assertEquals("timeout", e.code)
            assertEquals(listOf(40.milliseconds, 40.milliseconds), hanging.timeouts, "the call's limit, for each of its two attempts")
        }
    }

    @Test
    fun everyOffBlocksChangeTakesTheCallsIdempotencyKey() = runBlocking<Unit> {
        val transport = Script { request, _ ->
            when {
                request.url.endsWith("/auth/token") -> token
                request.url.endsWith("/customers") -> HttpResponse(201u, emptyList(), obCustomer.toByteArray())
                else -> HttpResponse(200u, emptyList(), obCustomer.toByteArray())
            }
        }
        offBlocks(transport).use { offblocks ->
            val create = OffBlocksCustomerCreate("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", "customer-42")
            offblocks.createCustomer(create, idempotencyKey = "00000000-0000-4000-8000-000000000001")
            offblocks.deactivateCustomerWithResponse(obCustomerId, idempotencyKey = "00000000-0000-4000-8000-000000000002")
            offblocks.activateCustomer(obCustomerId, idempotencyKey = "00000000-0000-4000-8000-000000000003")
            offblocks.simulateVerificationWithResponse(obCustomerId, idempotencyKey = "00000000-0000-4000-8000-000000000004")
            offblocks.createCustomer(create) // the client's own: a fresh key per call
        }
        val keys = transport.sent.filterNot { it.url.endsWith("/auth/token") }.map { it.header("Idempotency-Key") }
        assertEquals(listOf("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003", "00000000-0000-4000-8000-000000000004", "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4"), keys)
    }
}
