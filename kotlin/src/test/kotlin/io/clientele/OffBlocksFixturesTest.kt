package io.clientele

import io.clientele.core.ApiCredentials
import io.clientele.core.ChallengeSubmission
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import io.clientele.core.OffBlocksCustomerCreate
import io.clientele.core.OffBlocksWebhookType
import io.clientele.core.SignatureEncoding
import io.clientele.core.SiweVersion
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import kotlin.test.assertFailsWith
import java.time.Instant
import java.util.Base64

/** The shared OffBlocks cases (tests/fixtures/offblocks) through the Kotlin bindings. */
class OffBlocksFixturesTest {
    private val fixture = Fixtures.load("offblocks/requests.json")
    private val key = SigningKey.fromPem(Fixtures.text("offblocks/test-key-p384.pem"))

    /** The fixture's context with the case's members overriding. */
    private fun context(case: Map<String, Any?>): Map<String, Any?> =
        fixture["context"].obj() + (case["context"]?.obj() ?: emptyMap())

    private fun client(ctx: Map<String, Any?>): OffBlocks {
        val offblocks = OffBlocks(ctx["baseUrl"] as String, offblocksDefaultSigningConfig(ctx["keyId"] as String))
        val token = ctx["token"] as String? ?: return offblocks
        return offblocks.withToken(token).also { offblocks.close() }
    }

    private sealed interface Built {
        class Plain(val request: HttpRequest) : Built
        class Signed(val pending: SigningRequest) : Built
    }

    private fun build(case: Map<String, Any?>, ctx: Map<String, Any?>): Built = client(ctx).use { offblocks ->
        val now = Instant.parse(ctx["now"] as String)
        val id = case["customerId"] as String? ?: ""
        val key = case["idempotencyKey"] as String? ?: ""
        val input = case["input"]?.obj() ?: emptyMap()
        fun s(k: String) = input[k] as String
        when (case["operation"]) {
            "token" -> Built.Plain(offblocks.buildTokenRequest(ApiCredentials(s("apiKey"), s("apiSecret"))))
            "create_customer" -> Built.Signed(offblocks.buildCreateCustomer(OffBlocksCustomerCreate(s("chainId"), s("externalId")), key, now))
            "list_customers" -> Built.Signed(offblocks.buildListCustomers(now))
            "get_customer" -> Built.Signed(offblocks.buildGetCustomer(id, now))
            "deactivate_customer" -> Built.Signed(offblocks.buildDeactivateCustomer(id, key, now))
            "activate_customer" -> Built.Signed(offblocks.buildActivateCustomer(id, key, now))
            "simulator_verify" -> Built.Signed(offblocks.buildSimulatorVerify(id, key, now))
            "get_challenge" -> Built.Signed(offblocks.buildGetChallenge(id, now))
            "submit_challenge" -> Built.Signed(
                offblocks.buildSubmitChallenge(id, ChallengeSubmission(s("challenge"), s("signature"), s("signer")), key, now),
            )
            else -> error("unknown operation ${case["operation"]}")
        }
    }

    @TestFactory
    fun requests(): List<DynamicTest> = Fixtures.cases("offblocks/requests.json") { case, failures ->
        val expect = case["expect"].obj()
        try {
            val built = build(case, context(case))
            if ("request" !in expect) {
                failures += "expected an error, built a request"
                return@cases
            }
            val want = expect["request"].obj()
            val request = when (built) {
                is Built.Plain -> built.request
                is Built.Signed -> built.pending.use { pending ->
                    val base = String(pending.signatureBase())
                    if (base != want["signatureBase"]) failures += "signature base:\n$base\n!=\n${want["signatureBase"]}"
                    pending.sign(key)
                }
            }
            checkRequest(request, want, failures)
        } catch (e: ClienteleException) {
            if ("error" in expect) checkError(e, expect["error"], failures)
            else failures += "expected a request, got ${e.message}"
        }
    }

    /** An external signer (raw r||s or DER, as Android Keystore returns) gives the same request. */
    @Test
    fun externalSignersFinishTheSameRequest() {
        val case = (fixture["cases"] as List<*>)[1].obj()
        val pending = (build(case, context(case)) as Built.Signed).pending
        val inCore = pending.sign(key)
        val header = inCore.headers.first { it.name == "Signature" }.value
        val raw = Base64.getDecoder().decode(header.removePrefix("sig=:").removeSuffix(":"))
        assertEquals(96, raw.size)
        assertSameRequest(inCore, pending.finish(raw, SignatureEncoding.RAW))
        assertSameRequest(inCore, pending.finish(rawToDer(raw), SignatureEncoding.DER))
        assertArrayEquals(raw, ecdsaDerToRaw(rawToDer(raw), pending.algorithm()))
        val e = assertFailsWith<ClienteleException.Signature> { pending.finish(raw.copyOf(95), SignatureEncoding.RAW) }
        assertEquals("signature_invalid_length", e.code)
        // The signed request verifies with the public key.
        val verified = verifyRequestSignature(
            inCore,
            key.publicKey(),
            defaultSignatureVerifyOptions(Instant.ofEpochSecond(1_763_700_010)).copy(requireContentDigest = true),
        )
        assertEquals("test-key-ecc-p384", verified.keyId)
    }

