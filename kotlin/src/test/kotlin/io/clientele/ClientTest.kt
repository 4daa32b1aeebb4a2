package io.clientele

import io.clientele.FakeServer.Reply
import io.clientele.core.ApiCredentials
import io.clientele.core.CustomerCreateRequest
import io.clientele.core.CustomerType
import io.clientele.core.Delivery
import io.clientele.core.ErrorKind
import io.clientele.core.Header
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import io.clientele.core.Method
import io.clientele.core.OffBlocksCustomerCreate
import io.clientele.core.OffBlocksStatus
import io.clientele.core.Provider
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlin.test.assertFailsWith
import java.net.ServerSocket
import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset
import kotlin.time.Duration.Companion.milliseconds

const val CUSTOMER_ID = "64105f5d7f1b4b36103f870e"
const val CUSTOMER_BODY = """{"success":true,"message":"Customer added successfully","data":{"id":"$CUSTOMER_ID","first_name":"Ada","last_name":"Obi","customer_type":"Personal","status":"active","environment":"test","kyc_tier":"0","created_at":"2026-11-21T09:30:12.839735959Z","updated_at":"0001-01-01T00:00:00Z"}}"""
const val OB_CUSTOMER_ID = "123e4567-e89b-12d3-a456-426614174000"
const val OB_TOKEN_BODY = """{"token":"eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJzeW50aGV0aWMifQ.c3ludGhldGlj","expiresAt":4102444800,"tokenType":"Bearer"}"""
const val OB_CUSTOMER_BODY = """{"id":"$OB_CUSTOMER_ID","externalId":"customer-42","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","status":"initiating","createdAt":"2025-11-21T04:40:00Z","updatedAt":"2025-11-21T04:40:00Z"}"""

fun goodPayload() = CustomerCreateRequest(
    email = "ada@example.com", phoneNumber = "+234 801 234 5678", firstName = "Ada", lastName = "Obi",
    customerType = CustomerType.Personal, bvn = "22222222222",
)

/** The clients against a scripted provider on 127.0.0.1: every error path, retries, timeouts. */
class ClientTest {
    private val server = FakeServer()
    private val fast = ClientOptions(baseDelay = 10.milliseconds, maxDelay = 50.milliseconds)

    @AfterEach
    fun stop() = server.close()

    private fun bloc(options: ClientOptions = fast.copy(timeout = 5_000.milliseconds)) =
        BlocClient("sk_test_0123456789abcdef", baseUrl = "${server.url}/v1", options = options)

    @Test
    fun createSendsTheBuiltRequestAndParsesTheAnswer() = runBlocking<Unit> {
        server.on("/v1/customers", Reply(200, CUSTOMER_BODY))
        val customer = bloc().use { it.createCustomer(goodPayload()) }
        assertEquals(CUSTOMER_ID, customer.id)
        assertNull(customer.updatedAt, "Go's zero time means never")
        assertEquals(Instant.parse("2026-11-21T09:30:12.839735959Z"), customer.createdAt)
        val sent = server.received.single()
        assertEquals("POST", sent.method)
        assertEquals("/v1/customers", sent.path)
        assertEquals("Bearer sk_test_0123456789abcdef", sent.header("Authorization"))
        assertEquals("application/json", sent.header("Content-Type"))
        assertEquals(
            """{"email":"ada@example.com","phone_number":"08012345678","first_name":"Ada","last_name":"Obi","customer_type":"Personal","bvn":"22222222222"}""",
            sent.text,
        )
    }

    @Test
    fun validationReportsEveryIssueAndSendsNothing() = runBlocking<Unit> {
        val e = assertFailsWith<ClienteleException.Validation> {
            runBlocking { bloc().use { it.createCustomer(goodPayload().copy(email = "ada@", phoneNumber = "123", bvn = "1")) } }
        }
        assertEquals("validation_failed", e.code)
        assertEquals(listOf("email" to "invalid_email", "phoneNumber" to "invalid_phone", "bvn" to "invalid_bvn"),
            e.issues.map { it.path to issueCodeWireValue(it.code) })
        assertTrue(e.message.startsWith("3 invalid fields: email: Enter a valid email address"), e.message)
        assertEquals(e.message, e.localizedMessage)
        assertFalse(e.toString().contains("Validation(code="), e.toString())
        assertTrue(server.received.isEmpty())
    }

