package io.clientele

import io.clientele.core.AccessToken
import io.clientele.core.Address
import io.clientele.core.ApiCredentials
import io.clientele.core.AppInfo
import io.clientele.core.CustomerCreateRequest
import io.clientele.core.CustomerListQuery
import io.clientele.core.CustomerUpdateRequest
import io.clientele.core.Event
import io.clientele.core.Header
import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import io.clientele.core.KycTier1Upgrade
import io.clientele.core.OffBlocksCustomerCreate
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.net.ConnectException
import java.net.SocketTimeoutException
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.random.Random
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * The scripted exchanges of tests/fixtures/client, every one run through the REAL public
 * [BlocClient] and [OffBlocksClient] (the Kotlin twin of core/tests/client_fixtures.rs): a
 * scripted [Transport] checks each request and answers it, a clock that moves only by the waits,
 * a recording [Sleeper] and a [Random] that returns the case's jitter values. No network.
 */
@Suppress("UNCHECKED_CAST")
class ClientFixturesTest {
    /** A clock the test moves. */
    class TestClock(var now: Instant) : Clock() {
        override fun getZone(): ZoneId = ZoneOffset.UTC
        override fun withZone(zone: ZoneId?): Clock = this
        override fun instant(): Instant = now
    }

    /** The case's jitter values in order, the last repeating. */
    class ScriptedJitter(private val values: List<Double>) : Random() {
        var draws = 0
        override fun nextBits(bitCount: Int): Int = throw AssertionError("only nextDouble() is a jitter draw")
        override fun nextDouble(): Double = (values.getOrNull(draws) ?: values.lastOrNull() ?: 0.5).also { draws++ }
    }

    /** The fixture's transport, clock, sleeper and jitter: checks every request against its step. */
    class Script(case: Map<String, Any?>, private val failures: MutableList<String>) : Transport, Sleeper {
        private val steps = case["steps"] as List<Map<String, Any?>>
        var next = 0
        val clock = TestClock(Instant.parse(case["now"] as String))
        val jitter = ScriptedJitter((case["jitter"] as List<*>).map { (it as Number).toDouble() })
        val waits = mutableListOf<Long>()
        private val abortAtWait = (case["abortAtWait"] as Long?)?.toInt()
        private var previous: HttpRequest? = null

        override suspend fun send(request: HttpRequest, timeout: Duration): HttpResponse {
            val step = steps.getOrNull(next) ?: run {
                failures += "an unexpected request: ${request.method} ${request.url}"
                throw ConnectException("no step left")
            }
            next++
            val i = next
            val want = step["request"].obj()
            val path = request.url.substringAfter("://").let { rest -> rest.indexOf('/').let { if (it < 0) "" else rest.substring(it) } }
            if (want["method"] != request.method.name || want["path"] != path) {
                failures += "step $i: sent ${request.method} $path, expected ${want["method"]} ${want["path"]}"
            }
            for ((name, value) in want["headers"]?.obj() ?: emptyMap()) {
                if (request.header(name) != value) failures += "step $i: header $name is ${request.header(name)}, expected $value"
            }
            for ((name, pattern) in want["headersMatching"]?.obj() ?: emptyMap()) {
                val value = request.header(name)
                if (value == null || !Regex(pattern as String).containsMatchIn(value)) {
                    failures += "step $i: header $name is $value, expected to match $pattern"
                }
            }
            for (name in (want["headersAbsent"] as List<*>?).orEmpty().map { it as String }) {
                request.header(name)?.let { failures += "step $i: header $name was sent: $it" }
            }
            (want["body"] as String?)?.let { if (String(request.body) != it) failures += "step $i: body ${String(request.body)} != $it" }
            (want["signatureCreated"] as Long?)?.let { created ->
                val input = request.header("Signature-Input") ?: ""
                if (!input.contains(";created=$created;")) failures += "step $i: Signature-Input $input lacks created=$created"
            }
            if (!path.endsWith("/auth/token")) {
                val before = previous
                previous = request
                fun member(r: HttpRequest, name: String): List<Byte>? = if (name == "body") r.body.toList() else r.header(name)?.toByteArray()?.toList()
                for ((list, same) in listOf("sameAsPrevious" to true, "differentFromPrevious" to false)) {
                    for (name in (want[list] as List<*>?).orEmpty().map { it as String }) {
                        if (before == null) {
                            failures += "step $i: no previous request"
                        } else if ((member(before, name) == member(request, name)) != same) {
                            failures += "step $i: $name ${if (same) "differs from" else "equals"} the previous request's"
                        }
                    }
                }
            }
            val response = step["response"]?.obj()
            return when {
                response != null -> responseOf(response)
                step["failure"] == "timeout" -> throw SocketTimeoutException("scripted timeout")
                step["failure"] == "network_error" -> throw ConnectException("scripted: connection refused")
                else -> throw AssertionError("step $i: no response or failure")
            }
        }

