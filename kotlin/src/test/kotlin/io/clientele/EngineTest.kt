package io.clientele

import io.clientele.ClientFixturesTest.TestClock
import io.clientele.core.AccessToken
import io.clientele.core.ApiCredentials
import io.clientele.core.ErrorKind
import io.clientele.core.Header
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import io.clientele.core.OffBlocksCustomerCreate
import io.clientele.core.SignatureEncoding
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.security.KeyPairGenerator
import java.security.spec.ECGenParameterSpec
import java.time.Instant
import java.util.Base64
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertFailsWith
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * What the Kotlin host itself does around the core's engine: options in Kotlin's units with the
 * core's defaults, cancellation, one provider call for concurrent calls, the app's callbacks
 * failing, external signers, time limits the transport ignores. The engine's decisions are the
 * fixtures' (ClientFixturesTest).
 */
class EngineTest {
    private val now = Instant.parse("2026-12-03T10:00:00Z")
    private val customerId = "123e4567-e89b-12d3-a456-426614174000"
    private val key = SigningKey.fromPem(Fixtures.text("offblocks/test-key-p384.pem"))

    /** A transport answering every request with [answer], recording what it sent. */
    private class Recorder(val answer: suspend (HttpRequest) -> HttpResponse) : Transport {
        val sent = CopyOnWriteArrayList<HttpRequest>()
        override suspend fun send(request: HttpRequest, timeout: Duration): HttpResponse {
            sent += request
            return answer(request)
        }
    }

    private fun ok(body: String) = HttpResponse(200u, emptyList(), body.toByteArray())
    private val noWait = Sleeper { }

    private fun offBlocks(source: TokenSource, transport: Transport, signer: RequestSigner = RequestSigner.withKey(key), options: ClientOptions = ClientOptions()) =
        OffBlocksClient(
            baseUrl = "https://api.sandbox.offblocks.xyz/v1",
            signing = offblocksDefaultSigningConfig("test-key-ecc-p384"),
            tokenSource = source, signer = signer, transport = transport, options = options,
            clock = TestClock(now), sleeper = noWait,
        )

    private fun HttpRequest.header(name: String) = headers.firstOrNull { it.name.equals(name, true) }?.value

    // --- options -------------------------------------------------------------------------------------

    @Test
    fun everyDefaultIsTheCoresInKotlinUnits() {
        val core = clientDefaults()
        val o = ClientOptions()
        assertEquals(core.client.timeoutMs.toLong(), o.timeout.inWholeMilliseconds)
        assertEquals(core.client.maxRetries.toInt(), o.maxRetries)
        assertEquals(core.client.baseDelayMs.toLong(), o.baseDelay.inWholeMilliseconds)
        assertEquals(core.client.maxDelayMs.toLong(), o.maxDelay.inWholeMilliseconds)
        assertEquals(core.client.maxRetryAfterMs.toLong(), o.maxRetryAfter.inWholeMilliseconds)
        assertEquals(core.client.tokenRefreshMarginS.toLong(), o.tokenRefreshMargin.inWholeSeconds)
        assertEquals(core.client.resignAfterS.toLong(), o.resignAfter.inWholeSeconds)
        assertEquals(core.client, o.engine, "the options round-trip to the engine's exactly")
        assertEquals(core.webhookMaxAgeS.toLong(), CoreDefaults.webhookMaxAge.inWholeSeconds)
        assertEquals(core.webhookDedupeCapacity, CoreDefaults.webhookDedupeCapacity)
    }

    @Test
    fun optionsTheEngineCannotUseAreInvalidArguments() {
        for ((name, make) in listOf<Pair<String, () -> Any>>(
            "timeout" to { ClientOptions(timeout = Duration.ZERO) },
            "timeout" to { ClientOptions(timeout = (-1).seconds) },
            "maxRetries" to { ClientOptions(maxRetries = -1) },
            "baseDelay" to { ClientOptions(baseDelay = (-5).milliseconds) },
            "maxDelay" to { ClientOptions(maxDelay = Duration.INFINITE) },
            "maxRetryAfter" to { ClientOptions(maxRetryAfter = (UInt.MAX_VALUE.toLong() + 1).milliseconds) },
            "tokenRefreshMargin" to { ClientOptions(tokenRefreshMargin = 1500.milliseconds) },
            "resignAfter" to { ClientOptions(resignAfter = (-1).seconds) },
            "timeout" to { CallOptions(timeout = Duration.ZERO) },
            "maxRetries" to { CallOptions(maxRetries = -2) },
            "maxAge" to { OffBlocksWebhooks(maxAge = 0.5.seconds) },
        )) {
            val e = assertFailsWith<ClienteleException.Validation> { make() }
            assertEquals("invalid_argument", e.code)
            assertEquals(ErrorKind.VALIDATION, e.kind())
            assertEquals(listOf(name), e.issues.map { it.path })
            assertTrue(e.message.startsWith("`$name`"), e.message)
        }
        assertEquals(0u, ClientOptions(timeout = Duration.INFINITE).engine.timeoutMs, "INFINITE is the engine's 'no limit'")
        assertEquals(90u, ClientOptions(tokenRefreshMargin = 90.seconds).engine.tokenRefreshMarginS)
    }