    @Test
    fun unauthorizedIsTypedReadableAndNotRetried() = runBlocking<Unit> {
        server.on("/v1/customers", Reply(401, """{"success":false,"message":"Unauthorized"}""", mapOf("X-Request-Id" to "req_1")))
        val e = assertFailsWith<ClienteleException.Api> { runBlocking { bloc().use { it.getCustomer(CUSTOMER_ID) } } }
        assertEquals("unauthorized", e.code)
        assertEquals(401, e.status.toInt())
        assertEquals(Provider.BLOC, e.provider)
        assertEquals("req_1", e.requestId)
        assertFalse(e.isRetryable())
        assertTrue(e.message.startsWith("Bloc API error 401 (unauthorized): Unauthorized [check the secret key"), e.message)
        assertEquals(1, server.received.size)
    }

    @Test
    fun notFoundAndConflictAreTyped() = runBlocking<Unit> {
        server.on("/v1/customers/$CUSTOMER_ID", Reply(404, """{"message":"customer not found"}"""))
        server.on("/v1/customers", Reply(409, """{"message":"customer already exists"}"""))
        bloc().use { client ->
            val notFound = assertFailsWith<ClienteleException.Api> { runBlocking { client.getCustomer(CUSTOMER_ID) } }
            assertEquals("not_found" to "customer not found", notFound.code to notFound.providerMessage)
            val conflict = assertFailsWith<ClienteleException.Api> { runBlocking { client.createCustomer(goodPayload()) } }
            assertEquals("conflict", conflict.code)
        }
        assertEquals(2, server.received.size)
    }

    @Test
    fun rateLimitsWaitForRetryAfterAndResendTheSameBytes() = runBlocking<Unit> {
        server.on("/v1/customers", Reply(429, """{"message":"slow down"}""", mapOf("Retry-After" to "1")), Reply(200, CUSTOMER_BODY))
        val started = System.nanoTime()
        val customer = bloc().use { it.createCustomer(goodPayload()) }
        val waited = (System.nanoTime() - started) / 1_000_000
        assertEquals(CUSTOMER_ID, customer.id)
        assertTrue(waited >= 1000, "waited $waited ms")
        val (first, second) = server.received
        assertArrayEquals(first.body, second.body)
        // The same headers, plus the core's retry counter (X-Clientele-Retry: 1 on the first retry).
        assertEquals(null, first.header("X-Clientele-Retry"))
        assertEquals("1", second.header("X-Clientele-Retry"))
        assertEquals(first.headers, second.headers.filterKeys { !it.equals("X-Clientele-Retry", ignoreCase = true) })
    }

    @Test
    fun aRetryAfterLongerThanTheLimitIsNotWaitedFor() = runBlocking<Unit> {
        server.on("/v1/customers", Reply(429, "", mapOf("Retry-After" to "3600")))
        val e = assertFailsWith<ClienteleException.Api> { runBlocking { bloc().use { it.listCustomers() } } }
        assertEquals(3600uL, e.retryAfterSeconds)
        assertTrue(e.isRetryable())
        assertEquals(1, server.received.size)
    }

    @Test
    fun serverErrorsOnReadsAreRetriedThenSurface() = runBlocking<Unit> {
        server.on("/v1/customers", Reply(503, "upstream unavailable"), Reply(502, "<html>bad gateway</html>"), Reply(500, """{"message":"internal"}"""))
        val e = assertFailsWith<ClienteleException.Api> { runBlocking { bloc().use { it.listCustomers() } } }
        assertEquals("server_error", e.code)
        assertEquals(500, e.status.toInt())
        assertEquals(3, server.received.size)
    }

