package io.clientele

import io.clientele.core.Header
import io.clientele.core.HttpResponse

/**
 * What the final answer of a call was, beside its value: what the `...WithResponse` variant of
 * every operation returns (`getCustomerWithResponse`, ...). Quote [requestId] to the provider's
 * support.
 */
class ResponseInfo internal constructor(
    /** The status of the final answer. */
    val status: Int,
    /** Its headers, as received (`toString` masks their values as the core's `Debug` does). */
    val headers: List<Header>,
    /** The provider's id of the request, when it sent one (`X-Request-Id` and its variants, read by the core). */
    val requestId: String?,
    /** How many times the operation's request was sent: 1, plus its retries (a token request is not one). */
    val attempts: Int,
) {
    internal constructor(response: HttpResponse, attempts: UInt) :
        this(response.status.toInt(), response.headers, responseRequestId(response), attempts.toInt())

    /** The value of the header [name] (case-insensitive), its first if it repeats. */
    fun header(name: String): String? = headers.firstOrNull { it.name.equals(name, ignoreCase = true) }?.value

    override fun equals(other: Any?) = other is ResponseInfo && status == other.status && headers == other.headers &&
        requestId == other.requestId && attempts == other.attempts

    override fun hashCode() = listOf(status, headers, requestId, attempts).hashCode()

    override fun toString() = "ResponseInfo(status=$status, requestId=$requestId, attempts=$attempts, headers=$headers)"
}

/**
 * A call's value with its answer's metadata: `bloc.getCustomerWithResponse(id)` returns the same
 * customer as `getCustomer(id)`, and the status, headers, request id and attempts of the answer
 * it came from.
 *
 * ```
 * val (customer, response) = bloc.getCustomerWithResponse(id)
 * log.info("got ${customer.id} in ${response.attempts} attempts, request ${response.requestId}")
 * ```
 */
data class Response<out T>(
    /** The parsed value, as the operation without `WithResponse` returns it. */
    val value: T,
    /** The answer's metadata. */
    val response: ResponseInfo,
) {
    /** The status of the final answer. */
    val status: Int get() = response.status

    /** Its headers, as received. */
    val headers: List<Header> get() = response.headers

    /** The provider's id of the request, when it sent one. */
    val requestId: String? get() = response.requestId

    /** How many times the operation's request was sent. */
    val attempts: Int get() = response.attempts
}

/**
 * [OffBlocksClient.accessTokenWithResponse]: the session's token, and the answer of the token
 * request when one was sent (`null` when the session's token was still fresh, or when the app's
 * token provider gave it: nothing was sent).
 */
data class AccessTokenResponse(
    /** The session's token (its `toString` never shows the token). */
    val value: SessionToken,
    /** The answer of `POST /auth/token`, if one was sent. */
    val response: ResponseInfo?,
)
