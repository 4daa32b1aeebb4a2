package io.clientele

import io.clientele.core.ApiCredentials
import io.clientele.core.AppInfo
import io.clientele.core.CustomerCreateRequest
import io.clientele.core.CustomerType
import io.clientele.core.Event
import io.clientele.core.Header
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import io.clientele.core.OffBlocksCustomerCreate
import io.clientele.core.Purpose
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertFailsWith
import kotlin.time.Duration

/**
 * What the clients tell about themselves: the core's `User-Agent` naming the Kotlin host and the
 * app, the engine's events to a listener that cannot break a call, and nothing secret or
 * personal in any event (the conformance cases check the events' content: ClientFixturesTest).
 */
class EventsTest {
    private val blocKey = "sk_test_9f8e7d6c5b4a39281706"
    private val apiSecret = "synthetic-api-secret-5e1f"
    private val bearer = "tok-synthetic-bearer-77aa"
    private val bvn = "22403240419"
    private val email = "ada.obi@example.com"
    private val phone = "08031234567"
    private val customerId = "6410612c7f1b4b36103f872a"

    /** A transport answering by path, recording what it sent. */
    private class Script(val answer: (HttpRequest, Int) -> HttpResponse) : Transport {
        val sent = CopyOnWriteArrayList<HttpRequest>()
        override suspend fun send(request: HttpRequest, timeout: Duration): HttpResponse {
            sent += request
            return answer(request, sent.size)
        }
    }

    private fun HttpRequest.header(name: String) = headers.firstOrNull { it.name.equals(name, true) }?.value

    private fun customerBody() =
        """{"success":true,"data":{"id":"$customerId","email":"$email","phone_number":"$phone","bvn":"$bvn","customer_type":"Personal","status":"active","environment":"test"}}"""

    @Test
    fun everyRequestNamesTheKotlinHostAndTheApp() = runBlocking<Unit> {
        val transport = Script { _, n -> if (n == 1) HttpResponse(503u, emptyList(), ByteArray(0)) else HttpResponse(200u, emptyList(), customerBody().toByteArray()) }
        BlocClient(blocKey, transport = transport, appInfo = AppInfo("Acme Wallet", "1.4.2", "https://acme.example"), sleeper = { }).use {
            it.getCustomer(customerId)
        }
        val (first, retry) = transport.sent
        val ua = first.header("User-Agent")!!
        val java = System.getProperty("java.version")
        val os = "${System.getProperty("os.name")} ${System.getProperty("os.version")}"
        assertTrue(Regex("^clientele/\\d+\\.\\d+\\.\\d+ \\(kotlin jvm/").containsMatchIn(ua), ua)
        assertEquals(userAgent("kotlin", "jvm/$java", os, AppInfo("Acme Wallet", "1.4.2", "https://acme.example")), ua, "the core builds it")
        assertTrue(ua.contains("jvm/$java; ") && ua.endsWith("(+https://acme.example)"), ua)
        assertEquals(null, first.header("X-Clientele-Retry"), "the first attempt is no retry")
        assertEquals(ua, retry.header("User-Agent"))
        assertEquals("1", retry.header("X-Clientele-Retry"))
        // Without appInfo: the host part only.
        val plain = Script { _, _ -> HttpResponse(200u, emptyList(), customerBody().toByteArray()) }
        BlocClient(blocKey, transport = plain).use { it.getCustomer(customerId) }
        assertEquals(userAgent("kotlin", "jvm/$java", os, null), plain.sent.single().header("User-Agent"))
    }