    @Test
    fun aServerErrorOnABlocCreateIsNotRetried() = runBlocking<Unit> {
        server.on("/v1/customers", Reply(500, """{"message":"internal"}"""), Reply(200, CUSTOMER_BODY))
        val e = assertFailsWith<ClienteleException.Api> { runBlocking { bloc().use { it.createCustomer(goodPayload()) } } }
        assertFalse(e.retryable, "the customer may have been created")
        assertEquals(1, server.received.size)
    }

    @Test
    fun malformedBodiesAreDecodeErrorsWithAPath() = runBlocking<Unit> {
        server.on("/v1/customers/$CUSTOMER_ID", Reply(200, "not json"))
        server.on("/v1/customers", Reply(200, """{"success":true,"data":[{"id":"x","customer_type":"Personal","status":"active","environment":"test","created_at":"yesterday"}]}"""))
        bloc().use { client ->
            val bad = assertFailsWith<ClienteleException.Decode> { runBlocking { client.getCustomer(CUSTOMER_ID) } }
            assertEquals("decode_failed", bad.code)
            val path = assertFailsWith<ClienteleException.Decode> { runBlocking { client.listCustomers() } }
            assertEquals("data[0].created_at", path.path)
            assertFalse(path.message.contains("yesterday"), path.message)
        }
    }

    @Test
    fun timeoutsAreTypedAndRetriedOnlyWhenSafe() = runBlocking<Unit> {
        server.on("/v1/customers", *Array(4) { Reply(200, CUSTOMER_BODY, delayMillis = 1_500) })
        val client = bloc(fast.copy(maxRetries = 1, timeout = 200.milliseconds))
        client.use {
            val read = assertFailsWith<ClienteleException.Transport> { runBlocking { it.listCustomers() } }
            assertEquals("timeout", read.code)
            assertTrue(read.timedOut && read.retryable)
            assertEquals(2, server.received.size, "a GET is retried")
            val create = assertFailsWith<ClienteleException.Transport> { runBlocking { it.createCustomer(goodPayload()) } }
            assertTrue(create.timedOut && !create.retryable)
            assertEquals(3, server.received.size, "a Bloc create is not: it may have been applied")
        }
    }

    @Test
    fun redirectsAreAnswersNotFollowed() = runBlocking<Unit> {
        server.on("/v1/customers", Reply(302, "", mapOf("Location" to "/elsewhere")))
        val e = assertFailsWith<ClienteleException.Api> { runBlocking { bloc().use { it.getCustomer(CUSTOMER_ID) } } }
        assertEquals("http_error" to 302, e.code to e.status.toInt())
        assertEquals(1, server.received.size)
    }

    @Test
    fun anUnreachableServerIsATransportError() = runBlocking<Unit> {
        val port = ServerSocket(0).use { it.localPort }
        val e = assertFailsWith<ClienteleException.Transport> {
            runBlocking {
                BlocClient("sk_test_0123456789abcdef", baseUrl = "http://127.0.0.1:$port/v1", options = ClientOptions(maxRetries = 0)).use { it.getCustomer(CUSTOMER_ID) }
            }
        }
        assertEquals("network_error", e.code)
        assertEquals(ErrorKind.TRANSPORT, e.kind())
        assertFalse(e.timedOut)
        assertTrue(e.retryable, "a GET is retry-safe")
        assertTrue(e.cause is java.io.IOException, "the transport's exception is the cause: ${e.cause}")
    }

    @Test
    fun allCustomersWalksEveryPage() = runBlocking<Unit> {
        fun page(id: String, next: Boolean) =
            Reply(200, """{"success":true,"data":[{"id":"$id","customer_type":"Personal","status":"active","environment":"test"}],"metadata":{"has_next":$next}}""")
        server.on("/v1/customers", page("6410612c7f1b4b36103f8801", true), page("6410612c7f1b4b36103f8802", false))
        val all = bloc().use { it.allCustomers() }
        assertEquals(listOf("6410612c7f1b4b36103f8801", "6410612c7f1b4b36103f8802"), all.map { it.id })
        assertEquals(listOf("/v1/customers", "/v1/customers?page=2"), server.received.map { it.path })
    }