        /** Records the wait and moves the clock by it; at `abortAtWait`, cancels the call instead. */
        override suspend fun sleep(duration: Duration) {
            waits += duration.inWholeMilliseconds
            if (abortAtWait == waits.size) {
                currentCoroutineContext().cancel()
                awaitCancellation()
            }
            clock.now = clock.now.plusMillis(duration.inWholeMilliseconds)
        }

        fun steps() = steps.size

        /** Every event the client's listener heard, as the fixtures write them. */
        val events = mutableListOf<Map<String, Any?>>()
        val onEvent: EventListener = { events += eventJson(it) }

        /** The metadata of the call's answer (`...WithResponse`), when it has one. */
        var response: Map<String, Any?>? = null

        /** The value of a `...WithResponse` call; its metadata is kept for `expect.response`. */
        fun <T> answer(r: Response<T>): T {
            response = infoJson(r.response)
            return r.value
        }
    }

    /** The client's application, from the case's `appInfo`. */
    private fun appInfo(case: Map<String, Any?>): AppInfo? = case["appInfo"]?.obj()?.let {
        AppInfo(it["name"] as String, it["version"] as String?, it["url"] as String?)
    }

    /** The default options with the case's overrides (the engine's names, in its units). */
    private fun options(case: Map<String, Any?>): ClientOptions {
        var o = ClientOptions()
        for ((k, v) in case["options"]?.obj() ?: emptyMap()) {
            val n = (v as Number).toLong()
            o = when (k) {
                "timeoutMs" -> o.copy(timeout = if (n == 0L) Duration.INFINITE else n.milliseconds)
                "maxRetries" -> o.copy(maxRetries = n.toInt())
                "baseDelayMs" -> o.copy(baseDelay = n.milliseconds)
                "maxDelayMs" -> o.copy(maxDelay = n.milliseconds)
                "maxRetryAfterMs" -> o.copy(maxRetryAfter = n.milliseconds)
                "tokenRefreshMarginS" -> o.copy(tokenRefreshMargin = n.seconds)
                "resignAfterS" -> o.copy(resignAfter = n.seconds)
                else -> throw AssertionError("unknown option $k")
            }
        }
        return o
    }

    /**
     * Runs [call] as a child coroutine, as an app would: its value, or the Clientele error it
     * ended with. A cancellation must carry the core's `aborted` error as its cause.
     */
    private fun outcome(failures: MutableList<String>, call: suspend () -> Any?): Result<Any?> = runBlocking {
        var cancelled: CancellationException? = null
        val result = coroutineScope {
            val job = async {
                try {
                    Result.success(call())
                } catch (e: CancellationException) {
                    cancelled = e
                    throw e
                } catch (e: ClienteleException) {
                    Result.failure(e)
                }
            }
            job.join()
            if (job.isCancelled) null else job.await()
        }
        result ?: cancelled.let { c ->
            val cause = c?.cause
            if (cause !is ClienteleException) {
                failures += "cancelled without the core's error as the cause: $c"
                Result.failure(AssertionError("cancelled"))
            } else {
                Result.failure(cause)
            }
        }
    }