    @Test
    fun callOptionsOverrideTheClientsForOneCall() = runBlocking<Unit> {
        val transport = Recorder { HttpResponse(503u, emptyList(), ByteArray(0)) }
        BlocClient("sk_test_0123456789abcdef", transport = transport, options = ClientOptions(maxRetries = 3), sleeper = noWait).use { bloc ->
            assertFailsWith<ClienteleException.Api> { bloc.getCustomer(CUSTOMER_ID, CallOptions(maxRetries = 0)) }
            assertEquals(1, transport.sent.size)
            assertFailsWith<ClienteleException.Api> { bloc.getCustomer(CUSTOMER_ID) }
            assertEquals(5, transport.sent.size, "then the client's 3 retries again")
        }
    }

    // --- time limits and cancellation --------------------------------------------------------------

    @Test
    fun aTransportIgnoringItsTimeLimitIsStoppedAtIt() = runBlocking<Unit> {
        val transport = Recorder { awaitCancellation() }
        val options = ClientOptions(timeout = 50.milliseconds, maxRetries = 1)
        BlocClient("sk_test_0123456789abcdef", transport = transport, options = options, sleeper = noWait).use { bloc ->
            val e = assertFailsWith<ClienteleException.Transport> { bloc.getCustomer(CUSTOMER_ID) }
            assertEquals("timeout" to true, e.code to e.timedOut)
            assertTrue(e.retryable)
            assertTrue(e.message.contains("50 ms"), e.message)
            assertEquals(2, transport.sent.size, "a GET is retried after a timeout")
        }
    }

    @Test
    fun cancellingDuringASendEndsTheCallWithTheCoresAbortedError() = runBlocking<Unit> {
        val started = CompletableDeferred<Unit>()
        var transportCancelled = false
        val transport = Recorder {
            started.complete(Unit)
            try {
                awaitCancellation()
            } catch (e: CancellationException) {
                transportCancelled = true
                throw e
            }
        }
        BlocClient("sk_test_0123456789abcdef", transport = transport, sleeper = noWait).use { bloc ->
            var thrown: Throwable? = null
            val job = launch {
                try {
                    bloc.getCustomer(CUSTOMER_ID)
                } catch (e: Throwable) {
                    thrown = e
                    throw e
                }
            }
            started.await()
            job.cancelAndJoin()
            assertTrue(thrown is CancellationException, "structured concurrency: $thrown")
            val aborted = thrown?.cause as ClienteleException.Transport
            assertEquals("aborted" to ErrorKind.TRANSPORT, aborted.code to aborted.kind())
            assertFalse(aborted.retryable)
            assertTrue(transportCancelled, "the send itself was cancelled")
            assertEquals(1, transport.sent.size, "nothing was sent again")
        }
    }

    @Test
    fun cancellingWhileTheProviderIsAskedEndsTheCallToo() = runBlocking<Unit> {
        val asked = CompletableDeferred<Unit>()
        val transport = Recorder { throw AssertionError("nothing is sent without a token") }
        offBlocks(TokenSource.Provider { asked.complete(Unit); awaitCancellation() }, transport).use { client ->
            var thrown: Throwable? = null
            val job = launch {
                try {
                    client.getCustomer(customerId)
                } catch (e: Throwable) {
                    thrown = e
                    throw e
                }
            }
            asked.await()
            job.cancelAndJoin()
            assertEquals("aborted", ((thrown as CancellationException).cause as ClienteleException).code)
        }
    }

    // --- tokens ---------------------------------------------------------------------------------------