    private fun offBlocks(options: ClientOptions = fast, keys: Iterator<String> = generateSequence { "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4" }.iterator()) =
        OffBlocksClient(
            baseUrl = "${server.url}/v1",
            signing = offblocksDefaultSigningConfig("test-key-ecc-p384"),
            tokenSource = TokenSource.Credentials(ApiCredentials("0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", "synthetic-secret")),
            signer = RequestSigner.withKey(SigningKey.fromPem(Fixtures.text("offblocks/test-key-p384.pem"))),
            options = options,
            clock = Clock.fixed(Instant.parse("2025-11-21T04:40:00Z"), ZoneOffset.UTC),
            newIdempotencyKey = { keys.next() },
        )

    @Test
    fun offBlocksRetriesResendTheSameKeyBodyAndSignature() = runBlocking<Unit> {
        server.on("/v1/auth/token", Reply(200, OB_TOKEN_BODY))
        server.on("/v1/customers", Reply(500, """{"message":"internal"}"""), Reply(201, OB_CUSTOMER_BODY))
        val created = offBlocks().use {
            it.createCustomer(OffBlocksCustomerCreate("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", "customer-42"))
        }
        assertEquals(OffBlocksStatus.Initiating, created.status)
        assertEquals(1, server.receivedAt("/v1/auth/token").size)
        val (first, second) = server.receivedAt("/v1/customers")
        assertArrayEquals(first.body, second.body)
        for (name in listOf("Idempotency-Key", "Content-Digest", "Signature-Input", "Signature", "Authorization")) {
            assertEquals(first.header(name), second.header(name), name)
        }
        assertEquals("5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4", first.header("Idempotency-Key"))
        // The server can check the signature with the registered public key.
        val request = HttpRequest(Method.POST, "${server.url}/v1/customers", first.headers.flatMap { (k, v) -> v.map { Header(k, it) } }, first.body)
        val verified = verifyRequestSignature(
            request,
            VerifyingKey.fromPem(Fixtures.text("offblocks/test-key-p384.pub.pem")),
            defaultSignatureVerifyOptions(Instant.parse("2025-11-21T04:40:05Z")).copy(requireContentDigest = true),
        )
        assertEquals("test-key-ecc-p384", verified.keyId)
    }

    @Test
    fun offBlocksConflictsAreClassified() = runBlocking<Unit> {
        server.on("/v1/auth/token", Reply(200, OB_TOKEN_BODY))
        server.on(
            "/v1/customers",
            Reply(409, """{"message":"Idempotency-Key Concurrency Conflict"}"""), Reply(201, OB_CUSTOMER_BODY),
            Reply(409, """{"message":"Customer already exists"}"""),
            Reply(422, """{"message":"Idempotency-Key reused with another payload"}"""),
        )
        server.on("/v1/customers/$OB_CUSTOMER_ID/deactivate", Reply(409, """{"message":"Invalid state transition"}"""))
        offBlocks().use { client ->
            val input = OffBlocksCustomerCreate("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", "customer-42")
            assertEquals(OB_CUSTOMER_ID, client.createCustomer(input).id, "an in-flight key is retried")
            val exists = assertFailsWith<ClienteleException.Api> { runBlocking { client.createCustomer(input) } }
            assertEquals("already_exists", exists.code)
            val mismatch = assertFailsWith<ClienteleException.Api> { runBlocking { client.createCustomer(input) } }
            assertEquals("idempotency_mismatch", mismatch.code)
            val state = assertFailsWith<ClienteleException.Api> { runBlocking { client.deactivateCustomer(OB_CUSTOMER_ID) } }
            assertEquals("invalid_state_transition", state.code)
        }
        assertEquals(4, server.receivedAt("/v1/customers").filter { it.method == "POST" }.size)
    }

