package io.clientele

import io.clientele.core.AccessToken
import io.clientele.core.Customer
import io.clientele.core.CustomerAddress
import io.clientele.core.CustomerPage
import io.clientele.core.Header
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import io.clientele.core.MeansOfIdentification
import io.clientele.core.OffBlocksCustomer
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import java.io.File

/**
 * The shared cross-language cases in tests/fixtures, and the helpers that turn the bindings'
 * values into the camelCase shapes the fixtures describe (the Kotlin twin of
 * core/tests/common/mod.rs).
 */
@Suppress("UNCHECKED_CAST")
object Fixtures {
    private val dir = File(System.getProperty("clientele.fixtures") ?: "../tests/fixtures")

    fun load(path: String): Map<String, Any?> = Json.parse(File(dir, path).readText()) as Map<String, Any?>

    fun text(path: String): String = File(dir, path).readText()

    /** One dynamic test per case of [path]; each collects all its failures before asserting. */
    fun cases(path: String, run: (Map<String, Any?>, MutableList<String>) -> Unit): List<DynamicTest> {
        val cases = load(path)["cases"] as List<Map<String, Any?>>
        assertTrue(cases.isNotEmpty())
        return cases.map { case ->
            DynamicTest.dynamicTest("$path: ${case["name"]}") {
                val failures = mutableListOf<String>()
                run(case, failures)
                assertTrue(failures.isEmpty(), failures.joinToString("\n"))
            }
        }
    }

    /**
     * One dynamic test per response case of [path]: [parse] turns the case's operation and
     * response into a JSON-like value (compared with `expect.value`) or throws (compared with
     * `expect.error`).
     */
    fun responseCases(path: String, parse: (String, HttpResponse) -> Any?): List<DynamicTest> = cases(path) { case, failures ->
        val expect = case["expect"].obj()
        try {
            val value = parse(case["operation"] as String, responseOf(case["response"].obj()))
            if ("value" in expect) subset(expect["value"], value, "value", failures)
            else failures += "expected an error, parsed ${Json.write(value)}"
        } catch (e: ClienteleException) {
            if ("error" in expect) checkError(e, expect["error"], failures)
            else failures += "expected a value, got ${e.message}"
        }
    }
}

@Suppress("UNCHECKED_CAST")
fun Any?.obj(): Map<String, Any?> = this as Map<String, Any?>

fun headersOf(value: Any?): List<Header> =
    (value as? Map<String, Any?>)?.map { (k, v) -> Header(k, v as String) } ?: emptyList()

/** A fixture response (`status`, `headers`, exact `body` text). */
fun responseOf(r: Map<String, Any?>): HttpResponse =
    HttpResponse((r["status"] as Long).toInt().toUShort(), headersOf(r["headers"]), (r["body"] as String).toByteArray())

private fun normalize(value: Any?): Any? = when (value) {
    is Int -> value.toLong()
    is UShort -> value.toLong()
    is UInt -> value.toLong()
    is ULong -> value.toLong()
    is UByte -> value.toLong()
    else -> value
}

/** [expected] must be contained in [actual]: every member listed equals (null = absent). */
fun subset(expected: Any?, actual: Any?, path: String, failures: MutableList<String>) {
    val a = normalize(actual)
    when {
        expected is Map<*, *> && a is Map<*, *> ->
            for ((k, v) in expected) subset(v, a[k], "$path.$k", failures)
        expected is List<*> && a is List<*> && expected.size == a.size ->
            expected.zip(a).forEachIndexed { i, (e, x) -> subset(e, x, "$path[$i]", failures) }
        expected == a -> {}
        else -> failures += "$path: expected ${Json.write(expected)}, got ${Json.write(a)}"
    }
}

/** The shape `expect.error` describes: code, status, retryable, issues, and per family more. */
fun errorShape(e: ClienteleException): Map<String, Any?> {
    val shape = linkedMapOf<String, Any?>(
        "code" to e.code,
        "status" to e.status()?.toLong(),
        "retryable" to e.isRetryable(),
        "issues" to e.issues.map { mapOf("path" to it.path, "code" to issueCodeWireValue(it.code), "message" to it.message) },
    )
    when (e) {
        is ClienteleException.Api -> {
            shape["message"] = e.providerMessage
            shape["requestId"] = e.requestId
            shape["retryAfterSeconds"] = e.retryAfterSeconds?.toLong() ?: e.retryAt?.let { Long.MAX_VALUE }
        }
        is ClienteleException.Decode -> shape["path"] = e.path
        else -> {}
    }
    return shape
}

