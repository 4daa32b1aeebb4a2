package io.clientele

import com.sun.net.httpserver.HttpServer
import io.clientele.core.Address
import io.clientele.core.ApiCredentials
import io.clientele.core.BlocEventType
import io.clientele.core.CustomerUpdateRequest
import io.clientele.core.Delivery
import io.clientele.core.Gender
import io.clientele.core.Header
import io.clientele.core.KycTier
import io.clientele.core.KycTier1Upgrade
import io.clientele.core.OffBlocksCustomerCreate
import io.clientele.core.OffBlocksStatus
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.Base64
import java.util.UUID
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertFailsWith
import kotlin.time.Duration.Companion.milliseconds

/**
 * End to end against the REAL sandbox process (tests/sandbox, started by kotlin/test.sh, which
 * passes its ready JSON in CLIENTELE_SANDBOX and the test wallet signer's URL in
 * CLIENTELE_WALLET_URL): the scenario of npm/examples/demo.mjs through the default
 * java.net.http transport, then each injected fault. Tests run one at a time (JUnit's default):
 * faults are global to the sandbox.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxE2ETest {
    private val sandbox = Json.parse(
        requireNotNull(System.getenv("CLIENTELE_SANDBOX")) { "CLIENTELE_SANDBOX is not set: run kotlin/test.sh" },
    ) as Map<*, *>
    private val walletUrl = requireNotNull(System.getenv("CLIENTELE_WALLET_URL")) { "CLIENTELE_WALLET_URL is not set" }
    private val url = sandbox["url"] as String
    private val blocUrl = sandbox["bloc"] as String
    private val offblocksUrl = sandbox["offblocks"] as String
    private val secretKey = "sk_test_kotlin_e2e_0123456789"
    private val walletKey = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    private val wallet = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
    private val http = HttpClient.newHttpClient()
    private val fast = ClientOptions(baseDelay = 50.milliseconds, maxDelay = 200.milliseconds)

    // --- a local endpoint receiving both providers' webhooks, raw bytes and headers -------------
    class Hook(val path: String, val headers: List<Header>, val body: ByteArray)

    private val hooks = CopyOnWriteArrayList<Hook>()
    private val hookServer = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
        createContext("/") { exchange ->
            val body = exchange.requestBody.readBytes()
            val headers = exchange.requestHeaders.flatMap { (name, values) -> values.map { Header(name, it) } }
            hooks += Hook(exchange.requestURI.toString(), headers, body)
            exchange.sendResponseHeaders(200, -1)
            exchange.close()
        }
        start()
    }
    private val hookBase = "http://127.0.0.1:${hookServer.address.port}"

    @AfterAll
    fun stopHooks() = hookServer.stop(0)

    private fun waitForHooks(what: String, predicate: (List<Hook>) -> Boolean): List<Hook> {
        repeat(200) {
            if (predicate(hooks.toList())) return hooks.toList()
            Thread.sleep(25)
        }
        throw AssertionError("no $what arrived (received: ${hooks.map { it.path }})")
    }

    // --- plain HTTP to the sandbox's admin endpoints and the wallet ------------------------------
    private fun call(method: String, target: String, body: String? = null, bearer: String? = null): Pair<Int, String> {
        val builder = HttpRequest.newBuilder(URI.create(target))
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
            .header("Content-Type", "application/json")
        if (bearer != null) builder.header("Authorization", "Bearer $bearer")
        val response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    private fun admin(method: String, path: String, body: Map<String, Any?>? = null): Any? {
        val (status, text) = call(method, "$url/__admin$path", body?.let { Json.write(it) })
        assertEquals(200, status, "admin $path: $text")
        return Json.parse(text)
    }

    private fun fault(method: String, path: String, fault: String, extra: Map<String, Any?> = emptyMap()) {
        admin("POST", "/faults", mapOf("method" to method, "path" to path, "fault" to fault, "times" to 1L) + extra)
    }

    /** The injected faults not yet consumed (none once the faulted request was answered). */
    private fun faultsPending(): List<*> = (admin("GET", "/state") as Map<*, *>)["faults"] as List<*>

    @Suppress("UNCHECKED_CAST")
    private fun offblocksCustomersInState(): List<Map<String, Any?>> =
        ((admin("GET", "/state") as Map<String, Any?>)["offblocks"] as Map<String, Any?>)["customers"] as List<Map<String, Any?>>

    @Suppress("UNCHECKED_CAST")
    private fun blocCustomerIdsInState(): List<String> =
        (((admin("GET", "/state") as Map<String, Any?>)["bloc"] as Map<String, Any?>)["customers"] as List<Map<String, Any?>>)
            .map { it["id"] as String }

    /** The test wallet's `personal_sign` (an independent signer: tests/e2e/wallet-signer.mjs). */
    private fun walletSign(privateKey: String, message: String): String {
        val (status, text) = call("POST", "$walletUrl/sign", Json.write(mapOf("privateKey" to privateKey, "message" to message)))
        assertEquals(200, status, text)
        return (Json.parse(text) as Map<*, *>)["signature"] as String
    }

    // --- clients ---------------------------------------------------------------------------------
    private fun bloc(options: ClientOptions = fast.copy(timeout = 10_000.milliseconds)) =
        BlocClient(secretKey, baseUrl = blocUrl, options = options)

    private var keyRegistered = false

    private suspend fun offBlocks(options: ClientOptions = fast): OffBlocksClient {
        val client = OffBlocksClient(
            baseUrl = offblocksUrl,
            signing = offblocksDefaultSigningConfig("kotlin-e2e-key"),
            tokenSource = TokenSource.Credentials(ApiCredentials(sandbox["offblocksApiKey"] as String, sandbox["offblocksApiSecret"] as String)),
            signer = RequestSigner.withKey(SigningKey.fromPem(Fixtures.text("offblocks/test-key-p384.pem"))),
            options = options,
        )
        if (!keyRegistered) {
            // Registered as the demo does: PUT /auth/signing with the client's own bearer token.
            val publicPem = Fixtures.text("offblocks/test-key-p384.pub.pem")
            val body = Json.write(mapOf("keyId" to "kotlin-e2e-key", "publicKey" to Base64.getEncoder().encodeToString(publicPem.toByteArray())))
            val (status, text) = call("PUT", "$offblocksUrl/auth/signing", body, bearer = client.accessToken().token)
            assertTrue(status in 200..299, "PUT /auth/signing: $status $text")
            keyRegistered = true
        }
        return client
    }

    private fun person(i: Int, first: String, last: String) = goodPayload().copy(
        email = "${first.lowercase()}.$i.${UUID.randomUUID().toString().take(8)}@example.com",
        phoneNumber = "+234 80$i 234 5678", firstName = first, lastName = last, bvn = "2222222222$i",
    )

    /** A fresh eip155 address (lowercase hex: no EIP-55 checksum to get wrong). */
    private fun freshChain() = "eip155:300:0x" + UUID.randomUUID().toString().replace("-", "").padEnd(40, '0')

    // --- the demo's scenario -----------------------------------------------------------------------
    @Test
    fun blocScenario() = runBlocking<Unit> {
        bloc().use { bloc ->
            // 1. A bad form: every field issue at once, nothing sent.
            val before = blocCustomerIdsInState().size
            val bad = assertFailsWith<ClienteleException.Validation> {
                runBlocking { bloc.createCustomer(goodPayload().copy(email = "ada@", phoneNumber = "+44 20 7946 0958", firstName = " ", bvn = "2222")) }
            }
            assertEquals(
                listOf("email" to "invalid_email", "phoneNumber" to "invalid_phone", "firstName" to "required", "bvn" to "invalid_bvn"),
                bad.issues.map { it.path to issueCodeWireValue(it.code) }.sortedBy { listOf("email", "phoneNumber", "firstName", "bvn").indexOf(it.first) },
            )
            assertEquals(before, blocCustomerIdsInState().size, "nothing was sent")

            // 2. A webhook, then five customers.
            val (status, text) = call("POST", "$blocUrl/webhooks", Json.write(mapOf("url" to "$hookBase/bloc")), bearer = secretKey)
            assertEquals(200, status, text)
            val created = listOf("Ada" to "Obi", "Tunde" to "Bello", "Chioma" to "Eze", "Sani" to "Musa", "Ngozi" to "Okafor")
                .mapIndexed { i, (first, last) -> bloc.createCustomer(person(i, first, last)) }
            val ada = created.first()
            assertEquals("08002345678", ada.phoneNumber, "the phone went out normalised")
            assertEquals(KycTier.Tier0, ada.kycTier)
            assertEquals(null, ada.updatedAt, "Go's zero time means never")

            // 3. Every page, two per page, by hand and with allCustomers.
            val expected = blocCustomerIdsInState()
            val pages = mutableListOf<List<String>>()
            var page = 1u
            while (true) {
                val p = bloc.listCustomers(blocDefaultListQuery().copy(page = page, perPage = 2u))
                pages += p.customers.map { it.id }
                assertEquals(page > 1u, p.hasPrevious)
                if (!p.hasNext) break
                page++
            }
            assertEquals(expected, pages.flatten())
            assertEquals((expected.size + 1) / 2, pages.size)
            assertEquals(expected, bloc.allCustomers(blocDefaultListQuery().copy(perPage = 2u)).map { it.id })

            // 4. Get, update, KYC tier 1, an unknown id.
            assertEquals(ada.id, bloc.getCustomer(ada.id).id)
            val updated = bloc.updateCustomer(
                ada.id,
                CustomerUpdateRequest("ada.obi@example.com", "08001234567", "Ada", "Obi-Eze", ada.customerType, null),
            )
            assertEquals("Obi-Eze", updated.lastName)
            assertNotNull(updated.updatedAt)
            val tier1 = bloc.upgradeKycTier1(
                ada.id,
                KycTier1Upgrade(
                    "Kaduna", "1992-03-30", Gender.Female, "Nigeria",
                    Address("12 Admiralty Way", "Lekki", "Lagos", "Nigeria", "106104"),
                    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==",
                ),
            )
            assertEquals(KycTier.Tier1, tier1.kycTier)
            val missing = assertFailsWith<ClienteleException.Api> { runBlocking { bloc.getCustomer("000000000000000000000000") } }
            assertEquals("not_found" to 404, missing.code to missing.status.toInt())

            // 5. Customer.created, verified on the raw bytes; a changed byte is refused.
            val deliveries = waitForHooks("Bloc webhook for ${ada.id}") { all -> all.any { it.path == "/bloc" && String(it.body).contains(ada.id) } }
            val hook = deliveries.first { it.path == "/bloc" && String(it.body).contains(ada.id) }
            val event = BlocWebhooks(sandbox["blocWebhookSecret"] as String).receive(hook.body, hook.headers)
            assertEquals(BlocEventType.CustomerCreated, event.event)
            assertEquals(ada.id, event.customer?.id)
            val tampered = assertFailsWith<ClienteleException.Webhook> {
                BlocWebhooks(sandbox["blocWebhookSecret"] as String).receive(hook.body + ' '.code.toByte(), hook.headers)
            }
            assertEquals("webhook_signature_mismatch", tampered.code)
        }
    }

    @Test
    fun offBlocksScenario() = runBlocking<Unit> {
        admin("POST", "/offblocks/webhooks", mapOf("callbackUrl" to "$hookBase/offblocks"))
        offBlocks().use { offblocks ->
            // 1. A signed, idempotent create: the same key and body give the same customer back.
            val chainId = "eip155:300:$wallet"
            val input = OffBlocksCustomerCreate(chainId, "kotlin-e2e-customer-1")
            val key = UUID.randomUUID().toString()
            val customer = offblocks.createCustomer(input, idempotencyKey = key)
            assertEquals(OffBlocksStatus.Initiating, customer.status)
            // The KYC verification URL: the sandbox's own KYC page for this customer.
            assertEquals("$url/kyc/${customer.id}", customer.verificationUrl)
            assertEquals("{}", customer.extra)
            val (kycStatus, kycPage) = call("GET", customer.verificationUrl!!, null)
            assertEquals(200, kycStatus)
            assertTrue(kycPage.contains("<code id=\"customer-id\">${customer.id}</code>"), kycPage)
            assertEquals(customer.id, offblocks.createCustomer(input, idempotencyKey = key).id)
            assertEquals(1, offblocksCustomersInState().count { it["externalId"] == "kotlin-e2e-customer-1" })

            // 2. The ownership challenge: checked, refused for another wallet, signed, submitted.
            val challenge = offblocks.openChallenge(customer)
            assertEquals(wallet.lowercase(), challenge.fields.address.lowercase())
            val wrong = assertFailsWith<ClienteleException.Challenge> {
                runBlocking { offblocks.submitChallenge(customer.id, challenge, walletSign("11".repeat(32), challenge.message)) }
            }
            assertTrue(wrong.code.isNotEmpty())
            val submitted = offblocks.submitChallenge(customer.id, challenge, walletSign(walletKey, challenge.message))
            assertTrue(submitted?.status in listOf(OffBlocksStatus.Screening, OffBlocksStatus.Verifying, null), "$submitted")
            offblocks.simulateVerification(customer.id)
            assertEquals(OffBlocksStatus.Active, offblocks.getCustomer(customer.id).status)

            // 3. Deactivate, a refused second deactivate, activate.
            assertEquals(OffBlocksStatus.Inactive, offblocks.deactivateCustomer(customer.id)?.status ?: offblocks.getCustomer(customer.id).status)
            val refused = assertFailsWith<ClienteleException.Api> { runBlocking { offblocks.deactivateCustomer(customer.id) } }
            assertEquals("invalid_state_transition" to 409, refused.code to refused.status.toInt())
            assertEquals(OffBlocksStatus.Active, offblocks.activateCustomer(customer.id)?.status ?: offblocks.getCustomer(customer.id).status)
            assertTrue(offblocks.listCustomers().any { it.id == customer.id })

            // 4. customer.updated deliveries: every signature verified with the sandbox's key,
            // parsed, and a replayed delivery told apart as a duplicate.
            val mine = { all: List<Hook> -> all.filter { it.path == "/offblocks" && String(it.body).contains(customer.id) } }
            val deliveries = mine(waitForHooks("OffBlocks webhooks") { all -> mine(all).count { String(it.body).contains("\"inactive\"") } >= 1 && mine(all).size >= 5 })
            val webhookKey = VerifyingKey.fromPem((admin("GET", "/webhook-key") as Map<*, *>)["publicKeyPem"] as String)
            OffBlocksWebhooks(webhookKey).use { receiver ->
                val received = deliveries.map { receiver.receive(it.body, "$hookBase${it.path}", it.headers) }
                assertTrue(received.all { it.event.customer?.id == customer.id })
                assertTrue(received.any { it.delivery == Delivery.NEW })
                assertEquals(
                    setOf(OffBlocksStatus.Screening, OffBlocksStatus.Verifying, OffBlocksStatus.Active, OffBlocksStatus.Inactive),
                    received.mapNotNull { it.event.customer?.status }.toSet(),
                )
                val again = deliveries.first()
                assertEquals(Delivery.DUPLICATE, receiver.receive(again.body, "$hookBase${again.path}", again.headers).delivery)
                val forged = assertFailsWith<ClienteleException.Signature> {
                    receiver.receive(String(again.body).replace(customer.id, UUID.randomUUID().toString()).toByteArray(), "$hookBase${again.path}", again.headers)
                }
                assertEquals("content_digest_mismatch", forged.code)
            }
        }
    }

    // --- faults --------------------------------------------------------------------------------------
    @Test
    fun a500AfterProcessingIsRetriedWithTheSameKeyAndCreatesOneCustomer() = runBlocking<Unit> {
        offBlocks().use { offblocks ->
            fault("POST", "/offblocks/v1/customers", "500-after")
            val externalId = "kotlin-500-after-${UUID.randomUUID()}"
            val created = offblocks.createCustomer(OffBlocksCustomerCreate(freshChain(), externalId))
            assertEquals(externalId, created.externalId)
            assertEquals(emptyList<Any>(), faultsPending(), "the first attempt met the fault")
            val matching = offblocksCustomersInState().filter { it["externalId"] == externalId }
            assertEquals(listOf(created.id), matching.map { it["id"] }, "exactly one customer, the one returned")
        }
    }

    @Test
    fun a429WaitsForRetryAfter() = runBlocking<Unit> {
        bloc().use { bloc ->
            val customer = bloc.createCustomer(person(7, "Retry", "After"))
            fault("GET", "/bloc/v1/customers/${customer.id}", "429", mapOf("retryAfter" to 2L))
            val started = System.nanoTime()
            assertEquals(customer.id, bloc.getCustomer(customer.id).id)
            val waited = (System.nanoTime() - started) / 1_000_000
            assertTrue(waited >= 2_000, "retried after $waited ms, Retry-After said 2 s")
            assertEquals(emptyList<Any>(), faultsPending())
        }
        offBlocks().use { offblocks ->
            // A create too: the retry after the wait carries the same Idempotency-Key: one customer.
            fault("POST", "/offblocks/v1/customers", "429", mapOf("retryAfter" to 1L))
            val externalId = "kotlin-429-${UUID.randomUUID()}"
            val started = System.nanoTime()
            val created = offblocks.createCustomer(OffBlocksCustomerCreate(freshChain(), externalId))
            val waited = (System.nanoTime() - started) / 1_000_000
            assertTrue(waited >= 1_000, "retried after $waited ms, Retry-After said 1 s")
            assertEquals(listOf(created.id), offblocksCustomersInState().filter { it["externalId"] == externalId }.map { it["id"] })
        }
    }

    @Test
    fun aSlowAnswerIsATypedTimeout() = runBlocking<Unit> {
        val id = bloc().use { it.createCustomer(person(6, "Slow", "Answer")).id }
        bloc(ClientOptions(maxRetries = 0, timeout = 300.milliseconds)).use { bloc ->
            fault("GET", "/bloc/v1/customers/$id", "slow", mapOf("delayMs" to 1_500L))
            val started = System.nanoTime()
            val e = assertFailsWith<ClienteleException.Transport> { runBlocking { bloc.getCustomer(id) } }
            val waited = (System.nanoTime() - started) / 1_000_000
            assertEquals("timeout", e.code)
            assertTrue(e.timedOut)
            assertTrue(waited < 1_400, "gave up after $waited ms")
            assertEquals(id, bloc.getCustomer(id).id, "the client still works")
        }
    }

    @Test
    fun aMalformedBodyIsATypedDecodeError() = runBlocking<Unit> {
        bloc().use { bloc ->
            val id = bloc.createCustomer(person(5, "Broken", "Body")).id
            fault("GET", "/bloc/v1/customers/$id", "malformed")
            val e = assertFailsWith<ClienteleException.Decode> { runBlocking { bloc.getCustomer(id) } }
            assertEquals("decode_failed", e.code)
            assertEquals(id, bloc.getCustomer(id).id, "the client still works")
        }
        offBlocks().use { offblocks ->
            val created = offblocks.createCustomer(OffBlocksCustomerCreate(freshChain(), "kotlin-malformed-${UUID.randomUUID()}"))
            fault("GET", "/offblocks/v1/customers/${created.id}", "malformed")
            val e = assertFailsWith<ClienteleException.Decode> { runBlocking { offblocks.getCustomer(created.id) } }
            assertEquals("decode_failed", e.code)
        }
    }

    @Test
    fun anUnknownStatusIsKept() = runBlocking<Unit> {
        offBlocks().use { offblocks ->
            val created = offblocks.createCustomer(OffBlocksCustomerCreate(freshChain(), "kotlin-unknown-${UUID.randomUUID()}"))
            fault("GET", "/offblocks/v1/customers/${created.id}", "unknown-status")
            val customer = offblocks.getCustomer(created.id)
            assertEquals(OffBlocksStatus.Other("suspended"), customer.status)
            assertEquals("suspended", offblocksStatusWireValue(customer.status))
            assertFalse(offblocksStatusCanDeactivate(customer.status))
        }
        bloc().use { bloc ->
            val id = bloc.createCustomer(person(4, "Unknown", "Status")).id
            fault("GET", "/bloc/v1/customers/$id", "unknown-status")
            val customer = bloc.getCustomer(id)
            assertEquals("suspended", customerStatusWireValue(customer.status))
        }
    }
}