    @Test
    fun aThrowingListenerCannotBreakACall() = runBlocking<Unit> {
        val heard = mutableListOf<Event>()
        val transport = Script { _, n -> if (n == 1) HttpResponse(503u, emptyList(), ByteArray(0)) else HttpResponse(200u, emptyList(), customerBody().toByteArray()) }
        val customer = BlocClient(blocKey, transport = transport, sleeper = { }, onEvent = { heard += it; throw IllegalStateException("the listener's bug") }).use {
            it.getCustomer(customerId)
        }
        assertEquals(customerId, customer.id)
        assertEquals(
            listOf("RequestSent", "ResponseReceived", "RetryScheduled", "RequestSent", "ResponseReceived"),
            heard.map { it.javaClass.simpleName },
            "every event still reached it",
        )
        // A failing call delivers its events too, and `TODO()` (an Error, not an Exception) is ignored as well.
        val failing = mutableListOf<Event>()
        val e = assertFailsWith<ClienteleException.Api> {
            val notFound = Script { _, _ -> HttpResponse(404u, emptyList(), """{"success":false,"message":"nope"}""".toByteArray()) }
            BlocClient(blocKey, transport = notFound, onEvent = { failing += it; TODO("the listener's bug") }).use { it.getCustomer(customerId) }
        }
        assertEquals("not_found", e.code)
        assertEquals(listOf("RequestSent", "ResponseReceived"), failing.map { it.javaClass.simpleName })
    }

    @Test
    fun noEventShowsASecretOrPersonalData() = runBlocking<Unit> {
        val events = mutableListOf<Event>()
        val texts = mutableListOf<String>()
        // Bloc: a create with a BVN, a phone and an email, rate limited once.
        val bloc = Script { _, n ->
            if (n == 1) HttpResponse(429u, listOf(Header("Retry-After", "0")), ByteArray(0))
            else HttpResponse(200u, listOf(Header("X-Request-Id", "req_1")), customerBody().toByteArray())
        }
        BlocClient(blocKey, transport = bloc, sleeper = { }, onEvent = { events += it }).use {
            val form = CustomerCreateRequest(email, "+234 803 123 4567", "Ada", "Obi", CustomerType.Personal, bvn)
            texts += it.createCustomerWithResponse(form).toString()
        }
        // OffBlocks: API credentials exchanged for a bearer token, then a signed create.
        val offBlocks = Script { request, _ ->
            if (request.url.endsWith("/auth/token")) {
                HttpResponse(200u, emptyList(), """{"token":"$bearer","expiresAt":1796295600,"tokenType":"Bearer"}""".toByteArray())
            } else {
                HttpResponse(201u, emptyList(), """{"id":"123e4567-e89b-12d3-a456-426614174000","externalId":"customer-42","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb","status":"initiating"}""".toByteArray())
            }
        }
        OffBlocksClient(
            baseUrl = "https://api.sandbox.offblocks.xyz/v1",
            signing = offblocksDefaultSigningConfig("test-key-ecc-p384"),
            tokenSource = TokenSource.Credentials(ApiCredentials("0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", apiSecret)),
            signer = RequestSigner.withKey(SigningKey.fromPem(Fixtures.text("offblocks/test-key-p384.pem"))),
            transport = offBlocks, onEvent = { events += it },
            clock = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC),
        ).use {
            texts += it.createCustomerWithResponse(OffBlocksCustomerCreate("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", "customer-42")).toString()
            texts += it.accessTokenWithResponse().toString()
        }
        // The requests did carry every secret, so the events had the chance to leak them.
        assertTrue(bloc.sent.last().header("Authorization")!!.endsWith(blocKey.removePrefix("sk_test_")))
        assertTrue(String(bloc.sent.last().body).contains(bvn))
        assertTrue(String(offBlocks.sent.first().body).contains(apiSecret))
        assertTrue(offBlocks.sent.last().header("Authorization")!!.contains(bearer))
        val sent = events.filterIsInstance<Event.RequestSent>()
        assertEquals(listOf(Purpose.OPERATION, Purpose.OPERATION, Purpose.TOKEN, Purpose.OPERATION), sent.map { it.purpose })
        assertTrue(sent.all { e -> e.headers.any { it.name.equals("User-Agent", true) } })
        texts += events.map { it.toString() }
        texts += events.map { e -> (e as? Event.RequestSent)?.headers?.joinToString { "${it.name}: ${it.value}" } ?: "" }
        val secrets = listOf(blocKey.removePrefix("sk_test_"), apiSecret, bearer, bvn, email, phone, "803 123 4567", "8031234567")
        val leaks = texts.flatMap { text -> secrets.filter { it in text }.map { "`$it` in $text" } }
        assertEquals(emptyList<String>(), leaks)
    }
}
