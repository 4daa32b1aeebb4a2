package io.clientele

import io.clientele.core.HttpRequest
import io.clientele.core.HttpResponse
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.io.IOException
import java.io.InterruptedIOException
import java.time.Clock
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toKotlinDuration

/**
 * When to send a request again. Only errors the core marks retryable (429, an in-flight
 * idempotent request, 5xx on idempotent operations) and transport failures of retry-safe
 * requests are retried, and always with the SAME request: same Idempotency-Key, same body bytes,
 * same signature. `Retry-After` is honoured; a wait longer than [maxRetryAfter] is not waited
 * for: the error is thrown instead.
 */
data class RetryPolicy(
    /** Attempts in total, the first included (1 disables retries). */
    val maxAttempts: Int = 3,
    /** The wait before the first retry when the provider gives no `Retry-After`; doubled each time. */
    val initialBackoff: Duration = 500.milliseconds,
    /** The longest backoff between two attempts. */
    val maxBackoff: Duration = 10.seconds,
    /** The longest `Retry-After` the client waits for. */
    val maxRetryAfter: Duration = 60.seconds,
) {
    companion object {
        /** Every request is sent once. */
        val NONE = RetryPolicy(maxAttempts = 1)
    }
}

/** Sends built requests through a [Transport], maps transport failures, retries as [RetryPolicy] says. */
internal class Exchanger(
    private val transport: Transport,
    private val retry: RetryPolicy,
    private val timeout: Duration,
    private val clock: Clock,
) {
    /** Sends [request] (again, unchanged, while retries are allowed) and parses the answer. */
    suspend fun <T> exchange(request: HttpRequest, parse: (HttpResponse) -> T): T {
        var attempt = 1
        while (true) {
            val error = try {
                return parse(sendOnce(request))
            } catch (e: ClienteleException) {
                e
            }
            val wait = if (attempt < retry.maxAttempts && error.isRetryable()) waitBefore(error, attempt) else null
            if (wait == null) throw error
            delay(wait)
            attempt++
        }
    }

    private suspend fun sendOnce(request: HttpRequest): HttpResponse {
        val what = "${request.method.name} ${request.url}"
        try {
            // The transport enforces the timeout; this is the backstop for one that does not.
            return withTimeout(timeout + 1.seconds) { transport.send(request, timeout) }
        } catch (e: TimeoutCancellationException) {
            throw timedOut(what, request)
        } catch (e: InterruptedIOException) {
            throw timedOut(what, request)
        } catch (e: IOException) {
            throw ClienteleException.Transport(
                code = "transport_failed",
                message = "$what could not be sent: ${e.message ?: e.javaClass.simpleName}",
                timedOut = false,
                retryable = requestIsRetrySafe(request),
            )
        }
    }

    private fun timedOut(what: String, request: HttpRequest) = ClienteleException.Transport(
        code = "timeout",
        message = "$what: no answer within $timeout",
        timedOut = true,
        retryable = requestIsRetrySafe(request),
    )

    private fun waitBefore(error: ClienteleException, attempt: Int): Duration? {
        if (error is ClienteleException.Api) {
            val told = error.retryAfterSeconds?.let { it.toLong().seconds }
                ?: error.retryAt?.let { java.time.Duration.between(clock.instant(), it).toKotlinDuration() }
            if (told != null) {
                return if (told > retry.maxRetryAfter) null else told.coerceAtLeast(Duration.ZERO)
            }
        }
        val backoff = retry.initialBackoff * (1 shl (attempt - 1).coerceAtMost(20))
        return backoff.coerceAtMost(retry.maxBackoff)
    }
}