    @Test
    fun concurrentCallsNeedingATokenShareOneProviderCall() = runBlocking<Unit> {
        val release = CompletableDeferred<Unit>()
        var asked = 0
        val provider = TokenSource.Provider {
            asked++
            release.await()
            AccessToken("shared-token", now.plusSeconds(3600), "Bearer")
        }
        val transport = Recorder { ok(OB_CUSTOMER_BODY) }
        offBlocks(provider, transport).use { client ->
            val calls = (1..3).map { async { client.getCustomer(customerId).id } }
            repeat(10) { yield() }
            release.complete(Unit)
            assertEquals(List(3) { customerId }, calls.awaitAll())
        }
        assertEquals(1, asked, "one provider call for three calls")
        assertEquals(List(3) { "Bearer shared-token" }, transport.sent.map { it.header("Authorization") })
    }

    private val credentials = TokenSource.Credentials(ApiCredentials("0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", "synthetic-secret"))
    private val tokenUrl = "https://api.sandbox.offblocks.xyz/v1/auth/token"
    private val tokenBody = """{"token":"tok-1","expiresAt":1796295600,"tokenType":"Bearer"}"""
    private fun Recorder.tokenRequests() = sent.count { it.url == tokenUrl }

    @Test
    fun concurrentCallsOfAFreshCredentialsClientSendOneTokenRequest() = runBlocking<Unit> {
        val release = CompletableDeferred<Unit>()
        val transport = Recorder { request ->
            if (request.url == tokenUrl) {
                release.await()
                ok(tokenBody)
            } else {
                ok(OB_CUSTOMER_BODY)
            }
        }
        offBlocks(credentials, transport).use { client ->
            val calls = (1..5).map { async { client.getCustomer(customerId).id } }
            repeat(10) { yield() }
            assertEquals(1, transport.tokenRequests(), "five calls need a token: one request is in flight")
            release.complete(Unit)
            assertEquals(List(5) { customerId }, calls.awaitAll())
        }
        assertEquals(1, transport.tokenRequests())
        assertEquals(List(5) { "Bearer tok-1" }, transport.sent.filter { it.url != tokenUrl }.map { it.header("Authorization") })
    }

    @Test
    fun aSharedTokenRequestsFailureReachesEveryCallThenTheNextCallSendsAnew() = runBlocking<Unit> {
        val release = CompletableDeferred<Unit>()
        var answer = HttpResponse(500u, emptyList(), """{"message":"internal"}""".toByteArray())
        val transport = Recorder { request ->
            if (request.url == tokenUrl) {
                release.await()
                answer
            } else {
                ok(OB_CUSTOMER_BODY)
            }
        }
        offBlocks(credentials, transport).use { client ->
            val calls = (1..3).map { async { runCatching { client.getCustomer(customerId) }.exceptionOrNull() } }
            repeat(10) { yield() }
            release.complete(Unit)
            val errors = calls.awaitAll()
            // Each call's engine read the same answer and ended its call with the core's error.
            assertEquals(List(3) { "server_error" }, errors.map { (it as ClienteleException.Api).code })
            assertEquals(1, transport.tokenRequests())
            // Nothing is in flight any more: the next call asks again.
            answer = ok(tokenBody)
            assertEquals(customerId, client.getCustomer(customerId).id)
            assertEquals(2, transport.tokenRequests())
        }
    }

    @Test
    fun cancellingTheCallThatSentTheTokenRequestLeavesItToTheOthers() = runBlocking<Unit> {
        val release = CompletableDeferred<Unit>()
        val transport = Recorder { request ->
            if (request.url == tokenUrl) {
                release.await()
                ok(tokenBody)
            } else {
                ok(OB_CUSTOMER_BODY)
            }
        }
        offBlocks(credentials, transport).use { client ->
            var thrown: Throwable? = null
            val first = launch {
                try {
                    client.getCustomer(customerId)
                } catch (e: Throwable) {
                    thrown = e
                    throw e
                }
            }
            repeat(5) { yield() }
            val second = async { client.getCustomer(customerId).id }
            repeat(5) { yield() }
            first.cancelAndJoin()
            assertEquals("aborted", ((thrown as CancellationException).cause as ClienteleException).code)
            release.complete(Unit)
            assertEquals(customerId, second.await())
        }
        assertEquals(1, transport.tokenRequests())
    }

