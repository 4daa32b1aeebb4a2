package io.clientele

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