    private fun check(case: Map<String, Any?>, s: Script, result: Result<Any?>, before: List<Any?>, failures: MutableList<String>) {
        val expected = (case["waits"] as List<*>).map { (it as Number).toLong() }
        if (s.waits != expected) failures += "waits ${s.waits} != $expected"
        if (s.next != s.steps()) failures += "${s.next} of ${s.steps()} steps were sent"
        // The events the client's listener heard: as many as the case lists, each containing it.
        (case["events"] as List<*>?)?.let { want ->
            if (want.size != s.events.size) failures += "events ${Json.write(s.events)} != ${Json.write(want)}"
            else subset(want, s.events, "events", failures)
        }
        val expect = case["expect"].obj()
        result.fold(
            onSuccess = { value ->
                if ("value" in expect) subset(expect["value"], value, "value", failures)
                else failures += "expected an error, got ${Json.write(value)}"
                expect["response"]?.let { subset(it, s.response, "response", failures) }
            },
            onFailure = { e ->
                if (e !is ClienteleException) {
                    failures += "not a Clientele error: $e"
                } else if ("error" in expect) {
                    val shape = errorShape(e) + ("kind" to e.kind().name.lowercase())
                    subset(expect["error"], shape, "error", failures)
                    expect["valuesBefore"]?.let { subset(it, before, "valuesBefore", failures) }
                } else {
                    failures += "expected a value, got ${e.code} (${e.message})"
                }
            },
        )
    }

    // --- Bloc -------------------------------------------------------------------------------------

    private fun address(v: Any?) = v?.obj()?.let {
        Address(it["street"] as String, it["city"] as String, it["state"] as String, it["country"] as String, it["postalCode"] as String)
    }

    private fun query(v: Map<String, Any?>): CustomerListQuery = blocDefaultListQuery().let { d ->
        CustomerListQuery(
            page = (v["page"] as Long?)?.toUInt(),
            perPage = (v["perPage"] as Long?)?.toUInt(),
            pageParam = v["pageParam"] as String? ?: d.pageParam,
            perPageParam = v["perPageParam"] as String? ?: d.perPageParam,
        )
    }

    @TestFactory
    fun bloc(): List<DynamicTest> {
        val ctx = Fixtures.load("client/bloc.json")["context"].obj()
        return Fixtures.cases("client/bloc.json") { case, failures ->
            val s = Script(case, failures)
            val input = case["input"].obj()
            fun str(key: String) = input[key] as String
            val payload = input["payload"]?.obj().orEmpty()
            fun p(key: String) = payload[key] as String
            val streamed = mutableListOf<Any?>()
            BlocClient(
                ctx["secretKey"] as String, transport = s, baseUrl = ctx["baseUrl"] as String,
                options = options(case), appInfo = appInfo(case), onEvent = s.onEvent,
                clock = s.clock, random = s.jitter, sleeper = s,
            ).use { bloc ->
                val result = outcome(failures) {
                    // Every operation through its `...WithResponse` variant: the value and its metadata.
                    when (case["operation"]) {
                        "get_customer" -> customerJson(s.answer(bloc.getCustomerWithResponse(str("customerId"))))
                        "create_customer" -> customerJson(
                            s.answer(
                                bloc.createCustomerWithResponse(
                                    CustomerCreateRequest(p("email"), p("phoneNumber"), p("firstName"), p("lastName"), customerTypeFromWire(p("customerType")), p("bvn")),
                                ),
                            ),
                        )
                        "update_customer" -> customerJson(
                            s.answer(
                                bloc.updateCustomerWithResponse(
                                    str("customerId"),
                                    CustomerUpdateRequest(p("email"), p("phoneNumber"), p("firstName"), p("lastName"), customerTypeFromWire(p("customerType")), address(payload["address"])),
                                ),
                            ),
                        )
                        "kyc_tier1_upgrade" -> customerJson(
                            s.answer(
                                bloc.upgradeKycTier1WithResponse(
                                    str("customerId"),
                                    KycTier1Upgrade(p("placeOfBirth"), p("dob"), genderFromWire(p("gender")), p("country"), address(payload["address"])!!, p("image")),
                                ),
                            ),
                        )
                        // The client's stream of every customer, driven by the core's pager.
                        "customers" -> {
                            bloc.customers(query(input["query"].obj())).collect { streamed += it.id }
                            streamed.toList()
                        }
                        else -> throw AssertionError("no client method for ${case["operation"]}")
                    }
                }
                check(case, s, result, streamed, failures)
            }
        }
    }

    // --- OffBlocks --------------------------------------------------------------------------------

    private fun accessToken(v: Any?) = v.obj().let { AccessToken(it["token"] as String, Instant.parse(it["expiresAt"] as String), "Bearer") }

