package io.clientele

import io.clientele.core.BlocWebhookEvent
import io.clientele.core.Delivery
import io.clientele.core.Header
import io.clientele.core.HttpRequest
import io.clientele.core.Method
import io.clientele.core.OffBlocksWebhookEvent
import java.time.Clock
import kotlin.time.Duration

/**
 * Verifies Bloc webhook deliveries: `X-Bloc-Webhook` is an HMAC of the RAW body, so pass the
 * bytes exactly as received, never a re-serialised JSON object.
 */
class BlocWebhooks(private val secret: String) {
    /** Verifies the signature in [headers] against [rawBody], then parses the event. */
    fun receive(rawBody: ByteArray, headers: List<Header>): BlocWebhookEvent {
        return verifyBlocWebhook(rawBody, headers, secret)
    }

    /** The same, for servers that give headers as a map (Servlet, Ktor, Spring). */
    fun receive(rawBody: ByteArray, headers: Map<String, List<String>>): BlocWebhookEvent =
        receive(rawBody, headers.flatMap { (name, values) -> values.map { Header(name, it) } })
}

/**
 * Receives OffBlocks webhook deliveries, which may repeat and arrive out of order: each one is
 * parsed and classified as new, duplicate or stale by the core's deduplicator. When OffBlocks
 * gives you a public key, deliveries must also carry a valid RFC 9421 signature, no older than
 * [maxAge]. The defaults ([capacity] event ids remembered, [maxAge]) are the core's.
 *
 * The deduplicator lives in memory: to keep it across a restart (or hand it to the next
 * instance), store [save]'s text and make the next receiver with [restore].
 */
class OffBlocksWebhooks private constructor(
    private val publicKey: VerifyingKey?,
    maxAge: Duration,
    private val clock: Clock,
    private val deduplicator: OffBlocksWebhookDeduplicator,
) : AutoCloseable {
    /**
     * A receiver verifying deliveries with [publicKey] (none: deliveries are parsed and
     * classified, not verified), remembering the last [capacity] event ids.
     */
    constructor(
        publicKey: VerifyingKey? = null,
        capacity: UInt = CoreDefaults.webhookDedupeCapacity,
        /** The oldest signature accepted (whole seconds). */
        maxAge: Duration = CoreDefaults.webhookMaxAge,
        clock: Clock = Clock.systemUTC(),
    ) : this(publicKey, checkedMaxAge(maxAge), clock, OffBlocksWebhookDeduplicator(capacity))

    private val maxAgeSeconds: UInt = wholeSeconds("maxAge", maxAge)

    /**
     * A parsed delivery and what to do with it (process only [Delivery.NEW]).
     *
     * @property event the delivery, parsed.
     * @property delivery new, or a duplicate or stale delivery to acknowledge and skip.
     */
    data class Received(val event: OffBlocksWebhookEvent, val delivery: Delivery)

    /**
     * Verifies (when a key is set: [url] and [headers] are then required), parses and classifies
     * a delivery from its RAW body.
     */
    fun receive(rawBody: ByteArray, url: String = "", headers: List<Header> = emptyList()): Received {
        if (publicKey != null) {
            val delivery = HttpRequest(Method.POST, url, headers, rawBody)
            verifyOffBlocksWebhookSignature(delivery, publicKey, clock.instant(), maxAgeSeconds)
        }
        val event = parseOffBlocksWebhook(rawBody)
        return Received(event, deduplicator.observe(event))
    }

    /**
     * The deduplicator's state as text (JSON: its capacity, the event ids it remembers and the
     * latest `updatedAt` per customer id), for [restore]. No delivery's content.
     */
    fun save(): String = deduplicator.save()

    /** Frees the native deduplicator. */
    override fun close() = deduplicator.close()

    /** [restore]: a receiver from a saved state. */
    companion object {
        /**
         * A receiver that remembers what the one that [save]d [state] had seen. A state that is
         * not [save]'s text fails with a [ClienteleException.Validation] whose code is
         * `invalid_argument` (the core's check).
         */
        fun restore(
            state: String,
            publicKey: VerifyingKey? = null,
            maxAge: Duration = CoreDefaults.webhookMaxAge,
            clock: Clock = Clock.systemUTC(),
        ): OffBlocksWebhooks = OffBlocksWebhooks(publicKey, checkedMaxAge(maxAge), clock, OffBlocksWebhookDeduplicator.restore(state))

        /** [maxAge] when it is whole seconds (else `invalid_argument`), checked before a deduplicator is made. */
        private fun checkedMaxAge(maxAge: Duration): Duration = maxAge.also { wholeSeconds("maxAge", it) }
    }
}