    @Test
    fun aProvidersInitialTokenIsUsedWhileFresh() = runBlocking<Unit> {
        val transport = Recorder { ok(OB_CUSTOMER_BODY) }
        val initial = AccessToken("kept-token", now.plusSeconds(3600), "Bearer")
        offBlocks(TokenSource.Provider(initial) { throw AssertionError("the initial token is fresh") }, transport).use { client ->
            client.getCustomer(customerId)
            assertEquals(SessionToken("kept-token", initial.expiresAt), client.accessToken())
        }
        assertEquals(listOf("Bearer kept-token"), transport.sent.map { it.header("Authorization") })
        // A token the core refuses fails the constructor, before any call.
        val refused = assertFailsWith<ClienteleException> {
            offBlocks(TokenSource.Provider(AccessToken("kept token", now.plusSeconds(3600), "Bearer")) { throw AssertionError() }, transport)
        }
        assertEquals("invalid_credentials" to ErrorKind.CREDENTIALS, refused.code to refused.kind())
        assertFalse(refused.toString().contains("kept token"), refused.toString())
    }

    @Test
    fun accessTokenIsTheSessionsObtainedOnlyWhenNeeded() = runBlocking<Unit> {
        val transport = Recorder { ok(tokenBody) }
        offBlocks(credentials, transport).use { client ->
            val token = client.accessToken()
            assertEquals(SessionToken("tok-1", Instant.ofEpochSecond(1796295600)), token)
            assertEquals(token, client.accessToken())
            assertEquals(listOf("https://api.sandbox.offblocks.xyz/v1/auth/token"), transport.sent.map { it.url }, "fetched once")
            assertFalse(token.toString().contains("tok-1"), token.toString())
        }
        offBlocks(TokenSource.Fixed("fixed-token"), transport).use { client ->
            assertEquals(SessionToken("fixed-token", null), client.accessToken())
        }
    }

    @Test
    fun aProviderThatFailsIsTokenUnavailableWithItsCause() = runBlocking<Unit> {
        val transport = Recorder { throw AssertionError("nothing is sent without a token") }
        offBlocks(TokenSource.Provider { throw IllegalStateException("backend down: secret=hunter2") }, transport).use { client ->
            val e = assertFailsWith<ClienteleException.Credentials> { client.getCustomer(customerId) }
            assertEquals("token_unavailable" to ErrorKind.CREDENTIALS, e.code to e.kind())
            assertTrue(e.cause is IllegalStateException)
            assertFalse(e.message.contains("hunter2"), e.message)
        }
        // A Clientele error from the provider goes through unchanged.
        offBlocks(TokenSource.Provider { throw ClienteleException.Credentials("invalid_credentials", "no session") }, transport).use { client ->
            assertEquals("invalid_credentials", assertFailsWith<ClienteleException.Credentials> { client.getCustomer(customerId) }.code)
        }
    }

    @Test
    fun tokenSourcesNeverShowTheirSecrets() {
        val texts = listOf(
            TokenSource.Fixed("secret-token", now).toString(),
            TokenSource.Provider(AccessToken("secret-token", now, "Bearer")) { throw AssertionError() }.toString(),
            TokenSource.Credentials(ApiCredentials("0b8f6f3e-2a51-4c1f-9f0e-6f1d2c3b4a59", "secret-token")).toString(),
            SessionToken("secret-token", now).toString(),
            // The token a client returns: the core's SessionToken, whose toString is the core's masking Debug.
            runBlocking { offBlocks(TokenSource.Fixed("secret-token", now), Recorder { throw AssertionError() }).use { it.accessToken() } }.let { "$it" },
        )
        for (text in texts) assertFalse(text.contains("secret-token"), text)
        assertTrue(texts.last().startsWith("SessionToken"), texts.last())
    }

    // --- signing ----------------------------------------------------------------------------------------