    @TestFactory
    fun offBlocks(): List<DynamicTest> {
        val ctx = Fixtures.load("client/offblocks.json")["context"].obj()
        val key = SigningKey.fromPem(Fixtures.text(ctx["privateKeyFile"] as String))
        return Fixtures.cases("client/offblocks.json") { case, failures ->
            val s = Script(case, failures)
            val provided = (case["providedTokens"] as List<*>?).orEmpty().map(::accessToken)
            var asked = 0
            val sourceJson = case["tokenSource"].obj()
            val initial = case["initialToken"]?.let(::accessToken)
            val source = when (sourceJson["source"]) {
                "credentials" -> sourceJson["credentials"].obj().let {
                    TokenSource.Credentials(ApiCredentials(it["apiKey"] as String, it["apiSecret"] as String))
                }
                "provider" -> TokenSource.Provider(initial) {
                    provided.getOrNull(asked++) ?: throw AssertionError("the provider was asked once too often")
                }
                "fixed" -> TokenSource.Fixed(sourceJson["token"] as String, (sourceJson["expiresAt"] as String?)?.let(Instant::parse))
                else -> throw AssertionError("unknown token source $sourceJson")
            }
            if (initial != null && source !is TokenSource.Provider) failures += "initialToken is for a provider"
            val input = case["input"].obj()
            fun str(k: String) = input[k] as String
            OffBlocksClient(
                baseUrl = ctx["baseUrl"] as String,
                signing = offblocksDefaultSigningConfig(ctx["keyId"] as String),
                tokenSource = source,
                signer = RequestSigner.withKey(key),
                transport = s, options = options(case), appInfo = appInfo(case), onEvent = s.onEvent,
                clock = s.clock, random = s.jitter, sleeper = s,
                newIdempotencyKey = { throw AssertionError("every case names its Idempotency-Key") },
            ).use { offblocks ->
                val result = outcome(failures) {
                    when (case["operation"]) {
                        "create_customer" -> input["input"].obj().let {
                            val create = OffBlocksCustomerCreate(it["chainId"] as String, it["externalId"] as String)
                            offBlocksCustomerJson(s.answer(offblocks.createCustomerWithResponse(create, str("idempotencyKey"))))
                        }
                        "get_customer" -> offBlocksCustomerJson(s.answer(offblocks.getCustomerWithResponse(str("customerId"))))
                        "deactivate_customer" ->
                            s.answer(offblocks.deactivateCustomerWithResponse(str("customerId"), str("idempotencyKey")))?.let(::offBlocksCustomerJson)
                        "access_token" -> offblocks.accessTokenWithResponse().let { (token, response) ->
                            s.response = response?.let(::infoJson)
                            mapOf("token" to token.token, "expiresAt" to token.expiresAt?.toString())
                        }
                        else -> throw AssertionError("no client method for ${case["operation"]}")
                    }
                }
                check(case, s, result, emptyList(), failures)
            }
            if (asked != provided.size) failures += "the provider was asked $asked times, expected ${provided.size}"
        }
    }
}

private fun HttpRequest.header(name: String): String? = headers.firstOrNull { it.name.equals(name, ignoreCase = true) }?.value

/** An event as the fixtures write it: `event` in snake_case, fields in camelCase, headers as a name -> value map. */
fun eventJson(e: Event): Map<String, Any?> = when (e) {
    is Event.RequestSent -> mapOf(
        "event" to "request_sent", "method" to e.method.name, "url" to e.url, "attempt" to e.attempt.toLong(),
        "purpose" to e.purpose.name.lowercase(), "headers" to e.headers.associate { it.name to it.value },
    )
    is Event.ResponseReceived -> mapOf(
        "event" to "response_received", "status" to e.status.toLong(), "requestId" to e.requestId,
        "elapsedMs" to e.elapsedMs.toLong(), "attempt" to e.attempt.toLong(),
    )
    is Event.RequestFailed -> mapOf(
        "event" to "request_failed", "failure" to e.failure.name.lowercase(), "elapsedMs" to e.elapsedMs.toLong(), "attempt" to e.attempt.toLong(),
    )
    is Event.RetryScheduled -> mapOf(
        "event" to "retry_scheduled", "waitMs" to e.waitMs.toLong(), "reason" to e.reason, "nextAttempt" to e.nextAttempt.toLong(),
    )
}

/** A response's metadata as `expect.response` writes it. */
fun infoJson(r: ResponseInfo): Map<String, Any?> =
    mapOf("status" to r.status.toLong(), "requestId" to r.requestId, "attempts" to r.attempts.toLong())
