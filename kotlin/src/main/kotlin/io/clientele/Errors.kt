package io.clientele

import io.clientele.core.ErrorKind

/**
 * The stable machine code of any Clientele error: `validation_failed`, `unauthorized`,
 * `not_found`, `rate_limited`, `server_error`, `decode_failed`, `timeout`, ...
 * (`ClienteleException.message` is the readable sentence; it never contains secrets.)
 */
val ClienteleException.code: String
    get() = when (val e = this) {
        is ClienteleException.Validation -> e.code
        is ClienteleException.Api -> e.code
        is ClienteleException.Decode -> e.code
        is ClienteleException.Credentials -> e.code
        is ClienteleException.Config -> e.code
        is ClienteleException.Webhook -> e.code
        is ClienteleException.Signature -> e.code
        is ClienteleException.Challenge -> e.code
        is ClienteleException.Transport -> e.code
        is ClienteleException.Other -> e.code
    }

/** The field issues of a validation error (empty for every other error). */
val ClienteleException.issues: List<io.clientele.core.Issue>
    get() = (this as? ClienteleException.Validation)?.issues ?: emptyList()

/**
 * An error the host layer raises itself (the signer or the token provider failed, an argument the
 * core cannot take), in the family its code belongs to in the core's one vocabulary
 * ([errorCodes]). Kotlin never invents a code: one the core lacks fails loudly here.
 */
internal fun hostError(
    code: String,
    message: String,
    issues: List<io.clientele.core.Issue> = emptyList(),
    cause: Throwable? = null,
): ClienteleException {
    val error = when (errorKindOfCode(code)) {
        ErrorKind.VALIDATION -> ClienteleException.Validation(code, message, issues)
        ErrorKind.CREDENTIALS -> ClienteleException.Credentials(code, message)
        ErrorKind.CONFIG -> ClienteleException.Config(code, message)
        ErrorKind.SIGNATURE -> ClienteleException.Signature(code, message)
        ErrorKind.INTERNAL -> ClienteleException.Other(code, message)
        ErrorKind.API, ErrorKind.DECODE, ErrorKind.WEBHOOK, ErrorKind.CHALLENGE, ErrorKind.TRANSPORT, null ->
            throw IllegalStateException("`$code` is not an error the Kotlin host may raise")
    }
    return error.withCause(cause)
}

/** Attaches [cause] (what the host saw: the transport's or the callback's exception) for debugging. */
internal fun ClienteleException.withCause(cause: Throwable?): ClienteleException {
    if (cause != null && this.cause == null && cause !== this) runCatching { initCause(cause) }
    return this
}