    @Test
    fun anExternalSignerSignsTheEnginesBaseInDer() = runBlocking<Unit> {
        // A key the JVM holds (as Android Keystore would): DER signatures, converted by the core.
        val pair = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp384r1")) }.generateKeyPair()
        val bases = mutableListOf<ByteArray>()
        val signer = RequestSigner.external(SignatureEncoding.DER) { base ->
            bases += base
            java.security.Signature.getInstance("SHA384withECDSA").run { initSign(pair.private); update(base); sign() }
        }
        val transport = Recorder { HttpResponse(201u, emptyList(), OB_CUSTOMER_BODY.toByteArray()) }
        offBlocks(TokenSource.Fixed("tok"), transport, signer).use { client ->
            client.createCustomer(OffBlocksCustomerCreate("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb", "customer-42"), "5b0d7a1e-3f43-4c8e-9a51-2f1de2d0c7a4")
        }
        val sent = transport.sent.single()
        val pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.public.encoded) + "\n-----END PUBLIC KEY-----\n"
        val verified = verifyRequestSignature(sent, VerifyingKey.fromPem(pem), defaultSignatureVerifyOptions(now).copy(requireContentDigest = true))
        assertEquals("test-key-ecc-p384", verified.keyId)
        assertEquals(1, bases.size)
    }

    @Test
    fun aSignerThatFailsIsSignerFailed() = runBlocking<Unit> {
        val transport = Recorder { throw AssertionError("nothing unsigned is sent") }
        val signer = RequestSigner.external(SignatureEncoding.RAW) { throw java.security.SignatureException("keystore locked") }
        offBlocks(TokenSource.Fixed("tok"), transport, signer).use { client ->
            val e = assertFailsWith<ClienteleException.Signature> { client.getCustomer(customerId) }
            assertEquals("signer_failed" to ErrorKind.SIGNATURE, e.code to e.kind())
            assertTrue(e.cause is java.security.SignatureException)
        }
        // Bytes that are no signature are refused by the core, not sent.
        offBlocks(TokenSource.Fixed("tok"), transport, RequestSigner.external(SignatureEncoding.RAW) { ByteArray(3) }).use { client ->
            assertEquals(ErrorKind.SIGNATURE, assertFailsWith<ClienteleException.Signature> { client.getCustomer(customerId) }.kind())
        }
    }

    @Test
    fun aKeySignerSignsInTheCoreOnlyWithItsOwnAlgorithm() = runBlocking<Unit> {
        val transport = Recorder { throw AssertionError("nothing unsigned is sent") }
        val hmac = SigningKey.hmacSha256("a shared secret".toByteArray())
        offBlocks(TokenSource.Fixed("tok"), transport, RequestSigner.withKey(hmac)).use { client ->
            val e = assertFailsWith<ClienteleException.Signature> { client.getCustomer(customerId) }
            assertEquals("signature_algorithm_mismatch", e.code)
        }
        assertTrue(transport.sent.isEmpty())
    }

    @Test
    fun aKeySignerSignsExactlyWhatTheEngineAsks() = runBlocking<Unit> {
        val transport = Recorder { ok(OB_CUSTOMER_BODY) }
        offBlocks(TokenSource.Fixed("tok"), transport).use { client ->
            client.getCustomer(customerId)
        }
        val verified = verifyRequestSignature(
            transport.sent.single(), VerifyingKey.fromPem(Fixtures.text("offblocks/test-key-p384.pub.pem")),
            defaultSignatureVerifyOptions(now),
        )
        assertEquals("test-key-ecc-p384", verified.keyId)
        assertNull(transport.sent.single().headers.firstOrNull { it.name == "Idempotency-Key" }, "a GET carries no key")
    }

    @Test
    fun webhookDefaultsAreTheCores() {
        // A delivery signed 299 s before now is accepted, 301 s is refused (max age 300 s, from the core).
        val body = """{"webhookType":"customer.updated","eventId":"ev-1","id":"$customerId","status":"active","updatedAt":"2024-01-12T15:05:32.166028Z"}""".toByteArray()
        val url = "https://example.com/hooks/offblocks"
        fun signedAt(created: Instant): List<Header> = OffBlocks("https://example.com", offblocksDefaultSigningConfig("offblocks")).withToken("t")
            .resign(HttpRequest(io.clientele.core.Method.POST, url, listOf(Header("Content-Type", "application/json"), Header("Content-Digest", contentDigest(body, io.clientele.core.DigestAlgorithm.SHA256))), body), created)
            .sign(key).headers
        val maxAge = clientDefaults().webhookMaxAgeS.toLong()
        OffBlocksWebhooks(key.publicKey(), clock = TestClock(now)).use { hooks ->
            hooks.receive(body, url, signedAt(now.minusSeconds(maxAge - 1)))
            val e = assertFailsWith<ClienteleException.Signature> { hooks.receive(body, url, signedAt(now.minusSeconds(maxAge + 1))) }
            assertEquals("signature_too_old", e.code)
        }
    }
}