fun checkError(e: ClienteleException, expected: Any?, failures: MutableList<String>) {
    // Decoding errors never echo values from the body (they may be personal data).
    if (e is ClienteleException.Decode) {
        for (needle in listOf("08012345678", "22403240419", "@example", "yesterday")) {
            if (e.message.contains(needle)) failures += "decode message leaks `$needle`: ${e.message}"
        }
    }
    subset(expected, errorShape(e), "error", failures)
}

/** Compares a built request with `expect.request` (method, url, exact body, headers by name). */
fun checkRequest(req: HttpRequest, want: Map<String, Any?>, failures: MutableList<String>) {
    if (req.method.name != want["method"]) failures += "method ${req.method} != ${want["method"]}"
    if (req.url != want["url"]) failures += "url ${req.url} != ${want["url"]}"
    val body = String(req.body)
    if (body != want["body"]) failures += "body $body != ${want["body"]}"
    fun norm(hs: List<Header>) = hs.map { it.name.lowercase() to it.value }.sortedWith(compareBy({ it.first }, { it.second }))
    val got = norm(req.headers)
    val exp = norm(headersOf(want["headers"]))
    if (got != exp) failures += "headers $got != $exp"
}

// --- the bindings' values in the fixtures' camelCase shape ---------------------------------

fun addressJson(a: CustomerAddress?) = a?.let {
    mapOf(
        "street" to it.street, "city" to it.city, "state" to it.state, "country" to it.country, "postalCode" to it.postalCode,
        "extra" to Json.parse(it.extra),
    )
}

fun customerJson(c: Customer): Map<String, Any?> = mapOf(
    "id" to c.id,
    "firstName" to c.firstName,
    "lastName" to c.lastName,
    "fullName" to c.fullName,
    "email" to c.email,
    "phoneNumber" to c.phoneNumber,
    "bvn" to c.bvn,
    "customerType" to customerTypeWireValue(c.customerType),
    "status" to customerStatusWireValue(c.status),
    "kycTier" to kycTierWireValue(c.kycTier),
    "kycStatus" to c.kycStatus,
    "environment" to environmentWireValue(c.environment),
    "organizationId" to c.organizationId,
    "group" to c.group,
    "source" to c.source,
    "country" to c.country,
    "gender" to c.gender?.let { genderWireValue(it) },
    "dateOfBirth" to c.dateOfBirth?.toString(),
    "placeOfBirth" to c.placeOfBirth,
    "address" to addressJson(c.address),
    "imageUrl" to c.imageUrl,
    "meansOfIdentity" to c.meansOfIdentity?.let { meansOfIdWireValue(it) },
    "meansOfIdentityUrl" to c.meansOfIdentityUrl,
    "identityUrl" to c.identityUrl,
    "syncData" to c.syncData?.let { mapOf("provider" to it.provider, "id" to it.id, "extra" to Json.parse(it.extra)) },
    "createdAt" to c.createdAt?.toString(),
    "updatedAt" to c.updatedAt?.toString(),
    "extra" to Json.parse(c.extra),
)

fun pageJson(p: CustomerPage) = mapOf(
    "customers" to p.customers.map(::customerJson),
    "hasNext" to p.hasNext,
    "hasPrevious" to p.hasPrevious,
)

fun meansJson(m: MeansOfIdentification) = mapOf("name" to meansOfIdWireValue(m.name), "format" to m.format)

fun offBlocksCustomerJson(c: OffBlocksCustomer): Map<String, Any?> = mapOf(
    "id" to c.id,
    "externalId" to c.externalId,
    "chainId" to c.chainId,
    "status" to offblocksStatusWireValue(c.status),
    "createdAt" to c.createdAt?.toString(),
    "updatedAt" to c.updatedAt?.toString(),
    "challenge" to c.challenge,
    "verificationUrl" to c.verificationUrl,
    "extra" to Json.parse(c.extra),
)

/** Requests are data classes holding a ByteArray: compare them field by field. */
fun assertSameRequest(expected: HttpRequest, actual: HttpRequest) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.method, actual.method)
    org.junit.jupiter.api.Assertions.assertEquals(expected.url, actual.url)
    org.junit.jupiter.api.Assertions.assertEquals(expected.headers, actual.headers)
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.body, actual.body)
}

fun tokenJson(t: AccessToken) = mapOf("token" to t.token, "expiresAt" to t.expiresAt.toString(), "tokenType" to t.tokenType)