    /** A retry whose signature has grown old is re-signed with the same key and body. */
    @Test
    fun resignKeepsKeyAndBody() {
        val case = (fixture["cases"] as List<*>)[1].obj()
        val ctx = context(case)
        val first = (build(case, ctx) as Built.Signed).pending.sign(key)
        val later = Instant.parse(ctx["now"] as String).plusSeconds(600)
        val second = client(ctx).use { it.resign(first, later).sign(key) }
        assertArrayEquals(first.body, second.body)
        fun h(r: HttpRequest, n: String) = r.headers.filter { it.name.equals(n, true) }.map { it.value }
        for (name in listOf("Idempotency-Key", "Content-Digest", "Authorization")) assertEquals(h(first, name), h(second, name), name)
        assertNotEquals(h(first, "Signature"), h(second, "Signature"))
        assertEquals(1, h(second, "Signature").size)
    }

    private fun parse(operation: String, response: HttpResponse): Any? = when (operation) {
        "create_customer" -> offBlocksCustomerJson(offblocksParseCreateCustomer(response))
        "get_customer" -> offBlocksCustomerJson(offblocksParseGetCustomer(response))
        "list_customers" -> offblocksParseListCustomers(response).map(::offBlocksCustomerJson)
        "status_change" -> offblocksParseStatusChange(response)?.let(::offBlocksCustomerJson)
        "simulator_verify" -> offblocksParseSimulatorVerify(response).let { null }
        "token" -> tokenJson(offblocksParseToken(response))
        "get_challenge" -> offblocksParseChallenge(response)
        else -> error("unknown operation $operation")
    }

    @TestFactory
    fun responses(): List<DynamicTest> = Fixtures.responseCases("offblocks/responses.json", ::parse)

    @TestFactory
    fun accountIds(): List<DynamicTest> = Fixtures.cases("offblocks/account-ids.json") { case, failures ->
        val expect = case["expect"].obj()
        try {
            val id = caip10AccountId((case["chainId"] as Long).toULong(), case["address"] as String)
            if ("value" in expect) subset(expect["value"], id, "value", failures)
            else failures += "expected an error, got $id"
        } catch (e: ClienteleException) {
            if ("error" in expect) checkError(e, expect["error"], failures)
            else failures += "expected a value, got ${e.code}: ${e.message}"
        }
    }

    @TestFactory
    fun challenges(): List<DynamicTest> = Fixtures.cases("offblocks/challenges.json") { case, failures ->
        val expect = case["expect"].obj()
        try {
            val challenge = openChallenge(case["challenge"] as String, case["chainId"] as String, Instant.parse(case["now"] as String))
            val submission = (case["signature"] as String?)?.let { acceptChallengeSignature(challenge, it) }
            val f = challenge.fields
            val actual = mapOf(
                "message" to mapOf(
                    "domain" to f.domain, "address" to f.address, "uri" to f.uri,
                    "version" to when (f.version) { SiweVersion.V1 -> "1" },
                    "chainId" to f.chainId, "nonce" to f.nonce, "issuedAt" to f.issuedAt, "digest" to challenge.digest,
                ),
                "signer" to submission?.let { f.address },
                "submission" to submission?.let { mapOf("challenge" to it.challenge, "signature" to it.signature, "signer" to it.signer) },
            )
            if ("error" in expect) failures += "expected an error, got $actual"
            else subset(expect, actual, "expect", failures)
        } catch (e: ClienteleException) {
            if ("error" in expect) checkError(e, expect["error"], failures)
            else failures += "expected success, got ${e.code}: ${e.message}"
        }
    }

    @TestFactory
    fun webhooks(): List<DynamicTest> = Fixtures.cases("offblocks/webhooks.json") { case, failures ->
        OffBlocksWebhooks(capacity = 100u).use { webhooks ->
            (case["deliveries"] as List<*>).forEachIndexed { i, d ->
                val delivery = d.obj()
                val expected = delivery["expect"].obj()
                try {
                    val received = webhooks.receive((delivery["body"] as String).toByteArray())
                    val event = received.event
                    val actual = mapOf(
                        "type" to offblocksWebhookTypeWireValue(event.webhookType),
                        "known" to (event.webhookType !is OffBlocksWebhookType.Other),
                        "status" to event.customer?.let { offblocksStatusWireValue(it.status) },
                        "delivery" to received.delivery.name.lowercase(),
                    )
                    subset(expected, actual, "delivery[$i]", failures)
                } catch (e: ClienteleException) {
                    if (expected["error"] != e.code) failures += "delivery[$i]: got error ${e.code}, expected $expected"
                }
            }
        }
    }
}

/** A raw ECDSA r||s signature as X9.62 DER, as Android Keystore and iOS return it. */
fun rawToDer(raw: ByteArray): ByteArray {
    fun integer(bytes: ByteArray): ByteArray {
        var v = bytes.dropWhile { it == 0.toByte() }.toByteArray()
        if (v.isEmpty()) v = byteArrayOf(0)
        if (v[0] < 0) v = byteArrayOf(0) + v
        return byteArrayOf(0x02, v.size.toByte()) + v
    }
    val half = raw.size / 2
    val body = integer(raw.copyOfRange(0, half)) + integer(raw.copyOfRange(half, raw.size))
    val length = if (body.size < 128) byteArrayOf(body.size.toByte()) else byteArrayOf(0x81.toByte(), body.size.toByte())
    return byteArrayOf(0x30) + length + body
}