    @Test
    fun concurrentCallsOfAFreshClientSendOneTokenRequestOverHttp() = runBlocking<Unit> {
        // The token answer is held back long enough for every call to need it.
        server.on("/v1/auth/token", Reply(200, OB_TOKEN_BODY, delayMillis = 500))
        server.on("/v1/customers/$OB_CUSTOMER_ID", *Array(8) { Reply(200, OB_CUSTOMER_BODY) })
        val ids = offBlocks().use { client ->
            (1..8).map { async(Dispatchers.Default) { client.getCustomer(OB_CUSTOMER_ID).id } }.awaitAll()
        }
        assertEquals(List(8) { OB_CUSTOMER_ID }, ids)
        assertEquals(1, server.receivedAt("/v1/auth/token").size)
        assertEquals(8, server.receivedAt("/v1/customers/").size)
    }

    @Test
    fun offBlocksTokenFailuresAreNotRetried() = runBlocking<Unit> {
        server.on("/v1/auth/token", Reply(500, """{"message":"internal"}"""), Reply(200, OB_TOKEN_BODY))
        val e = assertFailsWith<ClienteleException.Api> { runBlocking { offBlocks().use { it.listCustomers() } } }
        assertEquals("server_error", e.code)
        assertEquals(1, server.received.size)
    }

    @Test
    fun blocWebhooksAreVerifiedOnTheRawBytes() {
        val secret = "whsec_synthetic"
        val body = """{"event":"Customer.created","data":{"id":"$CUSTOMER_ID","customer_type":"Personal","status":"active","environment":"test"}}""".toByteArray()
        // Bloc's signature, computed independently of the core: hex HMAC-SHA256 of the raw body.
        val mac = javax.crypto.Mac.getInstance("HmacSHA256").apply { init(javax.crypto.spec.SecretKeySpec(secret.toByteArray(), "HmacSHA256")) }
        val signature = mac.doFinal(body).joinToString("") { "%02x".format(it) }
        val event = BlocWebhooks(secret).receive(body, mapOf("x-bloc-webhook" to listOf(signature)))
        assertEquals(CUSTOMER_ID, event.customer?.id)
        val reserialised = String(body).replace(":", ": ").toByteArray()
        val e = assertFailsWith<ClienteleException.Webhook> { BlocWebhooks(secret).receive(reserialised, mapOf("X-Bloc-Webhook" to listOf(signature))) }
        assertEquals("webhook_signature_mismatch", e.code)
        val missing = assertFailsWith<ClienteleException.Webhook> { BlocWebhooks(secret).receive(body, emptyMap()) }
        assertEquals("webhook_signature_missing", missing.code)
    }

    @Test
    fun offBlocksWebhooksAreDeduplicatedAndSignaturesChecked() {
        val key = SigningKey.fromPem(Fixtures.text("offblocks/test-key-p384.pem"))
        val body = """{"webhookType":"customer.updated","eventId":"ev-1","id":"$OB_CUSTOMER_ID","status":"active","updatedAt":"2024-01-12T15:05:32.166028Z"}""".toByteArray()
        // Sign the delivery as OffBlocks would (with a key the test holds).
        val url = "https://example.com/hooks/offblocks"
        val clock = Clock.fixed(Instant.ofEpochSecond(1_763_700_010), ZoneOffset.UTC)
        val pending = OffBlocks("https://example.com", offblocksDefaultSigningConfig("offblocks")).withToken("t")
            .resign(HttpRequest(Method.POST, url, listOf(Header("Content-Type", "application/json"), Header("Content-Digest", contentDigest(body, io.clientele.core.DigestAlgorithm.SHA256))), body), Instant.ofEpochSecond(1_763_700_000))
        val signed = pending.sign(key)
        OffBlocksWebhooks(key.publicKey(), clock = clock).use { hooks ->
            assertEquals(Delivery.NEW, hooks.receive(body, url, signed.headers).delivery)
            assertEquals(Delivery.DUPLICATE, hooks.receive(body, url, signed.headers).delivery)
            val tampered = String(body).replace("active", "rejected").toByteArray()
            val e = assertFailsWith<ClienteleException.Signature> { hooks.receive(tampered, url, signed.headers) }
            assertEquals("content_digest_mismatch", e.code)
        }
    }
}
