package io.clientele

import io.clientele.core.EngineOptions
import io.clientele.core.Issue
import io.clientele.core.IssueCode
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import io.clientele.core.CallOptions as EngineCallOptions

/**
 * How a client times out, retries and refreshes: the same names, meanings and defaults as in
 * every Clientele host (milliseconds in JavaScript, `TimeInterval` in Swift, [Duration] here).
 * Every default is the core's ([clientDefaults]); the core's engine makes every decision with
 * these numbers (which answers are retried, how long to wait, when to refresh or re-sign).
 *
 * ```
 * BlocClient(secretKey, options = ClientOptions(timeout = 10.seconds, maxRetries = 1))
 * ```
 *
 * A value the engine cannot use (negative, too large, a fraction of the seconds it counts in)
 * fails with a [ClienteleException.Validation] whose code is `invalid_argument`.
 */
data class ClientOptions(
    /** Time limit of one attempt, from sending to the end of the answer's body; [Duration.INFINITE] for none. */
    val timeout: Duration = CoreDefaults.timeout,
    /** Retries after the first attempt; 0 disables retries. */
    val maxRetries: Int = CoreDefaults.maxRetries,
    /** The first backoff when the provider gives no `Retry-After` (doubled per retry, with jitter). */
    val baseDelay: Duration = CoreDefaults.baseDelay,
    /** The longest backoff. */
    val maxDelay: Duration = CoreDefaults.maxDelay,
    /** The longest `Retry-After` waited for; a longer one fails the call with the provider's error. */
    val maxRetryAfter: Duration = CoreDefaults.maxRetryAfter,
    /** An OffBlocks token is replaced this long before it expires (whole seconds). */
    val tokenRefreshMargin: Duration = CoreDefaults.tokenRefreshMargin,
    /** A retry whose signature is older than this is signed again (whole seconds). */
    val resignAfter: Duration = CoreDefaults.resignAfter,
) {
    /** The same options in the engine's units. */
    internal val engine: EngineOptions = EngineOptions(
        timeoutMs = timeoutMs("timeout", timeout),
        maxRetries = count("maxRetries", maxRetries),
        baseDelayMs = millis("baseDelay", baseDelay),
        maxDelayMs = millis("maxDelay", maxDelay),
        maxRetryAfterMs = millis("maxRetryAfter", maxRetryAfter),
        tokenRefreshMarginS = wholeSeconds("tokenRefreshMargin", tokenRefreshMargin),
        resignAfterS = wholeSeconds("resignAfter", resignAfter),
    )

    /** The engine's options for one call: these, with the call's overrides (merged by the core). */
    internal fun forCall(call: CallOptions): EngineOptions = clientOptionsWith(engine, call.engine)
}

/**
 * Overrides of [ClientOptions] for one call (`null`: the client's value).
 *
 * ```
 * bloc.getCustomer(id, CallOptions(timeout = 5.seconds, maxRetries = 0))
 * ```
 */
data class CallOptions(
    /** Overrides [ClientOptions.timeout]. */
    val timeout: Duration? = null,
    /** Overrides [ClientOptions.maxRetries]. */
    val maxRetries: Int? = null,
) {
    internal val engine: EngineCallOptions = EngineCallOptions(
        timeoutMs = timeout?.let { timeoutMs("timeout", it) },
        maxRetries = maxRetries?.let { count("maxRetries", it) },
    )
}

/** The core's defaults in Kotlin's units, read once from the core ([clientDefaults]). */
internal object CoreDefaults {
    private val core = clientDefaults()
    private val client = core.client

    val timeout: Duration = if (client.timeoutMs == 0u) Duration.INFINITE else client.timeoutMs.toLong().milliseconds
    val maxRetries: Int = client.maxRetries.toInt()
    val baseDelay: Duration = client.baseDelayMs.toLong().milliseconds
    val maxDelay: Duration = client.maxDelayMs.toLong().milliseconds
    val maxRetryAfter: Duration = client.maxRetryAfterMs.toLong().milliseconds
    val tokenRefreshMargin: Duration = client.tokenRefreshMarginS.toLong().seconds
    val resignAfter: Duration = client.resignAfterS.toLong().seconds
    val webhookMaxAge: Duration = core.webhookMaxAgeS.toLong().seconds
    val webhookDedupeCapacity: UInt = core.webhookDedupeCapacity
}

// --- conversions to the engine's units: refused, never clamped ---------------------------------

private val largest: Long = UInt.MAX_VALUE.toLong()

/** A time limit: [Duration.INFINITE] is the engine's 0 ("none"); otherwise at least a millisecond. */
private fun timeoutMs(name: String, value: Duration): UInt = when {
    value == Duration.INFINITE -> 0u
    value.isPositive() && value.inWholeMilliseconds in 1..largest -> value.inWholeMilliseconds.toUInt()
    else -> throw invalidArgument(name, "`$name` must be at least a millisecond and at most ${largest.milliseconds}, or Duration.INFINITE for no limit")
}

private fun millis(name: String, value: Duration): UInt =
    if (!value.isNegative() && value.isFinite() && value.inWholeMilliseconds <= largest) {
        value.inWholeMilliseconds.toUInt()
    } else {
        throw invalidArgument(name, "`$name` must be between zero and ${largest.milliseconds}")
    }

internal fun wholeSeconds(name: String, value: Duration): UInt =
    if (!value.isNegative() && value.isFinite() && value.inWholeSeconds <= largest && value.inWholeSeconds.seconds == value) {
        value.inWholeSeconds.toUInt()
    } else {
        throw invalidArgument(name, "`$name` must be whole seconds, between zero and ${largest.seconds}")
    }

private fun count(name: String, value: Int): UInt =
    if (value >= 0) value.toUInt() else throw invalidArgument(name, "`$name` must not be negative")

/** An argument the core cannot take: `invalid_argument`, shaped like the core's validation errors. */
internal fun invalidArgument(name: String, message: String): ClienteleException =
    hostError("invalid_argument", message, issues = listOf(Issue(name, IssueCode.INVALID_FORMAT, message)))
